"""Read-only FHIR R4 views of referrals (``application/fhir+json``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep, StoreDep
from api.responses import problems
from api.security import PrincipalDep
from referral_graph.domain.errors import NotFound
from referral_graph.interop import fhir_service
from referral_graph.security.model import Principal
from referral_graph.security.policy import Access
from referral_graph.services.access import seen_case, seen_referral

router = APIRouter(prefix="/fhir", tags=["fhir"])


def _visible(store: StoreDep, principal: Principal, ident: str) -> None:
    """404 unless the principal may see the referral in full or as its handoff (the FHIR
    view carries the free-text reason, so never the pseudonymous view)."""
    seen = seen_referral(store, principal, fhir_service.referral_id(store, ident))
    if seen.access is Access.PSEUDONYMOUS:
        raise NotFound("referral", ident)


FhirId = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class FhirJSONResponse(JSONResponse):
    """FHIR resources leave as ``application/fhir+json``."""

    media_type = "application/fhir+json"


@router.get("/Task/{task_id}", response_class=FhirJSONResponse, responses=problems(404))
def read_task(store: StoreDep, principal: PrincipalDep, task_id: str) -> FhirJSONResponse:
    """The Task of a referral: its status one to one, owner, timings and ``partOf``."""
    _visible(store, principal, task_id)
    return FhirJSONResponse(fhir_service.task(store, task_id))


@router.get(
    "/ServiceRequest/{request_id}", response_class=FhirJSONResponse, responses=problems(404)
)
def read_service_request(
    store: StoreDep, principal: PrincipalDep, request_id: str
) -> FhirJSONResponse:
    """The ServiceRequest of a referral: the service asked for, by whom, of whom."""
    _visible(store, principal, request_id)
    return FhirJSONResponse(fhir_service.service_request(store, request_id))


@router.get("/Bundle", response_class=FhirJSONResponse, responses=problems(404))
def case_bundle(
    runtime: RuntimeDep, principal: PrincipalDep, request: Request, case: FhirId
) -> FhirJSONResponse:
    """A ``collection`` Bundle of one case: nameless Patient, Organizations, and each
    referral's ServiceRequest and Task (for the case's own CCWC)."""
    seen = seen_case(runtime.store, principal, fhir_service.case_id(runtime.store, case))
    if seen.access is not Access.FULL:
        raise NotFound("case", case)
    base = str(request.url_for("read_task", task_id="x")).rsplit("/Task/", 1)[0]
    bundle = fhir_service.case_bundle(runtime.store, case, at=runtime.now(), base=base)
    return FhirJSONResponse(bundle)

"""Read-only FHIR R4 views of referrals (``application/fhir+json``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep, StoreDep
from api.responses import problems
from referral_graph.interop import fhir_service

router = APIRouter(prefix="/fhir", tags=["fhir"])

FhirId = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class FhirJSONResponse(JSONResponse):
    """FHIR resources leave as ``application/fhir+json``."""

    media_type = "application/fhir+json"


@router.get("/Task/{task_id}", response_class=FhirJSONResponse, responses=problems(404))
def read_task(store: StoreDep, task_id: str) -> FhirJSONResponse:
    """The Task of a referral: its status one to one, owner, timings and ``partOf``."""
    return FhirJSONResponse(fhir_service.task(store, task_id))


@router.get(
    "/ServiceRequest/{request_id}", response_class=FhirJSONResponse, responses=problems(404)
)
def read_service_request(store: StoreDep, request_id: str) -> FhirJSONResponse:
    """The ServiceRequest of a referral: the service asked for, by whom, of whom."""
    return FhirJSONResponse(fhir_service.service_request(store, request_id))


@router.get("/Bundle", response_class=FhirJSONResponse, responses=problems(404))
def case_bundle(runtime: RuntimeDep, request: Request, case: FhirId) -> FhirJSONResponse:
    """A ``collection`` Bundle of one case: nameless Patient, Organizations, and each
    referral's ServiceRequest and Task."""
    base = str(request.url_for("read_task", task_id="x")).rsplit("/Task/", 1)[0]
    bundle = fhir_service.case_bundle(runtime.store, case, at=runtime.now(), base=base)
    return FhirJSONResponse(bundle)

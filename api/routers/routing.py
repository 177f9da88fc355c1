"""Recommendations for a case, and coverage of an area."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import PageDep, RuntimeDep, quickly
from api.responses import problems
from api.schemas import Envelope
from api.security import PrincipalDep
from referral_graph.domain.errors import NotFound
from referral_graph.domain.models import Case, Referral
from referral_graph.domain.vocabulary import Gender, Service
from referral_graph.routing.coverage import CommuneCoverage
from referral_graph.routing.recommend import Recommendations
from referral_graph.security.policy import Access, case_access, coordinator_area
from referral_graph.services.routing import holder
from referral_graph.store.port import ServiceGap, Transaction

router = APIRouter(prefix="/api/v1", tags=["routing"])

AreaCode = Annotated[
    str,
    Query(pattern=r"^\d{2}(\d{2}){0,2}$", description="Province, district or commune code."),
]


@router.get(
    "/cases/{case_id}/recommendations",
    response_model=Recommendations,
    responses=problems(404),
)
async def recommendations(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    case_id: str,
    service: Service | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> Response:
    """The next providers for the case from whoever holds it now, ranked, with reasons.

    Answered with the model's own JSON encoder, skipping FastAPI's second validation of
    the response.
    """

    def check(tx: Transaction, case: Case, referrals: list[Referral]) -> None:
        # Only the case's CCWC and its current holder: neither needs the providers the
        # supervisor rule reads, so none are loaded.
        access = case_access(principal, case, referrals, {})
        if access is None or (
            access is not Access.FULL and holder(case, referrals) != principal.provider_id
        ):
            raise NotFound("case", case_id)

    result = await quickly(
        runtime.store,
        runtime.routing.recommend,
        case_id,
        runtime.now(),
        service=service,
        limit=limit,
        check=check,
    )
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/coverage", responses=problems())
def coverage(
    runtime: RuntimeDep,
    area: AreaCode,
    service: Annotated[list[Service] | None, Query(max_length=len(Service))] = None,
    age: Annotated[int | None, Query(ge=0, le=24)] = None,
    gender: Gender | None = None,
) -> list[CommuneCoverage]:
    """Per commune of the area and per service: reached in person, by phone, or not at all."""
    from referral_graph.domain.areas import gazetteer

    gazetteer().area(area)  # unknown codes answer 422
    services = service or sorted(Service)
    return runtime.routing.coverage(area, services, age=age, gender=gender, now=runtime.now())


@router.get("/coverage/gaps", responses=problems())
def recorded_gaps(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, area: AreaCode
) -> Envelope[ServiceGap]:
    """Gaps met while routing real cases in the area, newest first."""
    coordinator_area(principal, area)
    runtime.write_behind.flush()  # gaps found in the last few milliseconds too
    listing = runtime.store.read(lambda tx: tx.service_gaps(area, page))
    return Envelope.of(listing, page)

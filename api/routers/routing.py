"""Recommendations for a case, coverage of an area, and the gaps met while routing."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import CallerDep, PageDep, ReaderDep, RuntimeDep, quickly
from api.responses import problems
from api.schemas import Envelope
from referral_graph.domain.records import ServiceGap
from referral_graph.domain.vocabulary import Gender, Language, Service
from referral_graph.routing.coverage import CommuneCoverage
from referral_graph.routing.recommend import Recommendations
from referral_graph.services import routing

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
    caller: ReaderDep,
    case_id: str,
    service: Service | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    explain: Annotated[
        Literal["all"] | None,
        Query(
            description="'all': also list every provider of the child's area or district "
            "left out (``excluded``), with the first hard rule that left it out (a code in "
            "``rule``, every rule it breaks in ``rules``, the reason in English and Khmer)."
        ),
    ] = None,
) -> Response:
    """The next providers for the case from whoever holds it now, ranked, with reasons
    (for the case's CCWC and its current holder). Each reason carries its points (the
    score is their sum); options at the same score say what ranked one above the other
    (``tie_break``) or that they are equivalent (``equivalent_to``).

    Answered on the event loop when it can be (see ``quickly``), with the model's own
    JSON encoder, skipping FastAPI's second validation of the response.
    """
    result = await quickly(
        caller.store,
        routing.recommendations,
        caller,
        runtime.routing,
        case_id,
        service=service,
        limit=limit,
        explain=explain == "all",
    )
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/coverage", responses=problems())
def coverage(
    runtime: RuntimeDep,
    caller: CallerDep,
    area: AreaCode,
    service: Annotated[list[Service] | None, Query(max_length=len(Service))] = None,
    age: Annotated[int | None, Query(ge=0, le=24)] = None,
    gender: Gender | None = None,
    language: Annotated[
        Language | None, Query(description="The child's language (ISO 639-3): who speaks it.")
    ] = None,
    in_programme: Annotated[
        bool | None,
        Query(description="true: only communes inside the programme's areas; false: outside."),
    ] = None,
) -> list[CommuneCoverage]:
    """Per commune of the area and per service for children (clinical supervision is
    not one): reached in person, by phone, or not at all, for a child of the given age,
    gender and language (each filter alone or together); ``gap`` when no suitable mode
    reaches the child; ``in_programme`` marks communes inside the programme's areas."""
    return routing.coverage(
        caller,
        runtime.routing,
        area,
        service,
        age=age,
        gender=gender,
        language=language,
        in_programme=in_programme,
    )


@router.get("/coverage/gaps", responses=problems())
def recorded_gaps(
    runtime: RuntimeDep, caller: CallerDep, page: PageDep, area: AreaCode
) -> Envelope[ServiceGap]:
    """Gaps met while routing real cases in the area, newest first."""
    runtime.write_behind.flush()  # gaps found in the last few milliseconds too
    return Envelope.of(routing.recorded_gaps(caller, area, page), page)

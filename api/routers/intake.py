"""Intake: whoever identifies a child (a VHSG, a school, a health centre, the helpline)
sends it to the commune's CCWC, which accepts it as a case or declines it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import AwareDatetime

from api.deps import CallerDep, PageDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.schemas import Envelope
from referral_graph.domain.identification import Identification, IdentificationStatus
from referral_graph.domain.models import Case
from referral_graph.services import identifications, intake_decisions
from referral_graph.services.identifications import IdentificationRequest
from referral_graph.services.intake_decisions import (
    IdentificationAcceptance,
    IdentificationDecline,
)

router = APIRouter(prefix="/api/v1/identifications", tags=["intake"])

AreaCode = Annotated[
    str | None, Query(pattern=r"^\d{2}(\d{2}){0,3}$", description="Child's area, any level.")
]


@router.post(
    "", status_code=status.HTTP_201_CREATED, responses=problems(), dependencies=[IdempotencyDep]
)
def register(caller: CallerDep, body: IdentificationRequest) -> Identification:
    """Send an identification (no name) to the CCWC serving the child's village, through
    your agreed pathway to it when there is one. 422 when there is nobody to send it to."""
    return identifications.register(caller, body)


@router.get("", responses=problems(403))
def list_identifications(
    caller: CallerDep,
    page: PageDep,
    status: IdentificationStatus | None = None,
    area: AreaCode = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
) -> Envelope[Identification]:
    """Newest first: those your provider sent or received; a coordinator's in their
    area (without free text)."""
    listing = identifications.list_identifications(
        caller, page, status=status, area=area, since=since, until=until
    )
    return Envelope.of(listing, page)


@router.get("/{identification_id}", responses=problems(404))
def open_identification(caller: CallerDep, identification_id: str) -> Identification:
    """The identification; the receiving CCWC's first opening is its acknowledgement."""
    return identifications.open_identification(caller, identification_id).identification


@router.post(
    "/{identification_id}/accept",
    status_code=status.HTTP_201_CREATED,
    responses=problems(403, 404, 409),
    dependencies=[IdempotencyDep],
)
def accept(caller: CallerDep, identification_id: str, body: IdentificationAcceptance) -> Case:
    """Open a case from it (the CCWC it was sent to); the case keeps who identified the
    child and the source."""
    return intake_decisions.accept(caller, identification_id, body)


@router.post(
    "/{identification_id}/decline",
    responses=problems(403, 404, 409),
    dependencies=[IdempotencyDep],
)
def decline(
    caller: CallerDep, identification_id: str, body: IdentificationDecline
) -> Identification:
    """Decline it with a reason code ('other' needs a note)."""
    return intake_decisions.decline(caller, identification_id, body)

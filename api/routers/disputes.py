"""A receiver disputes a step someone else recorded on its behalf."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import CallerDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from referral_graph.domain.models import CaseEvent
from referral_graph.services import relays
from referral_graph.services.relays import StepDispute

router = APIRouter(prefix="/api/v1/referrals", tags=["referrals"])


@router.post(
    "/{referral_id}/disputes",
    status_code=status.HTTP_201_CREATED,
    responses=problems(403, 404, 409),
    dependencies=[IdempotencyDep],
)
def dispute_step(caller: CallerDep, referral_id: str, body: StepDispute) -> CaseEvent:
    """Say that a step recorded on your behalf (relayed) is not right: an event on the
    case's timeline that the relayer and coordinators see."""
    return relays.dispute_step(caller, referral_id, body)

"""Referrals: handoffs of a case, and their lifecycle."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import CallerDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from referral_graph.domain.models import Referral
from referral_graph.services import referrals
from referral_graph.services.referrals import ReferralRequest, ReferralWithEvents, Step

router = APIRouter(prefix="/api/v1/referrals", tags=["referrals"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problems(404, 409),
    dependencies=[IdempotencyDep],
)
def make_referral(caller: CallerDep, body: ReferralRequest) -> Referral:
    """Refer a case to the next provider, on behalf of your own provider (the case needs
    recorded consent)."""
    return referrals.make_referral(caller, body)


@router.get("/{referral_id}", responses=problems(404))
def get_referral(caller: CallerDep, referral_id: str) -> ReferralWithEvents:
    """The referral and its events (coordinators see them without free text)."""
    return referrals.get_referral(caller, referral_id)


@router.post(
    "/{referral_id}/transitions", responses=problems(403, 404, 409), dependencies=[IdempotencyDep]
)
def move_referral(caller: CallerDep, referral_id: str, body: Step) -> ReferralWithEvents:
    """Move the referral to its next status: received (acknowledge), accepted, rejected
    (reason), in_progress (first contact), on_hold, completed (outcome), failed (reason)
    — by the receiving provider; cancelled (reason) — by the sender or a coordinator."""
    return referrals.move_referral(caller, referral_id, body)

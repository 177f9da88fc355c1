"""Referrals: handoffs of a case, and their lifecycle."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import ActorDep, RuntimeDep, StoreDep
from api.responses import problems
from referral_graph.domain.models import Referral
from referral_graph.services import referrals
from referral_graph.services.referrals import ReferralRequest, ReferralWithEvents, Step

router = APIRouter(prefix="/api/v1/referrals", tags=["referrals"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=problems(409))
def make_referral(runtime: RuntimeDep, actor: ActorDep, body: ReferralRequest) -> Referral:
    """Refer a case to the next provider (the case needs recorded consent)."""
    return referrals.make_referral(runtime.store, runtime.now(), body, actor=actor)


@router.get("/{referral_id}", responses=problems(404))
def get_referral(store: StoreDep, referral_id: str) -> ReferralWithEvents:
    return referrals.get_referral(store, referral_id)


@router.post("/{referral_id}/transitions", responses=problems(404, 409))
def move_referral(
    runtime: RuntimeDep, actor: ActorDep, referral_id: str, body: Step
) -> ReferralWithEvents:
    """Move the referral to its next status: received (acknowledge), accepted, rejected
    (reason), in_progress (first contact), on_hold, completed (outcome), failed (reason),
    cancelled (reason)."""
    return referrals.move_referral(runtime.store, runtime.now(), referral_id, body, actor=actor)

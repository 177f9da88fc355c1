"""Referrals: handoffs of a case, and their lifecycle."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import ActorDep, RuntimeDep, StoreDep
from api.guard import seen_case, seen_referral
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.security import PrincipalDep
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.models import Referral
from referral_graph.security.policy import (
    Access,
    may_act_for,
    party_of,
    redact_events,
    redact_referral,
)
from referral_graph.services import referrals
from referral_graph.services.referrals import ReferralRequest, ReferralWithEvents, Step

router = APIRouter(prefix="/api/v1/referrals", tags=["referrals"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problems(404, 409),
    dependencies=[IdempotencyDep],
)
def make_referral(
    runtime: RuntimeDep,
    store: StoreDep,
    principal: PrincipalDep,
    actor: ActorDep,
    body: ReferralRequest,
) -> Referral:
    """Refer a case to the next provider, on behalf of your own provider (the case needs
    recorded consent)."""
    if not may_act_for(principal, body.from_provider_id):
        raise InvalidInput(
            "You can refer only on behalf of your own provider.", field="from_provider_id"
        )
    seen_case(store, principal, body.case_id)  # 404 unless the case is yours to see
    return referrals.make_referral(store, runtime.now(), body, actor=actor)


@router.get("/{referral_id}", responses=problems(404))
def get_referral(store: StoreDep, principal: PrincipalDep, referral_id: str) -> ReferralWithEvents:
    """The referral and its events (coordinators see them without free text)."""
    seen = seen_referral(store, principal, referral_id)
    full = referrals.get_referral(store, referral_id)
    if seen.access is Access.PSEUDONYMOUS:
        return ReferralWithEvents(
            referral=redact_referral(full.referral), events=redact_events(full.events)
        )
    return full


@router.post(
    "/{referral_id}/transitions", responses=problems(403, 404, 409), dependencies=[IdempotencyDep]
)
def move_referral(
    runtime: RuntimeDep,
    store: StoreDep,
    principal: PrincipalDep,
    actor: ActorDep,
    referral_id: str,
    body: Step,
) -> ReferralWithEvents:
    """Move the referral to its next status: received (acknowledge), accepted, rejected
    (reason), in_progress (first contact), on_hold, completed (outcome), failed (reason)
    — by the receiving provider; cancelled (reason) — by the sender or a coordinator."""
    seen = seen_referral(store, principal, referral_id)
    party = party_of(principal, seen.referral, seen.case)
    return referrals.move_referral(
        store, runtime.now(), referral_id, body, actor=actor, party=party
    )

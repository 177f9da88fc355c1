"""Cases: opened by a CCWC with consent, known only by a pseudonymous code."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import ActorDep, RuntimeDep, StoreDep
from api.guard import seen_case
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.schemas import CaseHandoffView, CasePath, HopOut
from api.security import PrincipalDep
from referral_graph.domain.errors import InvalidInput, NotFound
from referral_graph.domain.models import Case, Consent
from referral_graph.domain.paths import build_path
from referral_graph.security.policy import Access, may_act_for
from referral_graph.services import cases
from referral_graph.services.cases import CaseOpening

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.post(
    "", status_code=status.HTTP_201_CREATED, responses=problems(409), dependencies=[IdempotencyDep]
)
def open_case(
    runtime: RuntimeDep,
    store: StoreDep,
    principal: PrincipalDep,
    actor: ActorDep,
    body: CaseOpening,
) -> Case:
    """Open a case for your CCWC (record consent now or before the first referral)."""
    if not may_act_for(principal, body.opened_by_provider_id):
        raise InvalidInput(
            "You can open cases only for your own CCWC.", field="opened_by_provider_id"
        )
    return cases.open_case(store, runtime.now(), body, opened_by=actor)


@router.get("/{case_id}", responses=problems(404))
def get_case(store: StoreDep, principal: PrincipalDep, case_id: str) -> Case | CaseHandoffView:
    """The case in full for its CCWC; for providers, supervisors and coordinators only
    what a handoff needs."""
    seen = seen_case(store, principal, case_id)
    if seen.access is Access.FULL:
        return seen.case
    return CaseHandoffView.of(seen.case, with_contact=seen.access is Access.HANDOFF)


@router.put("/{case_id}/consent", responses=problems(404, 409), dependencies=[IdempotencyDep])
def record_consent(store: StoreDep, principal: PrincipalDep, case_id: str, body: Consent) -> Case:
    """Record who consented to referral, and when."""
    if seen_case(store, principal, case_id).access is not Access.FULL:
        raise NotFound("case", case_id)
    return cases.record_consent(store, case_id, body)


@router.post("/{case_id}/close", responses=problems(404, 409), dependencies=[IdempotencyDep])
def close_case(runtime: RuntimeDep, store: StoreDep, principal: PrincipalDep, case_id: str) -> Case:
    """Close the case once all its referrals are closed (retention counts from here)."""
    if seen_case(store, principal, case_id).access is not Access.FULL:
        raise NotFound("case", case_id)
    return cases.close_case(store, runtime.now(), case_id)


@router.get("/{case_id}/path", responses=problems(404))
def case_path(store: StoreDep, principal: PrincipalDep, case_id: str) -> CasePath:
    """The case's referrals in path order, with the seconds each step of each hop took
    (a provider sees only its own hops)."""
    seen = seen_case(store, principal, case_id)
    return CasePath(case_id=case_id, hops=[HopOut.of(h) for h in build_path(seen.referrals)])

"""Cases: opened by a CCWC with consent, known only by a pseudonymous code."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import CallerDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.schemas import CaseHandoffView, CasePath, HopOut
from referral_graph.domain.models import Case, Consent
from referral_graph.security.policy import Access, sees_contact
from referral_graph.services import cases, referrals
from referral_graph.services.cases import CaseOpening

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.post(
    "", status_code=status.HTTP_201_CREATED, responses=problems(409), dependencies=[IdempotencyDep]
)
def open_case(caller: CallerDep, body: CaseOpening) -> Case:
    """Open a case for your CCWC (record consent now or before the first referral)."""
    return cases.open_case(caller, body)


@router.get("/{case_id}", responses=problems(404))
def get_case(caller: CallerDep, case_id: str) -> Case | CaseHandoffView:
    """The case in full for its CCWC; for providers, supervisors and coordinators only
    what a handoff needs."""
    seen = cases.see_case(caller, case_id)
    if seen.access is Access.FULL:
        return seen.case
    contact = sees_contact(caller.principal, seen.case, seen.referrals)
    return CaseHandoffView.of(seen.case, with_contact=contact)


@router.put("/{case_id}/consent", responses=problems(404, 409), dependencies=[IdempotencyDep])
def record_consent(caller: CallerDep, case_id: str, body: Consent) -> Case:
    """Record who consented to referral, and when."""
    return cases.record_consent(caller, case_id, body)


@router.post("/{case_id}/close", responses=problems(404, 409), dependencies=[IdempotencyDep])
def close_case(caller: CallerDep, case_id: str) -> Case:
    """Close the case once all its referrals are closed (retention counts from here)."""
    return cases.close_case(caller, case_id)


@router.get("/{case_id}/path", responses=problems(404))
def case_path(caller: CallerDep, case_id: str) -> CasePath:
    """The case's referrals in path order, with the seconds each step of each hop took
    (a provider sees only its own hops)."""
    return CasePath(
        case_id=case_id, hops=[HopOut.of(h) for h in referrals.case_path(caller, case_id)]
    )

"""Cases: opened by a CCWC with consent, known only by a pseudonymous code; their risk,
needs, follow-ups, closing and reopening; one timeline of everything that happened."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import CallerDep, ReaderDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.schemas import CaseHandoffView, CasePath, HopOut
from referral_graph.domain.models import Case, Consent
from referral_graph.security.policy import Access, sees_contact
from referral_graph.services import case_life, cases, referrals, timeline
from referral_graph.services.case_life import (
    CaseChange,
    CaseClosing,
    CaseReopening,
    FollowUpMade,
    FollowUpPlan,
)
from referral_graph.services.cases import CaseOpening
from referral_graph.services.timeline import Timeline

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


@router.patch("/{case_id}", responses=problems(404, 409), dependencies=[IdempotencyDep])
def change_case(caller: CallerDep, case_id: str, body: CaseChange) -> Case:
    """Change the case's risk level or needs (its own CCWC); each change is an event on
    its timeline. When the risk rises, every open referral of the case gets the sooner
    deadlines of the new level (counted from now) and its next alert with them. Taking a
    need off needs a set_aside_reason (422 naming it); a need with an open referral
    cannot be taken off (409)."""
    return case_life.change_case(caller, case_id, body)


@router.put("/{case_id}/follow-up", responses=problems(404, 409), dependencies=[IdempotencyDep])
def plan_follow_up(caller: CallerDep, case_id: str, body: FollowUpPlan) -> Case:
    """Plan the case's next follow-up (or cancel it with null): from that day on it is
    in the CCWC's queue. A day in the past is refused (422 naming follow_up_on)."""
    return case_life.plan_follow_up(caller, case_id, body)


@router.post("/{case_id}/follow-ups", responses=problems(404, 409), dependencies=[IdempotencyDep])
def record_follow_up(caller: CallerDep, case_id: str, body: FollowUpMade) -> Case:
    """Record a follow-up made: how the child is, and when to check again (if at all)."""
    return case_life.record_follow_up(caller, case_id, body)


@router.post("/{case_id}/close", responses=problems(404, 409), dependencies=[IdempotencyDep])
def close_case(caller: CallerDep, case_id: str, body: CaseClosing) -> Case:
    """Close the case with a coded reason (GET /api/v1/reason-codes) and an outcome.
    Refused with 409 while a referral of it is open, and while a need is neither met
    (a referral for it completed) nor waiting (one open) — the problem lists them in
    ``unmet_needs`` — unless ``override`` says why it is closed anyway. Retention
    counts from the closing."""
    return case_life.close_case(caller, case_id, body)


@router.post("/{case_id}/reopen", responses=problems(404, 409), dependencies=[IdempotencyDep])
def reopen_case(caller: CallerDep, case_id: str, body: CaseReopening) -> Case:
    """Open a closed case again, saying why."""
    return case_life.reopen_case(caller, case_id, body)


@router.get("/{case_id}/timeline", responses=problems(404))
def case_timeline(caller: ReaderDep, case_id: str) -> Timeline:
    """Everything that happened to the case, oldest first: its own events and every
    step of the referrals you may see, who recorded each and when it happened (free
    text only to those who may see it)."""
    return timeline.case_timeline(caller, case_id)


@router.get("/{case_id}/path", responses=problems(404))
def case_path(caller: CallerDep, case_id: str) -> CasePath:
    """The case's referrals in path order, with the seconds each step of each hop took
    (a provider sees only its own hops)."""
    return CasePath(
        case_id=case_id, hops=[HopOut.of(h) for h in referrals.case_path(caller, case_id)]
    )

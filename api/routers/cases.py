"""Cases: opened by a CCWC with consent, known only by a pseudonymous code."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import ActorDep, RuntimeDep, StoreDep
from api.responses import problems
from api.schemas import CasePath, HopOut
from referral_graph.domain.models import Case, Consent
from referral_graph.services import cases, referrals
from referral_graph.services.cases import CaseOpening

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=problems(409))
def open_case(runtime: RuntimeDep, actor: ActorDep, body: CaseOpening) -> Case:
    return cases.open_case(runtime.store, runtime.now(), body, opened_by=actor)


@router.get("/{case_id}", responses=problems(404))
def get_case(store: StoreDep, case_id: str) -> Case:
    return cases.get_case(store, case_id)


@router.put("/{case_id}/consent", responses=problems(404, 409))
def record_consent(store: StoreDep, case_id: str, body: Consent) -> Case:
    """Record who consented to referral, and when."""
    return cases.record_consent(store, case_id, body)


@router.get("/{case_id}/path", responses=problems(404))
def case_path(store: StoreDep, case_id: str) -> CasePath:
    """The case's referrals in path order, with the seconds each step of each hop took."""
    hops = referrals.case_path(store, case_id)
    return CasePath(case_id=case_id, hops=[HopOut.of(h) for h in hops])

"""Builders and a thread race for the contract suite (models made by hand, not services)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from threading import Barrier
from typing import Any, TypeVar

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Referral, ReferralEvent
from referral_graph.domain.vocabulary import Gender, RiskLevel, Service
from tests.factories import T0, VILLAGE, consent

T = TypeVar("T")
S = ReferralStatus


def case(ident: str = "case-1", code: str | None = None, **extra: Any) -> Case:
    fields: dict[str, Any] = {
        "id": ident,
        "code": code or f"KH1701-{ident.upper()}",
        "age": 15,
        "gender": Gender.FEMALE,
        "risk": RiskLevel.HIGH,
        "needs": {Service.COUNSELLING},
        "village_code": VILLAGE,
        "consent": consent(),
        "opened_by_provider_id": "ccwc-a",
        "opened_by": "ccwc-focal-1",
        "opened_at": T0,
    }
    fields.update(extra)
    return Case.model_validate(fields)


def referral(
    ident: str,
    *,
    case_id: str = "case-1",
    sender: str = "ccwc-a",
    receiver: str = "hc-a",
    at: datetime = T0,
    **extra: Any,
) -> Referral:
    fields: dict[str, Any] = {
        "id": ident,
        "case_id": case_id,
        "from_provider_id": sender,
        "to_provider_id": receiver,
        "service": Service.MEDICAL_CARE,
        "reason": "Needs a medical check.",
        "risk": RiskLevel.HIGH,
        "created_by": "tester",
        "created_at": at,
        "updated_at": at,
        "step_times": {S.REQUESTED: at},
    }
    fields.update(extra)
    return Referral.model_validate(fields)


def created(r: Referral) -> ReferralEvent:
    """The event that goes with ``add_referral``."""
    return ReferralEvent(
        id=f"evt-{r.id}-1",
        referral_id=r.id,
        sequence=1,
        at=r.created_at,
        actor="tester",
        from_status=None,
        to_status=S.REQUESTED,
    )


def moved(
    r: Referral, to: ReferralStatus, at: datetime | None = None, *, tag: str = ""
) -> tuple[Referral, ReferralEvent]:
    """The referral after one step, and its event (what ``save_referral`` takes)."""
    when = at or r.updated_at + timedelta(minutes=5)
    version = r.version + 1
    updated = r.model_copy(
        update={
            "status": to,
            "updated_at": when,
            "version": version,
            "step_times": {**r.step_times, to: when},
        }
    )
    event = ReferralEvent(
        id=f"evt-{r.id}-{version}{tag}",
        referral_id=r.id,
        sequence=version,
        at=when,
        actor="tester",
        from_status=r.status,
        to_status=to,
    )
    return updated, event


def race(n: int, action: Callable[[int], T]) -> list[T | Exception]:
    """Run ``action(0)`` … ``action(n - 1)`` on ``n`` threads released at once."""
    barrier = Barrier(n)

    def run(i: int) -> T | Exception:
        barrier.wait(timeout=30)
        try:
            return action(i)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))

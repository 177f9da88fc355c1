"""Builders, small writers and a thread race for the contract suite (models made by hand,
not services)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from threading import Barrier
from typing import Any, TypeVar

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Referral, ReferralEvent
from referral_graph.domain.vocabulary import Gender, RiskLevel, Service
from referral_graph.security.model import AccessRecord
from referral_graph.store.port import Page, PathwayQuery, ProviderQuery, Store
from tests.factories import T0, VILLAGE, consent

T = TypeVar("T")
S = ReferralStatus
HOUR = timedelta(hours=1)
THREADS = 8


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


def access(
    ident: str,
    *,
    at: datetime = T0,
    user_id: str = "u-1",
    object_id: str | None = "case-1",
    **extra: Any,
) -> AccessRecord:
    fields: dict[str, Any] = {
        "id": ident,
        "at": at,
        "user_id": user_id,
        "username": f"name-{user_id}",
        "role": "ccwc",
        "action": "read",
        "method": "GET",
        "path": f"/cases/{object_id}",
        "object_id": object_id,
        "client": "10.0.0.1",
    }
    fields.update(extra)
    return AccessRecord(**fields)


def add(store: Store, r: Referral) -> Referral:
    store.write(lambda tx: tx.add_referral(r, created(r)))
    return r


def save(store: Store, r: Referral, to: S, at_hours: float) -> Referral:
    updated, event = moved(r, to, r.created_at + at_hours * HOUR)
    store.write(lambda tx: tx.save_referral(updated, r.version, event))
    return updated


def successes(results: Sequence[object]) -> list[object]:
    return [r for r in results if not isinstance(r, Exception)]


# --- directory readers -------------------------------------------------------------

ALL = ["ccwc-a", "closed-hc", "girls-only", "hc-a", "helpline", "tpo-a"]


def ids(store: Store, page: Page | None = None, **filters: object) -> list[str]:
    query = ProviderQuery(**filters)  # type: ignore[arg-type]
    listing = store.read(lambda tx: tx.list_providers(query, page or Page(limit=100)))
    return [p.id for p in listing.items]


def version(store: Store) -> int:
    return store.read(lambda tx: tx.directory_version())


def pathway_ids(store: Store, page: Page | None = None, **filters: object) -> list[str]:
    query = PathwayQuery(**filters)  # type: ignore[arg-type]
    listing = store.read(lambda tx: tx.list_pathways(query, page or Page()))
    return [w.id for w in listing.items]

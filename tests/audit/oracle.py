"""The audit's figures recomputed from the event log, without HopFact or the audit code.

For each referral: when each status was first entered (its events' ``at``), the
deadlines it was made with (``Referral.due``), the case's village and opening time.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from referral_graph.domain.models import Case, Referral, ReferralEvent
from referral_graph.store.port import Store, Transaction

CLOSED = {"completed", "rejected", "failed", "cancelled"}
PROFESSIONAL = {
    "counselling",
    "phone_counselling",
    "medical_care",
    "post_rape_care",
    "psychiatric_care",
}
LOCAL = ZoneInfo("Asia/Phnom_Penh")


@dataclass
class Logged:
    referral: Referral
    case: Case
    entered: dict[str, datetime]  # status → first time entered
    status: str
    closed_at: datetime | None

    @property
    def made(self) -> datetime:
        return self.entered["requested"]


def logged(store: Store, referral_ids: Iterable[str]) -> list[Logged]:
    out = []
    for rid in referral_ids:

        def read(tx: Transaction, rid: str = rid) -> tuple[list[ReferralEvent], Referral, Case]:
            referral = tx.get_referral(rid)
            assert referral is not None
            case = tx.get_case(referral.case_id)
            assert case is not None
            return tx.referral_events(rid), referral, case

        events, referral, case = store.read(read)
        entered: dict[str, datetime] = {}
        for e in sorted(events, key=lambda e: e.sequence):
            entered.setdefault(e.to_status.value, e.at)
        last = max(events, key=lambda e: e.sequence)
        closed = last.at if last.to_status.value in CLOSED else None
        out.append(Logged(referral, case, entered, last.to_status.value, closed))
    return out


def step_outcome(x: Logged, step: str, now: datetime) -> tuple[float | None, bool | None] | None:
    """(hours, within) for one step, or None when it says nothing yet."""
    ends = {
        "acknowledge": ["received"],
        "decide": ["accepted", "rejected"],
        "first_contact": ["in_progress"],
    }[step]
    end = min((x.entered[s] for s in ends if s in x.entered), default=None)
    assert x.referral.due is not None
    due = getattr(x.referral.due, step)
    if end is not None:
        return (end - x.made).total_seconds() / 3600, end <= due
    if step == "first_contact" and "rejected" in x.entered:
        return None
    if (x.closed_at or now) > due:
        return None, False
    return None


def p90(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def step_figures(items: list[Logged], step: str, now: datetime) -> dict[str, object]:
    outcomes = [o for x in items if (o := step_outcome(x, step, now)) is not None]
    taken = [h for h, _ in outcomes if h is not None]
    assessed = [w for _, w in outcomes if w is not None]
    missed = sum(1 for h, w in outcomes if h is None and w is False)
    return {
        "n": len(taken),
        "median_hours": statistics.median(taken) if taken else None,
        "p90_hours": p90(taken),
        "assessed": len(assessed),
        "within": sum(assessed),
        "late": len(assessed) - sum(assessed) - missed,
        "missed": missed,
        "past_deadline": len(assessed) - sum(assessed),
        "share_within": sum(assessed) / len(assessed) if assessed else None,
    }


KEYS: dict[str, Callable[[Logged], str]] = {
    "provider": lambda x: x.referral.to_provider_id,
    "edge": lambda x: f"{x.referral.from_provider_id} → {x.referral.to_provider_id}",
    "district": lambda x: x.case.village_code[:4],
    "province": lambda x: x.case.village_code[:2],
    "commune": lambda x: x.case.village_code[:6],
    "month": lambda x: x.made.astimezone(LOCAL).strftime("%Y-%m"),
}


def grouped(items: list[Logged], by: str) -> dict[str, list[Logged]]:
    groups: dict[str, list[Logged]] = defaultdict(list)
    for x in items:
        groups[KEYS[by](x)].append(x)
    return dict(groups)


def first_contact_hours(
    items: list[Logged], since: datetime, until: datetime, professional: bool
) -> tuple[int, list[float]]:
    """Cases opened in [since, until): how many, and hours to their first contact."""
    opened = {x.case.id: x.case.opened_at for x in items if since <= x.case.opened_at < until}
    first: dict[str, datetime] = {}
    for x in items:
        start = x.entered.get("in_progress")
        if x.case.id not in opened or start is None:
            continue
        if professional and x.referral.service.value not in PROFESSIONAL:
            continue
        if x.case.id not in first or start < first[x.case.id]:
            first[x.case.id] = start
    return len(opened), [(first[c] - opened[c]).total_seconds() / 3600 for c in first]

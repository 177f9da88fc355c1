"""The measures a Primero or OSCaR user looks for, and the end-to-end time to help.

Two populations, both pseudonymous:

* **referrals made in the period** — completed, declined, cancelled, failed and open
  shares, referrals per case, closure rate, and how often the sender chose the top
  recommendation (``recommendation_rank == 1`` among referrals that cite a rank);
* **cases opened in the period** that were referred at least once (a cohort, followed
  through every referral known; a case never referred has no hop facts) —
  time from opening the case to the first service of any kind (the first referral put
  ``in_progress``) and to the first *professional* contact (the first one whose service
  is in :data:`~referral_graph.domain.vocabulary.PROFESSIONAL_SERVICES`).

A case is closed here when every referral of it is closed (completed, declined, failed
or cancelled).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.period import Period
from referral_graph.audit.stats import Durations, share
from referral_graph.domain.lifecycle import CLOSED_STATUSES, ReferralStatus
from referral_graph.domain.records import HopFact
from referral_graph.domain.vocabulary import PROFESSIONAL_SERVICES

_CLOSED = frozenset(s.value for s in CLOSED_STATUSES)
_PROFESSIONAL = frozenset(s.value for s in PROFESSIONAL_SERVICES)


class TimeToHelp(BaseModel):
    """Hours from opening a case to a first contact, over a cohort of cases."""

    model_config = ConfigDict(frozen=True)

    cases: int
    reached: int
    not_reached: int
    durations: Durations


class Measures(BaseModel):
    model_config = ConfigDict(frozen=True)

    referrals: int
    completed: int
    declined: int
    cancelled: int
    failed: int
    open: int
    completed_share: float | None
    declined_share: float | None
    cases: int
    referrals_per_case: float | None
    closed_cases: int
    closure_rate: float | None
    with_recommendation: int
    followed_top_recommendation: int
    top_recommendation_share: float | None
    cohort_cases: int
    time_to_first_service: TimeToHelp
    time_to_first_professional_contact: TimeToHelp


def time_to_help(
    facts: Sequence[HopFact], period: Period, *, professional_only: bool
) -> TimeToHelp:
    """Hours from case opening to its earliest ``in_progress`` referral, for cases opened
    in ``period``; ``facts`` should hold every referral of those cases."""
    opened: dict[str, datetime] = {}
    first: dict[str, datetime] = {}
    for f in facts:
        if f.case_opened_at not in period:
            continue
        opened[f.case_id] = f.case_opened_at
        if f.in_progress_at is None or (professional_only and f.service not in _PROFESSIONAL):
            continue
        seen = first.get(f.case_id)
        if seen is None or f.in_progress_at < seen:
            first[f.case_id] = f.in_progress_at
    taken = [(first[c] - opened[c]).total_seconds() / 3600 for c in first]
    return TimeToHelp(
        cases=len(opened),
        reached=len(first),
        not_reached=len(opened) - len(first),
        durations=Durations.of(taken),
    )


def _status_count(facts: Sequence[HopFact], status: ReferralStatus) -> int:
    return sum(f.status == status.value for f in facts)


def network_measures(facts: Sequence[HopFact], period: Period) -> Measures:
    """Measures over referrals made in ``period`` and cases opened in it; ``facts`` may
    reach beyond the period (later referrals of the same cases)."""
    made = [f for f in facts if f.created_at in period]
    every_referral: dict[str, list[HopFact]] = defaultdict(list)
    for f in facts:
        every_referral[f.case_id].append(f)
    cases = {f.case_id for f in made}
    closed_cases = sum(all(r.status in _CLOSED for r in every_referral[c]) for c in cases)
    ranked = [f for f in made if f.recommendation_rank is not None]
    top = sum(f.recommendation_rank == 1 for f in ranked)
    completed = _status_count(made, ReferralStatus.COMPLETED)
    declined = _status_count(made, ReferralStatus.REJECTED)
    first_service = time_to_help(facts, period, professional_only=False)
    return Measures(
        referrals=len(made),
        completed=completed,
        declined=declined,
        cancelled=_status_count(made, ReferralStatus.CANCELLED),
        failed=_status_count(made, ReferralStatus.FAILED),
        open=sum(f.status not in _CLOSED for f in made),
        completed_share=share(completed, len(made)),
        declined_share=share(declined, len(made)),
        cases=len(cases),
        referrals_per_case=None if not cases else round(len(made) / len(cases), 4),
        closed_cases=closed_cases,
        closure_rate=share(closed_cases, len(cases)),
        with_recommendation=len(ranked),
        followed_top_recommendation=top,
        top_recommendation_share=share(top, len(ranked)),
        cohort_cases=first_service.cases,
        time_to_first_service=first_service,
        time_to_first_professional_contact=time_to_help(facts, period, professional_only=True),
    )

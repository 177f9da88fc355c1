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

A case is closed here when the case itself is closed (its closure record, by its own
CCWC) — not when its referrals happen to be: a child whose every referral was declined
is a child still waiting, not a closed case. Counts and the figures over them follow the
small-cell rule (:mod:`referral_graph.audit.cells`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.cells import Count, enough, share_of, small
from referral_graph.audit.period import Period
from referral_graph.audit.stats import Durations
from referral_graph.domain.lifecycle import CLOSED_STATUSES, ReferralStatus
from referral_graph.domain.records import HopFact
from referral_graph.domain.vocabulary import PROFESSIONAL_SERVICES

_CLOSED = frozenset(s.value for s in CLOSED_STATUSES)
_PROFESSIONAL = frozenset(s.value for s in PROFESSIONAL_SERVICES)


class TimeToHelp(BaseModel):
    """Hours from opening a case to a first contact, over a cohort of cases."""

    model_config = ConfigDict(frozen=True)

    cases: Count
    reached: Count
    not_reached: Count
    durations: Durations


class Measures(BaseModel):
    """Referrals made in the period and the cases they are for. ``closed_cases``: of
    those cases, how many the CCWC has closed (by the case's closure record)."""

    model_config = ConfigDict(frozen=True)

    referrals: Count
    completed: Count
    declined: Count
    cancelled: Count
    failed: Count
    open: Count
    completed_share: float | None
    declined_share: float | None
    cases: Count
    referrals_per_case: float | None
    closed_cases: Count
    closure_rate: float | None
    with_recommendation: Count
    followed_top_recommendation: Count
    top_recommendation_share: float | None
    cohort_cases: Count
    time_to_first_service: TimeToHelp
    time_to_first_professional_contact: TimeToHelp


def time_to_help(
    facts: Sequence[HopFact], period: Period, *, professional_only: bool, min_cell: int = 0
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
        cases=small(len(opened), min_cell),
        reached=small(len(first), min_cell),
        not_reached=small(len(opened) - len(first), min_cell),
        durations=Durations.of(taken, min_cell),
    )


def _status_count(facts: Sequence[HopFact], status: ReferralStatus) -> int:
    return sum(f.status == status.value for f in facts)


def closed_cases(facts: Sequence[HopFact]) -> set[str]:
    """The cases among ``facts`` whose own closure record closed them."""
    return {f.case_id for f in facts if f.case_closed_at is not None}


def network_measures(facts: Sequence[HopFact], period: Period, min_cell: int = 0) -> Measures:
    """Measures over referrals made in ``period`` and cases opened in it; ``facts`` may
    reach beyond the period (later referrals of the same cases)."""
    made = [f for f in facts if f.created_at in period]
    cases = {f.case_id for f in made}
    closed = len(closed_cases(made))
    ranked = [f for f in made if f.recommendation_rank is not None]
    top = sum(f.recommendation_rank == 1 for f in ranked)
    completed = _status_count(made, ReferralStatus.COMPLETED)
    declined = _status_count(made, ReferralStatus.REJECTED)
    first_service = time_to_help(facts, period, professional_only=False, min_cell=min_cell)
    per_case = None if not cases or not enough(len(cases), min_cell) else len(made) / len(cases)

    def n(value: int) -> int | str:
        return small(value, min_cell)

    return Measures(
        referrals=n(len(made)),
        completed=n(completed),
        declined=n(declined),
        cancelled=n(_status_count(made, ReferralStatus.CANCELLED)),
        failed=n(_status_count(made, ReferralStatus.FAILED)),
        open=n(sum(f.status not in _CLOSED for f in made)),
        completed_share=share_of(completed, len(made), min_cell),
        declined_share=share_of(declined, len(made), min_cell),
        cases=n(len(cases)),
        referrals_per_case=None if per_case is None else round(per_case, 4),
        closed_cases=n(closed),
        closure_rate=share_of(closed, len(cases), min_cell),
        with_recommendation=n(len(ranked)),
        followed_top_recommendation=n(top),
        top_recommendation_share=share_of(top, len(ranked), min_cell),
        cohort_cases=first_service.cases,
        time_to_first_service=first_service,
        time_to_first_professional_contact=time_to_help(
            facts, period, professional_only=True, min_cell=min_cell
        ),
    )

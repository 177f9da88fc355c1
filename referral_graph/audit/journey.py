"""How long a referral takes to reach each step, told so that the figures can be
compared with one another.

:mod:`~referral_graph.audit.delays` gives each step's median over the handoffs that took
that step, which is right for a deadline but wrong for a picture of the three steps side
by side: the referrals that have reached first contact are not those that have only been
acknowledged, so "first contact" can show a shorter median than "acknowledge" (two
fast referrals started, ten slow ones still waiting). Here every step's median is taken
over **one** set of referrals — those whose first contact was made — each step measured
from the moment of referral. For every referral acknowledge ≤ decide ≤ first contact,
and the k-th smallest of pointwise-ordered values keeps that order, so the medians
never contradict one another. The share within the deadline stays what
:class:`~referral_graph.audit.delays.StepStats` says, over every handoff with a known
answer, since a deadline concerns every handoff, not only those that got through.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.delays import STEPS, step_delays
from referral_graph.audit.stats import Durations
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import Window


class Journey(BaseModel):
    """The steps of a group of referrals, from the moment each was made."""

    model_config = ConfigDict(frozen=True)

    key: str
    referrals: int
    #: Referrals whose first contact was made: the set every median is taken over.
    reached: int
    median_hours: dict[Window, float | None]
    #: Per step, the share of handoffs with a known answer that met their deadline.
    share_within: dict[Window, float | None]


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 3600


def journey(key: str, facts: Sequence[HopFact], now: datetime) -> Journey:
    """The medians of ``facts`` that reached first contact, and every step's share
    within the deadline over all of ``facts``."""
    reached = [f for f in facts if f.in_progress_at is not None]
    ends: dict[Window, Callable[[HopFact], datetime | None]] = {
        Window.ACKNOWLEDGE: lambda f: f.received_at,
        Window.DECIDE: lambda f: f.accepted_at or f.rejected_at,
        Window.FIRST_CONTACT: lambda f: f.in_progress_at,
    }
    medians: dict[Window, float | None] = {}
    for step in STEPS:
        taken = [h for f in reached if (h := _hours(f.created_at, ends[step](f))) is not None]
        medians[step] = Durations.of(taken).median_hours
    stats = step_delays(facts, now)
    return Journey(
        key=key,
        referrals=len(facts),
        reached=len(reached),
        median_hours=medians,
        share_within={step: stats[step].share_within for step in STEPS},
    )


def journeys_by_receiver(facts: Sequence[HopFact], now: datetime) -> list[Journey]:
    """One journey per receiving provider, those with most referrals first."""
    grouped: dict[str, list[HopFact]] = defaultdict(list)
    for f in facts:
        grouped[f.to_provider_id].append(f)
    order = sorted(grouped, key=lambda k: (-len(grouped[k]), k))
    return [journey(k, grouped[k], now) for k in order]

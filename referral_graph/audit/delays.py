"""Per-hop delays: how long each handoff took to be acknowledged, decided and started,
against the deadline it was made with.

Every window runs from the moment the referral was made (as the deadlines do):

==============  ======================================  ===================
step            ends when the referral first entered    deadline
==============  ======================================  ===================
acknowledge     ``received``                            ``acknowledge_due``
decide          ``accepted`` or ``rejected``            ``decide_due``
first_contact   ``in_progress``                         ``first_contact_due``
==============  ======================================  ===================

A step that happened gives a duration, and is *within* its deadline when it happened at
or before it. A step that has not happened counts as *missed* (late, with no duration)
once the referral waited past the deadline for it — still open now, or closed
(cancelled, failed) after the deadline. A declined referral expects no first contact.
Medians and 90th percentiles are over the steps that happened; the share within
deadline is over those with a known answer: ``within / (happened with a deadline +
missed)``. *Past deadline* is every step with a known answer that did not make it:
``late`` (it happened, after its deadline) plus ``missed`` — the one figure a page and a
CSV both print. Counts and the figures over them follow the small-cell rule
(:mod:`referral_graph.audit.cells`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.cells import Count, share_of, small
from referral_graph.audit.groups import GroupBy, Label, ProviderNames, keyer, label_of
from referral_graph.audit.period import REPORT_TZ
from referral_graph.audit.stats import Durations
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import Window

STEPS: tuple[Window, ...] = (Window.ACKNOWLEDGE, Window.DECIDE, Window.FIRST_CONTACT)


class Outcome(NamedTuple):
    """One step of one handoff: hours taken (None if it has not happened) and whether it
    met its deadline (None when unknown: no deadline)."""

    hours: float | None
    within: bool | None


def step_end(fact: HopFact, step: Window) -> datetime | None:
    """When the step happened, if it did."""
    if step is Window.ACKNOWLEDGE:
        return fact.received_at
    if step is Window.DECIDE:
        return fact.accepted_at or fact.rejected_at
    return fact.in_progress_at


def step_due(fact: HopFact, step: Window) -> datetime | None:
    if step is Window.ACKNOWLEDGE:
        return fact.acknowledge_due
    if step is Window.DECIDE:
        return fact.decide_due
    return fact.first_contact_due


def _timed(
    created: datetime, end: datetime | None, due: datetime | None, stop: datetime
) -> Outcome | None:
    if end is not None:
        return Outcome((end - created).total_seconds() / 3600, None if due is None else end <= due)
    if due is not None and stop > due:
        return MISSED
    return None


MISSED = Outcome(None, False)


def outcome(fact: HopFact, step: Window, now: datetime) -> Outcome | None:
    """The step's outcome, or None when it has nothing to say yet (still in time, or not
    expected)."""
    return measure(fact, now)[STEPS.index(step)]


class StepStats(BaseModel):
    """Delays of one step over many handoffs: ``n`` steps that happened (hours over
    them), ``assessed`` with a known answer, ``within`` their deadline, ``late`` (after
    it), ``missed`` (never happened, deadline passed), ``past_deadline`` = late +
    missed."""

    model_config = ConfigDict(frozen=True)

    n: Count
    median_hours: float | None
    p90_hours: float | None
    assessed: Count
    within: Count
    late: Count
    missed: Count
    past_deadline: Count
    share_within: float | None

    @classmethod
    def of(cls, outcomes: Iterable[Outcome], min_cell: int = 0) -> StepStats:
        taken: list[float] = []
        assessed = within = missed = 0
        for o in outcomes:
            if o.hours is not None:
                taken.append(o.hours)
            if o.within is not None:
                assessed += 1
                within += o.within
                missed += o.hours is None
        d = Durations.of(taken, min_cell)
        past = assessed - within
        return cls(
            n=d.n,
            median_hours=d.median_hours,
            p90_hours=d.p90_hours,
            assessed=small(assessed, min_cell),
            within=small(within, min_cell),
            late=small(past - missed, min_cell),
            missed=small(missed, min_cell),
            past_deadline=small(past, min_cell),
            share_within=share_of(within, assessed, min_cell),
        )


Measured = tuple[Outcome | None, ...]


def measure(fact: HopFact, now: datetime) -> Measured:
    """The outcome of every step, in :data:`STEPS` order (the audit's inner loop: one
    call per handoff, no dispatch)."""
    created, stop = fact.created_at, fact.closed_at or now
    decided = fact.accepted_at or fact.rejected_at
    declined = fact.in_progress_at is None and fact.rejected_at is not None
    return (
        _timed(created, fact.received_at, fact.acknowledge_due, stop),
        _timed(created, decided, fact.decide_due, stop),
        None if declined else _timed(created, fact.in_progress_at, fact.first_contact_due, stop),
    )


def steps_of(measured: Sequence[Measured], min_cell: int = 0) -> dict[Window, StepStats]:
    """Per step, the statistics over many measured handoffs."""
    per_step: list[list[Outcome]] = [[] for _ in STEPS]
    for m in measured:
        for i, o in enumerate(m):
            if o is not None:
                per_step[i].append(o)
    return {step: StepStats.of(per_step[i], min_cell) for i, step in enumerate(STEPS)}


def step_delays(
    facts: Sequence[HopFact], now: datetime, min_cell: int = 0
) -> dict[Window, StepStats]:
    """Per-step statistics over all ``facts``."""
    return steps_of([measure(f, now) for f in facts], min_cell)


class DelayGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    label: Label
    referrals: int
    steps: dict[Window, StepStats]


class DelayTable(BaseModel):
    """Per-step delays per group: providers and edges largest first, areas and months in
    code order. Groups with fewer than
    ``min_cell`` referrals are left out and counted in ``suppressed_groups``."""

    model_config = ConfigDict(frozen=True)

    group_by: GroupBy
    groups: list[DelayGroup]
    suppressed_groups: int
    min_cell: int


def delay_table(
    facts: Sequence[HopFact],
    by: GroupBy,
    now: datetime,
    names: ProviderNames,
    *,
    min_cell: int = 0,
    tz: str = REPORT_TZ,
    measured: Sequence[Measured] | None = None,
) -> DelayTable:
    """Per-step delays of ``facts`` grouped ``by`` provider, edge, area or month;
    ``measured`` (``measure`` of each fact, in order) saves measuring twice."""
    key_of = keyer(by, tz)
    if measured is None:
        measured = [measure(f, now) for f in facts]
    grouped: dict[str, list[Measured]] = defaultdict(list)
    for f, m in zip(facts, measured, strict=True):
        grouped[key_of(f)].append(m)
    kept = {k: v for k, v in grouped.items() if len(v) >= min_cell}
    by_size = by in (GroupBy.PROVIDER, GroupBy.EDGE)
    order = sorted(kept, key=lambda k: (-len(kept[k]), k)) if by_size else sorted(kept)
    groups = [
        DelayGroup(
            key=k,
            label=label_of(by, k, names),
            referrals=len(kept[k]),
            steps=steps_of(kept[k], min_cell),
        )
        for k in order
    ]
    return DelayTable(
        group_by=by,
        groups=groups,
        suppressed_groups=len(grouped) - len(kept),
        min_cell=min_cell,
    )

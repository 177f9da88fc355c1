"""Use cases of the audit: read hop facts through the store, hand them to the pure
functions of :mod:`referral_graph.audit`, validate what callers ask for.

Each figure reads the facts it needs in one read transaction:

* delays, bottlenecks, declines — referrals made in ``[since, until)``;
* loops — also the :data:`LOOKBACK` before, so that chains begun earlier are whole;
* measures — also the :data:`FOLLOW_UP` after, so that cases opened in the period are
  followed through their later referrals (time to first professional contact).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.delays import DelayTable, StepStats, delay_table, measure, steps_of
from referral_graph.audit.groups import GroupBy, Label, ProviderNames
from referral_graph.audit.measures import Measures, TimeToHelp, network_measures, time_to_help
from referral_graph.audit.patterns import Bottleneck, Declines, Loops, bottlenecks, declines, loops
from referral_graph.audit.period import REPORT_TZ, Period, as_utc, month_period
from referral_graph.audit.report import MonthlyReport, build_report, local_days, read_awareness
from referral_graph.domain.areas import check_report_area
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.sla import Window
from referral_graph.domain.training import AwarenessSession
from referral_graph.store.port import DueQuery, HistoryQuery, HopFact, Page, Store, Transaction

LOOKBACK = timedelta(days=92)
FOLLOW_UP = timedelta(days=92)
DEFAULT_SPAN = timedelta(days=90)


class Scope(BaseModel):
    """What a figure covers: referrals for children in ``area`` made in the period."""

    model_config = ConfigDict(frozen=True)

    area: str | None
    since: datetime
    until: datetime
    generated_at: datetime


class DelayReport(Scope):
    overall: dict[Window, StepStats]
    table: DelayTable
    time_to_first_professional_contact: TimeToHelp


class BottleneckReport(Scope):
    providers: list[Bottleneck]


class LoopReport(Scope):
    loops: Loops


class DeclineReport(Scope):
    declines: Declines


class MeasureReport(Scope):
    measures: Measures


# --- validation ----------------------------------------------------------------------
def resolve_period(
    since: datetime | None, until: datetime | None, now: datetime, tz: str = REPORT_TZ
) -> Period:
    """``[since, until)`` in UTC; ``until`` defaults to now and ``since`` to 90 days
    before it; a time without a zone is local time in ``tz``."""
    end = now if until is None else as_utc(until, tz)
    start = end - DEFAULT_SPAN if since is None else as_utc(since, tz)
    if not start < end:
        raise InvalidInput("since must be before until.", field="until")
    return Period(start, end)


# --- reading -------------------------------------------------------------------------
def _facts(tx: Transaction, area: str | None, period: Period) -> list[HopFact]:
    return tx.hop_facts(HistoryQuery(since=period.since, until=period.until, area=area))


def provider_names(tx: Transaction, facts: Sequence[HopFact]) -> ProviderNames:
    ids = {f.to_provider_id for f in facts} | {f.from_provider_id for f in facts}
    return {
        pid: Label(en=p.name, km=p.name_km or p.name)
        for pid, p in tx.get_providers(sorted(ids)).items()
    }


def _read(store: Store, area: str | None, period: Period) -> tuple[list[HopFact], ProviderNames]:
    def work(tx: Transaction) -> tuple[list[HopFact], ProviderNames]:
        facts = _facts(tx, area, period)
        return facts, provider_names(tx, facts)

    return store.read(work)


def _made_in(facts: Sequence[HopFact], period: Period) -> list[HopFact]:
    return [f for f in facts if f.created_at in period]


def _scope(area: str | None, period: Period, now: datetime) -> dict[str, Any]:
    return {"area": area, "since": period.since, "until": period.until, "generated_at": now}


# --- figures -------------------------------------------------------------------------
def delays(
    store: Store,
    now: datetime,
    *,
    area: str | None,
    period: Period,
    group_by: GroupBy,
    min_cell: int = 0,
    tz: str = REPORT_TZ,
) -> DelayReport:
    """Per-step delays, overall and per group, and the end-to-end time from opening a
    case to first professional contact (cases opened in the period)."""
    check_report_area(area)
    facts, names = _read(store, area, period.widened(timedelta(0), FOLLOW_UP))
    made = _made_in(facts, period)
    measured = [measure(f, now) for f in made]
    return DelayReport(
        **_scope(area, period, now),
        overall=steps_of(measured),
        table=delay_table(made, group_by, now, names, min_cell=min_cell, tz=tz, measured=measured),
        time_to_first_professional_contact=time_to_help(facts, period, professional_only=True),
    )


def bottleneck_report(
    store: Store,
    now: datetime,
    *,
    area: str | None,
    period: Period,
    min_cell: int = 0,
    limit: int | None = None,
) -> BottleneckReport:
    check_report_area(area)
    facts, names = _read(store, area, period)
    rows = bottlenecks(facts, now, names, min_cell=min_cell, limit=limit)
    return BottleneckReport(**_scope(area, period, now), providers=rows)


def loop_report(
    store: Store, now: datetime, *, area: str | None, period: Period, min_cell: int = 0
) -> LoopReport:
    check_report_area(area)
    facts, names = _read(store, area, period.widened(LOOKBACK, timedelta(0)))
    found = loops(facts, period, names, min_cell=min_cell)
    return LoopReport(**_scope(area, period, now), loops=found)


def decline_report(
    store: Store, now: datetime, *, area: str | None, period: Period, min_cell: int = 0
) -> DeclineReport:
    check_report_area(area)
    facts, names = _read(store, area, period)
    found = declines(facts, names, min_cell=min_cell)
    return DeclineReport(**_scope(area, period, now), declines=found)


def measure_report(
    store: Store, now: datetime, *, area: str | None, period: Period
) -> MeasureReport:
    check_report_area(area)
    facts, _ = _read(store, area, period.widened(timedelta(0), FOLLOW_UP))
    found = network_measures(facts, period)
    return MeasureReport(**_scope(area, period, now), measures=found)


def monthly_report(
    store: Store,
    now: datetime,
    *,
    area: str,
    month: str,
    min_cell: int = 0,
    tz: str = REPORT_TZ,
) -> MonthlyReport:
    """The network-meeting report of ``area`` (commune, district or province) for the
    local calendar month ``YYYY-MM``."""
    check_report_area(area)
    period = month_period(month, tz)
    fetch = period.widened(LOOKBACK, FOLLOW_UP)

    since_day, until_day = local_days(period, tz)

    def work(tx: Transaction) -> tuple[list[HopFact], ProviderNames, int, list[AwarenessSession]]:
        facts = _facts(tx, area, fetch)
        overdue = tx.referrals_due(DueQuery(before=now, area=area), Page(limit=1)).count
        awareness = read_awareness(tx, area, since_day, until_day)
        return facts, provider_names(tx, facts), overdue, awareness

    facts, names, overdue, awareness = store.read(work)
    return build_report(
        facts,
        area=area,
        month=month,
        period=period,
        now=now,
        names=names,
        overdue_now=overdue,
        min_cell=min_cell,
        tz=tz,
        awareness=awareness,
    )

"""Use cases of the audit: read hop facts through the store, hand them to the pure
functions of :mod:`referral_graph.audit`, validate what callers ask for.

Each figure covers an :class:`AuditScope` — an area the caller may cover and a period —
and reads the facts it needs in one read transaction:

* delays, bottlenecks, declines — referrals made in ``[since, until)``;
* loops — also the :data:`LOOKBACK` before, so that chains begun earlier are whole;
* measures — also the :data:`FOLLOW_UP` after, so that cases opened in the period are
  followed through their later referrals (time to first professional contact).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.delays import DelayTable, StepStats, delay_table, measure, steps_of
from referral_graph.audit.flows import Flow, flows
from referral_graph.audit.groups import GroupBy, Label, ProviderNames, label_of
from referral_graph.audit.journey import Journey, journey, journeys_by_receiver
from referral_graph.audit.measures import Measures, TimeToHelp, network_measures, time_to_help
from referral_graph.audit.patterns import Bottleneck, Declines, Loops, bottlenecks, declines, loops
from referral_graph.audit.period import REPORT_TZ, Period, as_utc, month_period, zone
from referral_graph.audit.report import MonthlyReport, build_report, local_days
from referral_graph.audit.sections import LastMeeting
from referral_graph.domain.areas import check_report_area
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.identification import Identification
from referral_graph.domain.queries import (
    AwarenessQuery,
    DueQuery,
    HistoryQuery,
    IdentificationQuery,
    Page,
    every,
)
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import Window
from referral_graph.domain.training import AwarenessSession
from referral_graph.security.policy import coordinator_area
from referral_graph.services.caller import Caller
from referral_graph.services.report_context import capacity_of, coverage_of, last_meeting_of
from referral_graph.services.routing import Routing
from referral_graph.services.sample_data import present_in
from referral_graph.store.port import Transaction

LOOKBACK = timedelta(days=92)
FOLLOW_UP = timedelta(days=92)
DEFAULT_SPAN = timedelta(days=90)
#: Awareness sessions read per page.
AWARENESS_PAGE = 500


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


class JourneyReport(Scope):
    """Every step's median over one set of referrals (see :mod:`~referral_graph.audit.journey`),
    overall and per receiving provider (largest first), with the providers' names."""

    overall: Journey
    providers: list[Journey]
    labels: dict[str, Label]


class FlowReport(Scope):
    flows: list[Flow]


# --- what a figure covers ---------------------------------------------------------------
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


@dataclass(frozen=True, slots=True)
class AuditScope:
    """Referrals for children in ``area`` (None: the whole country) made in
    ``period``; local months and days are those of ``tz``."""

    area: str | None
    period: Period
    tz: str = REPORT_TZ


def scope(
    caller: Caller,
    area: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    tz: str = REPORT_TZ,
) -> AuditScope:
    """What the caller asks a figure to cover: the area it may cover (a coordinator's
    own area when none is asked, never outside it) and the period (see
    :func:`resolve_period`)."""
    area = coordinator_area(caller.principal, area)
    return AuditScope(area, resolve_period(since, until, caller.now, tz), tz)


def _area(caller: Caller, area: str | None) -> str | None:
    """The area checked again in the use case: one the caller may cover (the figures
    decide access themselves, whoever made the scope) and one a report may cover."""
    area = coordinator_area(caller.principal, area)
    check_report_area(area)
    return area


# --- reading -------------------------------------------------------------------------
def _facts(tx: Transaction, area: str | None, period: Period) -> list[HopFact]:
    return tx.hop_facts(HistoryQuery(since=period.since, until=period.until, area=area))


def provider_names(tx: Transaction, facts: Sequence[HopFact]) -> ProviderNames:
    ids = {f.to_provider_id for f in facts} | {f.from_provider_id for f in facts}
    return {
        pid: Label(en=p.name, km=p.name_km or p.name)
        for pid, p in tx.get_providers(sorted(ids)).items()
    }


def read_awareness(tx: Transaction, area: str, since: date, until: date) -> list[AwarenessSession]:
    """Every awareness session held in ``area`` on days in ``[since, until)``."""
    query = AwarenessQuery(area=area, since=since, until=until)
    return list(every(lambda page: tx.list_awareness_sessions(query, page), AWARENESS_PAGE))


class _Read:
    """The facts of a figure and the names of their providers, read in one transaction
    for the area the caller may cover."""

    def __init__(
        self,
        caller: Caller,
        scope: AuditScope,
        before: timedelta = timedelta(0),
        after: timedelta = timedelta(0),
    ) -> None:
        self.area = _area(caller, scope.area)
        self.period, self.now = scope.period, caller.now
        fetch = scope.period.widened(before, after)

        def work(tx: Transaction) -> tuple[list[HopFact], ProviderNames]:
            facts = _facts(tx, self.area, fetch)
            return facts, provider_names(tx, facts)

        self.facts, self.names = caller.store.read(work)

    def made(self) -> list[HopFact]:
        """The facts of referrals made in the period itself."""
        return [f for f in self.facts if f.created_at in self.period]

    def covered(self) -> dict[str, Any]:
        """What the answer says it covers."""
        return {
            "area": self.area,
            "since": self.period.since,
            "until": self.period.until,
            "generated_at": self.now,
        }


# --- figures -------------------------------------------------------------------------
def delays(
    caller: Caller, scope: AuditScope, *, group_by: GroupBy, min_cell: int = 0
) -> DelayReport:
    """Per-step delays, overall and per group, and the end-to-end time from opening a
    case to first professional contact (cases opened in the period)."""
    read = _Read(caller, scope, after=FOLLOW_UP)
    made, now = read.made(), caller.now
    measured = [measure(f, now) for f in made]
    table = delay_table(
        made, group_by, now, read.names, min_cell=min_cell, tz=scope.tz, measured=measured
    )
    return DelayReport(
        **read.covered(),
        overall=steps_of(measured, min_cell),
        table=table,
        time_to_first_professional_contact=time_to_help(
            read.facts, scope.period, professional_only=True, min_cell=min_cell
        ),
    )


def handoffs(caller: Caller, scope: AuditScope) -> list[HopFact]:
    """The facts of referrals made in the scope's period (for the network picture,
    which groups them its own way)."""
    return _Read(caller, scope).made()


def journeys(caller: Caller, scope: AuditScope) -> JourneyReport:
    """Time from referral to each step, medians comparable across the steps: the
    dashboard's chart."""
    read = _Read(caller, scope)
    made, now = read.made(), caller.now
    per_provider = journeys_by_receiver(made, now)
    return JourneyReport(
        **read.covered(),
        overall=journey("", made, now),
        providers=per_provider,
        labels={j.key: label_of(GroupBy.PROVIDER, j.key, read.names) for j in per_provider},
    )


def flow_report(caller: Caller, scope: AuditScope) -> FlowReport:
    """Referrals made in the period by kind of sender and of receiver."""
    read = _Read(caller, scope)
    made = read.made()
    ids = sorted({f.from_provider_id for f in made} | {f.to_provider_id for f in made})
    providers = caller.store.read(lambda tx: tx.get_providers(ids))
    kinds = {pid: p.kind.value for pid, p in providers.items()}
    return FlowReport(**read.covered(), flows=flows(made, kinds))


def bottleneck_report(
    caller: Caller, scope: AuditScope, *, min_cell: int = 0, limit: int | None = None
) -> BottleneckReport:
    """Receiving providers where waiting piles up, worst first."""
    read = _Read(caller, scope)
    rows = bottlenecks(read.facts, caller.now, read.names, min_cell=min_cell, limit=limit)
    return BottleneckReport(**read.covered(), providers=rows)


def loop_report(caller: Caller, scope: AuditScope, *, min_cell: int = 0) -> LoopReport:
    """Cases sent back to a provider already on their path."""
    read = _Read(caller, scope, before=LOOKBACK)
    found = loops(read.facts, scope.period, read.names, min_cell=min_cell)
    return LoopReport(**read.covered(), loops=found)


def decline_report(caller: Caller, scope: AuditScope, *, min_cell: int = 0) -> DeclineReport:
    """Declines per pathway edge, with their coded reasons (never free text)."""
    read = _Read(caller, scope)
    found = declines(read.facts, read.names, min_cell=min_cell)
    return DeclineReport(**read.covered(), declines=found)


def measure_report(caller: Caller, scope: AuditScope, *, min_cell: int = 0) -> MeasureReport:
    """The network's measures over the period (cases followed up after it)."""
    read = _Read(caller, scope, after=FOLLOW_UP)
    found = network_measures(read.facts, scope.period, min_cell)
    return MeasureReport(**read.covered(), measures=found)


def monthly_report(
    caller: Caller,
    *,
    area: str,
    month: str,
    min_cell: int = 0,
    tz: str = REPORT_TZ,
    routing: Routing | None = None,
) -> MonthlyReport:
    """The network-meeting report of ``area`` (commune, district or province, within
    a coordinator's own area) for the local calendar month ``YYYY-MM``: the referral
    figures, the capacity status of the area, the actions of its last meeting before the
    month ended, and — given the ``routing`` engine — where the network does not reach.
    ``min_cell``: see :mod:`referral_graph.audit.cells`."""
    _area(caller, area)
    period = month_period(month, tz)
    fetch = period.widened(LOOKBACK, FOLLOW_UP)
    since_day, until_day = local_days(period, tz)
    now = caller.now
    today = now.astimezone(zone(tz)).date()

    sent = IdentificationQuery(area=area, since=period.since, until=period.until)

    def work(tx: Transaction) -> _MonthRead:
        facts = _facts(tx, area, fetch)
        overdue = tx.referrals_due(DueQuery(before=now, area=area), Page(limit=1)).count
        awareness = read_awareness(tx, area, since_day, until_day)
        meeting = last_meeting_of(tx, area, until_day, today)
        found = list(every(lambda page: tx.list_identifications(sent, page), AWARENESS_PAGE))
        names = provider_names(tx, facts)
        sample = present_in(tx)
        return _MonthRead(facts, names, overdue, awareness, meeting, found, sample)

    read = caller.store.read(work)
    coverage = None
    if routing is not None:
        coverage = coverage_of(caller, routing, area, period.since, period.until, min_cell)
    report = build_report(
        read.facts,
        area=area,
        month=month,
        period=period,
        now=now,
        names=read.names,
        overdue_now=read.overdue,
        min_cell=min_cell,
        tz=tz,
        awareness=read.awareness,
        coverage=coverage,
        capacity=capacity_of(caller, area, today),
        last_meeting=read.meeting,
        identifications=read.identifications,
    )
    return report.model_copy(update={"sample_data": read.sample_data})


@dataclass(frozen=True, slots=True)
class _MonthRead:
    facts: list[HopFact]
    names: ProviderNames
    overdue: int
    awareness: list[AwarenessSession]
    meeting: LastMeeting | None
    identifications: list[Identification]
    sample_data: bool

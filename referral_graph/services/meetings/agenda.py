"""The agenda of a meeting, read from the store and built by the pure
:mod:`referral_graph.meetings.agenda`.

The period an agenda covers runs from the day of the last meeting of the same area and
level (or a month before, for a first meeting) to the meeting's day (or now, for a
meeting still to come). What it reads, in one read transaction: referrals of the area
from :data:`LOOKBACK` before the period (so that children left waiting since then are
found) up to now, the handoffs overdue now with their case codes, the pathways their
senders have agreed, and the open actions of the area's earlier meetings; then, from
their own use cases, coverage (through the routing engine) and the training needs of
the area's providers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from referral_graph.audit.groups import Label, ProviderNames
from referral_graph.audit.period import REPORT_TZ, zone
from referral_graph.domain.areas import check_report_area
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.meetings import (
    ActionStatus,
    AgendaItem,
    Meeting,
    MeetingLevel,
    MeetingStatus,
    default_level,
)
from referral_graph.domain.queries import (
    ActionQuery,
    DueQuery,
    HistoryQuery,
    MeetingQuery,
    Page,
    PathwayQuery,
    every,
)
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import PENDING_WINDOW
from referral_graph.domain.training import CompetencyStatus, TrainingTopic
from referral_graph.meetings.agenda import (
    AgendaInputs,
    OpenAction,
    OverdueHandoff,
    ProviderTraining,
    build_agenda,
)
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building import training_attention
from referral_graph.services.meetings.access import meeting_area
from referral_graph.services.report_context import coverage_of, owner_label
from referral_graph.services.routing import Routing
from referral_graph.store.port import Transaction

#: How far before the period children left waiting are looked for.
LOOKBACK = timedelta(days=92)
#: A first meeting's agenda covers the month before it.
FIRST_PERIOD = timedelta(days=30)
#: Overdue handoffs read (the most overdue first).
OVERDUE_READ = 200


@dataclass(frozen=True, slots=True)
class Draft:
    """An agenda as built now: the period it covers and its items."""

    area: str
    level: MeetingLevel
    held_on: date
    period_since: date
    items: list[AgendaItem]
    built_at: datetime


def check_level(level: MeetingLevel | None, area: str) -> MeetingLevel:
    """The meeting level for ``area`` (its usual one when none is given); refuses an
    area a meeting cannot be held for, naming the field."""
    check_report_area(area, field="area_code")
    chosen = level or default_level(area)
    if not Meeting.level_fits(chosen, area):
        raise InvalidInput(
            f"A {chosen.value} meeting is not held for area {area!r}; choose a level that "
            "fits it (commune, district, province; technical: district or province).",
            field="level",
        )
    return chosen


def last_held(tx: Transaction, area: str, level: MeetingLevel, before: date) -> Meeting | None:
    """The last meeting of ``area`` at ``level`` held before the day ``before``."""
    query = MeetingQuery(at_area=area, level=level, before=before, status=MeetingStatus.CLOSED)
    found = tx.list_meetings(query, Page(limit=1)).items
    return found[0] if found else None


def period_start(tx: Transaction, area: str, level: MeetingLevel, held_on: date) -> date:
    last = last_held(tx, area, level, held_on)
    return last.held_on if last is not None else held_on - FIRST_PERIOD


def _start_of(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone(tz))


@dataclass(frozen=True, slots=True)
class _Graph:
    facts: list[HopFact]
    codes: dict[str, str]
    overdue: list[OverdueHandoff]
    pathways: frozenset[tuple[str, str, str]]
    open_actions: list[OpenAction]
    names: ProviderNames


def _read(tx: Transaction, area: str, since: datetime, now: datetime, today: date) -> _Graph:
    facts = tx.hop_facts(HistoryQuery(since=since - LOOKBACK, until=now, area=area))
    due = tx.referrals_due(DueQuery(before=now, area=area), Page(limit=OVERDUE_READ)).items
    case_ids = {r.case_id for r in due} | {
        f.case_id for f in facts if f.status in ("rejected", "failed", "cancelled")
    }
    codes = {}
    for case_id in sorted(case_ids):
        case = tx.get_case(case_id)
        if case is not None:
            codes[case_id] = case.code
    overdue = []
    for r in due:
        window = PENDING_WINDOW.get(r.status)
        if window is None or r.pending_due_at is None:
            continue
        overdue.append(
            OverdueHandoff(
                referral_id=r.id,
                case_code=codes.get(r.case_id, r.case_id),
                sender=r.from_provider_id,
                receiver=r.to_provider_id,
                service=r.service,
                risk=r.risk,
                window=window.value,
                since=r.created_at,
                due=r.pending_due_at,
            )
        )
    senders = {f.from_provider_id for f in facts if f.created_at >= since}
    agreed: set[tuple[str, str, str]] = set()
    for sender in sorted(senders):
        for w in every(partial(tx.list_pathways, PathwayQuery(from_provider_id=sender))):
            if w.active:
                agreed.add((w.from_provider_id, w.to_provider_id, w.service.value))
    pathways = frozenset(agreed)
    actions = list(
        every(lambda page: tx.list_actions(ActionQuery(area=area, status=ActionStatus.OPEN), page))
    )
    held = {
        m: meeting.held_on
        for m in {a.meeting_id for a in actions}
        if (meeting := tx.get_meeting(m)) is not None
    }
    opened = [OpenAction(a, held.get(a.meeting_id, today), owner_label(tx, a)) for a in actions]
    ids = {f.to_provider_id for f in facts} | {f.from_provider_id for f in facts}
    ids |= {o.receiver for o in overdue} | {o.sender for o in overdue}
    ids |= {p for a in actions if a.pathway for p in (a.pathway.from_provider_id,
                                                       a.pathway.to_provider_id)}  # fmt: skip
    names = {
        pid: Label(en=p.name, km=p.name_km or p.name) for pid, p in tx.get_providers(ids).items()
    }
    return _Graph(facts, codes, overdue, pathways, opened, names)


def training_needs(caller: Caller, area: str, today: date) -> list[ProviderTraining]:
    """Per provider of ``area``: refreshers due per topic (lapsed among them), and the
    days each person's coaching is overdue (one read of the area's people)."""
    due, late = training_attention(caller, area, today)
    refreshers: dict[str, dict[TrainingTopic, list[int]]] = defaultdict(dict)
    for row in due:
        counts = refreshers[row.provider_id].setdefault(row.topic, [0, 0])
        counts[0] += 1
        counts[1] += row.status is CompetencyStatus.LAPSED
    coaching: dict[str, list[int]] = defaultdict(list)
    for person in late:
        coaching[person.provider_id].append(person.days_overdue)
    return [
        ProviderTraining(
            provider_id=pid,
            refreshers={t: (n, lapsed) for t, (n, lapsed) in refreshers.get(pid, {}).items()},
            coaching_days_overdue=tuple(coaching.get(pid, ())),
        )
        for pid in sorted(set(refreshers) | set(coaching))
    ]


def build_draft(
    caller: Caller,
    routing: Routing | None,
    area: str,
    held_on: date,
    level: MeetingLevel | None = None,
    *,
    period_since: date | None = None,
    tz: str = REPORT_TZ,
) -> Draft:
    """The agenda the graph gives for a meeting of ``area`` on ``held_on`` (its period
    from the last meeting, unless ``period_since`` is given); a coordinator's own area
    only (403 outside it). Without ``routing`` the agenda has no coverage gaps."""
    meeting_area(caller.principal, area)
    chosen = check_level(level, area)
    now = caller.now
    today = now.astimezone(zone(tz)).date()
    if period_since is None:
        period_since = caller.store.read(lambda tx: period_start(tx, area, chosen, held_on))
    since = _start_of(period_since, tz)
    until = min(now, _start_of(held_on + timedelta(days=1), tz))
    if until <= since:
        until = now
    graph = caller.store.read(lambda tx: _read(tx, area, since, now, today))
    coverage = None
    if routing is not None:
        coverage = coverage_of(caller, routing, area, since, until)
    inputs = AgendaInputs(
        since=since,
        until=until,
        today=today,
        tz=tz,
        facts=graph.facts,
        case_codes=graph.codes,
        overdue=graph.overdue,
        pathways=graph.pathways,
        names=graph.names,
        coverage=coverage,
        training=training_needs(caller, area, today),
        open_actions=graph.open_actions,
    )
    items = build_agenda(area, inputs, now)
    return Draft(area, chosen, held_on, period_since, items, now)

"""What a monthly report and a meeting's agenda read besides the referral history: where
the network does not reach (coverage and the gaps met while routing), whose refresher or
coaching is due (capacity building), and what the last meeting of the area agreed.

Each reader returns the pure audit's own models (:mod:`referral_graph.audit.sections`),
so the report stays a function of what it is given.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from referral_graph.audit.groups import Label
from referral_graph.audit.labels import CATALOGUE
from referral_graph.audit.sections import (
    ActionLine,
    AreaName,
    Capacity,
    CapacityRow,
    Coverage,
    LastMeeting,
    action_status_label,
    coverage_section,
)
from referral_graph.domain.meetings import Action, Meeting, MeetingStatus
from referral_graph.domain.queries import ActionQuery, MeetingQuery, Page, every
from referral_graph.domain.records import ServiceGap
from referral_graph.domain.vocabulary import Service
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building import TrainingRow, capacity_overview
from referral_graph.services.routing import Routing
from referral_graph.store.port import Transaction

#: The services a meeting checks the reach of: what a child who survived violence is
#: referred for first (first aid, counselling, case management, health and legal help).
COVERAGE_SERVICES: tuple[Service, ...] = (
    Service.PSYCHOLOGICAL_FIRST_AID,
    Service.COUNSELLING,
    Service.CASE_MANAGEMENT,
    Service.MEDICAL_CARE,
    Service.POST_RAPE_CARE,
    Service.LEGAL_AID,
)
GAPS_PAGE = 500


def recorded_gaps_in(
    tx: Transaction, area: str, since: datetime, until: datetime
) -> list[ServiceGap]:
    """Gaps met while routing cases of ``area`` in ``[since, until)`` (newest first)."""
    found = []
    for gap in every(lambda page: tx.service_gaps(area, page), GAPS_PAGE):
        if gap.at < since:
            break
        if gap.at < until:
            found.append(gap)
    return found


def coverage_of(
    caller: Caller,
    routing: Routing,
    area: str,
    since: datetime,
    until: datetime,
    min_cell: int = 0,
) -> Coverage:
    """Per service of :data:`COVERAGE_SERVICES`: the communes of ``area`` no provider
    reaches at all, and how often a case needed it where nothing reached in person."""
    reach = routing.coverage(area, list(COVERAGE_SERVICES), now=caller.now)
    unreached: dict[str, list[AreaName]] = {}
    for commune in reach:
        name = Label(en=commune.name_en, km=commune.name_km or commune.name_en)
        for s in commune.services:
            if s.reach == "none":
                unreached.setdefault(s.service.value, []).append(
                    AreaName(code=commune.commune_code, label=name)
                )
    gaps = caller.store.read(lambda tx: recorded_gaps_in(tx, area, since, until))
    recorded = Counter(g.service.value for g in gaps if g.service in COVERAGE_SERVICES)
    return coverage_section(
        unreached, dict(recorded), [s.value for s in COVERAGE_SERVICES], len(reach), min_cell
    )


def capacity_of(caller: Caller, area: str, today: date) -> Capacity:
    """Active people per sub-area of ``area``: trained, refreshers due, coaching overdue."""
    overview = capacity_overview(caller, area, today)

    def row(r: TrainingRow) -> CapacityRow:
        return CapacityRow(
            key=r.area_code,
            label=Label(en=r.name_en, km=r.name_km or r.name_en),
            people=r.people,
            trained=r.trained_people,
            refreshers_due=sum(t.refresher_due for t in r.topics),
            coaching_overdue=r.coaching_overdue,
        )

    return Capacity(
        as_of=overview.as_of, rows=[row(r) for r in overview.rows], total=row(overview.totals)
    )


def owner_label(tx: Transaction, action: Action) -> Label:
    """Who answers for an action: the provider, and the person when one is named."""
    provider = tx.get_provider(action.owner_provider_id)
    en = km = action.owner_provider_id
    if provider is not None:
        en, km = provider.name, provider.name_km or provider.name
    if action.owner_person_id is not None:
        person = tx.get_person(action.owner_person_id)
        if person is not None:
            en, km = f"{person.name} ({en})", f"{person.name} ({km})"
    return Label(en=en, km=km)


def action_line(tx: Transaction, action: Action, today: date) -> ActionLine:
    overdue = action.overdue(today)
    return ActionLine(
        action_id=action.id,
        text=action.text,
        owner=owner_label(tx, action),
        due_on=action.due_on,
        status=action.status.value,
        status_label=action_status_label(action.status.value, overdue),
        overdue=overdue,
    )


def level_label(meeting: Meeting) -> Label:
    entry = CATALOGUE[f"level_{meeting.level.value}"]
    return Label(en=entry["en"], km=entry["km"])


def last_meeting_in(
    tx: Transaction, area: str, before: date, today: date
) -> tuple[Meeting, list[Action]] | None:
    """The last meeting held for exactly ``area`` before the day ``before`` and closed,
    with its actions (soonest due first)."""
    query = MeetingQuery(at_area=area, status=MeetingStatus.CLOSED, before=before)
    found = tx.list_meetings(query, Page(limit=1)).items
    if not found:
        return None
    meeting = found[0]
    actions = list(every(lambda page: tx.list_actions(ActionQuery(meeting_id=meeting.id), page)))
    return meeting, actions


def last_meeting_of(tx: Transaction, area: str, before: date, today: date) -> LastMeeting | None:
    """The last meeting's actions as they stand on ``today`` (see :func:`last_meeting_in`)."""
    found = last_meeting_in(tx, area, before, today)
    if found is None:
        return None
    meeting, actions = found
    return LastMeeting(
        meeting_id=meeting.id,
        level=meeting.level.value,
        level_label=level_label(meeting),
        held_on=meeting.held_on,
        actions=[action_line(tx, a, today) for a in actions],
    )

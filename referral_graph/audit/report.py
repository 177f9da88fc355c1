"""The monthly network-meeting report for a commune, district or province.

It gathers, for referrals made in the month for children living in the area: how many
were made, completed and declined (with their coded reasons), how many handoffs in the
area are overdue now (whatever month they were made in), how long each step took
against its deadline — overall, by risk level, per sub-area and per receiving provider —
where waiting piles up, loops, the time from opening a case to first professional
contact, how often the top recommendation was followed, who the children are (sex, age
band, LGBTIQ-affirming requests, risk, service, source of identification) and the month
against the one before; the awareness sessions held in the area that month; and, when
the services hand them in, where the network does not reach, whose refresher or coaching
is due, and the actions of the last meeting.

Pseudonymous throughout, and small cells are not shown (:mod:`referral_graph.audit.cells`,
``min_cell``). Times are shown in the programme's time zone (``timezone``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.cells import DEFAULT_MIN_CELL
from referral_graph.audit.delays import DelayTable, StepStats, delay_table, measure, steps_of
from referral_graph.audit.groups import GroupBy, Label, ProviderNames, area_label
from referral_graph.audit.intake import RelayedSteps, Sources, relayed_steps, sources
from referral_graph.audit.measures import Measures, network_measures
from referral_graph.audit.patterns import (
    Bottleneck,
    Declines,
    Loops,
    bottlenecks,
    declines,
    loops,
)
from referral_graph.audit.period import REPORT_TZ, Period, month_period, zone
from referral_graph.audit.sections import (
    Capacity,
    Coverage,
    Disaggregation,
    LastMeeting,
    RiskSteps,
    Trend,
    disaggregations,
    steps_by_risk,
    trend,
)
from referral_graph.domain.areas import level_of, lineage_codes
from referral_graph.domain.identification import Identification
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import Window
from referral_graph.domain.training import AgeGroup, AwarenessSession, AwarenessTopic
from referral_graph.domain.vocabulary import AreaLevel, Gender

#: Bottlenecks listed in the report (the API lists them all).
REPORT_BOTTLENECKS = 10
#: The smallest count shown as it is (see :mod:`referral_graph.audit.cells`).
RECOMMENDED_MIN_CELL = DEFAULT_MIN_CELL

#: The level a report breaks an area down into.
SUB_LEVEL: dict[AreaLevel, GroupBy] = {
    AreaLevel.PROVINCE: GroupBy.DISTRICT,
    AreaLevel.DISTRICT: GroupBy.COMMUNE,
    AreaLevel.COMMUNE: GroupBy.COMMUNE,
}


class AreaRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    level: AreaLevel
    label: Label


# --- awareness sessions ------------------------------------------------------------------
_LINEAGE_INDEX = {GroupBy.PROVINCE: 0, GroupBy.DISTRICT: 1, GroupBy.COMMUNE: 2}


class AwarenessGroup(BaseModel):
    """Awareness sessions held in one area, and the people they reached (participants
    counted at each session: one person at two sessions counts twice)."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: Label
    sessions: int
    reached: int
    by_age: dict[AgeGroup, int]
    by_gender: dict[Gender, int]
    #: Every age group × gender, zeros included.
    participants: dict[AgeGroup, dict[Gender, int]]

    @property
    def other_genders(self) -> int:
        """Participants neither female nor male: non-binary, or who did not say."""
        return self.reached - self.by_gender[Gender.FEMALE] - self.by_gender[Gender.MALE]


class AwarenessTopicCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    topic: AwarenessTopic
    sessions: int
    reached: int


class AwarenessSummary(BaseModel):
    """The awareness sessions of the report's area in its month: in total, per sub-area
    (``group_by``) and per topic."""

    model_config = ConfigDict(frozen=True)

    since: date
    until: date  # exclusive
    group_by: GroupBy
    total: AwarenessGroup
    groups: list[AwarenessGroup]
    topics: list[AwarenessTopicCount]


def local_days(period: Period, tz: str = REPORT_TZ) -> tuple[date, date]:
    """The local calendar days ``[since, until)`` a period spans (a month: the 1st of the
    month and the 1st of the next)."""
    local = zone(tz)
    return period.since.astimezone(local).date(), period.until.astimezone(local).date()


def _awareness_group(key: str, sessions: Sequence[AwarenessSession]) -> AwarenessGroup:
    cells = {a: dict.fromkeys(Gender, 0) for a in AgeGroup}
    for s in sessions:
        for p in s.participants:
            cells[p.age_group][p.gender] += p.count
    return AwarenessGroup(
        key=key,
        label=area_label(key),
        sessions=len(sessions),
        reached=sum(sum(row.values()) for row in cells.values()),
        by_age={a: sum(row.values()) for a, row in cells.items()},
        by_gender={g: sum(cells[a][g] for a in AgeGroup) for g in Gender},
        participants=cells,
    )


def awareness_summary(
    sessions: Sequence[AwarenessSession],
    *,
    area: str,
    since: date,
    until: date,
    group_by: GroupBy,
) -> AwarenessSummary:
    """Sessions held in ``area`` on days in ``[since, until)`` (others are left out),
    counted in total, per ``group_by`` area (by the gazetteer's parent links) and topic."""
    held = [
        s for s in sessions if since <= s.held_on < until and area in lineage_codes(s.area_code)
    ]
    index = _LINEAGE_INDEX[group_by]
    by_area: dict[str, list[AwarenessSession]] = {}
    by_topic: dict[AwarenessTopic, list[AwarenessSession]] = {}
    for s in held:
        by_area.setdefault(lineage_codes(s.area_code)[index], []).append(s)
        by_topic.setdefault(s.topic, []).append(s)
    topics = [
        AwarenessTopicCount(topic=t, sessions=len(found), reached=sum(s.total for s in found))
        for t, found in by_topic.items()
    ]
    return AwarenessSummary(
        since=since,
        until=until,
        group_by=group_by,
        total=_awareness_group(area, held),
        groups=[_awareness_group(k, by_area[k]) for k in sorted(by_area)],
        topics=sorted(topics, key=lambda t: (-t.sessions, t.topic.value)),
    )


class MonthlyReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    area: AreaRef
    month: str
    since: datetime
    until: datetime
    timezone: str
    generated_at: datetime
    min_cell: int
    #: Whether the store held sample (invented) records when the report was made: the
    #: report says so on its face, since a printed page loses the answer's header.
    sample_data: bool = False
    measures: Measures
    overdue_now: int
    steps: dict[Window, StepStats]
    steps_by_risk: list[RiskSteps]
    by_area: DelayTable
    by_provider: DelayTable
    bottlenecks: list[Bottleneck]
    loops: Loops
    declines: Declines
    groups: list[Disaggregation]
    trend: Trend
    awareness: AwarenessSummary
    #: Referrals made in the month with steps recorded on the receiver's behalf.
    relayed: RelayedSteps = RelayedSteps()
    #: Identifications and referrals by source of identification.
    sources: Sources = Sources()
    coverage: Coverage | None = None
    capacity: Capacity | None = None
    last_meeting: LastMeeting | None = None

    @property
    def generated_local(self) -> datetime:
        """When the report was made, in the programme's time zone."""
        return self.generated_at.astimezone(zone(self.timezone))


def previous_month(month: str) -> str:
    """The month before ``YYYY-MM``.

    >>> previous_month("2026-01")
    '2025-12'
    """
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def build_report(
    facts: Sequence[HopFact],
    *,
    area: str,
    month: str,
    period: Period,
    now: datetime,
    names: ProviderNames,
    overdue_now: int,
    min_cell: int = 0,
    tz: str = REPORT_TZ,
    awareness: Sequence[AwarenessSession] = (),
    identifications: Sequence[Identification] = (),
    coverage: Coverage | None = None,
    capacity: Capacity | None = None,
    last_meeting: LastMeeting | None = None,
) -> MonthlyReport:
    """The report from ``facts`` (which may reach before and after the month, so that
    chains, case cohorts and the month before are whole; each figure picks what it
    needs), the ``awareness`` sessions held in the area that month (see
    :func:`referral_graph.services.audit.read_awareness`), the ``identifications`` sent
    for children in the area in the month (``audit.intake``), and what the services read
    of coverage, capacity and the last meeting."""
    made = [f for f in facts if f.created_at in period]
    measured = [measure(f, now) for f in made]
    level = level_of(area)
    sub_level = SUB_LEVEL[level]
    since_day, until_day = local_days(period, tz)
    before = previous_month(month)
    return MonthlyReport(
        area=AreaRef(code=area, level=level, label=area_label(area)),
        month=month,
        since=period.since,
        until=period.until,
        timezone=tz,
        generated_at=now,
        min_cell=min_cell,
        measures=network_measures(facts, period, min_cell),
        overdue_now=overdue_now,
        steps=steps_of(measured, min_cell),
        steps_by_risk=steps_by_risk(made, measured, min_cell),
        by_area=delay_table(
            made, sub_level, now, names, min_cell=min_cell, tz=tz, measured=measured
        ),
        by_provider=delay_table(
            made, GroupBy.PROVIDER, now, names, min_cell=min_cell, tz=tz, measured=measured
        ),
        bottlenecks=bottlenecks(made, now, names, min_cell=min_cell, limit=REPORT_BOTTLENECKS),
        loops=loops(facts, period, names, min_cell=min_cell),
        declines=declines(made, names, min_cell=min_cell),
        groups=disaggregations(made, min_cell),
        trend=trend(
            facts,
            period,
            month_period(before, tz),
            before,
            lambda f: measure(f, now),
            min_cell,
        ),
        awareness=awareness_summary(
            awareness, area=area, since=since_day, until=until_day, group_by=sub_level
        ),
        relayed=relayed_steps(made),
        sources=sources(made, identifications, period, min_cell=min_cell),
        coverage=coverage,
        capacity=capacity,
        last_meeting=last_meeting,
    )

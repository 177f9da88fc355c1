"""The monthly network-meeting report for a commune, district or province.

It gathers, for referrals made in the month for children living in the area: how many
were made, completed and declined (with reasons), how many handoffs in the area are
overdue now (whatever month they were made in), how long
each step took against its deadline — overall, per sub-area and per receiving provider
— where waiting piles up, loops, the time from opening a case to first professional
contact, and how often the top recommendation was followed. Pseudonymous throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.delays import DelayTable, StepStats, delay_table, measure, steps_of
from referral_graph.audit.groups import GroupBy, Label, ProviderNames, area_label
from referral_graph.audit.measures import Measures, network_measures
from referral_graph.audit.patterns import (
    Bottleneck,
    Declines,
    Loops,
    bottlenecks,
    declines,
    loops,
)
from referral_graph.audit.period import REPORT_TZ, Period
from referral_graph.domain.areas import level_of
from referral_graph.domain.sla import Window
from referral_graph.domain.vocabulary import AreaLevel
from referral_graph.store.port import HopFact

#: Bottlenecks listed in the report (the API lists them all).
REPORT_BOTTLENECKS = 10
#: Recommended minimum count per shown group for reports that leave the network.
RECOMMENDED_MIN_CELL = 5

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


class MonthlyReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    area: AreaRef
    month: str
    since: datetime
    until: datetime
    timezone: str
    generated_at: datetime
    min_cell: int
    measures: Measures
    overdue_now: int
    steps: dict[Window, StepStats]
    by_area: DelayTable
    by_provider: DelayTable
    bottlenecks: list[Bottleneck]
    loops: Loops
    declines: Declines


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
) -> MonthlyReport:
    """The report from ``facts`` (which may reach before and after the month, so that
    chains and case cohorts are whole; each figure picks what it needs)."""
    made = [f for f in facts if f.created_at in period]
    measured = [measure(f, now) for f in made]
    level = level_of(area)
    sub_level = SUB_LEVEL[level]
    return MonthlyReport(
        area=AreaRef(code=area, level=level, label=area_label(area)),
        month=month,
        since=period.since,
        until=period.until,
        timezone=tz,
        generated_at=now,
        min_cell=min_cell,
        measures=network_measures(facts, period),
        overdue_now=overdue_now,
        steps=steps_of(measured),
        by_area=delay_table(
            made, sub_level, now, names, min_cell=min_cell, tz=tz, measured=measured
        ),
        by_provider=delay_table(
            made, GroupBy.PROVIDER, now, names, min_cell=min_cell, tz=tz, measured=measured
        ),
        bottlenecks=bottlenecks(made, now, names, min_cell=min_cell, limit=REPORT_BOTTLENECKS),
        loops=loops(facts, period, names, min_cell=min_cell),
        declines=declines(made, names, min_cell=min_cell),
    )

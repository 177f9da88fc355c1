"""Use cases of awareness-raising sessions, and how many people they reached per area
and month (counts only: awareness sessions never name participants)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from pydantic import BaseModel, Field

from referral_graph.domain.areas import check_report_area, gazetteer
from referral_graph.domain.errors import Forbidden, InvalidInput
from referral_graph.domain.queries import AwarenessQuery, Listing, Page
from referral_graph.domain.training import (
    AgeGroup,
    AwarenessSession,
    AwarenessTopic,
    ParticipantCount,
)
from referral_graph.domain.vocabulary import AreaLevel, Gender
from referral_graph.security.model import Role
from referral_graph.security.policy import coordinator_area, in_area
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building.common import (
    all_pages,
    check_day,
    grouping,
    provider_reach,
    reached_person,
    reached_provider,
    row_area,
)
from referral_graph.store.port import Transaction

MONTH = re.compile(r"^20\d{2}-(0[1-9]|1[0-2])$")
#: Months a summary covers when no month is asked for (ending with the current one).
DEFAULT_MONTHS = 12


class ReachCounts(BaseModel):
    """Sessions and participants, by age group, gender and both; sessions by topic."""

    sessions: int = 0
    participants: int = 0
    by_age_group: dict[AgeGroup, int] = Field(default_factory=lambda: dict.fromkeys(AgeGroup, 0))
    by_gender: dict[Gender, int] = Field(default_factory=lambda: dict.fromkeys(Gender, 0))
    by_age_group_and_gender: list[ParticipantCount] = Field(
        default_factory=list, description="Non-zero cells, by age group then gender."
    )
    sessions_by_topic: dict[AwarenessTopic, int] = Field(default_factory=dict)

    def add(self, session: AwarenessSession) -> None:
        self.sessions += 1
        self.sessions_by_topic[session.topic] = self.sessions_by_topic.get(session.topic, 0) + 1
        cells = {(c.age_group, c.gender): c.count for c in self.by_age_group_and_gender}
        for p in session.participants:
            self.participants += p.count
            self.by_age_group[p.age_group] += p.count
            self.by_gender[p.gender] += p.count
            cells[p.age_group, p.gender] = cells.get((p.age_group, p.gender), 0) + p.count
        order = {a: i for i, a in enumerate(AgeGroup)} | {g: i for i, g in enumerate(Gender)}
        self.by_age_group_and_gender = [
            ParticipantCount(age_group=a, gender=g, count=n)
            for (a, g), n in sorted(
                cells.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])
            )
            if n
        ]


class AwarenessRow(ReachCounts):
    """One area (commune, district or province) in one month."""

    area_code: str
    level: AreaLevel
    name_en: str
    name_km: str
    month: str


class MonthTotal(ReachCounts):
    month: str


class AwarenessSummary(BaseModel):
    """Awareness sessions held in ``area`` in ``months``: a row per area of level
    ``grouped_by`` and month with sessions, totals per month and overall."""

    area: str | None
    grouped_by: AreaLevel
    months: list[str]
    rows: list[AwarenessRow]
    by_month: list[MonthTotal]
    totals: ReachCounts


def record_awareness(caller: Caller, session: AwarenessSession, *, today: date) -> AwarenessSession:
    """Record an awareness session of an existing provider (the caller's; a
    coordinator's: one held in their area) run by an existing person, held on or before
    ``today``."""
    principal = caller.principal
    reach = provider_reach(principal)
    if principal.role is Role.COORDINATOR and not in_area(principal, session.area_code):
        raise Forbidden(
            f"Area {session.area_code!r} is outside your area ({principal.area_code}).",
            field="area_code",
        )
    check_day(session.held_on, "held_on", today=today)

    def work(tx: Transaction) -> AwarenessSession:
        reached_provider(tx, session.provider_id, reach, field="provider_id")
        if session.facilitator_id is not None:
            reached_person(tx, session.facilitator_id, None, field="facilitator_id")
        tx.add_awareness_session(session)
        return session

    return caller.store.write(work)


def list_awareness(caller: Caller, query: AwarenessQuery, page: Page) -> Listing[AwarenessSession]:
    """Sessions (newest first); a provider named must be one the caller reaches. A CCWC
    or provider account sees its own provider's unless it names one; a coordinator
    those held in their area."""
    principal = caller.principal
    reach = provider_reach(principal)
    if principal.role in (Role.CCWC, Role.PROVIDER):
        query = replace(query, provider_id=query.provider_id or principal.provider_id)
    query = replace(query, area=coordinator_area(principal, query.area))

    def work(tx: Transaction) -> Listing[AwarenessSession]:
        if query.provider_id is not None:
            reached_provider(tx, query.provider_id, reach)
        return tx.list_awareness_sessions(query, page)

    return caller.store.read(work)


def _first_of(month: str) -> date:
    return date(int(month[:4]), int(month[5:]), 1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_of(month: str | None, today: date) -> list[str]:
    """The month asked for, or the :data:`DEFAULT_MONTHS` ending with today's."""
    if month is not None:
        if not MONTH.match(month):
            raise InvalidInput(f"month must look like 2026-03, not {month!r}.", field="month")
        return [month]
    year, number = today.year, today.month
    months = []
    for _ in range(DEFAULT_MONTHS):
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return months[::-1]


def awareness_summary(
    caller: Caller, area: str | None, month: str | None, today: date
) -> AwarenessSummary:
    """How many people awareness sessions in ``area`` (a commune, district or province;
    ``None``: the country) reached in ``month`` (``YYYY-MM``; by default each of the
    twelve months ending with today's), per commune (per district for a province, per
    province for the country); a coordinator's own area unless they name one in it."""
    area = coordinator_area(caller.principal, area)
    check_report_area(area)
    months = months_of(month, today)
    level, _areas = grouping(area)
    since, until = _first_of(months[0]), _next_month(_first_of(months[-1]))
    query = AwarenessQuery(area=area, since=since, until=until)
    sessions = caller.store.read(
        lambda tx: all_pages(lambda page: tx.list_awareness_sessions(query, page))
    )
    rows: dict[tuple[str, str], AwarenessRow] = {}
    per_month = {m: MonthTotal(month=m) for m in months}
    totals = ReachCounts()
    for s in sessions:
        m = s.held_on.strftime("%Y-%m")
        if m not in per_month:
            continue
        code = row_area(s.area_code, level)
        key = (code, m)
        if key not in rows:
            found = gazetteer().area(code)
            rows[key] = AwarenessRow(
                area_code=code,
                level=found.level,
                name_en=found.name_en,
                name_km=found.name_km,
                month=m,
            )
        rows[key].add(s)
        per_month[m].add(s)
        totals.add(s)
    return AwarenessSummary(
        area=area,
        grouped_by=level,
        months=months,
        rows=[rows[k] for k in sorted(rows, key=lambda k: (k[1], k[0]))],
        by_month=list(per_month.values()),
        totals=totals,
    )

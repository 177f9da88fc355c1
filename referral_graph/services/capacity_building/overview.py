"""What a coordinator sees of an area: per commune (or district), who is trained in
what, whose refresher or coaching is overdue; competencies lapsing soon; people whose
coaching is overdue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel, Field

from referral_graph.domain.areas import check_report_area, gazetteer
from referral_graph.domain.models import Provider
from referral_graph.domain.queries import PeopleQuery, TrainingRecordQuery
from referral_graph.domain.training import (
    Competency,
    CompetencyStatus,
    Person,
    PersonRole,
    TrainingPolicy,
    TrainingRecord,
    TrainingTopic,
    coaching_overdue,
    competencies,
)
from referral_graph.domain.vocabulary import AreaLevel
from referral_graph.security.policy import coordinator_area
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building.common import (
    all_pages,
    grouping,
    policy_in_force,
    row_area,
)
from referral_graph.store.port import Store, Transaction


class TopicCounts(BaseModel):
    """Active people by the state of their ``topic`` competency; ``refresher_due`` is
    expiring + lapsed."""

    topic: TrainingTopic
    valid: int = 0
    expiring: int = 0
    lapsed: int = 0
    refresher_due: int = 0


class TrainingRow(BaseModel):
    """One area: its active people, how many hold any valid competency, each topic's
    counts, and how many trained people's coaching is overdue."""

    area_code: str
    level: AreaLevel | None = Field(description="None for the whole country.")
    name_en: str
    name_km: str
    people: int = 0
    trained_people: int = 0
    topics: list[TopicCounts]
    coaching_overdue: int = 0


class TrainingOverview(BaseModel):
    area: str | None
    grouped_by: AreaLevel
    as_of: date
    policy_version: int
    coaching_interval_days: int
    expiry_warning_days: int
    rows: list[TrainingRow]
    totals: TrainingRow


class PersonAtProvider(BaseModel):
    """A person, with the provider they work for and where it is."""

    person_id: str
    name: str
    role: PersonRole
    provider_id: str
    provider_name: str
    area_code: str


class CompetencyRow(PersonAtProvider):
    """Who holds which competency, until when."""

    topic: TrainingTopic
    earned_on: date
    valid_until: date
    status: CompetencyStatus
    days_left: int


class CoachingDue(PersonAtProvider):
    """A trained, active person not coached within the programme's interval (counted
    from their last coaching, or from their first training if never coached)."""

    last_coached_on: date | None
    due_on: date
    days_overdue: int


@dataclass(frozen=True, slots=True)
class _Area:
    """Everything the views of an area are computed from (one read transaction)."""

    policy: TrainingPolicy
    people: dict[str, Person]
    providers: dict[str, Provider]
    records: list[TrainingRecord]
    last_coached: dict[str, date]


def _read(store: Store, area: str | None, provider_id: str | None = None) -> _Area:
    def work(tx: Transaction) -> _Area:
        query = PeopleQuery(area=area, provider_id=provider_id, active=True)
        people = {p.id: p for p in all_pages(lambda page: tx.list_people(query, page))}
        records = tx.training_records(
            TrainingRecordQuery(area=area, provider_id=provider_id, active_people_only=True)
        )
        return _Area(
            policy=policy_in_force(tx),
            people=people,
            providers=tx.get_providers({p.provider_id for p in people.values()}),
            records=[r for r in records if r.person_id in people],
            last_coached=tx.last_coaching(list(people)),
        )

    return store.read(work)


@dataclass(frozen=True, slots=True)
class _Due:
    person: Person
    last_coached_on: date | None
    due_on: date


def _overdue(
    people: Iterable[Person],
    records: Iterable[TrainingRecord],
    last_coached: Mapping[str, date],
    policy: TrainingPolicy,
    today: date,
) -> list[_Due]:
    """Trained people (coaching follows training) whose coaching is overdue; the
    interval runs from the last coaching, or from the first training if never coached."""
    first_trained: dict[str, date] = {}
    for r in records:
        if r.person_id not in first_trained or r.trained_on < first_trained[r.person_id]:
            first_trained[r.person_id] = r.trained_on
    trained = [p for p in people if p.id in first_trained]
    since = {p.id: last_coached.get(p.id) or first_trained[p.id] for p in trained}
    interval = timedelta(days=policy.coaching_interval_days)
    return [
        _Due(person, last_coached.get(person.id), since[person.id] + interval)
        for person, _start in coaching_overdue(trained, since, policy, today)
    ]


def _report_area(caller: Caller, area: str | None) -> str | None:
    """The area a report covers: a coordinator's own unless they name one in it."""
    area = coordinator_area(caller.principal, area)
    check_report_area(area)
    return area


def coaching_overdue_in(caller: Caller, area: str | None, today: date) -> list[CoachingDue]:
    """Trained, active people of providers in ``area`` whose coaching is overdue, longest
    overdue first."""
    area = _report_area(caller, area)
    return _coaching_rows(_read(caller.store, area), today)


def training_attention(
    caller: Caller, area: str | None, today: date
) -> tuple[list[CompetencyRow], list[CoachingDue]]:
    """The competencies of ``area``'s active people whose refresher is due (expiring or
    lapsed), and the people whose coaching is overdue — read once, for a meeting's agenda
    (which lists both per provider)."""
    area = _report_area(caller, area)
    data = _read(caller.store, area)
    due = [
        c
        for c in competencies(data.records, data.policy, today)
        if c.status is not CompetencyStatus.VALID
    ]
    return _competency_rows(data, due, today), _coaching_rows(data, today)


def _coaching_rows(data: _Area, today: date) -> list[CoachingDue]:
    rows = []
    for due in _overdue(data.people.values(), data.records, data.last_coached, data.policy, today):
        provider = data.providers.get(due.person.provider_id)
        if provider is None:
            continue
        rows.append(
            CoachingDue(
                person_id=due.person.id,
                name=due.person.name,
                role=due.person.role,
                provider_id=provider.id,
                provider_name=provider.name,
                area_code=provider.area_code,
                last_coached_on=due.last_coached_on,
                due_on=due.due_on,
                days_overdue=(today - due.due_on).days,
            )
        )
    return sorted(rows, key=lambda r: (-r.days_overdue, r.name, r.person_id))


def _competency_rows(data: _Area, found: Iterable[Competency], today: date) -> list[CompetencyRow]:
    rows = []
    for c in found:
        person = data.people.get(c.person_id)
        provider = None if person is None else data.providers.get(person.provider_id)
        if person is None or provider is None:
            continue
        rows.append(
            CompetencyRow(
                person_id=person.id,
                name=person.name,
                role=person.role,
                provider_id=provider.id,
                provider_name=provider.name,
                area_code=provider.area_code,
                topic=c.topic,
                earned_on=c.earned_on,
                valid_until=c.valid_until,
                status=c.status,
                days_left=(c.valid_until - today).days,
            )
        )
    return rows


def competency_list(
    caller: Caller,
    area: str | None,
    today: date,
    *,
    topic: TrainingTopic | None = None,
    status: CompetencyStatus | None = None,
    provider_id: str | None = None,
) -> list[CompetencyRow]:
    """Who of the active people in ``area`` is trained in what on ``today``, by area,
    provider, name and topic."""
    area = _report_area(caller, area)
    data = _read(caller.store, area, provider_id)
    found = [
        c
        for c in competencies(data.records, data.policy, today)
        if (topic is None or c.topic is topic) and (status is None or c.status is status)
    ]
    rows = _competency_rows(data, found, today)
    return sorted(rows, key=lambda r: (r.area_code, r.provider_id, r.name, r.person_id, r.topic))


def lapsing_soon(caller: Caller, area: str | None, today: date) -> list[CompetencyRow]:
    """Competencies that lapse within the policy's warning period, soonest first: whom
    to invite to the next refresher."""
    rows = competency_list(caller, area, today, status=CompetencyStatus.EXPIRING)
    return sorted(rows, key=lambda r: (r.valid_until, r.name, r.person_id, r.topic))


def _row(code: str) -> TrainingRow:
    found = gazetteer().area(code)
    return TrainingRow(
        area_code=code,
        level=found.level,
        name_en=found.name_en,
        name_km=found.name_km,
        topics=[TopicCounts(topic=t) for t in TrainingTopic],
    )


def _count(row: TrainingRow, status: CompetencyStatus, topic: TrainingTopic) -> None:
    counts = row.topics[list(TrainingTopic).index(topic)]
    if status is CompetencyStatus.VALID:
        counts.valid += 1
    elif status is CompetencyStatus.EXPIRING:
        counts.expiring += 1
    else:
        counts.lapsed += 1
    counts.refresher_due = counts.expiring + counts.lapsed


def capacity_overview(caller: Caller, area: str | None, today: date) -> TrainingOverview:
    """Per commune of a district (district of a province, province of the country; a
    commune alone): active people, who holds which competency and in what state, whose
    refresher and coaching are overdue. People of providers located above that level
    (a provincial team, reported by district) get a row of their provider's area. A
    coordinator's report covers their own area unless they name one in it."""
    area = _report_area(caller, area)
    level, areas = grouping(area)
    data = _read(caller.store, area)
    rows = {a.code: _row(a.code) for a in areas}
    totals = _row(area) if area is not None else None
    placed: dict[str, str] = {}
    for person in data.people.values():
        provider = data.providers.get(person.provider_id)
        if provider is None:
            continue
        code = row_area(provider.area_code, level)
        placed[person.id] = code
        if code not in rows:
            rows[code] = _row(code)
        rows[code].people += 1
    holders: dict[str, set[str]] = {}
    for c in competencies(data.records, data.policy, today):
        where = placed.get(c.person_id)
        if where is None:
            continue
        _count(rows[where], c.status, c.topic)
        if c.status is not CompetencyStatus.LAPSED:
            holders.setdefault(where, set()).add(c.person_id)
    for where, ids in holders.items():
        rows[where].trained_people = len(ids)
    people = [p for p in data.people.values() if p.id in placed]
    for due in _overdue(people, data.records, data.last_coached, data.policy, today):
        rows[placed[due.person.id]].coaching_overdue += 1
    ordered = [rows[code] for code in sorted(rows)]
    total = totals or TrainingRow(
        area_code="KH",
        level=None,
        name_en="Cambodia",
        name_km="កម្ពុជា",
        topics=[TopicCounts(topic=t) for t in TrainingTopic],
    )
    for row in ordered:
        total.people += row.people
        total.trained_people += row.trained_people
        total.coaching_overdue += row.coaching_overdue
        for mine, theirs in zip(total.topics, row.topics, strict=True):
            mine.valid += theirs.valid
            mine.expiring += theirs.expiring
            mine.lapsed += theirs.lapsed
            mine.refresher_due += theirs.refresher_due
    return TrainingOverview(
        area=area,
        grouped_by=level,
        as_of=today,
        policy_version=data.policy.version,
        coaching_interval_days=data.policy.coaching_interval_days,
        expiry_warning_days=data.policy.expiry_warning_days,
        rows=ordered,
        totals=total,
    )

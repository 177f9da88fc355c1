"""The capacity-building seed: reproducible, synthetic, about adults only, mostly trained
on the day it describes (a few lapsed or lapsing, so coordinators have something to see),
and it loads into a store — twice — without error.

Competencies are worked out here from the attendance and the policy's months, not with
the domain's functions, and expected bands come from the brief of issue #10.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.areas import gazetteer, lineage_codes
from referral_graph.domain.models import Provider
from referral_graph.domain.training import (
    AwarenessSession,
    PersonRole,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import AreaLevel, ProviderKind, Service
from referral_graph.policies.training import packaged_policy
from referral_graph.services.routing import Routing
from referral_graph.store.port import (
    AwarenessQuery,
    CoachingQuery,
    Page,
    PeopleQuery,
    TrainingQuery,
    TrainingRecordQuery,
    Transaction,
)
from seed import national
from seed.loader import load_programme
from seed.seeding import seed_programme
from seed.training import COACHING_NOTES, TrainingData, load_training_document, programme_training

PFA = TrainingTopic.PSYCHOLOGICAL_FIRST_AID
TODAY = date(2026, 11, 25)  # the day the seed describes
SCENARIO_DAY = date(2026, 3, 3)  # tests/routing/test_scenarios.py
COMMUNITY = frozenset(
    {ProviderKind.VHSG, ProviderKind.CCWC, ProviderKind.HEALTH_CENTRE, ProviderKind.SCHOOL}
)
ADULT_ROLES = frozenset(PersonRole)  # every role is a job or a volunteer post
PROGRAMME_DISTRICTS = frozenset(
    {"1701", "1702", "1703", "1712", "1602", "1603", *(f"19{n:02d}" for n in range(1, 7))}
)


@pytest.fixture(scope="module")
def providers() -> list[Provider]:
    return load_programme()[0]


@pytest.fixture(scope="module")
def data(providers: list[Provider]) -> TrainingData:
    return programme_training(providers, today=TODAY)


def valid_until(topic: TrainingTopic, ends_on: date) -> date:
    months = packaged_policy().valid_months[topic]
    return ends_on + relativedelta(months=months) - timedelta(days=1)


def latest_valid(data: TrainingData, topic: TrainingTopic) -> dict[str, date]:
    """Per provider: the last day its best-trained active person holds ``topic``."""
    sessions = {s.id: s for s in data.sessions}
    people = {p.id: p for p in data.people}
    best: dict[str, date] = {}
    for a in data.attendance:
        session, person = sessions[a.session_id], people[a.person_id]
        if session.topic is not topic or not person.active or not a.completed:
            continue
        until = valid_until(topic, session.ends_on)
        if until > best.get(person.provider_id, date.min):
            best[person.provider_id] = until
    return best


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def community(providers: Iterable[Provider]) -> list[Provider]:
    return [p for p in providers if p.kind in COMMUNITY]


# --- reproducible, synthetic, no child data ----------------------------------------------


def test_same_files_same_records(data: TrainingData, providers: list[Provider]) -> None:
    again = programme_training(providers, today=TODAY)
    assert again.people == data.people
    assert again.sessions == data.sessions
    assert again.attendance == data.attendance
    assert again.coaching == data.coaching
    assert again.awareness == data.awareness


def test_everyone_and_everything_is_synthetic(data: TrainingData) -> None:
    assert data.people and all(p.synthetic for p in data.people)
    assert all(s.synthetic for s in data.sessions)
    assert all(s.synthetic for s in data.awareness)
    assert data.attendance and all(a.synthetic for a in data.attendance)
    assert data.coaching and all(c.synthetic for c in data.coaching)


def test_no_child_data(data: TrainingData, providers: list[Provider]) -> None:
    """People are staff and volunteers of providers; nobody has contact details; awareness
    sessions hold counts only; coaching notes are generic."""
    kinds = {p.id: p.kind for p in providers}
    for person in data.people:
        assert person.role in ADULT_ROLES and person.contact is None
        assert person.provider_id in kinds
    for s in data.awareness:
        fields = set(AwarenessSession.model_fields)
        assert fields == {
            "id",
            "provider_id",
            "facilitator_id",
            "held_on",
            "area_code",
            "topic",
            "participants",
            "synthetic",
            "created_at",
        }, "an awareness session has no field for a name or a note"
        assert s.total > 0
    assert {c.note for c in data.coaching} <= set(COACHING_NOTES)


def test_every_community_provider_has_one_to_four_active_people(
    data: TrainingData, providers: list[Provider]
) -> None:
    active: dict[str, int] = defaultdict(int)
    for p in data.people:
        active[p.provider_id] += p.active
    ours = community(providers)
    assert len(ours) == 190, "the programme's VHSGs, CCWCs, health centres and schools"
    outside = {p.id: active[p.id] for p in ours if not 1 <= active[p.id] <= 4}
    assert outside == {}, "community providers with no active person, or more than four"


def test_the_clinical_supervisor_and_counsellors_supervise_community_people(
    data: TrainingData,
) -> None:
    people = {p.id: p for p in data.people}
    supervisor = people["person-tpo-supervisor-1"]
    assert supervisor.role is PersonRole.CLINICAL_SUPERVISOR
    supervised = [p for p in data.people if p.supervised_by]
    assert len(supervised) >= 0.9 * (len(data.people) - 8)
    for p in supervised:
        for boss in p.supervised_by:
            assert people[boss].role in {PersonRole.COUNSELLOR, PersonRole.CLINICAL_SUPERVISOR}
    staff = [p for p in data.people if p.role is PersonRole.HEALTH_STAFF]
    assert all(supervisor.id in p.supervised_by for p in staff)


# --- trainings: mostly valid today, a realistic few not -----------------------------------


def test_trainings_were_held_in_the_programme_districts_in_2024_to_2026(
    data: TrainingData,
) -> None:
    for s in data.sessions:
        assert date(2024, 1, 1) <= s.starts_on <= s.ends_on <= TODAY
        if s.area_code is not None:
            assert s.area_code in PROGRAMME_DISTRICTS
    held_in = {s.area_code for s in data.sessions if s.topic is PFA}
    assert held_in >= PROGRAMME_DISTRICTS


def test_most_providers_hold_first_aid_today_a_few_do_not(
    data: TrainingData, providers: list[Provider]
) -> None:
    best = latest_valid(data, PFA)
    ours = community(providers)
    valid = [p for p in ours if best.get(p.id, date.min) >= TODAY]
    expiring = [p for p in valid if best[p.id] - TODAY < timedelta(days=60)]
    lacking = [p for p in ours if p not in valid]
    assert 0.85 <= share(len(valid), len(ours)) <= 0.97
    assert 3 <= len(lacking) <= 0.12 * len(ours)
    assert 3 <= len(expiring) <= 0.1 * len(ours)
    assert {p.kind for p in lacking} >= {ProviderKind.VHSG, ProviderKind.CCWC}


def test_the_providers_the_tests_and_the_walkthrough_use_stay_trained(
    data: TrainingData, providers: list[Provider]
) -> None:
    keep = load_training_document().keep_trained
    best = latest_valid(data, PFA)
    kept = [p for p in community(providers) if p.id in keep or p.area_code[:6] in keep]
    assert {"ccwc-170101", "hc-170101", "vhsg-170101", "ccwc-160201"} <= {p.id for p in kept}
    for p in kept:
        assert best.get(p.id, date.min) - TODAY >= timedelta(days=60), p.id


def test_on_the_routing_scenarios_day_nearly_everyone_holds_first_aid(
    data: TrainingData, providers: list[Provider]
) -> None:
    best = latest_valid(data, PFA)
    ours = community(providers)
    lacking = [p.id for p in ours if best.get(p.id, date.min) < SCENARIO_DAY]
    assert len(lacking) <= 3, lacking


def test_health_centres_keep_counselling_and_schools_their_support(
    data: TrainingData, providers: list[Provider]
) -> None:
    counselling = latest_valid(data, TrainingTopic.COUNSELLING_SKILLS)
    centres = [p for p in providers if p.kind is ProviderKind.HEALTH_CENTRE]
    held = [p for p in centres if counselling.get(p.id, date.min) >= TODAY]
    assert share(len(held), len(centres)) >= 0.85
    support = latest_valid(data, TrainingTopic.SUPPORTING_CHILDREN_AFFECTED_BY_VIOLENCE)
    schools = [p for p in providers if p.kind is ProviderKind.SCHOOL]
    assert all(support.get(p.id, date.min) >= TODAY for p in schools)


# --- coaching and awareness -------------------------------------------------------------


def test_most_people_were_coached_within_ninety_days_some_are_overdue(
    data: TrainingData,
) -> None:
    last: dict[str, date] = {}
    for c in data.coaching:
        assert c.held_on <= TODAY and c.person_id != c.coach_id
        last[c.person_id] = max(c.held_on, last.get(c.person_id, date.min))
    people = [p for p in data.people if p.active and p.supervised_by]
    limit = TODAY - timedelta(days=packaged_policy().coaching_interval_days)
    overdue = [p for p in people if last.get(p.id, date.min) < limit]
    assert 0.08 <= share(len(overdue), len(people)) <= 0.35


def test_trained_providers_held_awareness_sessions_in_their_areas(
    data: TrainingData, providers: list[Provider]
) -> None:
    by_id = {p.id: p for p in providers}
    facilitators = {p.id: p.provider_id for p in data.people}
    for s in data.awareness:
        provider = by_id[s.provider_id]
        assert date(2025, 1, 1) <= s.held_on <= TODAY
        assert gazetteer().area(s.area_code).level in (AreaLevel.VILLAGE, AreaLevel.COMMUNE)
        assert lineage_codes(provider.area_code)[1] == lineage_codes(s.area_code)[1]
        assert s.facilitator_id is not None and facilitators[s.facilitator_id] == provider.id
    districts = {lineage_codes(s.area_code)[1] for s in data.awareness}
    assert districts == PROGRAMME_DISTRICTS
    march = [s for s in data.awareness if s.held_on.strftime("%Y-%m") == "2026-03"]
    assert any(s.area_code.startswith("1701") for s in march), "the README's report month"


# --- loading ----------------------------------------------------------------------------


def count(store: SqliteStore) -> tuple[int, int, int, int]:
    def work(tx: Transaction) -> tuple[int, int, int, int]:
        one = Page(limit=1)
        return (
            tx.list_people(PeopleQuery(), one).count,
            tx.list_training_sessions(TrainingQuery(), one).count,
            tx.list_coaching(CoachingQuery(), one).count,
            tx.list_awareness_sessions(AwarenessQuery(), one).count,
        )

    return store.read(work)


def test_the_seed_loads_into_sqlite_twice(tmp_path: Path, data: TrainingData) -> None:
    store = SqliteStore(tmp_path / "seed.sqlite3")
    store.initialise()
    try:
        first = seed_programme(store, today=TODAY)
        seed_programme(store, today=TODAY)  # again: nothing fails, nothing doubles
        counts = count(store)
        assert counts == (
            len(data.people),
            len(data.sessions),
            len(data.coaching),
            len(data.awareness),
        )
        assert first >= data.rows
        attended = store.read(lambda tx: len(tx.training_records(TrainingRecordQuery())))
        assert attended == len(data.attendance)
        assert store.read(lambda tx: tx.count_cases()) == 0, "the seed holds no case"
        graph = Routing(store, "Asia/Phnom_Penh").directory.current()
        best = latest_valid(data, PFA)
        for provider in community(graph.providers.values()):
            if Service.PSYCHOLOGICAL_FIRST_AID not in provider.services:
                continue
            trained = best.get(provider.id, date.min) >= TODAY
            assert graph.offers(provider, Service.PSYCHOLOGICAL_FIRST_AID, TODAY) == trained
    finally:
        store.close()


# --- the national network ---------------------------------------------------------------


@pytest.fixture(scope="module")
def national_network() -> tuple[list[Provider], TrainingData]:
    providers, _ = national.generate_national()
    return providers, national.generate_national_training(providers)


def test_national_capacity_is_reproducible(
    national_network: tuple[list[Provider], TrainingData],
) -> None:
    providers, data = national_network
    sample: Sequence[Provider] = providers[:3000]  # generation runs through providers in order
    again = national.generate_national_training(sample)
    assert again.people == data.people[: len(again.people)]
    assert again.attendance == data.attendance[: len(again.attendance)]
    other = national.generate_national_training(sample, seed=7)
    assert [p.name for p in other.people] != [p.name for p in again.people]


def test_national_people_are_synthetic_about_two_per_provider_mostly_trained(
    national_network: tuple[list[Provider], TrainingData],
) -> None:
    providers, data = national_network
    ours = community(providers)
    assert len(ours) == 18_107, "every VHSG, CCWC, health centre and school of the country"
    assert all(p.synthetic for p in data.people)
    # Seed 2025 gives exactly this many; about two per provider is what it stands for.
    assert len(data.people) == 36_160, f"{len(data.people)} people"
    assert round(len(data.people) / len(ours), 1) == 2.0
    best = latest_valid(data, PFA)
    valid = [p for p in ours if best.get(p.id, date.min) >= TODAY]
    assert 0.85 <= share(len(valid), len(ours)) <= 0.93
    # people: the last day of each person's first-aid competency
    sessions = {s.id: s for s in data.sessions}
    until: dict[str, date] = {}
    for a in data.attendance:
        s = sessions[a.session_id]
        if s.topic is PFA:
            until[a.person_id] = max(valid_until(PFA, s.ends_on), until.get(a.person_id, date.min))
    holders = [p for p in data.people if until.get(p.id, date.min) >= TODAY]
    assert 0.84 <= share(len(holders), len(data.people)) <= 0.91
    never = [p for p in data.people if p.id not in until]
    assert never, "some people were never trained"

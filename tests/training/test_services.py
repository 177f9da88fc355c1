"""Capacity-building use cases with a controlled clock: competencies valid → expiring →
lapsed → restored by a refresher; coaching overdue; awareness reach per area and month;
the per-commune overview; the policy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from referral_graph.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    StaleVersion,
    UnknownArea,
)
from referral_graph.domain.training import (
    AgeGroup,
    AwarenessSession,
    AwarenessTopic,
    CoachingSession,
    CompetencyStatus,
    ParticipantCount,
    PersonRole,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import AreaLevel, Gender
from referral_graph.policies.training import packaged_policy
from referral_graph.security.model import Principal, Role
from referral_graph.services import capacity_building
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building import AttendanceEntry
from referral_graph.store.port import Page, PeopleQuery, Store
from tests.factories import T0
from tests.training.conftest import (
    COMMUNE_1,
    COMMUNE_2,
    THUM,
    TODAY,
    VILLAGE_1,
    VILLAGE_2,
    attend,
    person,
    training,
)

PFA = TrainingTopic.PSYCHOLOGICAL_FIRST_AID
GBV = TrainingTopic.GBV


def version(store: Store) -> int:
    return store.read(lambda tx: tx.directory_version())


def status_on(store: Store, person_id: str, topic: TrainingTopic, today: date) -> CompetencyStatus:
    found = capacity_building.person_competencies(Caller.system(store, T0), person_id, today)
    (competency,) = [c for c in found.competencies if c.topic is topic]
    return competency.status


# --- competencies over time ---------------------------------------------------------------
def test_a_competency_is_valid_then_expiring_then_lapsed_and_a_refresher_restores_it(
    net: Store,
) -> None:
    person(net, "p1", "vhsg-t1")
    training(net, "pfa-2024", PFA, date(2024, 1, 10))
    attend(net, "pfa-2024", "p1", today=date(2024, 1, 10))
    # PFA lasts 24 months: valid through 2026-01-09; warned 60 days before.
    assert status_on(net, "p1", PFA, date(2024, 1, 10)) is CompetencyStatus.VALID
    assert status_on(net, "p1", PFA, date(2025, 11, 10)) is CompetencyStatus.VALID
    assert status_on(net, "p1", PFA, date(2025, 11, 11)) is CompetencyStatus.EXPIRING
    assert status_on(net, "p1", PFA, date(2026, 1, 9)) is CompetencyStatus.EXPIRING
    lapsed = capacity_building.person_competencies(Caller.system(net, T0), "p1", date(2026, 1, 10))
    (c,) = lapsed.competencies
    assert (c.status, c.valid_until, c.refresher_due) == (
        CompetencyStatus.LAPSED,
        date(2026, 1, 9),
        True,
    )

    training(net, "pfa-refresher", PFA, date(2026, 2, 1), refresher=True)
    attend(net, "pfa-refresher", "p1", today=date(2026, 2, 1))
    restored = capacity_building.person_competencies(Caller.system(net, T0), "p1", date(2026, 2, 1))
    (c,) = restored.competencies
    assert (c.status, c.earned_on, c.valid_until, c.refresher_due) == (
        CompetencyStatus.VALID,
        date(2026, 2, 1),
        date(2028, 1, 31),
        False,
    )


def test_attendance_not_completed_confers_nothing(net: Store) -> None:
    person(net, "p1", "vhsg-t1")
    training(net, "pfa", PFA, date(2026, 1, 5))
    entries = [AttendanceEntry("p1", completed=False)]
    capacity_building.record_attendance(Caller.system(net, T0), "pfa", entries, today=TODAY)
    assert (
        capacity_building.person_competencies(Caller.system(net, T0), "p1", TODAY).competencies
        == []
    )


def test_a_new_policy_changes_validity_at_once_and_tells_routing(net: Store) -> None:
    person(net, "p1", "vhsg-t1")
    training(net, "gbv", GBV, date(2025, 1, 10))
    attend(net, "gbv", "p1", today=date(2025, 1, 10))
    assert status_on(net, "p1", GBV, TODAY) is CompetencyStatus.VALID
    before = version(net)
    policy = packaged_policy()
    shorter = policy.model_copy(update={"valid_months": policy.valid_months | {GBV: 12}})
    saved = capacity_building.replace_policy(Caller.system(net, T0), shorter)
    assert saved.version == policy.version + 1
    assert capacity_building.current_policy(Caller.system(net, T0)) == saved
    assert version(net) > before
    assert status_on(net, "p1", GBV, TODAY) is CompetencyStatus.LAPSED


# --- people ---------------------------------------------------------------------------------
def test_people_need_an_existing_provider_and_supervisors(net: Store) -> None:
    with pytest.raises(NotFound):
        person(net, "p1", "nowhere")
    with pytest.raises(InvalidInput) as caught:
        person(net, "p1", "vhsg-t1", supervised_by=("ghost",))
    assert caught.value.field == "supervised_by"
    person(net, "sup", "tpo-sr", role=PersonRole.CLINICAL_SUPERVISOR)
    person(net, "p1", "vhsg-t1", supervised_by=("sup",))
    with pytest.raises(Conflict):
        person(net, "p1", "vhsg-t1")
    assert [p.id for p in capacity_building.supervisees(Caller.system(net, T0), "sup")] == ["p1"]


def test_updates_check_what_they_name_and_tell_routing_what_it_reads(net: Store) -> None:
    person(net, "p1", "vhsg-t1")
    start = version(net)
    renamed = capacity_building.update_person(Caller.system(net, T0), "p1", {"name": "Sokha"})
    assert (renamed.name, renamed.version) == ("Sokha", 2)
    assert version(net) == start, "a name is not something routing reads"
    capacity_building.update_person(Caller.system(net, T0), "p1", {"active": False})
    assert version(net) > start
    moved = capacity_building.update_person(
        Caller.system(net, T0), "p1", {"provider_id": "ccwc-t1"}
    )
    assert moved.provider_id == "ccwc-t1"
    for changes, field in (
        ({"provider_id": "nowhere"}, "provider_id"),
        ({"supervised_by": ["p1"]}, "supervised_by"),
        ({"supervised_by": ["ghost"]}, "supervised_by"),
        ({"id": "other"}, "id"),
    ):
        with pytest.raises(InvalidInput) as caught:
            capacity_building.update_person(Caller.system(net, T0), "p1", changes)
        assert caught.value.field == field
    with pytest.raises(StaleVersion):
        capacity_building.update_person(
            Caller.system(net, T0), "p1", {"name": "Late"}, expected_version=1
        )
    with pytest.raises(NotFound):
        capacity_building.update_person(Caller.system(net, T0), "ghost", {"name": "X"})


def staff_of(provider_id: str) -> Principal:
    return Principal(user_id="u", username="u", role=Role.PROVIDER, provider_id=provider_id)


def test_reach_hides_other_providers_people(net: Store) -> None:
    person(net, "p1", "vhsg-t1")
    person(net, "sup", "tpo-sr", supervised_by=())
    capacity_building.update_person(Caller.system(net, T0), "p1", {"supervised_by": ["sup"]})
    own = Caller(staff_of("vhsg-t1"), net, T0)  # reaches vhsg-t1's people only
    assert capacity_building.get_person(own, "p1").id == "p1"
    with pytest.raises(NotFound):
        capacity_building.get_person(own, "sup")
    with pytest.raises(NotFound):
        capacity_building.provider_people(own, "tpo-sr", Page())
    assert capacity_building.supervisees(Caller.system(net, T0), "sup") != []
    tpo_only = Caller(staff_of("tpo-sr"), net, T0)
    assert capacity_building.supervisees(tpo_only, "sup") == []


# --- attendance -----------------------------------------------------------------------------
def test_attendance_needs_the_session_and_its_people_and_counts_what_is_new(
    net: Store,
) -> None:
    person(net, "p1", "vhsg-t1")
    person(net, "p2", "vhsg-t1")
    training(net, "pfa", PFA, date(2026, 2, 20))
    start = version(net)
    result = capacity_building.record_attendance(
        Caller.system(net, T0), "pfa", [AttendanceEntry("p1")], today=TODAY
    )
    assert (result.recorded, result.already) == (1, 0)
    assert version(net) > start
    again = capacity_building.record_attendance(
        Caller.system(net, T0), "pfa", [AttendanceEntry("p1"), AttendanceEntry("p2")], today=TODAY
    )
    assert (again.recorded, again.already) == (1, 1)
    assert [a.person_id for a in again.attendance] == ["p1", "p2"]
    with pytest.raises(NotFound):
        capacity_building.record_attendance(
            Caller.system(net, T0), "nope", [AttendanceEntry("p1")], today=TODAY
        )
    for entries, field in (
        ([AttendanceEntry("p1"), AttendanceEntry("ghost")], "attendance.1.person_id"),
        ([AttendanceEntry("p1"), AttendanceEntry("p1")], "attendance.1.person_id"),
    ):
        with pytest.raises(InvalidInput) as caught:
            capacity_building.record_attendance(Caller.system(net, T0), "pfa", entries, today=TODAY)
        assert caught.value.field == field


def test_completion_waits_for_the_last_day_of_the_session(net: Store) -> None:
    person(net, "p1", "vhsg-t1")
    training(net, "later", PFA, TODAY + timedelta(days=3))
    with pytest.raises(InvalidInput) as caught:
        capacity_building.record_attendance(
            Caller.system(net, T0), "later", [AttendanceEntry("p1")], today=TODAY
        )
    assert caught.value.field == "attendance.0.completed"
    booked = capacity_building.record_attendance(
        Caller.system(net, T0), "later", [AttendanceEntry("p1", completed=False)], today=TODAY
    )
    assert booked.recorded == 1


# --- coaching -------------------------------------------------------------------------------
def coach(store: Store, ident: str, who: str, on: date) -> None:
    session = CoachingSession(id=ident, person_id=who, coach_id="sup", held_on=on)
    capacity_building.record_coaching(Caller.system(store, T0), session, today=on)


def test_coaching_is_overdue_after_the_interval_since_the_last_one(net: Store) -> None:
    person(net, "sup", "tpo-sr", role=PersonRole.CLINICAL_SUPERVISOR)
    person(net, "coached", "vhsg-t1")
    person(net, "never", "hc-t2", role=PersonRole.HEALTH_STAFF)
    person(net, "untrained", "ccwc-t1")
    person(net, "left", "ccwc-t1")
    training(net, "pfa", PFA, date(2025, 1, 1))
    attend(net, "pfa", "coached", "never", "left", today=date(2025, 1, 1))
    capacity_building.update_person(Caller.system(net, T0), "left", {"active": False})
    coach(net, "c1", "coached", date(2025, 3, 1))  # due 90 days later: 2025-05-30

    # Never coached: due 90 days after the first training (2025-04-01).
    assert (
        capacity_building.coaching_overdue_in(Caller.system(net, T0), THUM, date(2025, 4, 1)) == []
    )
    (never,) = capacity_building.coaching_overdue_in(Caller.system(net, T0), THUM, date(2025, 4, 2))
    assert (never.person_id, never.last_coached_on, never.due_on, never.days_overdue) == (
        "never",
        None,
        date(2025, 4, 1),
        1,
    )
    on_due_day = capacity_building.coaching_overdue_in(
        Caller.system(net, T0), THUM, date(2025, 5, 30)
    )
    assert [r.person_id for r in on_due_day] == ["never"]
    late = capacity_building.coaching_overdue_in(Caller.system(net, T0), THUM, date(2025, 5, 31))
    assert [(r.person_id, r.days_overdue) for r in late] == [("never", 60), ("coached", 1)]
    assert late[1].last_coached_on == date(2025, 3, 1)
    assert late[1].provider_name == "Test vhsg-t1"

    coach(net, "c2", "coached", date(2025, 5, 31))
    assert [
        r.person_id
        for r in capacity_building.coaching_overdue_in(
            Caller.system(net, T0), THUM, date(2025, 5, 31)
        )
    ] == ["never"]
    mine = capacity_building.person_competencies(Caller.system(net, T0), "never", date(2025, 5, 31))
    assert (mine.coaching_overdue, mine.coaching_due_on) == (True, date(2025, 4, 1))


def test_coaching_names_existing_people_and_a_past_day(net: Store) -> None:
    person(net, "sup", "tpo-sr")
    person(net, "p1", "vhsg-t1")
    for session, field in (
        (CoachingSession(id="c", person_id="ghost", coach_id="sup", held_on=TODAY), "person_id"),
        (CoachingSession(id="c", person_id="p1", coach_id="ghost", held_on=TODAY), "coach_id"),
        (
            CoachingSession(
                id="c", person_id="p1", coach_id="sup", held_on=TODAY + timedelta(days=1)
            ),
            "held_on",
        ),
    ):
        with pytest.raises(InvalidInput) as caught:
            capacity_building.record_coaching(Caller.system(net, T0), session, today=TODAY)
        assert caught.value.field == field


# --- awareness ------------------------------------------------------------------------------
def awareness(
    store: Store, ident: str, area: str, on: date, counts: dict[tuple[AgeGroup, Gender], int]
) -> AwarenessSession:
    session = AwarenessSession(
        id=ident,
        provider_id="vhsg-t1",
        held_on=on,
        area_code=area,
        topic=AwarenessTopic.WHERE_TO_GET_HELP,
        participants=tuple(
            ParticipantCount(age_group=a, gender=g, count=n) for (a, g), n in counts.items()
        ),
    )
    return capacity_building.record_awareness(Caller.system(store, T0), session, today=TODAY)


def test_awareness_reach_is_summed_per_commune_and_month(net: Store) -> None:
    kids, teens = AgeGroup.UNDER_12, AgeGroup.FROM_12_TO_17
    F, M = Gender.FEMALE, Gender.MALE
    awareness(net, "a1", VILLAGE_1, date(2026, 2, 3), {(kids, F): 10, (kids, M): 8})
    awareness(net, "a2", COMMUNE_1, date(2026, 2, 20), {(kids, F): 5, (teens, M): 7})
    awareness(net, "a3", VILLAGE_2, date(2026, 2, 28), {(teens, F): 4})
    awareness(net, "a4", VILLAGE_1, date(2026, 3, 1), {(teens, F): 3})

    feb = capacity_building.awareness_summary(Caller.system(net, T0), THUM, "2026-02", TODAY)
    assert feb.grouped_by is AreaLevel.COMMUNE
    assert [(r.area_code, r.month, r.sessions, r.participants) for r in feb.rows] == [
        (COMMUNE_1, "2026-02", 2, 30),
        (COMMUNE_2, "2026-02", 1, 4),
    ]
    first = feb.rows[0]
    assert first.by_age_group[kids] == 23
    assert first.by_age_group[teens] == 7
    assert first.by_gender[F] == 15
    assert first.by_gender[M] == 15
    assert [(c.age_group, c.gender, c.count) for c in first.by_age_group_and_gender] == [
        (kids, F, 15),
        (kids, M, 8),
        (teens, M, 7),
    ]
    assert feb.totals.participants == 34
    assert feb.totals.sessions_by_topic == {AwarenessTopic.WHERE_TO_GET_HELP: 3}

    province = capacity_building.awareness_summary(Caller.system(net, T0), "17", "2026-02", TODAY)
    assert [(r.area_code, r.level, r.participants) for r in province.rows] == [
        (THUM, AreaLevel.DISTRICT, 34)
    ]
    year = capacity_building.awareness_summary(Caller.system(net, T0), THUM, None, TODAY)
    assert year.months[0] == "2025-04"
    assert year.months[-1] == "2026-03"
    assert [(m.month, m.participants) for m in year.by_month[-2:]] == [
        ("2026-02", 34),
        ("2026-03", 3),
    ]
    assert year.totals.participants == 37
    with pytest.raises(InvalidInput) as caught:
        capacity_building.awareness_summary(Caller.system(net, T0), THUM, "2026-13", TODAY)
    assert caught.value.field == "month"


def test_awareness_sessions_need_a_provider_a_facilitator_and_a_past_day(net: Store) -> None:
    count = (ParticipantCount(age_group=AgeGroup.FROM_25, gender=Gender.FEMALE, count=3),)
    base = {
        "id": "a",
        "provider_id": "vhsg-t1",
        "held_on": TODAY,
        "area_code": VILLAGE_1,
        "topic": AwarenessTopic.GBV,
        "participants": count,
    }
    for change, field in (
        ({"provider_id": "ghost"}, "provider_id"),
        ({"facilitator_id": "ghost"}, "facilitator_id"),
        ({"held_on": TODAY + timedelta(days=1)}, "held_on"),
    ):
        with pytest.raises(InvalidInput) as caught:
            capacity_building.record_awareness(
                Caller.system(net, T0), AwarenessSession.model_validate(base | change), today=TODAY
            )
        assert caught.value.field == field


# --- the overview ---------------------------------------------------------------------------
def test_the_overview_counts_competencies_per_commune_and_district(net: Store) -> None:
    person(net, "v1", "vhsg-t1")
    person(net, "v2", "vhsg-t1")
    person(net, "n1", "hc-t2", role=PersonRole.HEALTH_STAFF)
    person(net, "sup", "tpo-sr", role=PersonRole.CLINICAL_SUPERVISOR)
    person(net, "gone", "ccwc-t1")
    training(net, "pfa-old", PFA, date(2024, 1, 10))  # lapsed on TODAY
    training(net, "pfa-mid", PFA, date(2024, 3, 20))  # expiring (until 2026-03-19)
    training(net, "pfa-new", PFA, date(2026, 1, 15))  # valid
    training(net, "gbv", GBV, date(2025, 6, 1))  # valid
    attend(net, "pfa-old", "v1", "gone", today=TODAY)
    attend(net, "pfa-mid", "v2", today=TODAY)
    attend(net, "pfa-new", "n1", "sup", today=TODAY)
    attend(net, "gbv", "v1", today=TODAY)
    capacity_building.update_person(Caller.system(net, T0), "gone", {"active": False})

    found = capacity_building.capacity_overview(Caller.system(net, T0), THUM, TODAY)
    assert found.grouped_by is AreaLevel.COMMUNE
    codes = [r.area_code for r in found.rows]
    assert codes[:2] == [COMMUNE_1, COMMUNE_2]
    assert codes == ["170201", "170202", "170203", "170204"], "every commune has a row"
    one, two = found.rows[0], found.rows[1]

    def pfa(row: capacity_building.TrainingRow) -> tuple[int, int, int, int]:
        t = next(t for t in row.topics if t.topic is PFA)
        return t.valid, t.expiring, t.lapsed, t.refresher_due

    assert (one.people, one.trained_people, pfa(one)) == (2, 2, (0, 1, 1, 2))
    assert next(t for t in one.topics if t.topic is GBV).valid == 1
    assert (two.people, two.trained_people, pfa(two)) == (1, 1, (1, 0, 0, 0))
    assert one.coaching_overdue == 2  # trained long ago, never coached
    assert two.coaching_overdue == 0  # trained in January: due in April
    assert found.totals.area_code == THUM
    assert (found.totals.people, pfa(found.totals)) == (3, (1, 1, 1, 2))

    province = capacity_building.capacity_overview(Caller.system(net, T0), "17", TODAY)
    assert province.grouped_by is AreaLevel.DISTRICT
    by_code = {r.area_code: r for r in province.rows}
    assert by_code[THUM].people == 3
    assert by_code["17"].people == 1, "the provincial team gets the province's own row"
    assert by_code["17"].level is AreaLevel.PROVINCE
    country = capacity_building.capacity_overview(Caller.system(net, T0), None, TODAY)
    assert country.totals.area_code == "KH"
    assert len(country.rows) == 25


def test_lapsing_soon_lists_expiring_competencies_soonest_first(net: Store) -> None:
    person(net, "v1", "vhsg-t1")
    person(net, "v2", "hc-t2")
    training(net, "pfa-a", PFA, date(2024, 3, 20))  # until 2026-03-19
    training(net, "pfa-b", PFA, date(2024, 3, 5))  # until 2026-03-04
    training(net, "pfa-c", PFA, date(2026, 1, 5))
    attend(net, "pfa-a", "v1")
    attend(net, "pfa-b", "v2")
    attend(net, "pfa-c", "v1")  # refreshed: no longer lapsing
    assert capacity_building.lapsing_soon(
        Caller.system(net, T0), THUM, TODAY
    ) == capacity_building.lapsing_soon(Caller.system(net, T0), "17", TODAY)
    (row,) = capacity_building.lapsing_soon(Caller.system(net, T0), THUM, TODAY)
    assert (row.person_id, row.valid_until, row.days_left) == ("v2", date(2026, 3, 4), 2)
    everyone = capacity_building.competency_list(Caller.system(net, T0), THUM, TODAY)
    assert [(r.person_id, r.status) for r in everyone] == [
        ("v1", CompetencyStatus.VALID),
        ("v2", CompetencyStatus.EXPIRING),
    ]
    only = capacity_building.competency_list(
        Caller.system(net, T0), THUM, TODAY, provider_id="hc-t2"
    )
    assert [r.person_id for r in only] == ["v2"]


def test_reports_refuse_villages_and_unknown_areas(net: Store) -> None:
    with pytest.raises(InvalidInput) as caught:
        capacity_building.capacity_overview(Caller.system(net, T0), VILLAGE_1, TODAY)
    assert caught.value.field == "area"
    with pytest.raises(UnknownArea):
        capacity_building.coaching_overdue_in(Caller.system(net, T0), "9999", TODAY)


def test_people_listing_by_area(net: Store) -> None:
    person(net, "v1", "vhsg-t1")
    person(net, "n1", "hc-t2")
    listing = capacity_building.list_people(
        Caller.system(net, T0), PeopleQuery(area=COMMUNE_2), Page()
    )
    assert [p.id for p in listing.items] == ["n1"]

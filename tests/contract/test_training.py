"""Contract of the training port: capacity building — people and supervision, trainings
and attendance, coaching, awareness sessions and the capacity policy (the data is in
``training_data.py``; bulk loads are the archive port's, in ``test_archive.py``).

Decisions this suite pins down for every store:

* A reference to something that does not exist (the provider of a person or of an
  awareness session, a supervisor, the session or person of an attendance, the person or
  coach of a coaching session, a facilitator) is refused with ``Conflict``, as
  ``add_referral`` and ``add_pathway`` refuse an unknown provider, and nothing of the
  refused write is stored.
* ``area`` of people, training records and coaching is where the person's provider is
  located *now*, at any level, following the gazetteer's parent links: a provider
  located in a province is not "in" one of its districts, and coverage does not count.
* ``area`` of training and awareness sessions is where the session was held, at any
  level; an online session (no area) matches no area.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from referral_graph.domain.errors import Conflict, StaleVersion, UnknownArea
from referral_graph.domain.training import (
    Attendance,
    TrainingRecord,
    TrainingTopic,
)
from referral_graph.store.port import (
    AwarenessQuery,
    CoachingQuery,
    Page,
    PeopleQuery,
    Store,
    TrainingQuery,
    TrainingRecordQuery,
)
from tests.contract.training_data import (
    ALL_RECORDS,
    ATTENDANCE,
    AWARENESS,
    AWARENESS_ORDER,
    COACHING,
    COACHING_ORDER,
    PEOPLE,
    PEOPLE_ORDER,
    PFA,
    SESSION_ORDER,
    SESSIONS,
    R,
    add_providers,
    attendance_of,
    attended,
    awareness,
    awareness_ids,
    coaching,
    coaching_ids,
    get_person,
    ids_of,
    people_ids,
    person,
    policy,
    records,
    session,
    session_ids,
    supervisee_ids,
    write_each,
)


@pytest.fixture
def staffed(any_store: Store) -> Store:
    """The providers and ``PEOPLE``, added one by one."""
    add_providers(any_store)
    write_each(any_store, PEOPLE, lambda tx, p: tx.add_person(p))
    return any_store


@pytest.fixture
def programme(staffed: Store) -> Store:
    """``staffed`` with every session, attendance, coaching and awareness session."""
    write_each(staffed, SESSIONS, lambda tx, s: tx.add_training_session(s))
    assert staffed.write(lambda tx: tx.record_attendance(ATTENDANCE)) == len(ATTENDANCE)
    write_each(staffed, COACHING, lambda tx, c: tx.add_coaching(c))
    write_each(staffed, AWARENESS, lambda tx, a: tx.add_awareness_session(a))
    return staffed


# --- people and supervision --------------------------------------------------------


def test_people_round_trip_with_their_supervisors(staffed: Store) -> None:
    for p in PEOPLE:
        assert get_person(staffed, p.id) == p
    assert get_person(staffed, "nope") is None
    found = staffed.read(lambda tx: tx.get_people(["bopha", "nope", "sok", "bopha"]))
    assert found == {"bopha": PEOPLE[5], "sok": PEOPLE[1]}
    assert staffed.read(lambda tx: tx.get_people([])) == {}


def test_supervised_by_keeps_its_order(staffed: Store) -> None:
    p = person("new", "hc-b", "Srey Neang", supervised_by=("hc-2", "sup", "bopha"))
    staffed.write(lambda tx: tx.add_person(p))
    stored = get_person(staffed, "new")
    assert stored is not None and stored.supervised_by == ("hc-2", "sup", "bopha")


def test_duplicate_person_is_a_conflict_and_changes_nothing(staffed: Store) -> None:
    clash = person("hc-2", "ccwc-a", "Someone Else", R.TEACHER, supervised_by=("hc-3",))
    with pytest.raises(Conflict):
        staffed.write(lambda tx: tx.add_person(clash))
    assert get_person(staffed, "hc-2") == PEOPLE[3]
    assert supervisee_ids(staffed, "hc-3") == []
    assert people_ids(staffed) == PEOPLE_ORDER


@pytest.mark.parametrize(
    "fields",
    [
        {"provider_id": "nope"},
        {"supervised_by": ("nope",)},
        {"supervised_by": ("sup", "nope")},
    ],
)
def test_person_naming_what_does_not_exist_is_a_conflict(
    staffed: Store, fields: dict[str, Any]
) -> None:
    p = person("new", "hc-a", "Srey Neang", supervised_by=("sup",)).model_copy(update=fields)
    with pytest.raises(Conflict) as raised:
        staffed.write(lambda tx: tx.add_person(p))
    assert raised.value.field == next(iter(fields))
    assert get_person(staffed, "new") is None
    assert supervisee_ids(staffed, "sup") == ["bopha", "hc-2", "hc-1"]
    assert people_ids(staffed) == PEOPLE_ORDER


def test_supervisees_by_name_then_id(staffed: Store) -> None:
    assert supervisee_ids(staffed, "sup") == ["bopha", "hc-2", "hc-1"]
    assert supervisee_ids(staffed, "hc-2") == ["bopha"]
    assert supervisee_ids(staffed, "kosal") == []
    assert supervisee_ids(staffed, "nope") == []
    twin = person("hc-0", "hc-a", "Chan Sophea", supervised_by=("sup",))
    staffed.write(lambda tx: tx.add_person(twin))
    assert supervisee_ids(staffed, "sup") == ["bopha", "hc-0", "hc-2", "hc-1"]


def test_save_person_is_compare_and_set_and_replaces_supervision(staffed: Store) -> None:
    old = PEOPLE[2]  # hc-1, supervised by sup
    new = old.model_copy(
        update={"name": "Vann Rithy", "active": True, "supervised_by": ("hc-2",), "version": 2}
    )
    staffed.write(lambda tx: tx.save_person(new, 1))
    assert get_person(staffed, "hc-1") == new
    assert supervisee_ids(staffed, "sup") == ["bopha", "hc-2"]
    assert supervisee_ids(staffed, "hc-2") == ["bopha", "hc-1"]

    late = old.model_copy(update={"name": "Late Writer", "version": 2})
    with pytest.raises(StaleVersion):
        staffed.write(lambda tx: tx.save_person(late, 1))
    assert get_person(staffed, "hc-1") == new

    unsupervised = new.model_copy(update={"supervised_by": (), "version": 3})
    staffed.write(lambda tx: tx.save_person(unsupervised, 2))
    assert get_person(staffed, "hc-1") == unsupervised
    assert supervisee_ids(staffed, "hc-2") == ["bopha"]

    ghost = person("ghost", "hc-a", "Nobody", version=2)
    with pytest.raises(StaleVersion):
        staffed.write(lambda tx: tx.save_person(ghost, 1))
    assert get_person(staffed, "ghost") is None


@pytest.mark.parametrize("fields", [{"provider_id": "nope"}, {"supervised_by": ("bopha", "nope")}])
def test_save_person_naming_what_does_not_exist_is_a_conflict(
    staffed: Store, fields: dict[str, Any]
) -> None:
    old = PEOPLE[3]  # hc-2, supervised by sup
    changed = old.model_copy(update={"name": "Changed", "version": 2, **fields})
    with pytest.raises(Conflict) as raised:
        staffed.write(lambda tx: tx.save_person(changed, 1))
    assert not isinstance(raised.value, StaleVersion)
    assert raised.value.field == next(iter(fields))
    assert get_person(staffed, "hc-2") == old
    assert supervisee_ids(staffed, "sup") == ["bopha", "hc-2", "hc-1"]
    assert supervisee_ids(staffed, "bopha") == []


def test_save_person_moves_them_to_another_provider(staffed: Store) -> None:
    moved = PEOPLE[4].model_copy(update={"provider_id": "hc-b", "version": 2})  # hc-3
    staffed.write(lambda tx: tx.save_person(moved, 1))
    assert people_ids(staffed, provider_id="hc-a") == ["hc-2", "hc-1"]
    assert people_ids(staffed, provider_id="hc-b") == ["bopha", "hc-3"]
    assert people_ids(staffed, area="1702") == ["bopha", "hc-3"]


def test_list_people_without_filters_by_provider_then_name_then_id(staffed: Store) -> None:
    listing = staffed.read(lambda tx: tx.list_people(PeopleQuery(), Page()))
    assert ids_of(listing) == PEOPLE_ORDER
    assert listing.count == len(PEOPLE)
    assert listing.items[0] == PEOPLE[1]


def test_list_people_pages_and_counts(staffed: Store) -> None:
    page = staffed.read(lambda tx: tx.list_people(PeopleQuery(), Page(limit=2, offset=1)))
    assert ids_of(page) == ["hc-2", "hc-3"]
    assert page.count == 8
    filtered = staffed.read(
        lambda tx: tx.list_people(PeopleQuery(area="17"), Page(limit=2, offset=4))
    )
    assert ids_of(filtered) == ["bopha", "sup"]
    assert filtered.count == 6
    beyond = staffed.read(lambda tx: tx.list_people(PeopleQuery(), Page(limit=5, offset=50)))
    assert beyond.items == [] and beyond.count == 8


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("17", ["sok", "hc-2", "hc-3", "hc-1", "bopha", "sup"]),  # province
        ("1701", ["sok", "hc-2", "hc-3", "hc-1"]),  # district: tpo-a sits in the province
        ("1702", ["bopha"]),
        ("170101", ["sok", "hc-2", "hc-3", "hc-1"]),  # commune
        ("170102", []),
        ("17020101", ["bopha"]),  # village
        ("04", ["kosal"]),
        ("0406", ["kosal"]),
        ("040614", ["kosal"]),  # its village's code does not start with the commune's
        ("04061700", ["kosal"]),
        ("04061400", []),
        ("12", ["line"]),
        ("01", []),  # the helpline covers province 01 but is located in 12
    ],
)
def test_list_people_by_where_their_provider_is_located(
    staffed: Store, area: str, expected: list[str]
) -> None:
    assert people_ids(staffed, area=area) == expected


def test_people_follow_their_provider_when_it_moves(staffed: Store) -> None:
    hc_b = staffed.read(lambda tx: tx.get_provider("hc-b"))
    assert hc_b is not None
    moved = hc_b.model_copy(update={"area_code": "040614", "version": hc_b.version + 1})
    staffed.write(lambda tx: tx.save_provider(moved, hc_b.version))
    assert people_ids(staffed, area="1702") == []
    assert people_ids(staffed, area="040614") == ["bopha", "kosal"]
    assert get_person(staffed, "bopha") == PEOPLE[5]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"provider_id": "hc-a"}, ["hc-2", "hc-3", "hc-1"]),
        ({"provider_id": "nope"}, []),
        ({"active": False}, ["hc-1"]),
        ({"active": True}, ["sok", "hc-2", "hc-3", "bopha", "line", "sup", "kosal"]),
        ({"role": R.HEALTH_STAFF}, ["hc-2", "hc-3", "hc-1", "bopha"]),
        ({"role": R.TRAINER}, []),
        ({"provider_id": "hc-a", "active": True}, ["hc-2", "hc-3"]),
        ({"area": "17", "role": R.CLINICAL_SUPERVISOR}, ["sup"]),
        ({"area": "1701", "role": R.CCWC_MEMBER, "active": True}, ["sok"]),
        ({"area": "1702", "provider_id": "hc-a"}, []),
    ],
)
def test_list_people_filters(staffed: Store, filters: dict[str, Any], expected: list[str]) -> None:
    assert people_ids(staffed, **filters) == expected


def test_area_filters_refuse_what_is_not_an_area_code(programme: Store) -> None:
    for code in ("17x", "99", "1799", ""):
        with pytest.raises(UnknownArea):
            people_ids(programme, area=code)
        with pytest.raises(UnknownArea):
            session_ids(programme, area=code)
        with pytest.raises(UnknownArea):
            records(programme, area=code)
        with pytest.raises(UnknownArea):
            coaching_ids(programme, area=code)
        with pytest.raises(UnknownArea):
            awareness_ids(programme, area=code)


# --- training sessions and attendance ----------------------------------------------


def test_training_sessions_round_trip(programme: Store) -> None:
    for s in SESSIONS:
        assert programme.read(lambda tx, s=s: tx.get_training_session(s.id)) == s
    assert programme.read(lambda tx: tx.get_training_session("nope")) is None


def test_duplicate_training_session_is_a_conflict_and_changes_nothing(programme: Store) -> None:
    clash = session("ts-1", TrainingTopic.GBV, date(2027, 1, 1), area_code="12")
    with pytest.raises(Conflict):
        programme.write(lambda tx: tx.add_training_session(clash))
    assert programme.read(lambda tx: tx.get_training_session("ts-1")) == SESSIONS[0]
    assert session_ids(programme, area="12") == []
    assert session_ids(programme) == SESSION_ORDER


def test_list_training_sessions_newest_first_and_pages(programme: Store) -> None:
    everything = programme.read(lambda tx: tx.list_training_sessions(TrainingQuery(), Page()))
    assert ids_of(everything) == SESSION_ORDER
    assert everything.count == 5
    page = programme.read(
        lambda tx: tx.list_training_sessions(TrainingQuery(), Page(limit=2, offset=1))
    )
    assert ids_of(page) == ["ts-4", "ts-2"]
    assert page.count == 5


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"topic": PFA}, ["ts-3", "ts-5", "ts-1"]),
        ({"topic": TrainingTopic.FACILITATION}, []),
        ({"area": "17"}, ["ts-2", "ts-5", "ts-1"]),  # the online ts-3 is nowhere
        ({"area": "1701"}, ["ts-1"]),  # ts-5 was held at province level
        ({"area": "170101"}, ["ts-1"]),
        ({"area": "17010101"}, []),  # held in the commune, not in one of its villages
        ({"area": "1702"}, ["ts-2"]),
        ({"area": "170201"}, ["ts-2"]),
        ({"area": "17020101"}, ["ts-2"]),
        ({"area": "0406"}, ["ts-4"]),
        ({"area": "040614"}, ["ts-4"]),
        ({"area": "04061400"}, []),
        ({"since": date(2025, 6, 10)}, ["ts-3", "ts-4", "ts-2", "ts-5"]),
        ({"until": date(2025, 6, 10)}, ["ts-1"]),  # until is exclusive
        ({"since": date(2025, 6, 10), "until": date(2025, 9, 1)}, ["ts-2", "ts-5"]),
        ({"since": date(2025, 6, 11), "until": date(2025, 9, 2)}, ["ts-4"]),
        ({"topic": PFA, "area": "17", "since": date(2025, 4, 1)}, ["ts-5"]),
    ],
)
def test_list_training_sessions_filters(
    programme: Store, filters: dict[str, Any], expected: list[str]
) -> None:
    assert session_ids(programme, **filters) == expected


def test_session_attendance_round_trips_by_person_id(programme: Store) -> None:
    assert attendance_of(programme, "ts-1") == [
        ATTENDANCE[2],  # hc-1
        ATTENDANCE[1],  # hc-2
        ATTENDANCE[3],  # kosal, not completed
        ATTENDANCE[0],  # sok
    ]
    assert attendance_of(programme, "ts-4") == [ATTENDANCE[6]]
    assert attendance_of(programme, "nope") == []


def test_record_attendance_inserts_only_what_is_new(programme: Store) -> None:
    again = [
        attended("ts-1", "sok", completed=False),  # already recorded: left as it is
        attended("ts-4", "bopha"),
        attended("ts-4", "bopha"),  # twice in one batch: one new
        attended("ts-4", "kosal", completed=False),
    ]
    assert programme.write(lambda tx: tx.record_attendance(again)) == 2
    assert programme.write(lambda tx: tx.record_attendance(again)) == 0
    assert programme.write(lambda tx: tx.record_attendance([])) == 0
    assert attendance_of(programme, "ts-1")[3] == ATTENDANCE[0]
    assert [a.person_id for a in attendance_of(programme, "ts-4")] == ["bopha", "hc-3", "kosal"]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (attended("nope", "sok"), {"session_id"}),
        (attended("ts-1", "nope"), {"person_id"}),
        (attended("nope", "nope"), {"session_id", "person_id"}),
    ],
)
def test_attendance_of_what_does_not_exist_is_refused_whole(
    programme: Store, bad: Attendance, field: set[str]
) -> None:
    batch = [attended("ts-4", "bopha"), bad, attended("ts-2", "hc-2")]
    with pytest.raises(Conflict) as raised:
        programme.write(lambda tx: tx.record_attendance(batch))
    assert raised.value.field in field
    assert [a.person_id for a in attendance_of(programme, "ts-4")] == ["hc-3"]
    assert [a.person_id for a in attendance_of(programme, "ts-2")] == ["bopha"]
    assert attendance_of(programme, "nope") == []


def test_training_records_are_completed_attendances_by_person_then_day(programme: Store) -> None:
    found = programme.read(lambda tx: tx.training_records(TrainingRecordQuery()))
    assert [(r.person_id, r.session_id) for r in found] == ALL_RECORDS
    assert found[1] == TrainingRecord(
        person_id="hc-1",
        provider_id="hc-a",
        topic=PFA,
        trained_on=date(2025, 3, 5),  # the session's last day
        session_id="ts-1",
        person_active=False,
    )
    assert found[0] == TrainingRecord(
        "bopha", "hc-b", TrainingTopic.GBV, date(2025, 6, 11), "ts-2", True
    )
    assert found[3].trained_on == date(2026, 1, 12)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # area: where the person's provider is located, not where the session was held
        ({"area": "1701"}, [r for r in ALL_RECORDS if r[0] in {"hc-1", "hc-2", "hc-3", "sok"}]),
        ({"area": "170101"}, [r for r in ALL_RECORDS if r[0] != "bopha"]),
        ({"area": "1702"}, [("bopha", "ts-2")]),
        ({"area": "17020101"}, [("bopha", "ts-2")]),
        ({"area": "040614"}, []),  # kosal did not complete ts-1
        (
            {"provider_id": "hc-a"},
            [("hc-1", "ts-1"), ("hc-2", "ts-1"), ("hc-2", "ts-3"), ("hc-3", "ts-4")],
        ),
        ({"provider_id": "tpo-a"}, []),
        ({"person_id": "hc-2"}, [("hc-2", "ts-1"), ("hc-2", "ts-3")]),
        ({"person_id": "kosal"}, []),
        (
            {"topic": PFA},
            [
                ("hc-1", "ts-1"),
                ("hc-2", "ts-1"),
                ("hc-2", "ts-3"),
                ("sok", "ts-1"),
                ("sok", "ts-5"),
            ],
        ),
        ({"topic": TrainingTopic.COUNSELLING_SKILLS}, [("hc-3", "ts-4")]),
        ({"active_people_only": True}, [r for r in ALL_RECORDS if r[0] != "hc-1"]),
        (
            {"provider_id": "hc-a", "topic": PFA, "active_people_only": True},
            [("hc-2", "ts-1"), ("hc-2", "ts-3")],
        ),
        ({"area": "17", "person_id": "sok", "topic": PFA}, [("sok", "ts-1"), ("sok", "ts-5")]),
    ],
)
def test_training_records_filters(
    programme: Store, filters: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert records(programme, **filters) == expected


def test_training_records_follow_the_person_now(programme: Store) -> None:
    hc_1 = PEOPLE[2].model_copy(update={"provider_id": "hc-b", "active": True, "version": 2})
    programme.write(lambda tx: tx.save_person(hc_1, 1))
    found = programme.read(lambda tx: tx.training_records(TrainingRecordQuery(person_id="hc-1")))
    assert [(r.provider_id, r.person_active) for r in found] == [("hc-b", True)]
    assert records(programme, area="1702") == [("bopha", "ts-2"), ("hc-1", "ts-1")]


def test_training_facts_are_the_active_peoples_completed_attendances(programme: Store) -> None:
    """What routing reads: the same facts as the records of active people, lean."""
    facts = programme.read(lambda tx: sorted(tx.training_facts()))
    expected = sorted(
        (r.provider_id, r.person_id, r.topic.value, r.trained_on)
        for r in programme.read(
            lambda tx: tx.training_records(TrainingRecordQuery(active_people_only=True))
        )
    )
    assert facts == expected
    assert facts, "the programme fixture has active trained people"
    assert all(isinstance(f[3], date) for f in facts)
    assert "hc-1" not in {f[1] for f in facts}  # inactive
    assert "kosal" not in {f[1] for f in facts}  # did not complete


# --- coaching ----------------------------------------------------------------------


def test_coaching_round_trips_newest_first(programme: Store) -> None:
    listing = programme.read(lambda tx: tx.list_coaching(CoachingQuery(), Page()))
    assert ids_of(listing) == COACHING_ORDER
    assert listing.count == 4
    by_id = {c.id: c for c in listing.items}
    assert [by_id[c.id] for c in COACHING] == COACHING
    page = programme.read(lambda tx: tx.list_coaching(CoachingQuery(), Page(limit=1, offset=1)))
    assert ids_of(page) == ["co-3"] and page.count == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"person_id": "hc-2"}, ["co-2", "co-1"]),
        ({"coach_id": "sup"}, ["co-2", "co-4", "co-1"]),
        ({"coach_id": "hc-2"}, ["co-3"]),
        ({"person_id": "hc-2", "coach_id": "sup"}, ["co-2", "co-1"]),
        ({"person_id": "sok"}, []),
        # area: where the coached person's provider is located
        ({"area": "17"}, ["co-2", "co-3", "co-1"]),
        ({"area": "1701"}, ["co-2", "co-1"]),
        ({"area": "1702"}, ["co-3"]),
        ({"area": "040614"}, ["co-4"]),
        ({"area": "12"}, []),
        ({"area": "17", "coach_id": "sup"}, ["co-2", "co-1"]),
    ],
)
def test_list_coaching_filters(
    programme: Store, filters: dict[str, Any], expected: list[str]
) -> None:
    assert coaching_ids(programme, **filters) == expected


def test_last_coaching_per_person(programme: Store) -> None:
    last = programme.read(
        lambda tx: tx.last_coaching(["hc-2", "bopha", "kosal", "sok", "nope", "hc-2"])
    )
    assert last == {
        "hc-2": date(2025, 10, 1),
        "bopha": date(2025, 10, 1),
        "kosal": date(2025, 7, 15),
    }
    assert programme.read(lambda tx: tx.last_coaching([])) == {}
    assert programme.read(lambda tx: tx.last_coaching(["sup"])) == {}  # coaches, not coached


def test_duplicate_coaching_is_a_conflict_and_changes_nothing(programme: Store) -> None:
    clash = coaching("co-1", "sok", "sup", date(2026, 3, 1))
    with pytest.raises(Conflict):
        programme.write(lambda tx: tx.add_coaching(clash))
    assert coaching_ids(programme) == COACHING_ORDER
    assert programme.read(lambda tx: tx.last_coaching(["sok"])) == {}


@pytest.mark.parametrize("fields", [{"person_id": "nope"}, {"coach_id": "nope"}])
def test_coaching_naming_who_does_not_exist_is_a_conflict(
    programme: Store, fields: dict[str, str]
) -> None:
    c = coaching(
        "co-9", **{"person_id": "sok", "coach_id": "sup", **fields}, held_on=date(2026, 3, 1)
    )
    with pytest.raises(Conflict) as raised:
        programme.write(lambda tx: tx.add_coaching(c))
    assert raised.value.field == next(iter(fields))
    assert coaching_ids(programme) == COACHING_ORDER


# --- awareness sessions ------------------------------------------------------------


def test_awareness_sessions_round_trip_with_participants_newest_first(programme: Store) -> None:
    listing = programme.read(lambda tx: tx.list_awareness_sessions(AwarenessQuery(), Page()))
    assert ids_of(listing) == AWARENESS_ORDER
    assert listing.count == 4
    by_id = {a.id: a for a in listing.items}
    assert [by_id[a.id] for a in AWARENESS] == AWARENESS
    assert by_id["aw-1"].total == 41
    page = programme.read(
        lambda tx: tx.list_awareness_sessions(AwarenessQuery(), Page(limit=2, offset=2))
    )
    assert ids_of(page) == ["aw-3", "aw-1"] and page.count == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"area": "17"}, ["aw-4", "aw-2", "aw-1"]),
        ({"area": "1701"}, ["aw-4", "aw-1"]),
        ({"area": "170101"}, ["aw-4", "aw-1"]),  # the commune and its village
        ({"area": "17010101"}, ["aw-1"]),
        ({"area": "17010102"}, []),
        ({"area": "1702"}, ["aw-2"]),
        ({"area": "170201"}, ["aw-2"]),
        ({"area": "17020101"}, []),  # aw-2 was held for the whole commune
        ({"area": "0406"}, ["aw-3"]),
        ({"area": "040614"}, ["aw-3"]),
        ({"area": "04061700"}, ["aw-3"]),
        ({"area": "04061400"}, []),
        ({"provider_id": "ccwc-a"}, ["aw-4", "aw-1"]),
        ({"provider_id": "hc-a"}, []),
        ({"since": date(2025, 8, 2)}, ["aw-4", "aw-2", "aw-3"]),
        ({"until": date(2025, 8, 2)}, ["aw-1"]),  # until is exclusive
        ({"since": date(2025, 6, 1), "until": date(2026, 1, 1)}, ["aw-2", "aw-3"]),
        ({"area": "17", "provider_id": "ccwc-a", "since": date(2026, 1, 1)}, ["aw-4"]),
    ],
)
def test_list_awareness_sessions_filters(
    programme: Store, filters: dict[str, Any], expected: list[str]
) -> None:
    assert awareness_ids(programme, **filters) == expected


def test_duplicate_awareness_session_is_a_conflict_and_changes_nothing(programme: Store) -> None:
    clash = awareness("aw-1", "hc-b", date(2026, 5, 1), "17020101")
    with pytest.raises(Conflict):
        programme.write(lambda tx: tx.add_awareness_session(clash))
    assert awareness_ids(programme) == AWARENESS_ORDER
    assert awareness_ids(programme, area="17020101") == []


@pytest.mark.parametrize("fields", [{"provider_id": "nope"}, {"facilitator_id": "nope"}])
def test_awareness_naming_what_does_not_exist_is_a_conflict(
    programme: Store, fields: dict[str, str]
) -> None:
    a = awareness(
        "aw-9", **{"provider_id": "ccwc-a", **fields}, held_on=date(2026, 5, 1), area_code="170101"
    )
    with pytest.raises(Conflict) as raised:
        programme.write(lambda tx: tx.add_awareness_session(a))
    assert raised.value.field == next(iter(fields))
    assert awareness_ids(programme) == AWARENESS_ORDER


# --- the capacity policy -----------------------------------------------------------


def test_capacity_policy_round_trips_and_is_replaced(any_store: Store) -> None:
    assert any_store.read(lambda tx: tx.get_training_policy()) is None
    first = policy()
    any_store.write(lambda tx: tx.save_training_policy(first))
    assert any_store.read(lambda tx: tx.get_training_policy()) == first
    second = policy(version=2, coaching_interval_days=60, requirements=())
    any_store.write(lambda tx: tx.save_training_policy(second))
    assert any_store.read(lambda tx: tx.get_training_policy()) == second


def test_capacity_policy_is_not_the_sla_policy(any_store: Store) -> None:
    any_store.write(lambda tx: tx.save_training_policy(policy()))
    assert any_store.read(lambda tx: tx.get_sla_policy()) is None


def test_nothing_capacity_is_there_at_first(any_store: Store) -> None:
    add_providers(any_store)
    assert people_ids(any_store) == []
    assert session_ids(any_store) == []
    assert records(any_store) == []
    assert coaching_ids(any_store) == []
    assert awareness_ids(any_store) == []
    assert any_store.read(lambda tx: tx.list_people(PeopleQuery(), Page())).count == 0

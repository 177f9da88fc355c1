"""Contract: sample data (issue #20) — is any stored, and removing all of it and only it.

Decisions this suite pins down for every store:

* Sample records are people, training sessions, attendance, coaching and awareness
  sessions marked ``synthetic``; attendance and coaching stored before they carried the
  mark count when every person and session they link is sample data.
* ``remove_sample_data`` deletes every sample record and nothing else, in the caller's
  transaction: a failure after it leaves everything in place (never half removed).
* While a real record refers to a sample one (a real person supervised by a sample
  person, a real attendance at a sample training, real coaching by a sample coach, a real
  awareness session a sample person facilitated) it refuses with ``SampleDataInUse``
  (409) and removes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from referral_graph.domain.errors import Conflict, SampleDataInUse
from referral_graph.domain.training import (
    AgeGroup,
    Attendance,
    AwarenessSession,
    AwarenessTopic,
    CoachingSession,
    ParticipantCount,
    Person,
    PersonRole,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import Gender
from referral_graph.store.archive import SAMPLE_KINDS
from referral_graph.store.port import (
    AwarenessQuery,
    CoachingQuery,
    Page,
    PeopleQuery,
    ProviderQuery,
    Store,
    TrainingQuery,
    Transaction,
)
from tests.factories import T0, small_network

DAY = date(2026, 3, 2)
PFA = TrainingTopic.PSYCHOLOGICAL_FIRST_AID


def person(ident: str, sample: bool, **extra: Any) -> Person:
    return Person.model_validate(
        {
            "id": ident,
            "provider_id": "hc-a",
            "name": f"Person {ident}",
            "role": PersonRole.HEALTH_STAFF,
            "synthetic": sample,
            "updated_at": T0,
            **extra,
        }
    )


def session(ident: str, sample: bool) -> TrainingSession:
    return TrainingSession(
        id=ident,
        topic=PFA,
        starts_on=DAY,
        ends_on=DAY,
        area_code="170101",
        trainer="TPO Cambodia",
        synthetic=sample,
        created_at=T0,
    )


def attended(session_id: str, person_id: str, sample: bool) -> Attendance:
    return Attendance(session_id=session_id, person_id=person_id, synthetic=sample, recorded_at=T0)


def coached(ident: str, person_id: str, coach_id: str, sample: bool) -> CoachingSession:
    return CoachingSession(
        id=ident,
        person_id=person_id,
        coach_id=coach_id,
        held_on=DAY,
        synthetic=sample,
        created_at=T0,
    )


def awareness(ident: str, sample: bool, facilitator: str | None = None) -> AwarenessSession:
    return AwarenessSession(
        id=ident,
        provider_id="hc-a",
        facilitator_id=facilitator,
        held_on=DAY,
        area_code="170101",
        topic=AwarenessTopic.MENTAL_HEALTH,
        participants=(ParticipantCount(age_group=AgeGroup.FROM_25, gender=Gender.FEMALE, count=9),),
        synthetic=sample,
        created_at=T0,
    )


def load(store: Store, *, legacy: bool = False) -> None:
    """The directory; sample people, a sample session with their attendance (unmarked when
    ``legacy``: written before the mark), coaching and awareness; and real ones beside."""
    providers, pathways = small_network()

    def work(tx: Transaction) -> None:
        tx.load_directory(providers, pathways)
        tx.load_training(
            [
                person("s-coach", True),
                person("s-1", True, supervised_by=("s-coach",)),
                person("r-coach", False),
                person("r-1", False, supervised_by=("r-coach",)),
            ],
            [session("s-pfa", True), session("r-pfa", False)],
            [
                attended("s-pfa", "s-1", not legacy),
                attended("s-pfa", "s-coach", not legacy),
                attended("r-pfa", "r-1", False),
            ],
        )
        tx.add_coaching(coached("s-coaching", "s-1", "s-coach", not legacy))
        tx.add_coaching(coached("r-coaching", "r-1", "r-coach", False))
        tx.add_awareness_session(awareness("s-aware", True, "s-1"))
        tx.add_awareness_session(awareness("r-aware", False, "r-1"))

    store.write(work)


def held(store: Store) -> dict[str, list[str]]:
    def work(tx: Transaction) -> dict[str, list[str]]:
        page = Page(limit=100)
        return {
            "people": sorted(p.id for p in tx.list_people(PeopleQuery(), page).items),
            "sessions": sorted(
                s.id for s in tx.list_training_sessions(TrainingQuery(), page).items
            ),
            "attendance": sorted(
                f"{a.session_id}/{a.person_id}"
                for s in ("s-pfa", "r-pfa")
                for a in tx.session_attendance(s)
            ),
            "coaching": sorted(c.id for c in tx.list_coaching(CoachingQuery(), page).items),
            "awareness": sorted(
                w.id for w in tx.list_awareness_sessions(AwarenessQuery(), page).items
            ),
            "supervisors of r-1": list(tx.get_people(["r-1"])["r-1"].supervised_by),
            "providers": sorted(p.id for p in tx.list_providers(ProviderQuery(), page).items),
        }

    return store.read(work)


REAL = {
    "people": ["r-1", "r-coach"],
    "sessions": ["r-pfa"],
    "attendance": ["r-pfa/r-1"],
    "coaching": ["r-coaching"],
    "awareness": ["r-aware"],
    "supervisors of r-1": ["r-coach"],
}
COUNTS = {
    "awareness sessions": 1,
    "coaching sessions": 1,
    "attendance": 2,
    "people": 2,
    "training sessions": 1,
}


def test_an_empty_store_holds_no_sample_data(any_store: Store) -> None:
    assert any_store.read(lambda tx: tx.sample_data_present()) is False
    removed = any_store.write(lambda tx: tx.remove_sample_data())
    assert removed == dict.fromkeys(SAMPLE_KINDS, 0)


def test_a_real_record_alone_is_not_sample_data(any_store: Store) -> None:
    providers, pathways = small_network()
    any_store.write(lambda tx: tx.load_directory(providers, pathways))
    any_store.write(lambda tx: tx.add_person(person("r-1", False)))
    assert any_store.read(lambda tx: tx.sample_data_present()) is False


@pytest.mark.parametrize(
    "kind",
    ["person", "session", "attendance", "coaching", "awareness"],
)
def test_each_kind_of_sample_record_is_seen(any_store: Store, kind: str) -> None:
    providers, pathways = small_network()
    any_store.write(lambda tx: tx.load_directory(providers, pathways))
    real = [person("r-1", False), person("r-2", False)]
    any_store.write(lambda tx: tx.load_training(real, [session("r-pfa", False)], []))
    assert any_store.read(lambda tx: tx.sample_data_present()) is False
    writes = {
        "person": lambda tx: tx.add_person(person("s-1", True)),
        "session": lambda tx: tx.add_training_session(session("s-pfa", True)),
        "attendance": lambda tx: tx.record_attendance([attended("r-pfa", "r-1", True)]),
        "coaching": lambda tx: tx.add_coaching(coached("s-c", "r-1", "r-2", True)),
        "awareness": lambda tx: tx.add_awareness_session(awareness("s-aw", True)),
    }
    any_store.write(writes[kind])
    assert any_store.read(lambda tx: tx.sample_data_present()) is True


def test_the_mark_round_trips_on_attendance_and_coaching(any_store: Store) -> None:
    load(any_store)
    found = any_store.read(lambda tx: tx.session_attendance("s-pfa"))
    assert [a.synthetic for a in found] == [True, True]
    assert any_store.read(lambda tx: tx.session_attendance("r-pfa"))[0].synthetic is False
    coaching = any_store.read(lambda tx: tx.list_coaching(CoachingQuery(), Page(limit=10)).items)
    assert {c.id: c.synthetic for c in coaching} == {"s-coaching": True, "r-coaching": False}


@pytest.mark.parametrize("legacy", [False, True], ids=["marked", "written-before-the-mark"])
def test_removal_takes_every_sample_record_and_nothing_else(any_store: Store, legacy: bool) -> None:
    load(any_store, legacy=legacy)
    before = held(any_store)
    counted = any_store.read(lambda tx: tx.remove_sample_data(dry_run=True))
    assert counted == COUNTS
    assert held(any_store) == before  # a dry run removes nothing

    removed = any_store.write(lambda tx: tx.remove_sample_data())

    assert removed == COUNTS
    after = held(any_store)
    assert {k: v for k, v in after.items() if k != "providers"} == REAL
    assert after["providers"] == before["providers"]  # the directory is not sample data
    assert any_store.read(lambda tx: tx.sample_data_present()) is False
    assert any_store.write(lambda tx: tx.remove_sample_data()) == dict.fromkeys(SAMPLE_KINDS, 0)


def test_a_removal_that_fails_later_in_its_transaction_leaves_everything(
    any_store: Store,
) -> None:
    load(any_store)
    before = held(any_store)

    def remove_then_fail(tx: Transaction) -> None:
        tx.remove_sample_data()
        raise Conflict("something after it failed")

    with pytest.raises(Conflict, match="after it failed"):
        any_store.write(remove_then_fail)
    assert held(any_store) == before
    assert any_store.read(lambda tx: tx.sample_data_present()) is True


@pytest.mark.parametrize(
    ("reference", "named"),
    [
        ("supervised", "people supervised by a sample person"),
        ("attendance", "attendance records of a sample person or at a sample training"),
        ("coaching", "coaching sessions of or by a sample person"),
        ("awareness", "awareness sessions a sample person facilitated"),
    ],
)
def test_a_real_record_referring_to_sample_data_stops_the_removal(
    any_store: Store, reference: str, named: str
) -> None:
    load(any_store)
    refer = {
        "supervised": lambda tx: tx.add_person(person("r-2", False, supervised_by=("s-coach",))),
        "attendance": lambda tx: tx.record_attendance([attended("s-pfa", "r-1", False)]),
        "coaching": lambda tx: tx.add_coaching(coached("r-c2", "r-1", "s-coach", False)),
        "awareness": lambda tx: tx.add_awareness_session(awareness("r-aw2", False, "s-1")),
    }
    any_store.write(refer[reference])
    before = held(any_store)

    with pytest.raises(SampleDataInUse, match=f"1 {named}") as refused:
        any_store.write(lambda tx: tx.remove_sample_data())

    assert refused.value.blockers == {named: 1}
    assert "Nothing was removed" in refused.value.detail
    assert held(any_store) == before

"""Contract of what routing reads from a store besides the directory (issue 21): the
activity version that tells every worker a referral was made or moved, the open
referrals per provider, and the languages of active people — on SQLite and Neo4j."""

from __future__ import annotations

import pytest

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import utc_now
from referral_graph.domain.vocabulary import Language, Service
from referral_graph.services import directory
from referral_graph.services.caller import Caller
from referral_graph.store.port import Store
from tests.contract.helpers import HOUR, add, referral, save
from tests.contract.training_data import (
    add_providers,
    get_person,
    person,
    write_each,
)
from tests.factories import T0

S = ReferralStatus


def activity(store: Store) -> int:
    return store.read(lambda tx: tx.activity_version())


def open_counts(store: Store) -> dict[str, int]:
    return store.read(lambda tx: tx.open_referral_counts())


# --- the activity version and open referrals ---------------------------------------------


def test_every_referral_made_or_moved_moves_the_activity_version(with_cases: Store) -> None:
    start = activity(with_cases)
    a = add(with_cases, referral("ref-a"))
    after_add = activity(with_cases)
    assert after_add > start
    a = save(with_cases, a, S.RECEIVED, 0.5)
    after_receive = activity(with_cases)
    assert after_receive > after_add
    save(with_cases, a, S.ACCEPTED, 1)
    assert activity(with_cases) > after_receive


def test_directory_changes_leave_the_activity_version_alone(with_cases: Store) -> None:
    start = activity(with_cases)
    directory.update_provider(Caller.system(with_cases, utc_now()), "hc-a", {"weekly_capacity": 3})
    assert activity(with_cases) == start


def test_open_referrals_count_from_requested_to_on_hold(with_cases: Store) -> None:
    assert open_counts(with_cases) == {}
    a = add(with_cases, referral("ref-a"))
    b = add(with_cases, referral("ref-b", at=T0 + HOUR))
    c = add(with_cases, referral("ref-c", receiver="tpo-a", service=Service.COUNSELLING))
    d = add(with_cases, referral("ref-d", case_id="case-2"))
    assert open_counts(with_cases) == {"hc-a": 3, "tpo-a": 1}
    a = save(with_cases, a, S.RECEIVED, 1)
    a = save(with_cases, a, S.ACCEPTED, 2)
    a = save(with_cases, a, S.IN_PROGRESS, 3)
    save(with_cases, a, S.ON_HOLD, 4)
    assert open_counts(with_cases) == {"hc-a": 3, "tpo-a": 1}, "on hold is still open"
    c = save(with_cases, c, S.RECEIVED, 1)
    save(with_cases, c, S.REJECTED, 2)
    save(with_cases, b, S.CANCELLED, 1)
    assert open_counts(with_cases) == {"hc-a": 2}
    d = save(with_cases, d, S.RECEIVED, 1)
    save(with_cases, d, S.ACCEPTED, 2)
    assert open_counts(with_cases) == {"hc-a": 2}


def test_the_counts_match_the_activity_read(with_cases: Store) -> None:
    add(with_cases, referral("ref-a"))
    c = add(with_cases, referral("ref-c", receiver="tpo-a", service=Service.COUNSELLING))
    save(with_cases, c, S.RECEIVED, 1)
    counts = open_counts(with_cases)
    history = with_cases.read(lambda tx: tx.provider_activity(T0 - HOUR))
    assert counts == {pid: a.open_referrals for pid, a in history.items() if a.open_referrals}


# --- the languages of people -------------------------------------------------------------

SPEAKERS = [
    person("nurse", "hc-a", "Srey Mom", languages=frozenset({Language.KHMER, Language.TAMPUAN})),
    person("ccwc-1", "ccwc-a", "Sok Dara", languages=frozenset({Language.KREUNG}), interprets=True),
    person("left", "hc-a", "Vann Rith", languages=frozenset({Language.JARAI}), active=False),
    person("quiet", "hc-a", "Chan Sophea"),  # lists no language: not read
    person("aide", "tpo-a", "Mey Lina", interprets=True),  # interprets, languages not listed
]


@pytest.fixture
def speakers(any_store: Store) -> Store:
    add_providers(any_store)
    write_each(any_store, SPEAKERS, lambda tx, p: tx.add_person(p))
    return any_store


def languages_read(store: Store) -> list[tuple[str, str, tuple[str, ...], bool]]:
    facts = store.read(lambda tx: list(tx.people_languages()))
    return sorted((p, who, tuple(sorted(codes)), i) for p, who, codes, i in facts)


def test_a_persons_languages_and_interpreting_round_trip(speakers: Store) -> None:
    for p in SPEAKERS:
        assert get_person(speakers, p.id) == p
    changed = SPEAKERS[0].model_copy(
        update={"languages": frozenset({Language.LAO}), "interprets": True, "version": 2}
    )
    speakers.write(lambda tx: tx.save_person(changed, 1))
    assert get_person(speakers, "nurse") == changed


def test_routing_reads_the_languages_of_active_people(speakers: Store) -> None:
    assert languages_read(speakers) == [
        ("ccwc-a", "ccwc-1", ("krr",), True),
        ("hc-a", "nurse", ("khm", "tpu"), False),
        ("tpo-a", "aide", (), True),
    ]
    gone = get_person(speakers, "nurse")
    assert gone is not None
    speakers.write(
        lambda tx: tx.save_person(gone.model_copy(update={"active": False, "version": 2}), 1)
    )
    assert [who for _, who, _, _ in languages_read(speakers)] == ["ccwc-1", "aide"]


def test_bulk_loaded_people_keep_their_languages(any_store: Store) -> None:
    add_providers(any_store)
    any_store.write(lambda tx: tx.load_training(SPEAKERS, [], []))
    assert [p for p in languages_read(any_store) if p[1] == "nurse"] == [
        ("hc-a", "nurse", ("khm", "tpu"), False)
    ]
    assert get_person(any_store, "ccwc-1") == SPEAKERS[1]


# --- end to end on each store ------------------------------------------------------------


def test_recommendations_see_each_referral_at_once_on_every_store(network: Store) -> None:
    """The caseload is the store's: a referral made and declined shows in the next
    answer, however long the activity cache, and the decliner is left out with why."""
    from referral_graph.domain.reasons import StepReason
    from referral_graph.services import cases, referrals
    from referral_graph.services.referrals import ReferralRequest, Step
    from referral_graph.services.routing import Routing
    from tests.factories import opening

    routing = Routing(network, "Asia/Phnom_Penh", activity_ttl=3600)
    system = Caller.system(network, T0, "t")
    case = cases.open_case(system, opening())
    other = cases.open_case(system, opening())

    def tpo(result: object) -> int:
        items = getattr(result, "items", [])
        return next(i.open_referrals for i in items if i.provider_id == "tpo-a")

    assert tpo(routing.recommend(case.id, T0)) == 0
    request = ReferralRequest(
        case_id=other.id,
        from_provider_id="ccwc-a",
        to_provider_id="tpo-a",
        service=Service.COUNSELLING,
        reason="Needs counselling.",
    )
    made = referrals.make_referral(system, request)
    assert tpo(routing.recommend(case.id, T0)) == 1
    for step in (
        Step(status=S.RECEIVED),
        Step(status=S.REJECTED, reason_code=StepReason.NO_CAPACITY),
    ):
        referrals.move_referral(system, made.id, step)
    assert tpo(routing.recommend(case.id, T0)) == 0
    declined = routing.recommend(other.id, T0, explain=True)
    assert "tpo-a" not in [i.provider_id for i in declined.items]
    why = {e.provider_id: e for e in declined.excluded or []}
    assert why["tpo-a"].rule == "declined"
    assert why["tpo-a"].reason.en.startswith("Declined this case on 2 Mar 2026")

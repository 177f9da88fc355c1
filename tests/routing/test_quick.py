"""A quick recommendation answers from memory after its one read, or says it would wait
(the API then asks again on a worker thread); it never writes and never differs."""

from __future__ import annotations

import pytest

from referral_graph.domain.models import utc_now
from referral_graph.domain.vocabulary import Gender, Service
from referral_graph.services import cases, directory
from referral_graph.services.caller import Caller, WouldWait
from referral_graph.services.routing import Routing
from referral_graph.store.port import Page, Store
from referral_graph.write_behind import WriteBehind
from tests.factories import FakeClock, load_small_network, opening


@pytest.fixture
def routing(store: Store) -> Routing:
    load_small_network(store)
    return Routing(store, "Asia/Phnom_Penh", activity_ttl=60)


def test_quick_waits_for_the_first_build_then_gives_the_same_answer(
    store: Store, routing: Routing, clock: FakeClock
) -> None:
    case = cases.open_case(Caller.system(store, clock(), "t"), opening())
    with pytest.raises(WouldWait):
        routing.recommend(case.id, clock(), quick=True)
    slow = routing.recommend(case.id, clock())
    quick = routing.recommend(case.id, clock(), quick=True)
    assert slow.items and quick == slow


def test_quick_waits_when_the_directory_moved_on(
    store: Store, routing: Routing, clock: FakeClock
) -> None:
    case = cases.open_case(Caller.system(store, clock(), "t"), opening())
    assert "tpo-a" in [i.provider_id for i in routing.recommend(case.id, clock()).items]
    directory.update_provider(Caller.system(store, utc_now()), "tpo-a", {"active": False})
    with pytest.raises(WouldWait):  # the graph in memory is of the old version
        routing.recommend(case.id, clock(), quick=True)
    assert "tpo-a" not in [i.provider_id for i in routing.recommend(case.id, clock()).items]
    quick = routing.recommend(case.id, clock(), quick=True)
    assert "tpo-a" not in [i.provider_id for i in quick.items]


def test_quick_waits_when_the_history_is_stale(
    store: Store, routing: Routing, clock: FakeClock
) -> None:
    case = cases.open_case(Caller.system(store, clock(), "t"), opening())
    routing.recommend(case.id, clock())
    routing.recommend(case.id, clock.advance(seconds=59), quick=True)
    with pytest.raises(WouldWait):
        routing.recommend(case.id, clock.advance(seconds=2), quick=True)


def phone_only_case(store: Store, routing: Routing, clock: FakeClock) -> str:
    """A case needing a service nothing reaches (a gap: the only shelter takes girls),
    with the graph and history built by a first answer for another service (no gap)."""
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(needs=[Service.SHELTER, Service.COUNSELLING], gender=Gender.MALE),
    )
    routing.recommend(case.id, clock(), service=Service.COUNSELLING)
    return case.id


def recorded(store: Store) -> list[str]:
    return [g.case_id for g in store.read(lambda tx: tx.service_gaps("17", Page())).items]


def test_quick_never_writes_a_gap_itself(store: Store, routing: Routing, clock: FakeClock) -> None:
    case_id = phone_only_case(store, routing, clock)
    with pytest.raises(WouldWait):
        routing.recommend(case_id, clock(), quick=True)
    assert recorded(store) == []
    slow = routing.recommend(case_id, clock())
    assert recorded(store) == [case_id]
    assert routing.recommend(case_id, clock(), quick=True) == slow  # the gap is known now


def test_with_a_write_behind_quick_defers_the_gap(store: Store, clock: FakeClock) -> None:
    load_small_network(store)
    writer = WriteBehind(store, linger_seconds=60)  # written only when flushed here
    routing = Routing(store, "Asia/Phnom_Penh", activity_ttl=60, defer=writer.defer)
    case_id = phone_only_case(store, routing, clock)
    quick = routing.recommend(case_id, clock(), quick=True)
    assert [g.service for g in quick.gaps] == [Service.SHELTER]
    assert recorded(store) == []
    assert writer.flush() == 1
    assert recorded(store) == [case_id]
    routing.recommend(case_id, clock(), quick=True)  # known now: nothing more queued
    assert writer.flush() == 0
    writer.close()

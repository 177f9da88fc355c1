"""Contract: compare-and-set and unique ids hold under real concurrency (threads)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from referral_graph.domain.errors import Conflict, IllegalTransition, StaleVersion
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, utc_now
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.services import cases, directory
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import (
    ReferralRequest,
    Step,
    get_referral,
    make_referral,
    move_referral,
)
from referral_graph.store.port import Store
from tests.contract.helpers import case, created, moved, race, referral
from tests.factories import FakeClock, consent, opening, provider

S = ReferralStatus
THREADS = 8


def successes(results: Sequence[object]) -> list[object]:
    return [r for r in results if not isinstance(r, Exception)]


def test_only_one_of_many_concurrent_moves_wins(network: Store, clock: FakeClock) -> None:
    opened = cases.open_case(Caller.system(network, clock(), "ccwc-focal-1"), opening())
    request = ReferralRequest(
        case_id=opened.id,
        from_provider_id="ccwc-a",
        to_provider_id="hc-a",
        service=Service.MEDICAL_CARE,
        reason="Needs a medical check.",
    )
    made = make_referral(Caller.system(network, clock(), "ccwc-focal-1"), request)
    move_referral(Caller.system(network, clock(), "nurse"), made.id, Step(status=S.RECEIVED))

    results = race(
        THREADS,
        lambda i: move_referral(
            Caller.system(network, clock(), f"nurse-{i}"), made.id, Step(status=S.ACCEPTED)
        ),
    )

    assert len(successes(results)) == 1, results
    for r in results:
        assert not isinstance(r, Exception) or isinstance(r, IllegalTransition | StaleVersion), r
    stored = get_referral(Caller.system(network, utc_now()), made.id)
    assert stored.referral.status is S.ACCEPTED and stored.referral.version == 3
    assert [e.to_status for e in stored.events] == [S.REQUESTED, S.RECEIVED, S.ACCEPTED]


def test_two_saves_with_the_same_expected_version(network: Store) -> None:
    network.write(lambda tx: tx.add_case(case("case-1")))
    r1 = referral("ref-1")
    network.write(lambda tx: tx.add_referral(r1, created(r1)))
    contenders = [moved(r1, S.RECEIVED, tag="-a"), moved(r1, S.CANCELLED, tag="-b")]

    def save(i: int) -> None:
        updated, event = contenders[i]
        network.write(lambda tx: tx.save_referral(updated, 1, event))

    results = race(2, save)

    assert len(successes(results)) == 1, results
    loser = next(r for r in results if isinstance(r, Exception))
    assert isinstance(loser, StaleVersion)
    winner = contenders[results.index(None)]
    assert loser.current_status == winner[0].status.value
    assert network.read(lambda tx: tx.get_referral("ref-1")) == winner[0]
    assert network.read(lambda tx: tx.referral_events("ref-1")) == [created(r1), winner[1]]


def test_concurrent_inserts_of_one_id_make_one_row(network: Store) -> None:
    def add(i: int) -> None:
        p = provider("twin", ProviderKind.NGO, {Service.COUNSELLING}, name=f"Twin {i}")
        network.write(lambda tx: tx.add_provider(p))

    results = race(THREADS, add)
    assert len(successes(results)) == 1, results
    assert all(isinstance(r, Conflict) for r in results if r is not None)
    listing = network.read(lambda tx: tx.get_providers(["twin"]))
    assert list(listing) == ["twin"]


def test_concurrent_referral_inserts_of_one_id(network: Store) -> None:
    network.write(lambda tx: tx.add_case(case("case-1")))

    def add(i: int) -> None:
        r = referral("ref-1", reason=f"Attempt {i}.")
        event = created(r).model_copy(update={"id": f"evt-{i}"})
        network.write(lambda tx: tx.add_referral(r, event))

    results = race(THREADS, add)
    assert len(successes(results)) == 1, results
    assert all(isinstance(r, Conflict) for r in results if r is not None)
    assert len(network.read(lambda tx: tx.referral_events("ref-1"))) == 1
    assert len(network.read(lambda tx: tx.case_referrals("case-1"))) == 1


def test_directory_version_loses_no_concurrent_bump(network: Store) -> None:
    before = network.read(lambda tx: tx.directory_version())

    def add(i: int) -> None:
        p = provider(f"p-{i}", ProviderKind.NGO, {Service.COUNSELLING})
        network.write(lambda tx: tx.add_provider(p))

    assert successes(race(THREADS, add)) == [None] * THREADS
    assert network.read(lambda tx: tx.directory_version()) == before + THREADS


@pytest.mark.parametrize("writers", [THREADS])
def test_concurrent_case_updates_never_lose_one(network: Store, writers: int) -> None:
    """Through the service every writer re-reads, so each either lands or is refused:
    the version counts exactly the updates that succeeded."""
    opened: Case = cases.open_case(
        Caller.system(network, FakeClock()(), "ccwc-focal-1"), opening(consent=None)
    )
    results = race(
        writers,
        lambda i: cases.record_consent(Caller.system(network, utc_now()), opened.id, consent()),
    )
    landed = successes(results)
    assert landed, results
    assert all(isinstance(r, StaleVersion) for r in results if isinstance(r, Exception))
    stored = cases.get_case(Caller.system(network, utc_now()), opened.id)
    assert stored.version == 1 + len(landed)


def test_concurrent_provider_updates_with_one_expected_version(network: Store) -> None:
    results = race(
        THREADS,
        lambda i: directory.update_provider(
            Caller.system(network, utc_now()), "hc-a", {"name": f"Name {i}"}, 1
        ),
    )
    landed = successes(results)
    assert len(landed) == 1, results
    assert all(isinstance(r, StaleVersion) for r in results if isinstance(r, Exception))
    stored = directory.get_provider(Caller.system(network, utc_now()), "hc-a")
    assert stored == landed[0] and stored.version == 2

"""Contract: the store itself — transactions, reset, ping, initialise."""

from __future__ import annotations

import pytest

from referral_graph.domain.errors import Conflict, InvalidInput
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.store.port import Page, ProviderQuery, Store, Transaction
from tests.contract.helpers import case, created, referral
from tests.factories import provider


def test_write_returns_what_the_work_returns(any_store: Store) -> None:
    p = provider("p-1", ProviderKind.NGO, {Service.COUNSELLING})

    def work(tx: Transaction) -> str:
        tx.add_provider(p)
        return "done"

    assert any_store.write(work) == "done"
    assert any_store.read(lambda tx: tx.get_provider("p-1")) == p


def test_a_domain_error_rolls_back_and_propagates_unchanged(any_store: Store) -> None:
    refusal = InvalidInput("No.", field="x")
    calls = 0

    def work(tx: Transaction) -> None:
        nonlocal calls
        calls += 1
        tx.add_provider(provider("p-1", ProviderKind.NGO, {Service.COUNSELLING}))
        raise refusal

    with pytest.raises(InvalidInput) as caught:
        any_store.write(work)
    assert caught.value is refusal
    assert calls == 1  # domain errors are not retried
    assert any_store.read(lambda tx: tx.get_provider("p-1")) is None
    assert any_store.read(lambda tx: tx.directory_version()) == 0


def test_a_conflict_midway_rolls_back_the_earlier_writes(any_store: Store) -> None:
    p = provider("p-1", ProviderKind.NGO, {Service.COUNSELLING})

    def work(tx: Transaction) -> None:
        tx.add_provider(p)
        tx.add_provider(provider("p-2", ProviderKind.NGO, {Service.COUNSELLING}))
        tx.add_provider(p)

    with pytest.raises(Conflict):
        any_store.write(work)
    assert any_store.read(lambda tx: tx.get_providers(["p-1", "p-2"])) == {}


def test_reset_empties_the_store_and_keeps_it_usable(network: Store) -> None:
    network.write(lambda tx: tx.add_case(case("case-1")))
    r = referral("ref-1")
    network.write(lambda tx: tx.add_referral(r, created(r)))

    network.reset()

    assert network.read(lambda tx: tx.list_providers(ProviderQuery(), Page())).count == 0
    assert network.read(lambda tx: tx.get_pathway("pw-1")) is None
    assert network.read(lambda tx: tx.get_case("case-1")) is None
    assert network.read(lambda tx: tx.count_cases()) == 0
    assert network.read(lambda tx: tx.get_referral("ref-1")) is None
    assert network.read(lambda tx: tx.referral_events("ref-1")) == []
    assert network.read(lambda tx: tx.directory_version()) == 0
    # the schema is still there: ids are still unique
    p = provider("p-1", ProviderKind.NGO, {Service.COUNSELLING})
    network.write(lambda tx: tx.add_provider(p))
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_provider(p))
    assert network.read(lambda tx: tx.directory_version()) == 1


def test_initialise_is_idempotent_and_keeps_data(network: Store) -> None:
    network.initialise()
    network.initialise()
    assert network.read(lambda tx: tx.get_provider("hc-a")) is not None
    network.ping()

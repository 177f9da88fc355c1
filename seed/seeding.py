"""Put the programme's network into a store."""

from __future__ import annotations

from referral_graph.store.port import Page, ProviderQuery, Store, Transaction
from seed.loader import load_programme


def is_empty(store: Store) -> bool:
    return store.read(lambda tx: tx.list_providers(ProviderQuery(), Page(limit=1)).count) == 0


def seed_programme(store: Store, *, reset: bool = False) -> int:
    """Load the programme network (optionally wiping the store first); rows written."""
    if reset:
        store.reset()
    providers, pathways = load_programme()

    def work(tx: Transaction) -> int:
        return tx.load_directory(providers, pathways)

    return store.write(work)


def seed_if_empty(store: Store) -> int:
    return seed_programme(store) if is_empty(store) else 0

"""The directory graph routing ranks over, read from the store and kept while it lasts.

:func:`read_directory_graph` reads one directory version in one transaction — the
providers, the agreed pathways, the training facts, the languages of people and the
training policy — and hands
them to :meth:`~referral_graph.routing.graph.DirectoryGraph.build`, which stays pure.
:class:`DirectoryCache` holds the graph for the process and rebuilds it when the store's
directory version moves (so several API workers notice each other's changes).
"""

from __future__ import annotations

import gc
import threading

from referral_graph.domain.models import Provider
from referral_graph.domain.queries import PathwayQuery, ProviderQuery, every
from referral_graph.policies.training import packaged_policy
from referral_graph.routing.graph import DirectoryGraph
from referral_graph.store.port import Store, Transaction

#: Providers read per page (pathways: five times as many).
PAGE = 2000
_SHARED = ("hours", "eligibility", "services", "modes", "languages", "covers", "overseen_by")


def _interned(provider: Provider, pool: dict[object, object]) -> Provider:
    """The provider, sharing equal sub-values (opening hours, eligibility, service sets
    …) with the others: most providers of a kind have the same ones, so the national
    directory takes a fraction of the memory."""
    update = {
        name: pool.setdefault(value, value)
        for name in _SHARED
        if (value := getattr(provider, name)) is not None
    }
    # In place, not a copy: the values are equal, and a copy of every provider doubled
    # the peak memory of a build (the provider is not shared yet).
    vars(provider).update(update)
    return provider


def read_directory_graph(tx: Transaction) -> DirectoryGraph:
    """The graph of the directory as ``tx`` sees it. Providers are read page by page
    and interned as they come (to keep the peak low); the pathways and the training
    facts stream into the build, never all of them at once, so the build happens inside
    the transaction."""
    version = tx.directory_version()
    pool: dict[object, object] = {}
    listed = every(lambda page: tx.list_providers(ProviderQuery(), page), PAGE)
    providers = [_interned(p, pool) for p in listed]
    pathways = every(lambda page: tx.list_pathways(PathwayQuery(), page), PAGE * 5)
    policy = tx.get_training_policy() or packaged_policy()
    return DirectoryGraph.build(
        version, providers, pathways, tx.training_facts(), policy, tx.people_languages()
    )


class DirectoryCache:
    """Holds the current :class:`DirectoryGraph`, rebuilding it when the store moves on."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._graph: DirectoryGraph | None = None
        self._lock = threading.Lock()

    def built(self, version: int) -> DirectoryGraph | None:
        """The graph of the directory at ``version`` if it is built already (no wait)."""
        graph = self._graph
        return graph if graph is not None and graph.version == version else None

    def current(self, version: int | None = None) -> DirectoryGraph:
        """The graph of the directory at ``version`` (read from the store when not
        given; a caller that has just read it in its own transaction passes it)."""
        if version is None:
            version = self.store.read(lambda tx: tx.directory_version())
        graph = self._graph
        if graph is not None and graph.version == version:
            return graph
        with self._lock:
            if self._graph is None or self._graph.version != version:
                self._graph = self.store.read(read_directory_graph)
                # The graph is long-lived and large (about a million objects for the
                # national network): keep the cyclic collector from rescanning it on
                # every full collection, which otherwise shows as request-latency tails.
                gc.freeze()
            return self._graph

"""The directory as an in-memory graph: providers, their coverage and the pathways.

Built once from the store and shared by the process; rebuilt when the store's directory
version moves (so several API workers notice each other's changes).
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from referral_graph.domain.areas import lineage_codes
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.vocabulary import Service
from referral_graph.store.port import Page, PathwayQuery, ProviderQuery, Store, Transaction


@dataclass
class DirectoryGraph:
    """Providers as nodes, agreed pathways as edges (one per service), and indexes."""

    version: int
    providers: dict[str, Provider]
    pathways: nx.MultiDiGraph
    by_service: dict[Service, set[str]] = field(default_factory=dict)
    by_coverage: dict[str, set[str]] = field(default_factory=dict)
    oversight: nx.DiGraph = field(default_factory=nx.DiGraph)

    @classmethod
    def build(
        cls, version: int, providers: list[Provider], pathways: list[Pathway]
    ) -> DirectoryGraph:
        graph = nx.MultiDiGraph()
        by_service: dict[Service, set[str]] = defaultdict(set)
        by_coverage: dict[str, set[str]] = defaultdict(set)
        for p in providers:
            graph.add_node(p.id)
            for s in p.services:
                by_service[s].add(p.id)
            for code in p.coverage:
                by_coverage[code].add(p.id)
        for w in pathways:
            if w.active:
                graph.add_edge(w.from_provider_id, w.to_provider_id, key=w.service, id=w.id)
        oversight = nx.DiGraph()
        for p in providers:
            for overseer in p.overseen_by:
                oversight.add_edge(p.id, overseer)
        return cls(
            version=version,
            providers={p.id: p for p in providers},
            pathways=graph,
            by_service=dict(by_service),
            by_coverage=dict(by_coverage),
            oversight=oversight,
        )

    def serving(self, area_code: str) -> set[str]:
        """Providers whose coverage contains the area (at any of its levels)."""
        found: set[str] = set()
        for code in lineage_codes(area_code):
            found |= self.by_coverage.get(code, set())
        return found

    def overseers(self, provider_id: str) -> list[str]:
        """Who escalations about a provider go to (its ``OVERSEES`` edges)."""
        if provider_id not in self.oversight:
            return []
        return sorted(self.oversight.successors(provider_id))

    def oversees(self, overseer_id: str) -> list[str]:
        """The providers an overseer (a clinical supervisor, a department) oversees."""
        if overseer_id not in self.oversight:
            return []
        return sorted(self.oversight.predecessors(overseer_id))

    def pathway(self, source: str, target: str, service: Service) -> bool:
        return bool(self.pathways.has_edge(source, target, key=service))

    def linked(self, source: str, target: str) -> bool:
        return bool(self.pathways.has_edge(source, target))

    def via(self, source: str, target: str, service: Service) -> str | None:
        """An intermediary ``m`` with pathways source → m and m → target (for service)."""
        if source not in self.pathways or target not in self.pathways:
            return None
        for middle in sorted(self.pathways.successors(source)):
            if middle != target and self.pathway(middle, target, service):
                return str(middle)
        return None


PAGE = 2000
_SHARED = ("hours", "eligibility", "services", "modes", "languages", "covers", "overseen_by")


def _interned(providers: list[Provider], pool: dict[object, object]) -> list[Provider]:
    """The same providers, sharing equal sub-values (opening hours, eligibility, service
    sets …): most providers of a kind have the same ones, so the national directory
    takes a fraction of the memory."""
    out = []
    for p in providers:
        update = {
            name: pool.setdefault(value, value)
            for name in _SHARED
            if (value := getattr(p, name)) is not None
        }
        out.append(p.model_copy(update=update))
    return out


def _load(tx: Transaction) -> DirectoryGraph:
    """Read the directory page by page (interning as it goes, to keep the peak low)."""
    version = tx.directory_version()
    pool: dict[object, object] = {}
    providers: list[Provider] = []
    offset = 0
    while True:
        page = tx.list_providers(ProviderQuery(), Page(limit=PAGE, offset=offset)).items
        providers += _interned(page, pool)
        offset += PAGE
        if len(page) < PAGE:
            break
    pathways: list[Pathway] = []
    offset = 0
    while True:
        chunk = tx.list_pathways(PathwayQuery(), Page(limit=PAGE * 5, offset=offset)).items
        pathways += chunk
        offset += PAGE * 5
        if len(chunk) < PAGE * 5:
            break
    return DirectoryGraph.build(version, providers, pathways)


class DirectoryCache:
    """Holds the current :class:`DirectoryGraph`, rebuilding it when the store moves on."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._graph: DirectoryGraph | None = None
        self._lock = threading.Lock()

    def current(self) -> DirectoryGraph:
        version = self.store.read(lambda tx: tx.directory_version())
        graph = self._graph
        if graph is not None and graph.version == version:
            return graph
        with self._lock:
            if self._graph is None or self._graph.version != version:
                self._graph = self.store.read(_load)
                # The graph is long-lived and large (about a million objects for the
                # national network): keep the cyclic collector from rescanning it on
                # every full collection, which otherwise shows as request-latency tails.
                gc.freeze()
            return self._graph

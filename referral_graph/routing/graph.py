"""The directory as an in-memory graph: providers, their coverage and the pathways.

Built once from the store and shared by the process; rebuilt when the store's directory
version moves (so several API workers notice each other's changes).
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from referral_graph.capacity import packaged_policy
from referral_graph.domain.areas import lineage_codes
from referral_graph.domain.capacity import (
    CapacityPolicy,
    TrainedStaff,
    TrainingRecord,
    TrainingTopic,
    trained_staff,
)
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.vocabulary import Service
from referral_graph.store.port import (
    Page,
    PathwayQuery,
    ProviderQuery,
    Store,
    TrainingRecordQuery,
    Transaction,
)

#: A person's competency from one training: (person id, trained on, last valid day).
Period = tuple[str, date, date]
#: Per provider and topic: the competency periods of its active people.
Trained = dict[str, dict[TrainingTopic, tuple[Period, ...]]]


@dataclass
class DirectoryGraph:
    """Providers as nodes, agreed pathways as edges (one per service), and indexes."""

    version: int
    providers: dict[str, Provider]
    pathways: nx.MultiDiGraph
    by_service: dict[Service, set[str]] = field(default_factory=dict)
    by_coverage: dict[str, set[str]] = field(default_factory=dict)
    oversight: nx.DiGraph = field(default_factory=nx.DiGraph)
    capacity: CapacityPolicy = field(default_factory=packaged_policy)
    trained: Trained = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        version: int,
        providers: list[Provider],
        pathways: list[Pathway],
        training: list[TrainingRecord] | None = None,
        capacity: CapacityPolicy | None = None,
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
        capacity = capacity or packaged_policy()
        return cls(
            version=version,
            providers={p.id: p for p in providers},
            pathways=graph,
            by_service=dict(by_service),
            by_coverage=dict(by_coverage),
            oversight=oversight,
            capacity=capacity,
            trained=_trained(training or [], capacity),
        )

    def trained_staff(
        self, provider: Provider, service: Service, today: date
    ) -> TrainedStaff | None:
        """For a service that follows training at this kind of provider: how many of its
        active people hold a valid competency on ``today`` (None: the service does not
        depend on training there)."""
        needed = self.capacity.requirement(provider.kind, service)
        if needed is None:
            return None
        valid = self.trained.get(provider.id, {}).get(needed.topic, ())
        return trained_staff(valid, needed.topic, today)

    def offers(self, provider: Provider, service: Service, today: date) -> bool:
        """Whether the provider offers the service today: listed, and — for a service that
        follows training — at least one active person of it holds a valid competency."""
        if service not in provider.services:
            return False
        staff = self.trained_staff(provider, service, today)
        return staff is None or staff.count > 0

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


def _trained(records: list[TrainingRecord], capacity: CapacityPolicy) -> Trained:
    grouped: dict[str, dict[TrainingTopic, list[Period]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if r.person_active:
            until = capacity.valid_until(r.topic, r.trained_on)
            grouped[r.provider_id][r.topic].append((r.person_id, r.trained_on, until))
    return {
        pid: {topic: tuple(periods) for topic, periods in topics.items()}
        for pid, topics in grouped.items()
    }


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
    training = tx.training_records(TrainingRecordQuery(active_people_only=True))
    capacity = tx.get_capacity_policy() or packaged_policy()
    return DirectoryGraph.build(version, providers, pathways, training, capacity)


class DirectoryCache:
    """Holds the current :class:`DirectoryGraph`, rebuilding it when the store moves on."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._graph: DirectoryGraph | None = None
        self._lock = threading.Lock()

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
                self._graph = self.store.read(_load)
                # The graph is long-lived and large (about a million objects for the
                # national network): keep the cyclic collector from rescanning it on
                # every full collection, which otherwise shows as request-latency tails.
                gc.freeze()
            return self._graph

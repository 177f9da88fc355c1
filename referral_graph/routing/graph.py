"""The directory as an in-memory graph: providers, their coverage and the pathways.

Built once from the store and shared by the process; rebuilt when the store's directory
version moves (so several API workers notice each other's changes).
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from referral_graph.domain.areas import lineage_codes
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.training import (
    TrainedStaff,
    TrainingPolicy,
    TrainingTopic,
    staffed,
    trained_staff,
)
from referral_graph.domain.vocabulary import Service
from referral_graph.policies.training import packaged_policy
from referral_graph.store.port import (
    Page,
    PathwayQuery,
    ProviderQuery,
    Store,
    Transaction,
)

#: A person's competency from one training: (person id, (trained on, last valid day)).
Period = tuple[str, tuple[date, date]]
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
    capacity: TrainingPolicy = field(default_factory=packaged_policy)
    trained: Trained = field(default_factory=dict)
    # Answers the graph works out again and again, kept while it lives (it never changes;
    # a new directory version is a new graph). Trained staff change with the day only.
    _staff: dict[tuple[str, Service, date], TrainedStaff | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _staff_day: date | None = field(default=None, init=False, repr=False, compare=False)
    _next_hops: dict[str, list[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def build(
        cls,
        version: int,
        providers: list[Provider],
        pathways: Iterable[Pathway],
        training: Iterable[tuple[str, str, str, date]] = (),
        capacity: TrainingPolicy | None = None,
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
                graph.add_edge(w.from_provider_id, w.to_provider_id, key=w.service)
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
            trained=_trained(training, capacity),
        )

    def trained_staff(
        self, provider: Provider, service: Service, today: date
    ) -> TrainedStaff | None:
        """For a service that follows training at this kind of provider: how many of its
        active people hold a valid competency on ``today`` (None: the service does not
        depend on training there)."""
        key = (provider.id, service, today)
        try:
            return self._staff[key]
        except KeyError:
            pass
        needed = self.capacity.requirement(provider.kind, service)
        staff = None
        if needed is not None:
            periods = self.trained.get(provider.id, {}).get(needed.topic, ())
            staff = trained_staff(
                ((p, on, until) for p, (on, until) in periods), needed.topic, today
            )
        if today != self._staff_day:  # one day's answers at most (a few MB nationally)
            self._staff.clear()
            self._staff_day = today
        self._staff[key] = staff
        return staff

    def offers(self, provider: Provider, service: Service, today: date) -> bool:
        """Whether the provider offers the service today: listed, and — for a service that
        follows training — at least one active person of it holds a valid competency."""
        return service in provider.services and staffed(
            self.trained_staff(provider, service, today)
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
        hops = self._next_hops.get(source)
        if hops is None:
            hops = self._next_hops[source] = sorted(self.pathways.successors(source))
        for middle in hops:
            if middle != target and self.pathway(middle, target, service):
                return str(middle)
        return None


def _trained(facts: Iterable[tuple[str, str, str, date]], capacity: TrainingPolicy) -> Trained:
    """Per provider and topic, each active person's competency periods, keeping only
    the topics some service depends on. A session's people share one period object, so
    the national network's tens of thousands of facts stay small and quick to read."""
    needed = {r.topic.value: r.topic for r in capacity.requirements}
    shared: dict[tuple[str, date], tuple[date, date]] = {}
    flat: dict[tuple[str, str], list[tuple[str, tuple[date, date]]]] = {}
    for provider_id, person_id, topic_code, trained_on in facts:
        if topic_code not in needed:
            continue
        period = shared.get((topic_code, trained_on))
        if period is None:
            until = capacity.valid_until(needed[topic_code], trained_on)
            period = shared[(topic_code, trained_on)] = (trained_on, until)
        group = flat.get((provider_id, topic_code))
        if group is None:
            group = flat[(provider_id, topic_code)] = []
        group.append((person_id, period))
    out: Trained = {}
    for (provider_id, topic_code), periods in flat.items():
        out.setdefault(provider_id, {})[needed[topic_code]] = tuple(periods)
    return out


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
        # In place, not a copy: the values are equal, and a copy of every provider
        # doubled the peak memory of a build (the provider is not shared yet).
        vars(p).update(update)
        out.append(p)
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

    def pathways() -> Iterator[Pathway]:  # page by page: never all of them at once
        offset = 0
        while True:
            chunk = tx.list_pathways(PathwayQuery(), Page(limit=PAGE * 5, offset=offset)).items
            yield from chunk
            offset += PAGE * 5
            if len(chunk) < PAGE * 5:
                return

    training = tx.training_facts()
    capacity = tx.get_training_policy() or packaged_policy()
    return DirectoryGraph.build(version, providers, pathways(), training, capacity)


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
                self._graph = self.store.read(_load)
                # The graph is long-lived and large (about a million objects for the
                # national network): keep the cyclic collector from rescanning it on
                # every full collection, which otherwise shows as request-latency tails.
                gc.freeze()
            return self._graph

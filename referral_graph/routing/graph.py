"""The directory as an in-memory graph: providers, their coverage and the pathways.

Pure: it is given the providers, pathways, training facts, the languages of people and
the training policy of one directory version (:mod:`referral_graph.services.directory_graph`
reads them from the store, and keeps the graph while that version lasts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

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
from referral_graph.domain.vocabulary import DeliveryMode, Language, Service
from referral_graph.policies.training import packaged_policy

#: A person's competency from one training: (person id, (trained on, last valid day)).
Period = tuple[str, tuple[date, date]]
#: Per provider and topic: the competency periods of its active people.
Trained = dict[str, dict[TrainingTopic, tuple[Period, ...]]]
#: What a person says of their languages: (provider id, person id, ISO 639-3 codes,
#: whether they can interpret).
PersonLanguages = tuple[str, str, Iterable[str], bool]


@dataclass
class DirectoryGraph:
    """Providers as nodes, agreed pathways as edges (one per service), and indexes."""

    version: int
    providers: dict[str, Provider]
    pathways: nx.MultiDiGraph
    by_service: dict[Service, set[str]] = field(default_factory=dict)
    by_coverage: dict[str, set[str]] = field(default_factory=dict)
    oversight: nx.DiGraph = field(default_factory=nx.DiGraph)
    policy: TrainingPolicy = field(default_factory=packaged_policy)
    trained: Trained = field(default_factory=dict)
    #: Per provider and language: how many of its active people speak it.
    speakers: dict[str, dict[Language, int]] = field(default_factory=dict)
    #: Per language: the providers with an active person who can interpret it, and how
    #: many such people each has.
    interpreters: dict[Language, dict[str, int]] = field(default_factory=dict)
    #: Providers located in each district (the neighbours a "why not" looks at too).
    by_district: dict[str, set[str]] = field(default_factory=dict)
    # Answers the graph works out again and again, kept while it lives (it never changes;
    # a new directory version is a new graph). Trained staff change with the day only.
    _staff: dict[tuple[str, Service, date], TrainedStaff | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _staff_day: date | None = field(default=None, init=False, repr=False, compare=False)
    _next_hops: dict[str, list[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _only_remote: dict[Service, bool] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def build(
        cls,
        version: int,
        providers: list[Provider],
        pathways: Iterable[Pathway],
        training: Iterable[tuple[str, str, str, date]] = (),
        policy: TrainingPolicy | None = None,
        people: Iterable[PersonLanguages] = (),
    ) -> DirectoryGraph:
        """The graph of directory ``version``: its providers, its pathways (read once;
        inactive ones are left out), the ``(provider id, person id, topic, trained on)``
        training facts of active people, the training policy (which services follow
        training, and for how long a competency holds; the packaged one if none), and
        the languages of active people (:data:`PersonLanguages`)."""
        graph = nx.MultiDiGraph()
        by_service: dict[Service, set[str]] = defaultdict(set)
        by_coverage: dict[str, set[str]] = defaultdict(set)
        by_district: dict[str, set[str]] = defaultdict(set)
        for p in providers:
            graph.add_node(p.id)
            for s in p.services:
                by_service[s].add(p.id)
            for code in p.coverage:
                by_coverage[code].add(p.id)
            district = _district(p.area_code)
            if district is not None:
                by_district[district].add(p.id)
        for w in pathways:
            if w.active:
                graph.add_edge(w.from_provider_id, w.to_provider_id, key=w.service)
        oversight = nx.DiGraph()
        for p in providers:
            for overseer in p.overseen_by:
                oversight.add_edge(p.id, overseer)
        policy = policy or packaged_policy()
        return cls(
            version=version,
            providers={p.id: p for p in providers},
            pathways=graph,
            by_service=dict(by_service),
            by_coverage=dict(by_coverage),
            oversight=oversight,
            policy=policy,
            trained=_trained(training, policy),
            by_district=dict(by_district),
            **_languages(people),
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
        needed = self.policy.requirement(provider.kind, service)
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

    def lapsed_since(self, provider: Provider, service: Service, today: date) -> date | None:
        """For a service that follows training and that nobody at the provider is trained
        for on ``today``: the day after the last competency of an active person lapsed
        (None: nobody active was ever trained, or the service does not follow training)."""
        needed = self.policy.requirement(provider.kind, service)
        if needed is None:
            return None
        periods = self.trained.get(provider.id, {}).get(needed.topic, ())
        ended = max((until for _, (_, until) in periods if until < today), default=None)
        return None if ended is None else ended + timedelta(days=1)

    def speaking(self, provider: Provider, language: Language) -> int | None:
        """How the provider speaks ``language``: 0 when the directory says it does,
        the number of its active people who do, or None when nobody does."""
        if language in provider.languages:
            return 0
        count = self.speakers.get(provider.id, {}).get(language, 0)
        return count or None

    def speaks(self, provider: Provider, language: Language) -> bool:
        return self.speaking(provider, language) is not None

    def offers(self, provider: Provider, service: Service, today: date) -> bool:
        """Whether the provider offers the service today: listed, and — for a service that
        follows training — at least one active person of it holds a valid competency."""
        return service in provider.services and staffed(
            self.trained_staff(provider, service, today)
        )

    def only_remote(self, service: Service) -> bool:
        """Whether no active provider in the directory gives the service in person (so
        reaching a child by phone or online is all the network can do, and no gap)."""
        known = self._only_remote.get(service)
        if known is None:
            known = self._only_remote[service] = not any(
                DeliveryMode.IN_PERSON in self.providers[pid].modes
                for pid in self.by_service.get(service, ())
                if self.providers[pid].active
            )
        return known

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


def _district(code: str) -> str | None:
    """The district an area lies in (None for a province)."""
    lineage = lineage_codes(code)
    return lineage[1] if len(lineage) > 1 else None


def district_of(code: str) -> str | None:
    """The district containing area ``code`` (a village, commune or the district)."""
    return _district(code)


def _languages(people: Iterable[PersonLanguages]) -> dict[str, Any]:
    """Who speaks and who interprets what, from the languages of active people (codes
    this version does not know are left out)."""
    known = {language.value: language for language in Language}
    speakers: dict[str, dict[Language, int]] = {}
    interpreters: dict[Language, dict[str, int]] = {}
    for provider_id, _, codes, interprets in people:
        for code in codes:
            language = known.get(code)
            if language is None:
                continue
            mine = speakers.setdefault(provider_id, {})
            mine[language] = mine.get(language, 0) + 1
            if interprets:
                them = interpreters.setdefault(language, {})
                them[provider_id] = them.get(provider_id, 0) + 1
    return {"speakers": speakers, "interpreters": interpreters}


def _trained(facts: Iterable[tuple[str, str, str, date]], policy: TrainingPolicy) -> Trained:
    """Per provider and topic, each active person's competency periods, keeping only
    the topics some service depends on. A session's people share one period object, so
    the national network's tens of thousands of facts stay small and quick to read."""
    needed = {r.topic.value: r.topic for r in policy.requirements}
    shared: dict[tuple[str, date], tuple[date, date]] = {}
    flat: dict[tuple[str, str], list[tuple[str, tuple[date, date]]]] = {}
    for provider_id, person_id, topic_code, trained_on in facts:
        if topic_code not in needed:
            continue
        period = shared.get((topic_code, trained_on))
        if period is None:
            until = policy.valid_until(needed[topic_code], trained_on)
            period = shared[(topic_code, trained_on)] = (trained_on, until)
        group = flat.get((provider_id, topic_code))
        if group is None:
            group = flat[(provider_id, topic_code)] = []
        group.append((person_id, period))
    out: Trained = {}
    for (provider_id, topic_code), periods in flat.items():
        out.setdefault(provider_id, {})[needed[topic_code]] = tuple(periods)
    return out

"""The referral network of an area, as a coordinator reads it: the providers located
there (grouped by district and commune on the page), the agreed pathways among them, and
per sender → receiver edge how many handoffs were made over the last 90 days, how long
each step took, and how many are still open.

Two things are meant to stand out:

* a **slow edge**: the median handoff along it missed the chosen step's deadline (the
  deadline of its own risk level) — that is, under half of the handoffs with a known
  answer met it;
* a **bottleneck provider**: handoffs pile up there — at least
  :data:`BOTTLENECK_OVERDUE` open handoffs already past their deadline, or as many open
  handoffs as the children it can take in a week.

A coordinator sees their own area and nothing outside it (``Forbidden``); the delays
come from the same audit facts as ``GET /api/v1/audit/delays?group_by=edge``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from referral_graph.audit.delays import StepStats, measure, step_due, steps_of
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.queries import Page, PathwayQuery, ProviderQuery, every
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import PENDING_WINDOW, Window
from referral_graph.security.policy import coordinator_area
from referral_graph.services import audit
from referral_graph.services.caller import Caller
from referral_graph.services.providers import MAX_PATHWAYS
from referral_graph.store.port import Transaction

#: Providers drawn at most (a district has a few dozen; a province a few hundred).
MAX_NODES = 300
#: Median hours at or under the first bound: green; under the second: amber; else red.
BANDS: dict[Window, tuple[float, float]] = {
    Window.ACKNOWLEDGE: (4.0, 24.0),
    Window.DECIDE: (24.0, 72.0),
    Window.FIRST_CONTACT: (72.0, 168.0),
}
#: Open handoffs past their deadline that make a provider a bottleneck.
BOTTLENECK_OVERDUE = 2
#: Under this share of handoffs within the deadline, the median one missed it.
SLOW_SHARE = 0.5


def band(hours: float | None, step: Window) -> str:
    """'ok', 'soon', 'late' or 'none' (no handoff measured)."""
    if hours is None:
        return "none"
    fast, slow = BANDS[step]
    if hours <= fast:
        return "ok"
    return "soon" if hours < slow else "late"


@dataclass(frozen=True, slots=True)
class Waiting:
    """Handoffs not yet through their steps, and those of them past a deadline."""

    open: int = 0
    overdue: int = 0


@dataclass(frozen=True, slots=True)
class Load:
    """What waits at a receiving provider, against what it can take."""

    waiting: Waiting
    weekly_capacity: int | None
    bottleneck: bool


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    services: tuple[str, ...]
    pathway: bool  # an agreed pathway (else: referrals made without one)
    referrals: int
    median_hours: float | None  # of the chosen step
    band: str
    slow: bool
    steps: dict[Window, StepStats]
    waiting: Waiting


@dataclass(frozen=True, slots=True)
class Network:
    area: str
    step: Window
    providers: list[Provider]
    edges: list[Edge]
    truncated: bool
    loads: dict[str, Load]
    service: str | None = None
    district: str | None = None

    def provider(self, provider_id: str) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

    def edge(self, source: str, target: str) -> Edge | None:
        return next((e for e in self.edges if (e.source, e.target) == (source, target)), None)


def _providers_and_pathways(
    tx: Transaction, area: str
) -> tuple[list[Provider], list[Pathway], bool]:
    listing = every(lambda page: tx.list_providers(ProviderQuery(area=area), page))
    located = [p for p in listing if p.area_code.startswith(area)]
    ids = {p.id for p in located[:MAX_NODES]}
    pathways: list[Pathway] = []
    for pid in sorted(ids):
        found = tx.list_pathways(PathwayQuery(from_provider_id=pid), Page(limit=MAX_PATHWAYS))
        pathways += [w for w in found.items if w.active and w.to_provider_id in ids]
    return located[:MAX_NODES], pathways, len(located) > MAX_NODES


def _waiting(facts: Sequence[HopFact], now: datetime) -> Waiting:
    open_ = overdue = 0
    for f in facts:
        window = PENDING_WINDOW.get(ReferralStatus(f.status))
        if window is None:
            continue
        open_ += 1
        due = step_due(f, window)
        overdue += due is not None and due < now
    return Waiting(open_, overdue)


def _load(provider: Provider, waiting: Waiting) -> Load:
    capacity = provider.weekly_capacity
    full = capacity is not None and capacity > 0 and waiting.open >= capacity
    return Load(waiting, capacity, full or waiting.overdue >= BOTTLENECK_OVERDUE)


def _edge(
    pair: tuple[str, str], services: set[str], facts: Sequence[HopFact], step: Window, now: datetime
) -> Edge:
    stats = steps_of([measure(f, now) for f in facts])
    chosen = stats[step]
    share = chosen.share_within
    slow = share is not None and share < SLOW_SHARE
    return Edge(
        source=pair[0],
        target=pair[1],
        services=tuple(sorted(services)),
        pathway=bool(services),
        referrals=len(facts),
        median_hours=chosen.median_hours,
        # a slow link is red even when no step happened yet to give it a median
        band="late" if slow else band(chosen.median_hours, step),
        slow=slow,
        steps=stats,
        waiting=_waiting(facts, now),
    )


def area_network(
    caller: Caller,
    area: str,
    step: Window,
    tz: str,
    *,
    service: str | None = None,
    district: str | None = None,
) -> Network:
    """Providers located in ``area`` (at most :data:`MAX_NODES`; only those in
    ``district`` when given), the active pathways among them (of ``service`` only when
    given, with the providers they join or that offer it), and per sender → receiver
    edge the delays of its handoffs over 90 days (days counted in ``tz``)."""
    area = coordinator_area(caller.principal, area) or area
    providers, pathways, truncated = caller.store.read(lambda tx: _providers_and_pathways(tx, area))
    if district:
        providers = [p for p in providers if p.area_code.startswith(district)]
    ids = {p.id for p in providers}
    services: dict[tuple[str, str], set[str]] = defaultdict(set)
    for w in pathways:
        joins = w.from_provider_id in ids and w.to_provider_id in ids
        if joins and (service is None or w.service.value == service):
            services[(w.from_provider_id, w.to_provider_id)].add(w.service.value)
    facts: dict[tuple[str, str], list[HopFact]] = defaultdict(list)
    received: dict[str, list[HopFact]] = defaultdict(list)
    for f in audit.handoffs(caller, audit.scope(caller, area, tz=tz)):
        received[f.to_provider_id].append(f)
        if service is None or f.service == service:
            facts[(f.from_provider_id, f.to_provider_id)].append(f)
    pairs = set(services) | {k for k in facts if k[0] in ids and k[1] in ids}
    now = caller.now
    edges = [
        _edge(pair, services.get(pair, set()), facts[pair], step, now) for pair in sorted(pairs)
    ]
    if service is not None:
        joined = {e.source for e in edges} | {e.target for e in edges}
        providers = [p for p in providers if p.id in joined or service in p.services]
    loads = {p.id: _load(p, _waiting(received[p.id], now)) for p in providers}
    return Network(area, step, providers, edges, truncated, loads, service, district)

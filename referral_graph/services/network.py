"""The referral network of an area, as a graph a coordinator reads: the providers
located there, the agreed pathways among them, and per sender → receiver edge how many
handoffs were made over the last 90 days and the median time one step of them took,
banded green, amber or red.

A coordinator sees their own area and nothing outside it (``Forbidden``); the delays
come from the same audit facts as ``GET /api/v1/audit/delays?group_by=edge``.
"""

from __future__ import annotations

from dataclasses import dataclass

from referral_graph.audit.groups import EDGE_ARROW, GroupBy
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.queries import Page, PathwayQuery, ProviderQuery, every
from referral_graph.domain.sla import Window
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


def band(hours: float | None, step: Window) -> str:
    """'ok', 'soon', 'late' or 'none' (no handoff measured)."""
    if hours is None:
        return "none"
    fast, slow = BANDS[step]
    if hours <= fast:
        return "ok"
    return "soon" if hours < slow else "late"


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    services: tuple[str, ...]
    pathway: bool  # an agreed pathway (else: referrals made without one)
    referrals: int
    median_hours: float | None
    band: str


@dataclass(frozen=True, slots=True)
class Network:
    area: str
    step: Window
    providers: list[Provider]
    edges: list[Edge]
    truncated: bool


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


def _measured(
    caller: Caller, area: str, step: Window, tz: str
) -> dict[tuple[str, str], tuple[int, float | None]]:
    """Per (sender, receiver): handoffs made, and the median hours of ``step``."""
    delays = audit.delays(caller, audit.scope(caller, area, tz=tz), group_by=GroupBy.EDGE)
    measured: dict[tuple[str, str], tuple[int, float | None]] = {}
    for group in delays.table.groups:
        sender, receiver = group.key.split(EDGE_ARROW, 1)
        stats = group.steps.get(step)
        measured[(sender, receiver)] = (
            group.referrals,
            None if stats is None else stats.median_hours,
        )
    return measured


def area_network(caller: Caller, area: str, step: Window, tz: str) -> Network:
    """Providers located in ``area`` (at most :data:`MAX_NODES`), the active pathways
    among them and, per sender → receiver edge, the median delay of ``step`` over 90
    days (days counted in ``tz``)."""
    area = coordinator_area(caller.principal, area) or area
    providers, pathways, truncated = caller.store.read(lambda tx: _providers_and_pathways(tx, area))
    ids = {p.id for p in providers}
    measured = _measured(caller, area, step, tz)
    services: dict[tuple[str, str], set[str]] = {}
    for w in pathways:
        services.setdefault((w.from_provider_id, w.to_provider_id), set()).add(w.service.value)
    pairs = set(services) | {k for k in measured if k[0] in ids and k[1] in ids}
    edges = []
    for pair in sorted(pairs):
        count, hours = measured.get(pair, (0, None))
        edges.append(
            Edge(
                source=pair[0],
                target=pair[1],
                services=tuple(sorted(services.get(pair, ()))),
                pathway=pair in services,
                referrals=count,
                median_hours=hours,
                band=band(hours, step),
            )
        )
    return Network(area, step, providers, edges, truncated)

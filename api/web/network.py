"""A coordinator's view of the network in their area: the providers located there and the
pathways among them drawn as a graph (Cytoscape.js, vendored), each edge coloured by the
median time its handoffs take; and the coverage gaps by commune.

The graph's data comes from a JSON endpoint of the web app, authorised exactly as the
page; the page also lists every edge in a table, which is all a browser without
JavaScript shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from api.web.dashboard import AREA, PROGRAMME_PROVINCES, area_name
from api.web.i18n import Lang, duration, label, t
from api.web.render import Tr, page
from api.web.session import Web, WebDep
from referral_graph.audit.groups import EDGE_ARROW, GroupBy
from referral_graph.domain.areas import check_report_area
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.sla import Window
from referral_graph.domain.vocabulary import Service
from referral_graph.security.policy import coordinator_area
from referral_graph.services import audit
from referral_graph.store.port import Page, PathwayQuery, ProviderQuery, Transaction

router = APIRouter()

MAX_NODES = 300
#: Median hours at or under the first bound: green; under the second: amber; else red.
BANDS: dict[Window, tuple[float, float]] = {
    Window.ACKNOWLEDGE: (4.0, 24.0),
    Window.DECIDE: (24.0, 72.0),
    Window.FIRST_CONTACT: (72.0, 168.0),
}
#: Services whose reach by commune the coverage page shows.
KEY_SERVICES = (
    Service.PSYCHOLOGICAL_FIRST_AID,
    Service.COUNSELLING,
    Service.MEDICAL_CARE,
    Service.POST_RAPE_CARE,
    Service.CHILD_PROTECTION,
    Service.LEGAL_AID,
    Service.SHELTER,
)


def _area(ctx: Web, asked: str) -> str:
    """The area asked for, inside the coordinator's own (403 otherwise); their own
    area when none is asked (a programme province for a national coordinator)."""
    asked = asked.strip()
    if asked and not AREA.match(asked):
        raise InvalidInput("Give a province, district or commune code.", field="area")
    area = coordinator_area(ctx.principal, asked or None) or PROGRAMME_PROVINCES[1]
    check_report_area(area)
    return area


def _step(text: str) -> Window:
    try:
        return Window(text)
    except ValueError:
        return Window.ACKNOWLEDGE


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


def network(ctx: Web, area: str, step: Window) -> Network:
    """Providers located in ``area`` (at most MAX_NODES), the active pathways among them
    and, per sender → receiver edge, the median delay of ``step`` over 90 days."""

    def work(tx: Transaction) -> tuple[list[Provider], list[Pathway], bool]:
        listing = tx.list_providers(ProviderQuery(area=area), Page(limit=5000))
        located = [p for p in listing.items if p.area_code.startswith(area)]
        ids = {p.id for p in located[:MAX_NODES]}
        pathways: list[Pathway] = []
        for pid in sorted(ids):
            found = tx.list_pathways(PathwayQuery(from_provider_id=pid), Page(limit=500))
            pathways += [w for w in found.items if w.active and w.to_provider_id in ids]
        return located[:MAX_NODES], pathways, len(located) > MAX_NODES

    providers, pathways, truncated = ctx.store.read(work)
    ids = {p.id for p in providers}
    tz = ctx.runtime.settings.timezone
    reader = ctx.reader
    delays = audit.delays(reader, audit.scope(reader, area, tz=tz), group_by=GroupBy.EDGE)
    measured: dict[tuple[str, str], tuple[int, float | None]] = {}
    for group in delays.table.groups:
        sender, receiver = group.key.split(EDGE_ARROW, 1)
        stats = group.steps.get(step)
        measured[(sender, receiver)] = (
            group.referrals,
            None if stats is None else stats.median_hours,
        )
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


def _as_json(found: Network, tr: Tr) -> dict[str, Any]:
    lang: Lang = tr.lang
    return {
        "area": found.area,
        "step": found.step.value,
        "truncated": found.truncated,
        "nodes": [
            {"id": p.id, "label": tr.name(p), "kind": p.kind.value, "active": p.active}
            for p in found.providers
        ],
        "edges": [
            {
                "id": f"{e.source}>{e.target}",
                "source": e.source,
                "target": e.target,
                "services": [label("service", s, lang) for s in e.services],
                "pathway": e.pathway,
                "referrals": e.referrals,
                "median_hours": e.median_hours,
                "median": None if e.median_hours is None else duration(e.median_hours * 3600, lang),
                "band": e.band,
            }
            for e in found.edges
        ],
        "legend": {b: t(f"band_{b}", lang) for b in ("ok", "soon", "late", "none")},
    }


@router.get("/network", include_in_schema=False)
def network_page(ctx: WebDep, area: str = "", step: str = "") -> Response:
    ctx.allow("GET", "/api/v1/audit/delays")
    where = _area(ctx, area)
    found = network(ctx, where, _step(step))
    names = {p.id: p for p in found.providers}
    return page(
        ctx.request,
        "network.html",
        principal=ctx.principal,
        title="nav_network",
        area=where,
        area_label=area_name(where, ctx.lang),
        network=found,
        names=names,
        steps=[w.value for w in BANDS],
        bands=BANDS[found.step],
        data_url=f"{ctx.base}/network/data?area={where}&step={found.step.value}",
    )


@router.get("/network/data", include_in_schema=False)
def network_data(ctx: WebDep, area: str = "", step: str = "") -> Response:
    """The graph of the network page as JSON (the same rule and area as the page)."""
    ctx.allow("GET", "/api/v1/audit/delays")
    where = _area(ctx, area)
    found = network(ctx, where, _step(step))
    tr = Tr(ctx.lang, ctx.runtime.settings.timezone)
    return JSONResponse(_as_json(found, tr))


@router.get("/coverage", include_in_schema=False)
def coverage_page(ctx: WebDep, area: str = "") -> Response:
    """For each commune of the area: how a child there reaches each key service (in
    person, by phone, online, or not at all)."""
    ctx.allow("GET", "/api/v1/audit/delays")
    ctx.allow("GET", "/api/v1/coverage/gaps")
    where = _area(ctx, area)
    rows = ctx.runtime.routing.coverage(where, list(KEY_SERVICES))
    gaps = sum(1 for r in rows for s in r.services if s.reach == "none")
    return page(
        ctx.request,
        "coverage.html",
        principal=ctx.principal,
        title="nav_coverage",
        area=where,
        area_label=area_name(where, ctx.lang),
        rows=rows,
        services=[s.value for s in KEY_SERVICES],
        gaps=gaps,
    )

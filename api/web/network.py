"""A coordinator's view of the network in their area: the providers located there,
grouped by district and commune (``network_picture.py``), the pathways among them with
the time their handoffs take, slow links and bottleneck providers marked; a page of
details for each provider and each link; and the coverage gaps by commune.

Everything is in the HTML: the groups, the table of links (which the page's small
script also draws as lines over the groups), the filters (query parameters). The JSON
endpoint stays for other clients, authorised exactly as the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from api.web.coverage_view import KEY_SERVICES, coverage_view
from api.web.i18n import Lang, duration, label, t
from api.web.network_picture import by_geography
from api.web.places import AREA, PROGRAMME_PROVINCES, area_name
from api.web.render import Tr, page
from api.web.session import Web, WebDep
from referral_graph.domain.areas import check_report_area, gazetteer
from referral_graph.domain.errors import InvalidInput, NotFound
from referral_graph.domain.sla import Window
from referral_graph.domain.vocabulary import AreaLevel, Service
from referral_graph.security.policy import coordinator_area
from referral_graph.services.network import (
    BANDS,
    BOTTLENECK_OVERDUE,
    Network,
    area_network,
)

router = APIRouter()


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


@dataclass(frozen=True, slots=True)
class Filters:
    """What the network page was asked to show, checked."""

    area: str
    step: Window
    service: str | None
    district: str | None

    def query(self, **more: str) -> str:
        """The filters as a query string, to keep them on links to details."""
        pairs = {"area": self.area, "step": self.step.value, **more}
        if self.service:
            pairs["service"] = self.service
        if self.district:
            pairs["district"] = self.district
        return urlencode(pairs)


def _districts(area: str) -> list[str]:
    return sorted(a.code for a in gazetteer().within(area, AreaLevel.DISTRICT))


def _filters(ctx: Web, area: str, step: str, service: str, district: str) -> Filters:
    where = _area(ctx, area)
    service = service.strip()
    if service and service not in {s.value for s in Service}:
        raise InvalidInput("Not a known service.", field="service")
    district = district.strip()
    if district and district not in _districts(where):
        raise InvalidInput("Not a district of the area.", field="district")
    return Filters(where, _step(step), service or None, district or None)


def network(ctx: Web, f: Filters) -> Network:
    return area_network(
        ctx.reader,
        f.area,
        f.step,
        ctx.runtime.settings.timezone,
        service=f.service,
        district=f.district,
    )


def _as_json(found: Network, tr: Tr) -> dict[str, Any]:
    lang: Lang = tr.lang
    return {
        "area": found.area,
        "step": found.step.value,
        "truncated": found.truncated,
        "nodes": [
            {
                "id": p.id,
                "label": tr.name(p),
                "kind": p.kind.value,
                "active": p.active,
                "bottleneck": found.loads[p.id].bottleneck,
            }
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
                "slow": e.slow,
            }
            for e in found.edges
        ],
        "legend": {b: t(f"band_{b}", lang) for b in ("ok", "soon", "late", "none")},
    }


@router.get("/network", include_in_schema=False)
def network_page(
    ctx: WebDep, area: str = "", step: str = "", service: str = "", district: str = ""
) -> Response:
    ctx.allow("GET", "/api/v1/audit/delays")
    f = _filters(ctx, area, step, service, district)
    found = network(ctx, f)
    names = {p.id: p for p in found.providers}
    return page(
        ctx.request,
        "network.html",
        principal=ctx.principal,
        title="nav_network",
        area=f.area,
        area_label=area_name(f.area, ctx.lang),
        network=found,
        filters=f,
        groups=by_geography(found, ctx.lang),
        names=names,
        steps=[w.value for w in BANDS],
        bands=BANDS[found.step],
        services=sorted(s.value for s in Service),
        districts=[(c, area_name(c, ctx.lang)) for c in _districts(f.area)],
        bottleneck_overdue=BOTTLENECK_OVERDUE,
        slow=sum(e.slow for e in found.edges),
        bottlenecks=sum(load.bottleneck for load in found.loads.values()),
    )


@router.get("/network/data", include_in_schema=False)
def network_data(
    ctx: WebDep, area: str = "", step: str = "", service: str = "", district: str = ""
) -> Response:
    """The network of the page as JSON (the same rule, area and filters as the page)."""
    ctx.allow("GET", "/api/v1/audit/delays")
    found = network(ctx, _filters(ctx, area, step, service, district))
    tr = Tr(ctx.lang, ctx.runtime.settings.timezone)
    return JSONResponse(_as_json(found, tr))


def _details(ctx: Web, template: str, panel: str, **values: Any) -> Response:
    """A details page, or only its content for the page's panel (``panel=1``)."""
    return page(
        ctx.request,
        template,
        principal=ctx.principal,
        title="network_details",
        panel=panel == "1",
        **values,
    )


@router.get("/network/provider/{provider_id}", include_in_schema=False)
def provider_details(
    ctx: WebDep,
    provider_id: str,
    area: str = "",
    step: str = "",
    service: str = "",
    district: str = "",
    panel: str = "",
) -> Response:
    """One provider of the picture: what waits there, its links both ways and their
    delays (404 for a provider not in the coordinator's picture)."""
    ctx.allow("GET", "/api/v1/audit/delays")
    f = _filters(ctx, area, step, service, district)
    found = network(ctx, f)
    provider = found.provider(provider_id)
    if provider is None:
        raise NotFound("provider", provider_id)
    return _details(
        ctx,
        "network_provider.html",
        panel,
        provider=provider,
        load=found.loads[provider.id],
        out=[e for e in found.edges if e.source == provider.id],
        into=[e for e in found.edges if e.target == provider.id],
        names={p.id: p for p in found.providers},
        filters=f,
        back=f.query(),
    )


@router.get("/network/link", include_in_schema=False)
def link_details(
    ctx: WebDep,
    source: str = "",
    target: str = "",
    area: str = "",
    step: str = "",
    service: str = "",
    district: str = "",
    panel: str = "",
) -> Response:
    """One link of the picture: its pathways, each step's delays, what is open on it."""
    ctx.allow("GET", "/api/v1/audit/delays")
    f = _filters(ctx, area, step, service, district)
    found = network(ctx, f)
    edge = found.edge(source, target)
    if edge is None:
        raise NotFound("link", f"{source}>{target}")
    return _details(
        ctx,
        "network_link.html",
        panel,
        edge=edge,
        steps=[w.value for w in BANDS],
        names={p.id: p for p in found.providers},
        filters=f,
        back=f.query(),
    )


@router.get("/coverage", include_in_schema=False)
def coverage_page(
    ctx: WebDep, area: str = "", service: str = "", district: str = "", programme: str = ""
) -> Response:
    """For each commune of the area: how a child there reaches each key service (in
    person, by phone, online, or not at all) — the gaps first, filtered by service,
    district and whether the commune is inside the programme."""
    ctx.allow("GET", "/api/v1/audit/delays")
    ctx.allow("GET", "/api/v1/coverage/gaps")
    where = _area(ctx, area)
    view = coverage_view(where, service, district, programme)
    rows = ctx.runtime.routing.coverage(
        _area(ctx, view.district) if view.district else where,
        list(view.services),
        programme_only=view.programme_only,
    )
    gaps = [(row, reach) for row in rows for reach in row.services if reach.gap]
    return page(
        ctx.request,
        "coverage.html",
        principal=ctx.principal,
        title="nav_coverage",
        area=where,
        area_label=area_name(where, ctx.lang),
        rows=rows,
        services=[s.value for s in view.services],
        key_services=[s.value for s in KEY_SERVICES],
        gap_list=gaps,
        gaps=len(gaps),
        view=view,
        district_name=lambda code: area_name(code, ctx.lang),
    )

"""A coordinator's view of the network in their area: the providers located there and the
pathways among them drawn as a graph (Cytoscape.js, vendored), each edge coloured by the
median time its handoffs take; and the coverage gaps by commune.

The graph's data comes from a JSON endpoint of the web app, authorised exactly as the
page; the page also lists every edge in a table, which is all a browser without
JavaScript shows.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from api.web.coverage_view import KEY_SERVICES, coverage_view
from api.web.i18n import Lang, duration, label, t
from api.web.places import AREA, PROGRAMME_PROVINCES, area_name
from api.web.render import Tr, page
from api.web.session import Web, WebDep
from referral_graph.domain.areas import check_report_area
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.sla import Window
from referral_graph.security.policy import coordinator_area
from referral_graph.services.network import BANDS, Network, area_network

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


def network(ctx: Web, area: str, step: Window) -> Network:
    return area_network(ctx.reader, area, step, ctx.runtime.settings.timezone)


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

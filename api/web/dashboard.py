"""A coordinator's dashboard (overdue and due-soon handoffs in their area, the time each
step takes, the monthly report) and the read-only directory."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from api.web.charts import flow_picture, journey_chart
from api.web.i18n import month_text, t
from api.web.places import AREA, PROGRAMME_PROVINCES, area_name
from api.web.render import page
from api.web.session import Web, WebDep
from api.web.views import urgency
from referral_graph.audit.period import MONTH_PATTERN, month_of, month_period
from referral_graph.audit.render import to_html
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.queries import Page, ProviderQuery
from referral_graph.security.model import Role
from referral_graph.security.policy import NATIONAL, coordinator_area
from referral_graph.services import audit
from referral_graph.services.dashboard import DueHandoff, due_handoffs
from referral_graph.services.providers import list_providers, own_provider

router = APIRouter()

CHART_ROWS = 8
#: Providers the directory page lists for one area.
DIRECTORY_LIMIT = 300


def _due_rows(ctx: Web, items: list[DueHandoff]) -> list[dict[str, Any]]:
    return [
        {
            "referral": d.referral,
            "code": d.code,
            "receiver": d.receiver,
            "urgency": urgency(d.referral, ctx.now),
        }
        for d in items
    ]


@router.get("/dashboard", include_in_schema=False)
def dashboard(ctx: WebDep, month: str = "") -> Response:
    ctx.allow("GET", "/api/v1/audit/overdue")
    due = due_handoffs(ctx.reader)
    area, now = due.area, ctx.now
    tz = ctx.runtime.settings.timezone
    reader = ctx.reader
    steps = audit.journeys(reader, audit.scope(reader, area, tz=tz))
    everyone = t("all_providers", ctx.lang)
    rows = [(everyone, steps.overall)]
    rows += [(steps.labels[j.key].in_lang(ctx.lang), j) for j in steps.providers[:CHART_ROWS]]
    month = month.strip() or month_of(now, tz)
    period = month_period(month, tz)
    flows = audit.flow_report(
        reader, audit.scope(reader, area, since=period.since, until=period.until, tz=tz)
    ).flows
    ctx.log_read("/app/dashboard", None)
    own = ctx.principal.area_code or NATIONAL
    return page(
        ctx.request,
        "dashboard.html",
        principal=ctx.principal,
        title="nav_dashboard",
        area_label=area_name(area, ctx.lang),
        overdue=_due_rows(ctx, due.overdue),
        due_soon=_due_rows(ctx, due.due_soon),
        table_rows=rows,
        chart=journey_chart(rows, ctx.lang),
        flows=flows,
        flow_picture=flow_picture(flows, ctx.lang),
        flow_month=month,
        flow_month_text=month_text(month, ctx.lang),
        report_area="" if own == NATIONAL else own,
        report_month=month_of(now, tz),
    )


@router.get("/report", include_in_schema=False)
def report(ctx: WebDep, area: str = "", month: str = "") -> Response:
    """The monthly network-meeting report, printable, in the page language (the same
    page as GET /api/v1/audit/report?format=html)."""
    ctx.allow("GET", "/api/v1/audit/report")
    if not AREA.match(area):
        raise InvalidInput("Give a province, district or commune code.", field="area")
    if not re.match(MONTH_PATTERN, month):
        raise InvalidInput("Give a month as YYYY-MM.", field="month")
    coordinator_area(ctx.principal, area)
    found = audit.monthly_report(
        ctx.reader, area=area, month=month, tz=ctx.runtime.settings.timezone
    )
    return HTMLResponse(_for_phones(to_html(found, ctx.lang), ctx.base))


def _for_phones(html: str, base: str) -> str:
    """The printable report, made to fit a phone screen too: the Khmer font served by
    the app, a chart and tables that shrink or scroll inside the page, and the app's
    icon. (Print layout is untouched: everything added is for screens.)"""
    fonts = base + "/static/vendor/fonts/noto-sans-khmer/noto-sans-khmer-khmer-"
    extra = (
        f'<link rel="icon" href="{base}/static/favicon.svg" type="image/svg+xml">\n<style>'
        + "".join(
            f'@font-face{{font-family:"Noto Sans Khmer";font-weight:{w};font-display:swap;'
            f'src:url("{fonts}{w}-normal.woff2") format("woff2");'
            "unicode-range:U+1780-17FF,U+19E0-19FF,U+200C-200D,U+25CC}"
            for w in (400, 700)
        )
        + "@media screen{svg{max-width:100%;height:auto}"
        "table{display:block;overflow-x:auto;max-width:100%}}</style>\n"
    )
    return html.replace("</head>", extra + "</head>", 1)


@router.get("/directory", include_in_schema=False)
def directory(ctx: WebDep, area: str | None = None) -> Response:
    """Providers located in or covering an area (read only)."""
    ctx.allow("GET", "/api/v1/providers")
    if area is None or not AREA.match(area):
        area = _default_area(ctx)
    listing = list_providers(ctx.reader, ProviderQuery(area=area), Page(limit=DIRECTORY_LIMIT))
    return page(
        ctx.request,
        "directory.html",
        principal=ctx.principal,
        title="nav_directory",
        area=area,
        area_label=area_name(area, ctx.lang),
        providers=listing.items,
        count=listing.count,
        provinces=[(code, area_name(code, ctx.lang)) for code in PROGRAMME_PROVINCES],
    )


def _default_area(ctx: Web) -> str:
    own = ctx.principal.area_code
    if ctx.principal.role is Role.COORDINATOR and own and own != NATIONAL:
        return own
    provider = own_provider(ctx.reader)
    return provider.area_code[:2] if provider else PROGRAMME_PROVINCES[1]

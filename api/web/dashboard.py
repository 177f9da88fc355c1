"""A coordinator's dashboard (overdue and due-soon handoffs in their area, the time each
step takes, the monthly report) and the read-only directory."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.web.charts import flow_picture, journey_chart
from api.web.i18n import month_text, t
from api.web.places import AREA, PROGRAMME_PROVINCES, area_name
from api.web.render import page
from api.web.session import Web, WebDep
from api.web.views import urgency
from referral_graph.audit.period import MONTH_PATTERN, month_of, month_period
from referral_graph.audit.render import report_body, report_css, to_csv
from referral_graph.audit.report import MonthlyReport
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
def report(ctx: WebDep, area: str = "", month: str = "", min_cell: str = "") -> Response:
    """The monthly network-meeting report in the app's frame (menu, a way back), in the
    page language: the same content as GET /api/v1/audit/report?format=html, its tables
    stacked on a phone, its chart in HTML; it prints on A4 without the frame."""
    found = _monthly(ctx, area, month, min_cell)
    return page(
        ctx.request,
        "report_page.html",
        principal=ctx.principal,
        title="report_title",
        body=report_body(found, ctx.lang),
        csv_href=f"{ctx.base}/report.csv?area={area}&month={month}&min_cell={found.min_cell}",
        back_href=f"{ctx.base}/dashboard",
    )


@router.get("/report.css", include_in_schema=False)
def report_style() -> Response:
    """The report's own style sheet, for the report page (no inline style: the CSP)."""
    return style_sheet(report_css())


def style_sheet(css: str) -> Response:
    """A style sheet the app makes from a package's template, cached like /static (the
    pages ask for it with the app's version)."""
    headers = {"cache-control": "public, max-age=31536000, immutable"}
    return Response(str(css), media_type="text/css", headers=headers)


@router.get("/report.csv", include_in_schema=False)
def report_csv(ctx: WebDep, area: str = "", month: str = "", min_cell: str = "") -> Response:
    """The report as CSV (the same figures as the page), for a spreadsheet."""
    found = _monthly(ctx, area, month, min_cell)
    name = f"referral-report-{area}-{month}-{ctx.lang}.csv"
    return Response(
        to_csv(found, ctx.lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def cells_asked(text: str, default: int) -> int:
    """The small-cell threshold a page asks for (``min_cell=``, as the API takes it);
    the server's setting when none is asked or it is no number from 0 to 1000."""
    value = text.strip()
    return int(value) if value.isdigit() and int(value) <= 1000 else default


def _monthly(ctx: Web, area: str, month: str, min_cell: str = "") -> MonthlyReport:
    ctx.allow("GET", "/api/v1/audit/report")
    if not AREA.match(area):
        raise InvalidInput("Give a province, district or commune code.", field="area")
    if not re.match(MONTH_PATTERN, month):
        raise InvalidInput("Give a month as YYYY-MM.", field="month")
    coordinator_area(ctx.principal, area)
    settings = ctx.runtime.settings
    return audit.monthly_report(
        ctx.reader,
        area=area,
        month=month,
        min_cell=cells_asked(min_cell, settings.report_min_cell),
        tz=settings.timezone,
        routing=ctx.runtime.routing,
    )


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

"""A coordinator's dashboard (overdue and due-soon handoffs in their area, the time each
step takes, the monthly report) and the read-only directory."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from api.web.i18n import t
from api.web.render import page
from api.web.session import Web, WebDep
from api.web.views import delay_chart, urgency
from referral_graph.audit.groups import GroupBy
from referral_graph.audit.period import MONTH_PATTERN, month_of
from referral_graph.audit.render import to_html
from referral_graph.domain.areas import gazetteer
from referral_graph.domain.errors import InvalidInput, ReferralGraphError
from referral_graph.domain.models import Referral
from referral_graph.security.model import Role
from referral_graph.security.policy import NATIONAL, coordinator_area, redact_referral
from referral_graph.services import audit
from referral_graph.store.port import DueQuery, Page, ProviderQuery, Transaction

router = APIRouter()

DUE_SOON = timedelta(hours=24)
LIST_LIMIT = 50
CHART_ROWS = 8
AREA = re.compile(r"^\d{2}(\d{2}){0,2}$")
PROGRAMME_PROVINCES = ("16", "17", "19")


def area_name(code: str | None, lang: str) -> str:
    if code in (None, NATIONAL):
        return t("whole_country", "km" if lang == "km" else "en")
    try:
        area = gazetteer().area(code)
    except ReferralGraphError:
        return code
    return (area.name_km or area.name_en) if lang == "km" else area.name_en


def _due_rows(ctx: Web, tx: Transaction, items: list[Referral]) -> list[dict[str, Any]]:
    rows = []
    for r in items:
        case = tx.get_case(r.case_id)
        rows.append(
            {
                "referral": redact_referral(r),
                "code": case.code if case else r.case_id,
                "receiver": tx.get_provider(r.to_provider_id),
                "urgency": urgency(r, ctx.now),
            }
        )
    return rows


@router.get("/dashboard", include_in_schema=False)
def dashboard(ctx: WebDep) -> Response:
    ctx.allow("GET", "/api/v1/audit/overdue")
    area = coordinator_area(ctx.principal, None)
    now = ctx.now

    def work(tx: Transaction) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        late = tx.referrals_due(DueQuery(before=now, area=area), Page(limit=LIST_LIMIT))
        soon = tx.referrals_due(DueQuery(before=now + DUE_SOON, area=area), Page(limit=200))
        upcoming = [
            r for r in soon.items if r.pending_due_at is not None and r.pending_due_at >= now
        ]
        return _due_rows(ctx, tx, late.items), _due_rows(ctx, tx, upcoming[:LIST_LIMIT])

    overdue, due_soon = ctx.store.read(work)
    tz = ctx.runtime.settings.timezone
    reader = ctx.reader
    delays = audit.delays(reader, audit.scope(reader, area, tz=tz), group_by=GroupBy.PROVIDER)
    groups = delays.table.groups[:CHART_ROWS]
    everyone = t("all_providers", ctx.lang)
    rows = [(everyone, delays.overall)]
    rows += [(g.label.in_lang(ctx.lang), g.steps) for g in groups]
    total = sum(g.referrals for g in delays.table.groups)
    table_rows = [(everyone, total, delays.overall)]
    table_rows += [(g.label.in_lang(ctx.lang), g.referrals, g.steps) for g in groups]
    ctx.log_read("/app/dashboard", None)
    own = ctx.principal.area_code or NATIONAL
    return page(
        ctx.request,
        "dashboard.html",
        principal=ctx.principal,
        title="nav_dashboard",
        area_label=area_name(area, ctx.lang),
        overdue=overdue,
        due_soon=due_soon,
        table_rows=table_rows,
        chart=delay_chart(rows, ctx.lang),
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
    listing = ctx.store.read(
        lambda tx: tx.list_providers(ProviderQuery(area=area), Page(limit=300))
    )
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
    pid = ctx.principal.provider_id
    provider = None if pid is None else ctx.store.read(lambda tx: tx.get_provider(pid))
    return provider.area_code[:2] if provider else PROGRAMME_PROVINCES[1]

"""Audit analytics: per-hop delays, bottlenecks, loops, declines, measures, and the
monthly network-meeting report (JSON, CSV or printable HTML, in English or Khmer).

Pseudonymous: counts, hours, provider and area names — never a case id or code. The
overdue and due-soon lists live with the deadlines (``api/routers/timeliness.py``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from api.deps import CallerDep, RuntimeDep
from api.responses import problems
from referral_graph.audit.groups import GroupBy
from referral_graph.audit.labels import Lang
from referral_graph.audit.period import MONTH_PATTERN
from referral_graph.audit.render import render
from referral_graph.audit.report import MonthlyReport
from referral_graph.services import audit
from referral_graph.services.audit import (
    AuditScope,
    BottleneckReport,
    DeclineReport,
    DelayReport,
    LoopReport,
    MeasureReport,
)

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

AREA = r"^\d{2}(\d{2}){0,2}$"
AreaQuery = Annotated[
    str | None,
    Query(pattern=AREA, description="Province, district or commune of the child's village."),
]
SinceQuery = Annotated[
    datetime | None,
    Query(
        description="Referrals made from (default: 90 days before until); local time "
        "if no zone is given."
    ),
]
UntilQuery = Annotated[datetime | None, Query(description="Referrals made before (default: now).")]
MinCellQuery = Annotated[
    int,
    Query(ge=0, le=1000, description="Leave out groups with fewer referrals (recommended: 5)."),
]


async def audit_scope(
    runtime: RuntimeDep,
    caller: CallerDep,
    area: AreaQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
) -> AuditScope:
    """The area and period a figure covers: a coordinator's own area when none is asked
    (never outside it), and ``[since, until)`` in the server's time zone."""
    return audit.scope(caller, area, since, until, runtime.settings.timezone)


ScopeDep = Annotated[AuditScope, Depends(audit_scope)]


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    HTML = "html"


_MEDIA = {
    ReportFormat.JSON: "application/json",
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.HTML: "text/html; charset=utf-8",
}
_REPORT_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report as JSON, CSV or a printable HTML page.",
        "content": {"text/csv": {}, "text/html": {}},
    }
}


@router.get("/delays", responses=problems())
def delays(
    caller: CallerDep,
    scope: ScopeDep,
    group_by: GroupBy = GroupBy.PROVIDER,
    min_cell: MinCellQuery = 0,
) -> DelayReport:
    """Median, 90th percentile and share within deadline of each step (acknowledge,
    decide, first contact), overall and per group; and the hours from opening a case to
    first professional contact."""
    return audit.delays(caller, scope, group_by=group_by, min_cell=min_cell)


@router.get("/bottlenecks", responses=problems())
def bottlenecks(
    caller: CallerDep,
    scope: ScopeDep,
    min_cell: MinCellQuery = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> BottleneckReport:
    """Receiving providers where waiting piles up: hours past deadline, handoffs past
    deadline, handoffs waiting now — worst first."""
    return audit.bottleneck_report(caller, scope, min_cell=min_cell, limit=limit)


@router.get("/loops", responses=problems())
def loops(caller: CallerDep, scope: ScopeDep, min_cell: MinCellQuery = 0) -> LoopReport:
    """Cases sent back to a provider already on their path (A → B → A and longer)."""
    return audit.loop_report(caller, scope, min_cell=min_cell)


@router.get("/declines", responses=problems())
def declines(caller: CallerDep, scope: ScopeDep, min_cell: MinCellQuery = 0) -> DeclineReport:
    """Declines per pathway edge, with the reasons given and repeated declines."""
    return audit.decline_report(caller, scope, min_cell=min_cell)


@router.get("/measures", responses=problems())
def measures(caller: CallerDep, scope: ScopeDep) -> MeasureReport:
    """Completed share, time to first service, referrals per case, closure rate, share
    following the top recommendation."""
    return audit.measure_report(caller, scope)


@router.get(
    "/report",
    response_model=MonthlyReport,
    responses={**_REPORT_CONTENT, **problems()},
)
def report(
    runtime: RuntimeDep,
    caller: CallerDep,
    area: Annotated[str, Query(pattern=AREA, description="Commune, district or province.")],
    month: Annotated[str, Query(pattern=MONTH_PATTERN, description="Local month, YYYY-MM.")],
    fmt: Annotated[ReportFormat, Query(alias="format")] = ReportFormat.JSON,
    lang: Lang = "en",
    min_cell: MinCellQuery = 0,
) -> Response:
    """The monthly network-meeting report of an area."""
    tz = runtime.settings.timezone
    found = audit.monthly_report(caller, area=area, month=month, min_cell=min_cell, tz=tz)
    body = render(found, fmt, lang)
    headers = {}
    if fmt is ReportFormat.CSV:
        name = f"referral-report-{area}-{month}-{lang}.csv"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(body, media_type=_MEDIA[fmt], headers=headers)

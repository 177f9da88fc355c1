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
from api.hardening import styles_allowed
from api.responses import problems
from referral_graph.audit.groups import GroupBy
from referral_graph.audit.labels import Lang
from referral_graph.audit.period import MONTH_PATTERN
from referral_graph.audit.render import render
from referral_graph.audit.report import MonthlyReport
from referral_graph.bootstrap import Runtime
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
    int | None,
    Query(
        ge=0,
        le=1000,
        description="Small cells: counts from 1 to min_cell - 1 are given as '< min_cell' "
        "and groups with fewer referrals are left out (default: the server's "
        "REFERRAL_GRAPH_REPORT_MIN_CELL, 5; 0 shows every count).",
    ),
]


def cells(runtime: Runtime, asked: int | None) -> int:
    """The small-cell threshold of an answer: the one asked for, else the server's."""
    return runtime.settings.report_min_cell if asked is None else asked


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
    runtime: RuntimeDep,
    caller: CallerDep,
    scope: ScopeDep,
    group_by: GroupBy = GroupBy.PROVIDER,
    min_cell: MinCellQuery = None,
) -> DelayReport:
    """Median, 90th percentile and share within deadline of each step (acknowledge,
    decide, first contact), overall and per group; and the hours from opening a case to
    first professional contact."""
    return audit.delays(caller, scope, group_by=group_by, min_cell=cells(runtime, min_cell))


@router.get("/bottlenecks", responses=problems())
def bottlenecks(
    runtime: RuntimeDep,
    caller: CallerDep,
    scope: ScopeDep,
    min_cell: MinCellQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> BottleneckReport:
    """Receiving providers where waiting piles up: hours past deadline, handoffs past
    deadline, handoffs waiting now — worst first."""
    return audit.bottleneck_report(caller, scope, min_cell=cells(runtime, min_cell), limit=limit)


@router.get("/loops", responses=problems())
def loops(
    runtime: RuntimeDep, caller: CallerDep, scope: ScopeDep, min_cell: MinCellQuery = None
) -> LoopReport:
    """Cases sent back to a provider already on their path (A → B → A and longer)."""
    return audit.loop_report(caller, scope, min_cell=cells(runtime, min_cell))


@router.get("/declines", responses=problems())
def declines(
    runtime: RuntimeDep, caller: CallerDep, scope: ScopeDep, min_cell: MinCellQuery = None
) -> DeclineReport:
    """Declines per pathway edge, with their coded reasons (counted by code, named in
    English and Khmer; free text never) and repeated declines."""
    return audit.decline_report(caller, scope, min_cell=cells(runtime, min_cell))


@router.get("/measures", responses=problems())
def measures(
    runtime: RuntimeDep, caller: CallerDep, scope: ScopeDep, min_cell: MinCellQuery = None
) -> MeasureReport:
    """Completed share, time to first service, referrals per case, closure rate (cases
    closed by their closure record), share following the top recommendation."""
    return audit.measure_report(caller, scope, min_cell=cells(runtime, min_cell))


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
    min_cell: MinCellQuery = None,
) -> Response:
    """The monthly network-meeting report of an area: counts, durations and coded
    reasons only, small cells shown as "< 5"."""
    tz = runtime.settings.timezone
    found = audit.monthly_report(
        caller,
        area=area,
        month=month,
        min_cell=cells(runtime, min_cell),
        tz=tz,
        routing=runtime.routing,
    )
    body = render(found, fmt, lang)
    headers = {}
    if fmt is ReportFormat.CSV:
        name = f"referral-report-{area}-{month}-{lang}.csv"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if fmt is ReportFormat.HTML:  # a page of its own: its style sheet inline, by hash
        headers["content-security-policy"] = styles_allowed(body)
    return Response(body, media_type=_MEDIA[fmt], headers=headers)

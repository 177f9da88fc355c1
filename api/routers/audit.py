"""Audit analytics: per-hop delays, bottlenecks, loops, declines, measures, and the
monthly network-meeting report (JSON, CSV or printable HTML, in English or Khmer).

Pseudonymous: counts, hours, provider and area names — never a case id or code. The
overdue and due-soon lists live with the deadlines (``api/routers/timeliness.py``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import RuntimeDep
from api.responses import problems
from api.security import PrincipalDep
from referral_graph.audit.groups import GroupBy
from referral_graph.audit.labels import Lang
from referral_graph.audit.period import MONTH_PATTERN, Period
from referral_graph.audit.render import to_csv, to_html
from referral_graph.audit.report import MonthlyReport
from referral_graph.bootstrap import Runtime
from referral_graph.security.policy import coordinator_area
from referral_graph.services import audit
from referral_graph.services.audit import (
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


def _period(runtime: Runtime, since: datetime | None, until: datetime | None) -> Period:
    return audit.resolve_period(since, until, runtime.now(), runtime.settings.timezone)


@router.get("/delays", responses=problems())
def delays(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    area: AreaQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
    group_by: GroupBy = GroupBy.PROVIDER,
    min_cell: MinCellQuery = 0,
) -> DelayReport:
    """Median, 90th percentile and share within deadline of each step (acknowledge,
    decide, first contact), overall and per group; and the hours from opening a case to
    first professional contact."""
    area = coordinator_area(principal, area)
    return audit.delays(
        runtime.store,
        runtime.now(),
        area=area,
        period=_period(runtime, since, until),
        group_by=group_by,
        min_cell=min_cell,
        tz=runtime.settings.timezone,
    )


@router.get("/bottlenecks", responses=problems())
def bottlenecks(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    area: AreaQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
    min_cell: MinCellQuery = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> BottleneckReport:
    """Receiving providers where waiting piles up: hours past deadline, handoffs past
    deadline, handoffs waiting now — worst first."""
    area = coordinator_area(principal, area)
    return audit.bottleneck_report(
        runtime.store,
        runtime.now(),
        area=area,
        period=_period(runtime, since, until),
        min_cell=min_cell,
        limit=limit,
    )


@router.get("/loops", responses=problems())
def loops(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    area: AreaQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
    min_cell: MinCellQuery = 0,
) -> LoopReport:
    """Cases sent back to a provider already on their path (A → B → A and longer)."""
    area = coordinator_area(principal, area)
    return audit.loop_report(
        runtime.store,
        runtime.now(),
        area=area,
        period=_period(runtime, since, until),
        min_cell=min_cell,
    )


@router.get("/declines", responses=problems())
def declines(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    area: AreaQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
    min_cell: MinCellQuery = 0,
) -> DeclineReport:
    """Declines per pathway edge, with the reasons given and repeated declines."""
    area = coordinator_area(principal, area)
    return audit.decline_report(
        runtime.store,
        runtime.now(),
        area=area,
        period=_period(runtime, since, until),
        min_cell=min_cell,
    )


@router.get("/measures", responses=problems())
def measures(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    area: AreaQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
) -> MeasureReport:
    """Completed share, time to first service, referrals per case, closure rate, share
    following the top recommendation."""
    area = coordinator_area(principal, area)
    return audit.measure_report(
        runtime.store, runtime.now(), area=area, period=_period(runtime, since, until)
    )


@router.get(
    "/report",
    response_model=MonthlyReport,
    responses={**_REPORT_CONTENT, **problems()},
)
def report(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    area: Annotated[str, Query(pattern=AREA, description="Commune, district or province.")],
    month: Annotated[str, Query(pattern=MONTH_PATTERN, description="Local month, YYYY-MM.")],
    fmt: Annotated[ReportFormat, Query(alias="format")] = ReportFormat.JSON,
    lang: Lang = "en",
    min_cell: MinCellQuery = 0,
) -> Response:
    """The monthly network-meeting report of an area."""
    coordinator_area(principal, area)
    found = audit.monthly_report(
        runtime.store,
        runtime.now(),
        area=area,
        month=month,
        min_cell=min_cell,
        tz=runtime.settings.timezone,
    )
    if fmt is ReportFormat.JSON:
        body = found.model_dump_json()
    elif fmt is ReportFormat.CSV:
        body = to_csv(found, lang)
    else:
        body = to_html(found, lang)
    headers = {}
    if fmt is ReportFormat.CSV:
        name = f"referral-report-{area}-{month}-{lang}.csv"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(body, media_type=_MEDIA[fmt], headers=headers)

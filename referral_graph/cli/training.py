"""``referral-graph import-attendance`` and ``referral-graph capacity-report``.

Register them on the main app (``referral_graph/cli/__init__.py``)::

    from referral_graph.cli.training import training_report, import_attendance
    app.command("import-attendance")(import_attendance)
    app.command("capacity-report")(training_report)

Then::

    referral-graph import-attendance march-pfa.xlsx --dry-run
    referral-graph capacity-report --area 1701
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from referral_graph.bootstrap import build_runtime
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.interop import attendance as attendance_import
from referral_graph.interop.attendance import AttendanceImportReport
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import TrainingOverview
from referral_graph.services.capacity_building.attendance_sheet import (
    import_attendance as import_sheet,
)
from referral_graph.settings import get_settings

console = Console(width=None if Console().is_terminal else 160)
errors = Console(stderr=True)


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _print_import(report: AttendanceImportReport) -> None:
    if report.errors:
        table = Table(title="Rows that cannot be imported")
        for column in ("row", "column", "value", "reason"):
            table.add_column(column)
        for e in report.errors:
            table.add_row(str(e.row), e.column, e.value or "", e.reason)
        console.print(table)
    console.print(
        f"{report.rows} rows, {report.valid} valid: {report.attendance_new} new attendance, "
        f"{report.attendance_existing} already on record, "
        f"{len(report.sessions_created)} new sessions, {len(report.people_created)} new people"
    )
    if report.dry_run:
        console.print("Dry run: nothing was written.")
    elif report.written:
        console.print("Written.")
    else:
        console.print("[red]Nothing was written[/red] (some rows have errors).")


def import_attendance(
    path: Annotated[Path, typer.Argument(help="Attendance sheet: CSV or XLSX.")],
    dry_run: Annotated[bool, typer.Option(help="Check every row; write nothing.")] = False,
) -> None:
    """Import a training attendance sheet, all or nothing; row errors print as a table
    (exit status 1). Layout: see referral_graph/interop/attendance.py."""
    runtime = build_runtime(get_settings())
    try:
        sheet = attendance_import.read_path(path)
        report = import_sheet(
            runtime.system(),
            sheet,
            today=capacity_building.local_today(runtime.now(), runtime.settings.timezone),
            dry_run=dry_run,
        )
    except ReferralGraphError as exc:
        errors.print(f"[red]{exc.title}:[/red] {exc.detail}")
        raise typer.Exit(1) from None
    except OSError as exc:
        errors.print(f"[red]Cannot read the input:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        runtime.store.close()
    _print_import(report)
    if report.errors:
        raise typer.Exit(1)


def _print_overview(found: TrainingOverview) -> None:
    table = Table(
        title=f"Capacity of {found.totals.name_en} on {found.as_of} "
        f"(policy v{found.policy_version}; held = valid or expiring; due = expiring + lapsed)"
    )
    table.add_column(found.grouped_by.value)
    table.add_column("people", justify="right")
    table.add_column("trained", justify="right")
    for topic in found.totals.topics:
        table.add_column(f"{topic.topic.value}\nheld/due", justify="right")
    table.add_column("coaching\noverdue", justify="right")
    for row in [*found.rows, found.totals]:
        table.add_row(
            f"{row.name_en} ({row.area_code})",
            str(row.people),
            str(row.trained_people),
            *[f"{t.valid + t.expiring}/{t.refresher_due}" for t in row.topics],
            str(row.coaching_overdue),
        )
    console.print(table)


def training_report(
    area: Annotated[
        str | None, typer.Option(help="Province, district or commune code (default: country).")
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = (
        ReportFormat.TABLE
    ),
) -> None:
    """Per commune (district of a province): who is trained in what, refreshers and
    coaching overdue."""
    runtime = build_runtime(get_settings())
    try:
        today = capacity_building.local_today(runtime.now(), runtime.settings.timezone)
        found = capacity_building.capacity_overview(runtime.system(), area, today)
    except ReferralGraphError as exc:
        typer.echo(f"{exc.field or 'input'}: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    finally:
        runtime.store.close()
    if fmt is ReportFormat.JSON:
        typer.echo(found.model_dump_json(indent=2))
    else:
        _print_overview(found)

"""``referral-graph report``: the monthly network-meeting report from the command line.

Register it on the main app (``referral_graph/cli/__init__.py``)::

    from referral_graph.cli.audit import report as report_command
    app.command("report")(report_command)

Then::

    referral-graph report --area 1701 --month 2026-03 --format html --lang km --out march.html
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from referral_graph.audit.labels import Lang
from referral_graph.audit.render import render
from referral_graph.bootstrap import build_runtime
from referral_graph.domain.errors import InvalidInput
from referral_graph.services.audit import monthly_report
from referral_graph.services.caller import Caller
from referral_graph.settings import get_settings


class Format(StrEnum):
    CSV = "csv"
    HTML = "html"
    JSON = "json"


class Language(StrEnum):
    EN = "en"
    KM = "km"


def report(
    area: Annotated[str, typer.Option(help="Commune, district or province code (e.g. 1701).")],
    month: Annotated[str, typer.Option(help="Local calendar month, YYYY-MM.")],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.CSV,
    lang: Annotated[Language, typer.Option(help="Language of labels and names.")] = Language.EN,
    out: Annotated[
        Path | None, typer.Option(help="Write to this file instead of standard output.")
    ] = None,
    min_cell: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Show counts from 1 to MIN_CELL - 1 as '< MIN_CELL' and leave out smaller "
            "groups (default: REFERRAL_GRAPH_REPORT_MIN_CELL, 5; 0 shows every count).",
        ),
    ] = None,
) -> None:
    """Write the monthly network-meeting report of an area (CSV, printable HTML or JSON):
    counts, durations and coded reasons only."""
    runtime = build_runtime(get_settings())
    try:
        found = monthly_report(
            Caller.system(runtime.store, runtime.now()),
            area=area,
            month=month,
            min_cell=runtime.settings.report_min_cell if min_cell is None else min_cell,
            tz=runtime.settings.timezone,
            routing=runtime.routing,
        )
    except InvalidInput as exc:
        typer.echo(f"{exc.field or 'input'}: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    finally:
        runtime.store.close()
    language: Lang = "km" if lang is Language.KM else "en"
    text = render(found, fmt, language, indent=2)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8", newline="")
        typer.echo(f"Wrote {out}", err=True)

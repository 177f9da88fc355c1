"""``referral-graph export …`` and ``referral-graph import …``: standards and spreadsheets.

Registered in ``referral_graph.cli`` with ``app.add_typer(interop_app)`` (no name: the
``export`` and ``import`` groups join the top level).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from referral_graph.bootstrap import Runtime, build_runtime
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.interop import fhir, hsds_tabular, sheets
from referral_graph.interop.hsds_import import NoteKind
from referral_graph.interop.hsds_mapping import load_mapping
from referral_graph.interop.spreadsheet import ImportMode, ImportReport
from referral_graph.services import directory_exchange as exchange
from referral_graph.services import fhir as fhir_use
from referral_graph.services.caller import Caller
from referral_graph.services.directory_exchange import HsdsImportReport
from referral_graph.settings import get_settings

app = typer.Typer(help="Standards export and bulk import.")
export_app = typer.Typer(help="Export FHIR R4 referrals or the HSDS 3.0 directory.")
import_app = typer.Typer(help="Import the directory from HSDS 3.0 or a spreadsheet.")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
console = Console()
errors = Console(stderr=True)


class HsdsFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@contextmanager
def _runtime() -> Iterator[Runtime]:
    runtime = build_runtime(get_settings())
    try:
        yield runtime
    except ReferralGraphError as exc:
        errors.print(f"[red]{exc.title}:[/red] {exc.detail}")
        raise typer.Exit(1) from None
    except (OSError, json.JSONDecodeError) as exc:
        errors.print(f"[red]Cannot read the input:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        runtime.store.close()


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        errors.print(f"Wrote {out}")


@export_app.command("fhir")
def export_fhir(
    case: Annotated[str | None, typer.Option(help="Case id: export its Bundle.")] = None,
    all_cases: Annotated[
        bool, typer.Option("--all", help="Every referred case: a JSON array of Bundles.")
    ] = False,
    ndjson: Annotated[bool, typer.Option(help="With --all: one Bundle per line.")] = False,
    out: Annotated[Path | None, typer.Option(help="File to write (default: stdout).")] = None,
    base_url: Annotated[str, typer.Option(help="Base of each entry's fullUrl.")] = (
        fhir.DEFAULT_BASE
    ),
) -> None:
    """FHIR R4 collection Bundle(s): nameless Patient, Organizations, ServiceRequests, Tasks."""
    if (case is None) == (not all_cases):
        errors.print("Give either --case ID or --all.")
        raise typer.Exit(2)
    with _runtime() as runtime:
        caller = Caller.system(runtime.store, runtime.now(), "cli")
        if case is not None:
            bundle = fhir_use.case_bundle(caller, case, base=base_url)
            _emit(json.dumps(bundle, indent=2, ensure_ascii=False), out)
            return
        bundles = list(fhir_use.all_bundles(caller, base=base_url))
    if ndjson:
        _emit("\n".join(json.dumps(b, ensure_ascii=False) for b in bundles), out)
    else:
        _emit(json.dumps(bundles, indent=2, ensure_ascii=False), out)


@export_app.command("hsds")
def export_hsds(
    out: Annotated[Path, typer.Option(help="Folder to write into.")],
    fmt: Annotated[
        HsdsFormat, typer.Option("--format", help="json: one file; csv: a data package.")
    ] = HsdsFormat.JSON,
) -> None:
    """The directory as HSDS 3.0: ``directory.json``, or the tabular package (the
    specification's datapackage.json and its CSV files)."""
    with _runtime() as runtime:
        doc = exchange.hsds_document(Caller.system(runtime.store, runtime.now(), "cli"))
    if fmt is HsdsFormat.CSV:
        written = hsds_tabular.write_package(doc, out)
        errors.print(f"Wrote {len(written)} files into {out}")
        return
    out.mkdir(parents=True, exist_ok=True)
    _emit(json.dumps(doc, indent=2, ensure_ascii=False), out / "directory.json")


def _print_hsds_report(report: HsdsImportReport) -> None:
    if report.notes:
        table = Table(title="What the import did")
        for column in ("kind", "organization", "item", "detail"):
            table.add_column(column)
        for n in report.notes:
            table.add_row(n.kind.value, n.organization, n.item or "", n.detail)
        console.print(table)
    counts = ", ".join(f"{k.value} {v}" for k, v in sorted(report.counts.items())) or "no notes"
    console.print(f"{report.form}: {report.organizations} organizations ({counts})")
    console.print(
        f"providers: {report.providers_created} new, {report.providers_updated} changed, "
        f"{report.providers_unchanged} unchanged; pathways: {report.pathways_created} new, "
        f"{report.pathways_updated} changed, {report.pathways_unchanged} unchanged"
    )
    if report.dry_run:
        console.print("Dry run: nothing was written.")
    elif report.written:
        console.print("Written.")
    else:
        console.print("Nothing was written (nothing new to write).")


@import_app.command("hsds")
def import_hsds(
    path: Annotated[
        Path, typer.Argument(help="HSDS JSON file (any form), or a tabular package folder.")
    ],
    mapping: Annotated[
        Path | None, typer.Option(help="Mapping file: taxonomies, areas, defaults (YAML).")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Report what would be done; write nothing.")] = (
        False
    ),
) -> None:
    """Load an HSDS 3.0 directory (ours or another organization's, through a mapping
    file); re-importing updates, never duplicates. Exit status 1 if an organization
    was refused."""
    with _runtime() as runtime:
        rules = load_mapping(mapping)
        if path.is_dir() or path.name == "datapackage.json":
            doc = hsds_tabular.read_package(path)
        else:
            doc = json.loads(path.read_text(encoding="utf-8"))
        caller = Caller.system(runtime.store, runtime.now(), "cli")
        report = exchange.import_hsds(caller, doc, rules, dry_run=dry_run)
    _print_hsds_report(report)
    if report.counts.get(NoteKind.REFUSED):
        raise typer.Exit(1)


def _print_report(report: ImportReport) -> None:
    if report.errors:
        table = Table(title="Rows that cannot be imported")
        for column in ("sheet", "row", "column", "value", "reason"):
            table.add_column(column)
        for e in report.errors:
            table.add_row(e.sheet, str(e.row), e.column, e.value or "", e.reason)
        console.print(table)
    for w in report.warnings:
        console.print(f"[yellow]{w.sheet}:[/yellow] column {w.column!r} {w.reason}")
    for name, tally in (("providers", report.providers), ("pathways", report.pathways)):
        console.print(
            f"{name}: {tally.rows} rows, {tally.valid} valid "
            f"({tally.created} new, {tally.updated} changed, {tally.unchanged} unchanged)"
        )
    if report.dry_run:
        console.print("Dry run: nothing was written.")
    elif report.written:
        console.print("Written.")
    elif report.errors and report.mode is ImportMode.ALL_OR_NOTHING:
        console.print("[red]Nothing was written[/red] (all-or-nothing and some rows failed).")
    elif report.errors:
        console.print("[red]Nothing was written[/red] (no row was valid).")
    else:
        console.print("Nothing was written (every row is already as stored).")


@import_app.command("spreadsheet")
def import_spreadsheet(
    path: Annotated[Path, typer.Argument(help="XLSX workbook, CSV file, or folder of CSVs.")],
    dry_run: Annotated[bool, typer.Option(help="Check every row; write nothing.")] = False,
    mode: Annotated[ImportMode, typer.Option(help="What to do when some rows fail.")] = (
        ImportMode.ALL_OR_NOTHING
    ),
) -> None:
    """Import providers and pathways; row errors print as a table (exit status 1)."""
    with _runtime() as runtime:
        tables = sheets.read_path(path)
        caller = Caller.system(runtime.store, runtime.now(), "cli")
        report = exchange.import_spreadsheet(caller, tables, dry_run=dry_run, mode=mode)
    _print_report(report)
    if report.errors:
        raise typer.Exit(1)

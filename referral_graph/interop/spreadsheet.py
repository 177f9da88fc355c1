"""Bulk import of providers and pathways from a spreadsheet (XLSX or CSV).

**Layout.** A workbook has a ``providers`` sheet and/or a ``pathways`` sheet; a CSV file
is one of them (a header with ``from_provider_id`` makes it pathways). Row 1 is the
header; column names are case-insensitive; list cells are ``;``-separated; booleans are
``true``/``false`` (also ``yes``/``no``, ``1``/``0``). Area codes typed as numbers get
back the leading zero of provinces 01–09.

``providers``: ``id``, ``name``, ``kind``, ``area_code`` and ``services`` are required;
``covers`` (gazetteer codes), ``modes`` (``in_person``, ``phone``, ``online``),
``min_age``, ``max_age``, ``genders``, ``lgbtiq_affirming``, ``languages`` (ISO 639-3),
``interpreter_support``, ``weekly_capacity``, ``always_open``, ``contact`` and
``active`` are optional. An empty cell means the default (no extra coverage, in person,
ages 0–120, every gender, Khmer, not always open, active). A column left out of the
sheet leaves an existing provider's value alone (a new provider gets the default).
Opening periods and the Khmer name are not in the layout: new providers get office
hours, existing ones keep theirs.

``pathways``: ``id``, ``from_provider_id``, ``to_provider_id``, ``service``, ``note``.

**Checks** (each failure is one :class:`RowError`: sheet, row, column, reason): unknown
area code, unknown kind/service/mode/gender/language, bad age range, bad number or
boolean, duplicate id, unknown provider in a pathway (or one whose row has errors),
pathway target not offering the service, and the domain model's own rules. A column the
layout does not know (``phone``, ``notes`` …) is ignored and reported as a warning: it
never makes a row invalid.

**Modes.** A dry run checks against the store and writes nothing. Otherwise the import
is one transaction: ``all-or-nothing`` writes nothing if any row has an error;
``valid-only`` writes the valid rows. The report's ``written`` is true only when something
was written (not when every row failed or was already as stored). Ids are kept, so
re-importing the same file changes nothing (rows equal to the stored objects are left
alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from referral_graph.domain.hours import OFFICE_HOURS, Hours
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.vocabulary import DeliveryMode, Gender, Language, ProviderKind, Service
from referral_graph.interop.sheet_rows import Row, RowError
from referral_graph.interop.sheets import PATHWAYS, PROVIDERS, Sheet, Sheets
from referral_graph.store.port import Store, Transaction

E = TypeVar("E", bound=StrEnum)

PROVIDER_COLUMNS = (
    "id",
    "name",
    "kind",
    "area_code",
    "covers",
    "services",
    "modes",
    "min_age",
    "max_age",
    "genders",
    "lgbtiq_affirming",
    "languages",
    "interpreter_support",
    "weekly_capacity",
    "always_open",
    "contact",
    "active",
)
PATHWAY_COLUMNS = ("id", "from_provider_id", "to_provider_id", "service", "note")
REQUIRED = {
    PROVIDERS: ("id", "name", "kind", "area_code", "services"),
    PATHWAYS: ("id", "from_provider_id", "to_provider_id", "service"),
}
COLUMNS = {PROVIDERS: PROVIDER_COLUMNS, PATHWAYS: PATHWAY_COLUMNS}


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all-or-nothing"
    VALID_ONLY = "valid-only"


class Tally(BaseModel):
    """Rows of one sheet; ``created``/``updated``/``unchanged`` count the valid ones."""

    rows: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportReport(BaseModel):
    """The outcome of an import (or of a dry run: what it would do)."""

    dry_run: bool
    mode: ImportMode
    written: bool = Field(False, description="True only if something was written.")
    providers: Tally = Field(default_factory=Tally)
    pathways: Tally = Field(default_factory=Tally)
    errors: list[RowError] = Field(default_factory=list)
    warnings: list[RowError] = Field(
        default_factory=list, description="Columns the layout does not know: ignored."
    )


# --- providers -------------------------------------------------------------------------


def _provider_changes(row: Row) -> dict[str, Any]:
    """The provider fields the row's present columns set (``eligibility`` and ``hours``
    apart)."""
    for column in REQUIRED[PROVIDERS]:
        if not row.cells.get(column):
            row.fail(column, "required")
    changes: dict[str, Any] = {
        "id": row.cells.get("id", ""),
        "name": row.cells.get("name", ""),
        "kind": row.one("kind", ProviderKind, "kind"),
        "area_code": row.area("area_code", row.cells.get("area_code", "")),
        "services": row.codes("services", Service, "service"),
    }
    if row.cells.get("services") and not row.items("services"):
        row.fail("services", "at least one service is required")
    if row.has("covers"):
        changes["covers"] = tuple(row.area("covers", c) for c in row.items("covers"))
    if row.has("modes"):
        changes["modes"] = row.codes("modes", DeliveryMode, "mode") or [DeliveryMode.IN_PERSON]
    if row.has("languages"):
        changes["languages"] = row.codes("languages", Language, "language") or [Language.KHMER]
    for column, default in (("interpreter_support", False), ("active", True)):
        if row.has(column):
            changes[column] = row.flag(column, default)
    if row.has("weekly_capacity"):
        changes["weekly_capacity"] = row.number("weekly_capacity", 0, 100_000)
    if row.has("contact"):
        changes["contact"] = row.cells["contact"] or None
    return changes


def _eligibility(row: Row, current: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    if row.has("min_age"):
        merged["min_age"] = row.number("min_age", 0, 120) or 0
    if row.has("max_age"):
        found = row.number("max_age", 0, 120)
        merged["max_age"] = 120 if found is None else found
    if row.has("genders"):
        merged["genders"] = row.codes("genders", Gender, "gender")
    if row.has("lgbtiq_affirming"):
        merged["lgbtiq_affirming"] = row.flag("lgbtiq_affirming", False)
    low, high = merged.get("min_age", 0), merged.get("max_age", 120)
    if low > high:
        row.fail("min_age", f"bad age range: min_age {low} is above max_age {high}")
    return merged


def _hours(row: Row, existing: Provider | None) -> Hours | None:
    if not row.has("always_open"):
        return None if existing is not None else OFFICE_HOURS
    always = row.flag("always_open", False)
    periods = existing.hours.periods if existing is not None else ()
    return Hours(always_open=always, periods=periods or (() if always else OFFICE_HOURS.periods))


def _model_errors(row: Row, exc: ValidationError) -> None:
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        column = loc[1] if loc[:1] == ["eligibility"] and len(loc) > 1 else loc[0] if loc else "id"
        column = "always_open" if column == "hours" else column
        row.fail(column, str(error["msg"]))


def _provider(row: Row, existing: Provider | None, now: datetime) -> Provider | None:
    """The provider a row describes, merged over the stored one (None if the row fails)."""
    changes = _provider_changes(row)
    base = existing.model_dump() if existing is not None else {}
    changes["eligibility"] = _eligibility(row, base.get("eligibility", {}))
    hours = _hours(row, existing)
    if hours is not None:
        changes["hours"] = hours
    if row.errors:
        return None
    try:
        candidate = Provider.model_validate(base | changes)
    except ValidationError as exc:
        _model_errors(row, exc)
        return None
    if existing is None:
        return candidate.model_copy(update={"version": 1, "updated_at": now})
    if _same(candidate, existing):
        return existing
    return candidate.model_copy(update={"version": existing.version + 1, "updated_at": now})


def _same(a: Provider, b: Provider) -> bool:
    ignore = {"version", "updated_at"}
    return a.model_dump(exclude=ignore) == b.model_dump(exclude=ignore)


# --- pathways --------------------------------------------------------------------------


@dataclass
class _Directory:
    """What the import sees: stored providers and pathways, and the sheet's providers."""

    stored: dict[str, Provider]
    sheet: dict[str, Provider]
    failed_rows: dict[str, int]  # provider id → providers row with errors

    def provider(self, row: Row, column: str) -> Provider | None:
        ident = row.cells.get(column, "")
        if not ident:
            return None
        if ident in self.sheet:
            return self.sheet[ident]
        if ident in self.failed_rows:
            row.fail(
                column, f"provider {ident!r} (providers row {self.failed_rows[ident]}) has errors"
            )
            return None
        found = self.stored.get(ident)
        if found is None:
            row.fail(column, f"unknown provider {ident!r}")
        return found


def _pathway(row: Row, directory: _Directory, existing: Pathway | None) -> Pathway | None:
    """The pathway a row describes, merged over the stored one (None if the row fails)."""
    for column in REQUIRED[PATHWAYS]:
        if not row.cells.get(column):
            row.fail(column, "required")
    service = row.one("service", Service, "service")
    source = directory.provider(row, "from_provider_id")
    target = directory.provider(row, "to_provider_id")
    if source is not None and target is not None and source.id == target.id:
        row.fail("to_provider_id", "a pathway links two different providers")
    if target is not None and service is not None and service not in target.services:
        row.fail("service", f"provider {target.id!r} does not offer {service.value!r}")
    if row.errors:
        return None
    changes = {
        "id": row.cells["id"],
        "from_provider_id": row.cells["from_provider_id"],
        "to_provider_id": row.cells["to_provider_id"],
        "service": service,
    }
    if row.has("note"):
        changes["note"] = row.cells["note"] or None
    base = existing.model_dump() if existing is not None else {}
    try:
        return Pathway.model_validate(base | changes)
    except ValidationError as exc:
        _model_errors(row, exc)
        return None


# --- the import ------------------------------------------------------------------------


@dataclass
class Plan:
    """What an import would write, and why the other rows cannot be written."""

    providers: list[Provider] = field(default_factory=list)
    pathways: list[Pathway] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    tallies: dict[str, Tally] = field(
        default_factory=lambda: {PROVIDERS: Tally(), PATHWAYS: Tally()}
    )


def _header_errors(sheet: Sheet) -> tuple[list[RowError], list[RowError]]:
    """Errors of the header (a missing or repeated column: no row can be read right)
    and warnings (a column the layout does not know: ignored, the rows still count)."""

    def error(column: str, reason: str) -> RowError:
        return RowError(sheet=sheet.name, row=1, column=column, reason=reason)

    errors = [error(c, "missing column") for c in REQUIRED[sheet.name] if c not in sheet.header]
    warnings = []
    seen: set[str] = set()
    for column in sheet.header:
        if column and column not in COLUMNS[sheet.name]:
            warnings.append(error(column, "unknown column: ignored"))
        elif column and column in seen:
            errors.append(error(column, "duplicate column"))
        seen.add(column)
    return errors, warnings


def _rows(plan: Plan, sheet: Sheet | None) -> tuple[bool, list[Row]]:
    """The rows of a sheet with the checks that span rows done; True if the header has
    errors (then no row of the sheet is valid)."""
    if sheet is None:
        return False, []
    header_errors, warnings = _header_errors(sheet)
    plan.errors += header_errors
    plan.warnings += warnings
    ignored = {w.column for w in warnings}
    rows: list[Row] = []
    first: dict[str, int] = {}
    for number, raw in sheet.rows:
        cells = {c: v for c, v in raw.items() if c not in ignored}
        row = Row(sheet.name, number, cells)
        ident = cells.get("id", "")
        if ident and ident in first:
            row.fail("id", f"duplicate id (also on row {first[ident]})")
        first.setdefault(ident, number)
        if "" in cells:
            row.fail("(no column)", f"a value outside the header's columns: {cells['']!r}")
        rows.append(row)
    return bool(header_errors), rows


def _check_providers(
    plan: Plan, sheet: Sheet | None, stored: dict[str, Provider], now: datetime
) -> _Directory:
    directory = _Directory(stored=stored, sheet={}, failed_rows={})
    tally = plan.tallies[PROVIDERS]
    blocked, rows = _rows(plan, sheet)
    for row in rows:
        ident = row.cells.get("id", "")
        existing = stored.get(ident)
        provider = _provider(row, existing, now)
        plan.errors += row.errors
        tally.rows += 1
        if provider is None or row.errors or blocked:
            if ident not in directory.sheet:
                directory.failed_rows.setdefault(ident, row.line)
            continue
        tally.valid += 1
        directory.sheet[ident] = provider
        if provider is existing:
            tally.unchanged += 1
            continue
        tally.created += existing is None
        tally.updated += existing is not None
        plan.providers.append(provider)
    return directory


def _check_pathways(
    plan: Plan, sheet: Sheet | None, directory: _Directory, tx: Transaction
) -> None:
    tally = plan.tallies[PATHWAYS]
    blocked, rows = _rows(plan, sheet)
    for row in rows:
        ident = row.cells.get("id", "")
        existing = tx.get_pathway(ident) if ident else None
        pathway = _pathway(row, directory, existing)
        plan.errors += row.errors
        tally.rows += 1
        if pathway is None or row.errors or blocked:
            continue
        tally.valid += 1
        if pathway == existing:
            tally.unchanged += 1
            continue
        tally.created += existing is None
        tally.updated += existing is not None
        plan.pathways.append(pathway)


def _referenced(sheets: Sheets) -> set[str]:
    ids: set[str] = set()
    for name, columns in ((PROVIDERS, ("id",)), (PATHWAYS, ("from_provider_id", "to_provider_id"))):
        sheet = sheets.get(name)
        for _number, cells in sheet.rows if sheet else []:
            ids |= {cells[c] for c in columns if cells.get(c)}
    return ids


def plan_import(tx: Transaction, sheets: Sheets, now: datetime) -> Plan:
    """Check every row against the store as ``tx`` sees it; write nothing."""
    plan = Plan()
    stored = tx.get_providers(_referenced(sheets))
    directory = _check_providers(plan, sheets.get(PROVIDERS), stored, now)
    _check_pathways(plan, sheets.get(PATHWAYS), directory, tx)
    return plan


def _report(plan: Plan, *, dry_run: bool, mode: ImportMode, written: bool) -> ImportReport:
    return ImportReport(
        dry_run=dry_run,
        mode=mode,
        written=written,
        providers=plan.tallies[PROVIDERS],
        pathways=plan.tallies[PATHWAYS],
        errors=plan.errors,
        warnings=plan.warnings,
    )


def import_sheets(
    store: Store,
    sheets: Sheets,
    *,
    now: datetime,
    dry_run: bool = False,
    mode: ImportMode = ImportMode.ALL_OR_NOTHING,
) -> ImportReport:
    """Import providers and pathways: check every row, then (unless ``dry_run``) write in
    one transaction all valid rows, or none of them if any row fails in
    ``all-or-nothing`` mode. The report's counts describe the valid rows either way."""
    if dry_run:
        plan = store.read(lambda tx: plan_import(tx, sheets, now))
        return _report(plan, dry_run=True, mode=mode, written=False)

    def work(tx: Transaction) -> ImportReport:
        plan = plan_import(tx, sheets, now)
        if plan.errors and mode is ImportMode.ALL_OR_NOTHING:
            return _report(plan, dry_run=False, mode=mode, written=False)
        changes = bool(plan.providers or plan.pathways)
        if changes:
            tx.load_directory(plan.providers, plan.pathways)
        return _report(plan, dry_run=False, mode=mode, written=changes)

    return store.write(work)

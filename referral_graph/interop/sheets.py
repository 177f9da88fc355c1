"""Reading spreadsheet tables (XLSX workbooks, CSV files) into plain text rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from referral_graph.domain.errors import InvalidInput

PROVIDERS = "providers"
PATHWAYS = "pathways"
KINDS = (PROVIDERS, PATHWAYS)


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table: its header (lower-cased) and its non-empty rows by spreadsheet row
    number (the header is row 1)."""

    name: str
    header: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


Sheets = dict[str, Sheet]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def make_sheet(name: str, header: Iterable[object], rows: Iterable[Iterable[object]]) -> Sheet:
    columns = tuple(_text(h).lower() for h in header)
    sheet = Sheet(name, columns)
    for number, raw in enumerate(rows, start=2):
        cells = [_text(v) for v in raw]
        if not any(cells):
            continue
        padded = cells + [""] * (len(columns) - len(cells))
        row = {c: v for c, v in zip(columns, padded, strict=False) if c}
        extra = [v for v in padded[len(columns) :] if v]
        if extra:
            row[""] = extra[0]  # a value under no column: reported by the importer
        sheet.rows.append((number, row))
    return sheet


def read_xlsx(data: bytes) -> Sheets:
    """The ``providers`` and ``pathways`` sheets of a workbook (names case-insensitive)."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise InvalidInput("The file is not a readable XLSX workbook.", field="file") from None
    sheets: Sheets = {}
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip().lower()
            if name not in KINDS:
                continue
            rows = worksheet.iter_rows(values_only=True)
            header = next(rows, ())
            sheets[name] = make_sheet(name, header, rows)
    finally:
        workbook.close()
    if not sheets:
        raise InvalidInput(
            "The workbook has no sheet named 'providers' or 'pathways'.", field="file"
        )
    return sheets


def read_csv(text: str) -> Sheets:
    """One CSV table: ``pathways`` if its header has ``from_provider_id``, else
    ``providers``."""
    # newline="": a carriage return alone ends a line (old spreadsheet exports), as the
    # csv module expects; without it such a file raised instead of being read.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        if not any(h.strip() for h in header):
            raise InvalidInput("The CSV file has no header row.", field="file")
        name = PATHWAYS if "from_provider_id" in (h.strip().lower() for h in header) else PROVIDERS
        return {name: make_sheet(name, header, reader)}
    except csv.Error as exc:
        raise InvalidInput(
            f"The CSV file cannot be read at line {reader.line_num}: {exc}.", field="file"
        ) from None


def read_bytes(filename: str, data: bytes) -> Sheets:
    """Sheets from an uploaded file: XLSX (by name or content), else UTF-8 CSV."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return read_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("A CSV file must be UTF-8 text.", field="file") from None
    return read_csv(text)


def read_path(path: Path) -> Sheets:
    """Sheets from a workbook, a CSV file, or a folder with ``providers.csv`` and/or
    ``pathways.csv``."""
    if path.is_dir():
        sheets: Sheets = {}
        for name in KINDS:
            csv_path = path / f"{name}.csv"
            if csv_path.is_file():
                sheets |= read_bytes(csv_path.name, csv_path.read_bytes())
        if not sheets:
            raise InvalidInput(f"{path} holds neither providers.csv nor pathways.csv.")
        return sheets
    return read_bytes(path.name, path.read_bytes())

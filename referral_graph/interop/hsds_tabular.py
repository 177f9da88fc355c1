"""HSDS 3.0 as a tabular data package: one CSV per table and a ``datapackage.json``.

:func:`flatten` turns the nested organizations of :mod:`.hsds` into table rows, each
child carrying its parent's id (``organization_id``, ``service_id``, ``link_id`` …);
:func:`unflatten` nests them back. File names are those of the HSDS 3.0 package
(``organizations.csv``, ``service_at_location.csv`` …); only the tables and columns this
project fills are written, plus the ``x_`` extension columns and ``x_pathways.csv``,
all declared in the descriptor so ``frictionless validate`` can check the package.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from referral_graph.domain.errors import InvalidInput
from referral_graph.interop.hsds import HSDS_VERSION, Json


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    path: str
    #: column name → Table Schema type (string, integer, number, boolean, object, datetime)
    columns: dict[str, str]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, referenced table)
    required: tuple[str, ...] = ("id",)


def _strings(*names: str) -> dict[str, str]:
    return dict.fromkeys(names, "string")


TABLES: tuple[Table, ...] = (
    Table(
        "organization",
        "organizations.csv",
        _strings("id", "name", "alternate_name", "description")
        | {"x_version": "integer", "x_synthetic": "boolean", "x_extra": "object"},
        required=("id", "name", "description"),
    ),
    Table(
        "organization_identifier",
        "organization_identifiers.csv",
        _strings("id", "organization_id", "identifier_scheme", "identifier_type", "identifier"),
        (("organization_id", "organization"),),
    ),
    Table(
        "location",
        "locations.csv",
        _strings(
            "id",
            "location_type",
            "organization_id",
            "name",
            "external_identifier",
            "external_identifier_type",
        ),
        (("organization_id", "organization"),),
        required=("id", "location_type"),
    ),
    Table(
        "service",
        "services.csv",
        _strings(
            "id",
            "organization_id",
            "name",
            "description",
            "status",
            "interpretation_services",
            "application_process",
            "eligibility_description",
        )
        | {
            "minimum_age": "number",
            "maximum_age": "number",
            "last_modified": "datetime",
            "x_weekly_capacity": "integer",
            "x_lgbtiq_affirming": "boolean",
        },
        (("organization_id", "organization"),),
        required=("id", "organization_id", "name", "status"),
    ),
    Table(
        "service_at_location",
        "service_at_location.csv",
        _strings("id", "service_id", "location_id"),
        (("service_id", "service"), ("location_id", "location")),
    ),
    Table(
        "language",
        "languages.csv",
        _strings("id", "service_id", "name", "code"),
        (("service_id", "service"),),
    ),
    Table(
        "schedule",
        "schedules.csv",
        _strings("id", "service_id", "freq", "wkst", "byday")
        | {"opens_at": "time", "closes_at": "time", "timezone": "number"}
        | {"description": "string", "x_always_open": "boolean"},
        (("service_id", "service"),),
    ),
    Table(
        "service_area",
        "service_areas.csv",
        _strings("id", "service_id", "name", "uri"),
        (("service_id", "service"),),
    ),
    Table(
        "taxonomy",
        "taxonomies.csv",
        _strings("id", "name", "description", "uri", "version"),
        required=("id", "name", "description"),
    ),
    Table(
        "taxonomy_term",
        "taxonomy_terms.csv",
        _strings("id", "code", "name", "description", "taxonomy", "taxonomy_id"),
        (("taxonomy_id", "taxonomy"),),
        required=("id", "name", "description"),
    ),
    Table(
        "attribute",
        "attributes.csv",
        _strings("id", "link_id", "taxonomy_term_id", "link_type", "link_entity"),
        (("taxonomy_term_id", "taxonomy_term"),),
    ),
    Table(
        "x_pathway",
        "x_pathways.csv",
        _strings("id", "from_provider_id", "to_provider_id", "service", "note")
        | {"active": "boolean", "synthetic": "boolean"},
        required=("id", "from_provider_id", "to_provider_id", "service"),
    ),
)
BY_NAME = {t.name: t for t in TABLES}

#: parent table → (nested list key, child table, child's column naming the parent)
NESTING: dict[str, tuple[tuple[str, str, str], ...]] = {
    "organization": (
        ("organization_identifiers", "organization_identifier", "organization_id"),
        ("attributes", "attribute", "link_id"),
        ("locations", "location", "organization_id"),
        ("services", "service", "organization_id"),
    ),
    "service": (
        ("languages", "language", "service_id"),
        ("schedules", "schedule", "service_id"),
        ("service_areas", "service_area", "service_id"),
        ("service_at_locations", "service_at_location", "service_id"),
        ("attributes", "attribute", "link_id"),
    ),
}

Tables = dict[str, list[Json]]


# --- nested ⇄ rows -----------------------------------------------------------------


def _add(tables: Tables, table: str, obj: Json, parent: tuple[str, str] | None) -> None:
    row = {k: v for k, v in obj.items() if not isinstance(v, list | dict) or k == "x_extra"}
    if parent is not None:
        row[parent[0]] = parent[1]
    if table == "attribute" and "taxonomy_term" in obj:
        term = dict(obj["taxonomy_term"])
        row["taxonomy_term_id"] = term["id"]
        detail = term.pop("taxonomy_detail", None)
        if detail is not None:
            term["taxonomy_id"] = detail["id"]
            _unique(tables, "taxonomy", detail)
        _unique(tables, "taxonomy_term", term)
    tables[table].append(row)
    for key, child, column in NESTING.get(table, ()):
        for item in obj.get(key) or []:
            _add(tables, child, item, (column, obj["id"]))


def _unique(tables: Tables, table: str, row: Json) -> None:
    if all(r["id"] != row["id"] for r in tables[table]):
        tables[table].append(row)


def flatten(doc: Json) -> Tables:
    """The rows of each table of an HSDS document (``x_pathway`` included)."""
    tables: Tables = {t.name: [] for t in TABLES}
    for org in doc.get("contents") or []:
        _add(tables, "organization", org, None)
    tables["x_pathway"] = [dict(w) for w in doc.get("x_pathways") or []]
    return tables


def _nest(table: str, row: Json, children: dict[tuple[str, str], list[Json]]) -> Json:
    obj = dict(row)
    for key, child, column in NESTING.get(table, ()):
        items = [_nest(child, r, children) for r in children[(child, obj["id"])]]
        for item in items:
            item.pop(column, None)
        obj[key] = items
    return obj


def unflatten(tables: Tables) -> Json:
    """An HSDS document from table rows (the inverse of :func:`flatten`)."""
    tables = {name: [dict(row) for row in rows] for name, rows in tables.items()}
    children: dict[tuple[str, str], list[Json]] = defaultdict(list)
    for parent, links in NESTING.items():
        for _key, child, column in links:
            for row in tables.get(child, []):
                entity = row.get("link_entity", parent) if child == "attribute" else parent
                if row.get(column) is not None and entity == parent:
                    children[(child, row[column])].append(row)
    taxonomies = {r["id"]: r for r in tables.get("taxonomy", [])}
    terms: dict[str, Json] = {}
    for term in tables.get("taxonomy_term", []):
        nested = dict(term)
        detail = taxonomies.get(nested.pop("taxonomy_id", None) or "")
        if detail is not None:
            nested["taxonomy_detail"] = detail
        terms[term["id"]] = nested
    for attribute in tables.get("attribute", []):
        term_id = attribute.pop("taxonomy_term_id", None)
        if term_id in terms:
            attribute["taxonomy_term"] = terms[term_id]
    contents = [_nest("organization", r, children) for r in tables.get("organization", [])]
    n = len(contents)
    return {
        "total_items": n,
        "total_pages": 1,
        "page_number": 1,
        "size": n,
        "first_page": True,
        "last_page": True,
        "empty": n == 0,
        "contents": contents,
        "x_hsds_version": HSDS_VERSION,
        "x_pathways": tables.get("x_pathway", []),
    }


# --- rows ⇄ CSV ----------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _typed(kind: str, text: str, where: str) -> Any:
    if text == "":
        return None
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            number = float(text)
            return int(number) if number.is_integer() else number
        if kind == "boolean":
            lowered = text.strip().lower()
            if lowered not in ("true", "false"):
                raise ValueError(f"{text!r} is not true or false")
            return lowered == "true"
        if kind == "object":
            return json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"{where}: {exc}", field=where) from None
    return text


def write_csv(table: Table, rows: list[Json]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in table.columns])
    return out.getvalue()


def read_csv(table: Table, text: str) -> list[Json]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _typed_rows(table, reader)
    except csv.Error as exc:
        raise InvalidInput(
            f"{table.path} cannot be read at line {reader.line_num}: {exc}."
        ) from None


def _typed_rows(table: Table, reader: csv.DictReader[str]) -> list[Json]:
    rows: list[Json] = []
    for n, raw in enumerate(reader, start=2):
        row: Json = {}
        for column, value in raw.items():
            if column is None:
                raise InvalidInput(f"{table.path} row {n} has more cells than columns.")
            kind = table.columns.get(column, "string")
            typed = _typed(kind, value or "", f"{table.path}:{n}:{column}")
            if typed is not None:
                row[column] = typed
        rows.append(row)
    return rows


def descriptor() -> Json:
    """The ``datapackage.json`` of the package this module writes."""
    resources = []
    for t in TABLES:
        fields = []
        for name, kind in t.columns.items():
            field: Json = {"name": name, "type": kind}
            if kind in ("datetime", "time"):
                field["format"] = "any"
            if name == "id" and t.name != "x_pathway":
                field["format"] = "uuid"
            if name in t.required:
                field["constraints"] = {"required": True}
            fields.append(field)
        schema: Json = {"fields": fields, "primaryKey": "id"}
        if t.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": column, "reference": {"resource": ref, "fields": "id"}}
                for column, ref in t.foreign_keys
            ]
        resources.append(
            {
                "name": t.name,
                "path": t.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "referral-graph-directory",
        "title": "Referral network directory (HSDS 3.0 with x_ extensions)",
        "x_hsds_version": HSDS_VERSION,
        "resources": resources,
    }


def write_package(doc: Json, folder: Path) -> list[Path]:
    """Write ``doc`` as CSV files plus ``datapackage.json`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = flatten(doc)
    written = []
    for t in TABLES:
        path = folder / t.path
        path.write_text(write_csv(t, tables[t.name]), encoding="utf-8", newline="")
        written.append(path)
    meta = folder / "datapackage.json"
    meta.write_text(json.dumps(descriptor(), indent=2) + "\n", encoding="utf-8")
    return [meta, *written]


def read_package(path: Path) -> Json:
    """The HSDS document of a package folder (or of its ``datapackage.json``)."""
    folder = path.parent if path.is_file() else path
    meta = folder / "datapackage.json"
    if not meta.is_file():
        raise InvalidInput(f"{folder} holds no datapackage.json.", field="path")
    declared = json.loads(meta.read_text(encoding="utf-8"))
    paths = {r.get("name"): r.get("path") for r in declared.get("resources", [])}
    tables: Tables = {}
    for t in TABLES:
        csv_path = folder / str(paths.get(t.name) or t.path)
        if csv_path.is_file():
            with csv_path.open(encoding="utf-8", newline="") as f:
                tables[t.name] = read_csv(t, f.read())
    return unflatten(tables)

"""HSDS 3.0 as a tabular data package: the specification's own ``datapackage.json``.

The specification asks publishers of the tabular form to use its descriptor, so every
table is written with exactly its columns in its order (``hsds_package/datapackage.json``
is a verbatim copy), empty tables included, and values in its types: an opening time is
a table ``time`` (``07:30:00``, its offset in the ``timezone`` column), not
``07:30+07:00``. What HSDS has no column for travels in two extra resources that the
written descriptor appends to the specification's twenty: ``x_extensions`` (every
``x_…`` field of any row, as JSON: versions, weekly capacity, 24/7 flags …) and
``x_pathways`` (agreed referral links). HSDS tools ignore both.

:func:`flatten` turns nested HSDS objects into rows, each child carrying its parent's
id (a phone under a contact gets ``contact_id``; one nested under several parents, as in
the specification's examples, names each); :func:`unflatten` nests
rows back into full organizations, whoever wrote them: our export, or the
specification's example data. Every cell goes through
:func:`referral_graph.interop.csv_safety.neutralise`.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from referral_graph.domain.errors import InvalidInput
from referral_graph.interop.csv_safety import csv_writer, restore

Json = dict[str, Any]
Tables = dict[str, list[Json]]

#: (child table, its column naming the parent, parent table, the parent's list key)
LINKS: tuple[tuple[str, str, str, str], ...] = (
    ("organization_identifier", "organization_id", "organization", "organization_identifiers"),
    ("program", "organization_id", "organization", "programs"),
    ("funding", "organization_id", "organization", "funding"),
    ("location", "organization_id", "organization", "locations"),
    ("service", "organization_id", "organization", "services"),
    ("contact", "organization_id", "organization", "contacts"),
    ("phone", "organization_id", "organization", "phones"),
    ("contact", "service_id", "service", "contacts"),
    ("phone", "service_id", "service", "phones"),
    ("schedule", "service_id", "service", "schedules"),
    ("service_area", "service_id", "service", "service_areas"),
    ("service_at_location", "service_id", "service", "service_at_locations"),
    ("language", "service_id", "service", "languages"),
    ("funding", "service_id", "service", "funding"),
    ("cost_option", "service_id", "service", "cost_options"),
    ("required_document", "service_id", "service", "required_documents"),
    ("contact", "service_at_location_id", "service_at_location", "contacts"),
    ("phone", "service_at_location_id", "service_at_location", "phones"),
    ("schedule", "service_at_location_id", "service_at_location", "schedules"),
    ("language", "location_id", "location", "languages"),
    ("address", "location_id", "location", "addresses"),
    ("contact", "location_id", "location", "contacts"),
    ("accessibility", "location_id", "location", "accessibility"),
    ("phone", "location_id", "location", "phones"),
    ("schedule", "location_id", "location", "schedules"),
    ("phone", "contact_id", "contact", "phones"),
    ("language", "phone_id", "phone", "languages"),
)
EXTRA_RESOURCES: tuple[Json, ...] = (
    {
        "name": "x_extensions",
        "path": "x_extensions.csv",
        "description": "referral-graph: x_ fields of HSDS rows, one per row and field.",
        "schema": {
            "fields": [
                {"name": "resource", "type": "string", "constraints": {"required": True}},
                {"name": "row_id", "type": "string", "constraints": {"required": True}},
                {"name": "field", "type": "string", "constraints": {"required": True}},
                {"name": "value", "type": "string", "description": "JSON"},
            ]
        },
    },
    {
        "name": "x_pathways",
        "path": "x_pathways.csv",
        "description": "referral-graph: agreed referral links between providers.",
        "schema": {
            "fields": [
                {"name": "id", "type": "string", "constraints": {"required": True}},
                {"name": "from_provider_id", "type": "string", "constraints": {"required": True}},
                {"name": "to_provider_id", "type": "string", "constraints": {"required": True}},
                {"name": "service", "type": "string", "constraints": {"required": True}},
                {"name": "note", "type": "string"},
                {"name": "active", "type": "boolean"},
                {"name": "synthetic", "type": "boolean"},
            ],
            "primaryKey": "id",
        },
    },
)


@cache
def spec_descriptor() -> Json:
    """The specification's ``datapackage.json`` (HSDS 3.0.0), as shipped."""
    text = files("referral_graph.interop").joinpath("hsds_package/datapackage.json").read_text()
    descriptor: Json = json.loads(text)
    return descriptor


def descriptor() -> Json:
    """The descriptor this module writes: the specification's, plus our two resources."""
    spec = spec_descriptor()
    extra = [
        {**r, "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
         "encoding": "utf-8"}
        for r in EXTRA_RESOURCES
    ]  # fmt: skip
    return {**spec, "resources": [*spec["resources"], *extra]}


def _resources() -> dict[str, Json]:
    return {r["name"]: r for r in descriptor()["resources"]}


def _columns(resource: Json) -> list[str]:
    return [f["name"] for f in resource["schema"]["fields"]]


# --- nested → rows -----------------------------------------------------------------------


def _scalars(obj: Json, columns: list[str]) -> Json:
    return {k: v for k, v in obj.items() if k in columns and not isinstance(v, list | dict)}


class _Flattener:
    def __init__(self) -> None:
        self.resources = _resources()
        self.tables: Tables = {name: [] for name in self.resources}
        self.seen: set[tuple[str, str]] = set()

    def add(self, table: str, obj: Json, parents: dict[str, str]) -> None:
        ident = str(obj.get("id"))
        columns = _columns(self.resources[table])
        row = _scalars(obj, columns)
        for column, value in parents.items():
            if column in columns:
                row[column] = value
        if (table, ident) in self.seen:
            self._merge(table, ident, row)
        else:
            self.seen.add((table, ident))
            self.tables[table].append(row)
            for key, value in obj.items():
                if key.startswith("x_") and value is not None:
                    self.tables["x_extensions"].append(
                        {"resource": table, "row_id": ident, "field": key,
                         "value": json.dumps(value, sort_keys=True, ensure_ascii=False)}
                    )  # fmt: skip
        for child, column, parent, key in LINKS:
            if parent == table:
                for item in obj.get(key) or []:
                    self.add(child, item, {column: ident})
        if table == "service_at_location" and isinstance(obj.get("location"), dict):
            self.add("location", obj["location"], {})
        for attribute in obj.get("attributes") or []:
            self._attribute(attribute, table, ident)

    def _merge(self, table: str, ident: str, row: Json) -> None:
        for existing in self.tables[table]:
            if str(existing.get("id")) == ident:
                for k, v in row.items():
                    existing.setdefault(k, v)
                return

    def _attribute(self, attribute: Json, entity: str, link_id: str) -> None:
        term = dict(attribute.get("taxonomy_term") or {})
        row = _scalars(attribute, _columns(self.resources["attribute"]))
        row |= {"link_id": link_id, "link_entity": attribute.get("link_entity") or entity}
        if term.get("id"):
            row["taxonomy_term_id"] = term["id"]
            detail = term.pop("taxonomy_detail", None)
            if isinstance(detail, dict) and detail.get("id"):
                term["taxonomy_id"] = detail["id"]
                self.add("taxonomy", detail, {})
            self.add("taxonomy_term", term, {})
        if ("attribute", str(row.get("id"))) not in self.seen:
            self.seen.add(("attribute", str(row.get("id"))))
            self.tables["attribute"].append(row)


def flatten(doc: Json) -> Tables:
    """The rows of each table of an HSDS document (``contents`` organizations, and
    ``x_pathways``)."""
    flat = _Flattener()
    for org in doc.get("contents") or []:
        flat.add("organization", org, {})
    flat.tables["x_pathways"] = [dict(w) for w in doc.get("x_pathways") or []]
    return flat.tables


# --- rows → nested -----------------------------------------------------------------------


def unflatten(tables: Tables) -> Json:
    """Full organizations from table rows (the inverse of :func:`flatten`), with
    ``x_pathways``; a child names its parent by id, whatever wrote the rows."""
    rows = {name: [dict(r) for r in found] for name, found in tables.items()}
    by_id = {(name, str(r.get("id"))): r for name, found in rows.items() for r in found}
    for ext in rows.get("x_extensions", []):
        target = by_id.get((str(ext.get("resource")), str(ext.get("row_id"))))
        if target is not None and str(ext.get("field", "")).startswith("x_"):
            target[str(ext["field"])] = json.loads(ext["value"]) if ext.get("value") else None
    for child, column, parent, key in LINKS:
        for row in rows.get(child, []):
            target = by_id.get((parent, str(row.get(column))))
            if row.get(column) is not None and target is not None:
                target.setdefault(key, []).append(row)
    for row in rows.get("service_at_location", []):
        place = by_id.get(("location", str(row.get("location_id"))))
        if place is not None:
            row["location"] = place
    terms = {str(t.get("id")): t for t in rows.get("taxonomy_term", [])}
    for term in terms.values():
        detail = by_id.get(("taxonomy", str(term.get("taxonomy_id"))))
        if detail is not None:
            term["taxonomy_detail"] = detail
    entities = {rid: obj for (name, rid), obj in by_id.items() if name != "attribute"}
    for attribute in rows.get("attribute", []):
        linked = terms.get(str(attribute.get("taxonomy_term_id")))
        if linked is not None:
            attribute["taxonomy_term"] = linked
        owner = entities.get(str(attribute.get("link_id")))
        if owner is not None:
            owner.setdefault("attributes", []).append(attribute)
    contents = rows.get("organization", [])
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
        "x_pathways": rows.get("x_pathways", []),
    }


# --- rows ⇄ CSV --------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def write_csv(resource: Json, rows: list[Json]) -> str:
    """One table as CSV: the resource's columns in order, formula-leading cells
    neutralised."""
    columns = _columns(resource)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(_table_value(resource, c, row.get(c))) for c in columns])
    return out.getvalue()


def _table_value(resource: Json, column: str, value: Any) -> Any:
    """A value in its table type: a ``time`` loses its UTC offset (the ``timezone``
    column carries it), a ``datetime`` keeps ISO form."""
    kind = next((f["type"] for f in resource["schema"]["fields"] if f["name"] == column), "")
    if kind == "time" and isinstance(value, str):
        return value[:8] if len(value) >= 8 and value[5] == ":" else value[:5] + ":00"
    return value


def _typed(kind: str, text: str, where: str) -> Any:
    if text == "":
        return None
    try:
        if kind in ("integer", "year"):
            return int(text)
        if kind == "number":
            number = float(text)
            return int(number) if number.is_integer() else number
        if kind == "boolean":
            lowered = text.strip().lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(f"{text!r} is not true or false")
            return lowered in ("true", "1", "yes")
    except ValueError as exc:
        raise InvalidInput(f"{where}: {exc}", field=where) from None
    return text


def read_csv(resource: Json, text: str) -> list[Json]:
    """One table's rows, typed by the resource's schema (unknown columns as text)."""
    kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[Json] = []
    try:
        for n, raw in enumerate(reader, start=2):
            row: Json = {}
            for column, value in raw.items():
                if column is None:
                    raise InvalidInput(f"{resource['path']} row {n} has more cells than columns.")
                where = f"{resource['path']}:{n}:{column}"
                typed = _typed(kinds.get(column, "string"), restore(value or ""), where)
                if typed is not None:
                    row[column] = typed
            rows.append(row)
    except csv.Error as exc:
        raise InvalidInput(
            f"{resource['path']} cannot be read at line {reader.line_num}: {exc}."
        ) from None
    return rows


def write_package(doc: Json, folder: Path) -> list[Path]:
    """Write ``doc`` as CSV files plus ``datapackage.json`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = flatten(doc)
    resources = _resources()
    written = []
    for name, resource in resources.items():
        path = folder / resource["path"]
        path.write_text(write_csv(resource, tables.get(name, [])), encoding="utf-8", newline="")
        written.append(path)
    meta = folder / "datapackage.json"
    meta.write_text(json.dumps(descriptor(), indent=2) + "\n", encoding="utf-8")
    return [meta, *written]


def read_tables(texts: dict[str, str], declared: Json | None = None) -> Json:
    """The HSDS document of a package given as file name → CSV text; tables are found
    by the paths its own descriptor declares (else the specification's)."""
    known = _resources()
    paths = {r["name"]: r.get("path") for r in (declared or descriptor()).get("resources", [])}
    tables: Tables = defaultdict(list)
    for name, resource in known.items():
        path = str(paths.get(name) or resource["path"])
        if path in texts:
            tables[name] = read_csv(resource, texts[path])
    return unflatten(tables)


def read_package(path: Path) -> Json:
    """The HSDS document of a package folder (or of its ``datapackage.json``)."""
    folder = path.parent if path.is_file() else path
    meta = folder / "datapackage.json"
    if not meta.is_file():
        raise InvalidInput(f"{folder} holds no datapackage.json.", field="path")
    declared = json.loads(meta.read_text(encoding="utf-8"))
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.csv")}
    return read_tables(texts, declared)

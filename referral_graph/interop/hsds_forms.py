"""The forms HSDS 3.0 data comes in, brought to one: a list of full organizations.

The specification publishes one organization's data in several forms, and a partner may
send any of them:

* an ``organization`` (full: services nested), or a page of an ``organization_list``;
* a ``service`` (full: its ``organization`` nested), or a page of a ``service_list``;
* a ``service_at_location`` (its ``service`` and ``location`` nested), or a page of them;
* the tabular form as one JSON object keyed by CSV file name (``tabular.json``), or as
  CSV files with a ``datapackage.json`` (read by :mod:`.hsds_tabular`).

:func:`organizations` answers ``(form, document)`` where the document's ``contents`` is
a list of full organizations, services grouped under the organization that delivers
them (by ``organization.id`` or ``organization_id``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from referral_graph.domain.errors import InvalidInput
from referral_graph.interop import hsds_tabular

Json = dict[str, Any]


def _kind(obj: Json) -> str:
    """What one HSDS object is: organization, service or service_at_location."""
    if "service" in obj or ("location" in obj and "name" not in obj):
        return "service_at_location"
    if "status" in obj or "organization" in obj or "organization_id" in obj:
        return "service"
    return "organization"


def _service_of(sal: Json) -> Json:
    """The service of a service_at_location, with that place linked to it."""
    service = dict(sal.get("service") or {})
    if not service:
        raise InvalidInput(f"service_at_location {sal.get('id')!r} has no service.")
    link = {k: v for k, v in sal.items() if k != "service"}
    if isinstance(link.get("location"), dict):
        link.setdefault("location_id", link["location"].get("id"))
    service["service_at_locations"] = [*(service.get("service_at_locations") or []), link]
    return service


def _group(services: Iterable[Json]) -> list[Json]:
    """Organizations from services, each service under the organization it names."""
    orgs: dict[str, Json] = {}
    for service in services:
        nested = service.get("organization")
        org_id = (nested or {}).get("id") or service.get("organization_id")
        if not org_id:
            raise InvalidInput(f"Service {service.get('id')!r} names no organization.")
        org = orgs.setdefault(
            str(org_id), dict(nested or {"id": org_id, "name": service.get("name")})
        )
        org.setdefault("services", [])
        body = {k: v for k, v in service.items() if k != "organization"}
        if all(s.get("id") != body.get("id") for s in org["services"]):
            org["services"].append(body)
    return list(orgs.values())


def _tabular_json(doc: Json) -> Json:
    """``tabular.json``: rows per CSV file name, already typed."""
    by_path = {r["path"]: r["name"] for r in hsds_tabular.descriptor()["resources"]}
    tables = {by_path[path]: list(rows) for path, rows in doc.items() if path in by_path}
    return hsds_tabular.unflatten(tables)


def organizations(doc: object) -> tuple[str, Json]:
    """``(form, document)`` with ``contents`` a list of full organizations (and
    ``x_pathways`` when the document carries them)."""
    if not isinstance(doc, dict):
        raise InvalidInput("An HSDS document is a JSON object.", field="file")
    if any(str(k).endswith(".csv") for k in doc):
        return "tabular", _tabular_json(doc)
    pathways = doc.get("x_pathways") or []
    if isinstance(doc.get("contents"), list):
        items = [i for i in doc["contents"] if isinstance(i, dict)]
        kinds = {_kind(i) for i in items} or {"organization"}
        if kinds == {"organization"}:
            form, orgs = "organization_list", items
        elif kinds == {"service"}:
            form, orgs = "service_list", _group(items)
        elif kinds == {"service_at_location"}:
            form, orgs = "service_at_location_list", _group(_service_of(i) for i in items)
        else:
            raise InvalidInput("A page of an HSDS list mixes kinds of objects.", field="file")
        return form, {**doc, "contents": orgs, "x_pathways": pathways}
    if "id" not in doc:
        raise InvalidInput(
            "Not an HSDS document: expected an organization, a service, a service at a "
            "location, a page of a list of them, or the tabular form.",
            field="file",
        )
    kind = _kind(doc)
    if kind == "organization":
        return "organization", {"contents": [doc], "x_pathways": pathways}
    if kind == "service":
        return "service", {"contents": _group([doc]), "x_pathways": pathways}
    return "service_at_location", {"contents": _group([_service_of(doc)]), "x_pathways": pathways}

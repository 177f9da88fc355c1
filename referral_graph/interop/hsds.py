"""The provider directory as Open Referral HSDS 3.0, out and back in.

**Shape.** The JSON export is one page of the HSDS 3.0 ``organization_list`` (the
``/organizations?full_service=true`` API answer): ``contents`` holds one organization per
provider with its services, location, identifiers and attributes nested.
:mod:`referral_graph.interop.hsds_tabular` flattens the same objects into the tabular
data package (CSV files + ``datapackage.json``).

**Mapping** (provider → HSDS 3.0):

================================  ===================================================
``id``                            ``organization_identifiers`` (scheme ``x-referral-
                                  graph``); every HSDS ``id`` is a UUIDv5 of it, so an
                                  export is stable and a re-import replaces, never adds
``name`` / ``name_km``            ``organization.name`` / ``alternate_name``
``kind``                          organization attribute, taxonomy provider-kind
``area_code``                     one physical ``location``: ``external_identifier``
                                  (type ``KH-GAZETTEER-2025``), named from the gazetteer
``services``                      one HSDS ``service`` per code, each tagged with a
                                  service-taxonomy attribute and linked to the location
                                  by a ``service_at_location``
``covers``                        ``service_areas`` (``uri`` ``urn:x-kh-gazetteer:CODE``)
``modes``                         service attributes, taxonomy delivery-mode
``eligibility``                   ``minimum_age`` / ``maximum_age``,
                                  ``eligibility_description`` (text for people),
                                  gender attributes (link_type ``eligibility``) and
                                  ``x_lgbtiq_affirming``
``languages``                     service ``languages`` (ISO 639-3 ``code``)
``interpreter_support``           ``interpretation_services`` (set ⇔ true)
``weekly_capacity``               ``x_weekly_capacity`` (HSDS 3.1 adds service_capacity)
``hours``                         ``schedules``: one WEEKLY row per opening period;
                                  24/7 is the HSDS-recommended 00:00–23:59 every day
                                  row, marked ``x_always_open``
``contact``                       ``application_process`` (free text: how to reach it)
``active``                        service ``status`` ``active`` / ``inactive``
``updated_at``                    service ``last_modified``
``version`` / ``synthetic``       ``x_version`` / ``x_synthetic`` on the organization
any newer field                   ``x_extra`` (JSON object) on the organization
================================  ===================================================

HSDS has no extension mechanism; this follows its "extend" pattern with ``x_`` fields,
which HSDS consumers ignore. Every service of a provider repeats the provider-wide
values; import reads them from its first service.

**Pathways** are not HSDS (it describes services, not agreements between agencies).
They travel in the top-level ``x_pathways`` list (``x_pathways.csv`` in the package), so
an export moves the whole directory from one store to another; HSDS tools skip it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from pydantic import BaseModel, ValidationError

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.errors import InvalidInput, UnknownArea
from referral_graph.domain.models import Eligibility, Hours, OpeningPeriod, Pathway, Provider
from referral_graph.domain.vocabulary import Service
from referral_graph.interop.codes import (
    CS_DELIVERY_MODE,
    CS_GENDER,
    CS_PROVIDER_KIND,
    CS_SERVICE,
    label,
    language_name,
)
from referral_graph.store.port import Page, PathwayQuery, ProviderQuery, Store, Transaction

Json = dict[str, Any]

HSDS_VERSION = "3.0"
ID_SCHEME = "x-referral-graph"
GAZETTEER = "KH-GAZETTEER-2025"
AREA_URN = "urn:x-kh-gazetteer:"
#: Cambodia keeps UTC+7 all year; opening hours are local time.
UTC_OFFSET_HOURS = 7
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://referral-graph.org/hsds")
_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Taxonomy:
    name: str
    uri: str
    description: str
    link_type: str


SERVICE_TAXONOMY = Taxonomy(
    "referral-graph-service", CS_SERVICE, "Services of the referral network", "service_type"
)
KIND_TAXONOMY = Taxonomy(
    "referral-graph-provider-kind", CS_PROVIDER_KIND, "Kinds of provider", "organization_type"
)
MODE_TAXONOMY = Taxonomy(
    "referral-graph-delivery-mode", CS_DELIVERY_MODE, "How a service is given", "delivery_mode"
)
GENDER_TAXONOMY = Taxonomy(
    "referral-graph-gender", CS_GENDER, "Genders a service admits", "eligibility"
)

#: Provider fields the mapping places; any other field travels in ``x_extra``.
MAPPED_FIELDS = frozenset(
    {
        "id",
        "name",
        "name_km",
        "kind",
        "area_code",
        "covers",
        "services",
        "modes",
        "eligibility",
        "languages",
        "interpreter_support",
        "weekly_capacity",
        "hours",
        "contact",
        "active",
        "synthetic",
        "version",
        "updated_at",
    }
)


def uid(*parts: str) -> str:
    """A stable HSDS UUID for one of our objects (UUIDv5 of its path)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _clean(obj: Json) -> Json:
    """Drop absent values: HSDS leaves out what it does not know."""
    return {k: v for k, v in obj.items() if v is not None}


# --- provider → HSDS -----------------------------------------------------------------


def _term(tax: Taxonomy, code: str) -> Json:
    return {
        "id": uid("taxonomy_term", tax.name, code),
        "code": code,
        "name": label(code),
        "description": f"{label(code)} ({tax.description.lower()}).",
        "taxonomy": tax.name,
        "taxonomy_detail": {
            "id": uid("taxonomy", tax.name),
            "name": tax.name,
            "description": tax.description,
            "uri": tax.uri,
            "version": "1",
        },
    }


def _attribute(entity: str, link_id: str, tax: Taxonomy, code: str) -> Json:
    return {
        "id": uid("attribute", link_id, tax.name, code),
        "link_type": tax.link_type,
        "link_entity": entity,
        "taxonomy_term": _term(tax, code),
    }


def _hhmm(value: time) -> str:
    return value.isoformat(timespec="minutes" if not value.second else "seconds")


def _day_text(days: frozenset[int]) -> str:
    """``{0, 1, 2, 3, 4, 6}`` → ``Mon–Fri, Sun``."""
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(names[r[0]] if len(r) == 1 else f"{names[r[0]]}–{names[r[-1]]}" for r in runs)


def _local(value: time) -> str:
    """An opening time as HSDS asks: ``HH:MM`` with its UTC offset (``07:30+07:00``)."""
    return f"{_hhmm(value)}+{UTC_OFFSET_HOURS:02d}:00"


def _time_of(text: object) -> time:
    """A local opening time back from HSDS (the offset, always ours, is dropped)."""
    return time.fromisoformat(str(text)).replace(tzinfo=None)


def _schedules(p: Provider, key: str) -> list[Json]:
    rows: list[Json] = []
    if p.hours.always_open:
        rows.append(
            {
                "id": uid("schedule", key, "always"),
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": ",".join(DAYS),
                "opens_at": _local(time(0, 0)),
                "closes_at": _local(time(23, 59)),
                "timezone": UTC_OFFSET_HOURS,
                "description": "Open 24 hours, every day.",
                "x_always_open": True,
            }
        )
    for n, period in enumerate(p.hours.periods):
        opens, closes = _hhmm(period.opens), _hhmm(period.closes)
        rows.append(
            {
                "id": uid("schedule", key, str(n)),
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": ",".join(DAYS[d] for d in sorted(period.days)),
                "opens_at": _local(period.opens),
                "closes_at": _local(period.closes),
                "timezone": UTC_OFFSET_HOURS,
                "description": f"{_day_text(period.days)} {opens}–{closes}.",
            }
        )
    return rows


def _area_name(code: str) -> str:
    try:
        return ", ".join(a.name_en for a in reversed(gazetteer().lineage(code)))
    except UnknownArea:
        return code


def _eligibility_text(e: Eligibility) -> str:
    who = "anyone" if not e.genders else " or ".join(label(g).lower() for g in sorted(e.genders))
    text = f"Aged {e.min_age} to {e.max_age}; {who}."
    return text + (" LGBTIQ+ affirming." if e.lgbtiq_affirming else "")


def _service(p: Provider, code: Service, location_id: str) -> Json:
    key = f"{p.id}/{code.value}"
    sid = uid("service", key)
    e = p.eligibility
    attributes = [_attribute("service", sid, SERVICE_TAXONOMY, code.value)]
    attributes += [_attribute("service", sid, MODE_TAXONOMY, m.value) for m in sorted(p.modes)]
    attributes += [_attribute("service", sid, GENDER_TAXONOMY, g.value) for g in sorted(e.genders)]
    return _clean(
        {
            "id": sid,
            "name": label(code),
            "description": f"{label(code)} by {p.name}.",
            "status": "active" if p.active else "inactive",
            "interpretation_services": (
                "Interpreters can be arranged." if p.interpreter_support else None
            ),
            "application_process": p.contact,
            "eligibility_description": _eligibility_text(e),
            "minimum_age": e.min_age,
            "maximum_age": e.max_age,
            "last_modified": p.updated_at.isoformat(),
            "languages": [
                {
                    "id": uid("language", key, lang.value),
                    "name": language_name(lang),
                    "code": lang.value,
                }
                for lang in sorted(p.languages)
            ],
            "schedules": _schedules(p, key),
            "service_areas": [
                {"id": uid("service_area", key, c), "name": _area_name(c), "uri": AREA_URN + c}
                for c in p.covers
            ],
            "service_at_locations": [
                {"id": uid("service_at_location", key), "location_id": location_id}
            ],
            "attributes": attributes,
            "x_weekly_capacity": p.weekly_capacity,
            "x_lgbtiq_affirming": e.lgbtiq_affirming,
        }
    )


def organization(p: Provider) -> Json:
    """One provider as a full HSDS 3.0 organization (services nested)."""
    org_id = uid("organization", p.id)
    location_id = uid("location", p.id)
    extra = p.model_dump(mode="json", exclude=set(MAPPED_FIELDS), exclude_defaults=True)
    return _clean(
        {
            "id": org_id,
            "name": p.name,
            "alternate_name": p.name_km,
            "description": f"{label(p.kind)} in {_area_name(p.area_code)}.",
            "organization_identifiers": [
                {
                    "id": uid("organization_identifier", p.id),
                    "identifier_scheme": ID_SCHEME,
                    "identifier_type": "referral-graph provider id",
                    "identifier": p.id,
                }
            ],
            "attributes": [_attribute("organization", org_id, KIND_TAXONOMY, p.kind.value)],
            "locations": [
                {
                    "id": location_id,
                    "location_type": "physical",
                    "name": _area_name(p.area_code),
                    "external_identifier": p.area_code,
                    "external_identifier_type": GAZETTEER,
                }
            ],
            "services": [_service(p, s, location_id) for s in sorted(p.services)],
            "x_version": p.version,
            "x_synthetic": p.synthetic,
            "x_extra": extra or None,
        }
    )


def document(providers: Sequence[Provider], pathways: Sequence[Pathway]) -> Json:
    """The directory as one page of an HSDS 3.0 ``organization_list``, plus pathways."""
    n = len(providers)
    return {
        "total_items": n,
        "total_pages": 1,
        "page_number": 1,
        "size": n,
        "first_page": True,
        "last_page": True,
        "empty": n == 0,
        "contents": [organization(p) for p in providers],
        "x_hsds_version": HSDS_VERSION,
        "x_pathways": [w.model_dump(mode="json") for w in pathways],
    }


# --- HSDS → provider -----------------------------------------------------------------


def _codes(attributes: Iterable[Json], tax: Taxonomy) -> list[str]:
    codes: list[str] = []
    for attribute in attributes:
        term = attribute.get("taxonomy_term") or {}
        name = term.get("taxonomy") or (term.get("taxonomy_detail") or {}).get("name")
        if name == tax.name and term.get("code"):
            codes.append(str(term["code"]))
    return codes


def _provider_id(org: Json) -> str:
    for ident in org.get("organization_identifiers") or []:
        if ident.get("identifier_scheme") == ID_SCHEME and ident.get("identifier"):
            return str(ident["identifier"])
    return str(org["id"])


def _area_code(org: Json) -> str | None:
    for location in org.get("locations") or []:
        if location.get("external_identifier_type") == GAZETTEER:
            return str(location["external_identifier"])
    return None


def _hours(schedules: Iterable[Json]) -> Hours:
    always_open = False
    periods: list[OpeningPeriod] = []
    for row in schedules:
        if row.get("x_always_open"):
            always_open = True
            continue
        days = frozenset(DAYS.index(d.strip()) for d in str(row["byday"]).split(","))
        opens, closes = _time_of(row["opens_at"]), _time_of(row["closes_at"])
        periods.append(OpeningPeriod(days=days, opens=opens, closes=closes))
    return Hours(always_open=always_open, periods=tuple(periods))


def _fields(org: Json) -> Json:
    services: list[Json] = org.get("services") or []
    if not services:
        raise ValueError("it has no services")
    first = services[0]
    kinds = _codes(org.get("attributes") or [], KIND_TAXONOMY)
    if not kinds:
        raise ValueError(f"it has no {KIND_TAXONOMY.name} attribute")
    codes = [c for s in services for c in _codes(s.get("attributes") or [], SERVICE_TAXONOMY)]
    fields: Json = dict(org.get("x_extra") or {})
    fields |= {
        "id": _provider_id(org),
        "name": org.get("name"),
        "name_km": org.get("alternate_name"),
        "kind": kinds[0],
        "area_code": _area_code(org),
        "covers": [
            str(a["uri"]).removeprefix(AREA_URN)
            for a in first.get("service_areas") or []
            if str(a.get("uri", "")).startswith(AREA_URN)
        ],
        "services": codes,
        "modes": _codes(first.get("attributes") or [], MODE_TAXONOMY),
        "eligibility": {
            "min_age": first.get("minimum_age", 0),
            "max_age": first.get("maximum_age", 120),
            "genders": _codes(first.get("attributes") or [], GENDER_TAXONOMY),
            "lgbtiq_affirming": bool(first.get("x_lgbtiq_affirming", False)),
        },
        "languages": [lang["code"] for lang in first.get("languages") or []],
        "interpreter_support": bool(first.get("interpretation_services")),
        "weekly_capacity": first.get("x_weekly_capacity"),
        "hours": _hours(first.get("schedules") or []),
        "contact": first.get("application_process"),
        "active": first.get("status") == "active",
        "synthetic": bool(org.get("x_synthetic", False)),
        "version": org.get("x_version", 1),
    }
    if first.get("last_modified"):
        fields["updated_at"] = datetime.fromisoformat(str(first["last_modified"]))
    return fields


def provider(org: Json) -> Provider:
    """The provider an HSDS organization (as :func:`organization` writes it) describes."""
    where = f"organization {org.get('name') or org.get('id')!r}"
    try:
        return Provider.model_validate(_fields(org))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"HSDS {where}: {field}: {first['msg']}", field=field) from None
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInput(f"HSDS {where} cannot be read: {exc}") from None


def parse(doc: Json) -> tuple[list[Provider], list[Pathway]]:
    """Providers and pathways of an HSDS document (an ``organization_list`` page, or a
    bare list of organizations under ``contents``)."""
    contents = doc.get("contents")
    if not isinstance(contents, list):
        raise InvalidInput("An HSDS document needs a 'contents' list of organizations.")
    providers = [provider(org) for org in contents]
    try:
        pathways = [Pathway.model_validate(w) for w in doc.get("x_pathways") or []]
    except ValidationError as exc:
        raise InvalidInput(f"x_pathways: {exc.errors()[0]['msg']}", field="x_pathways") from None
    return providers, pathways


# --- the store -----------------------------------------------------------------------


class ImportSummary(BaseModel):
    """What an HSDS import did."""

    providers_created: int = 0
    providers_updated: int = 0
    providers_unchanged: int = 0
    pathways_created: int = 0
    pathways_updated: int = 0
    pathways_unchanged: int = 0


def read_directory(tx: Transaction) -> tuple[list[Provider], list[Pathway]]:
    """Every provider and pathway, ordered by id."""
    providers: list[Provider] = []
    while True:
        page = tx.list_providers(ProviderQuery(), Page(limit=_BATCH, offset=len(providers)))
        providers += page.items
        if not page.items or len(providers) >= page.count:
            break
    pathways: list[Pathway] = []
    while True:
        found = tx.list_pathways(PathwayQuery(), Page(limit=_BATCH, offset=len(pathways)))
        pathways += found.items
        if not found.items or len(pathways) >= found.count:
            break
    return providers, pathways


def export_document(store: Store) -> Json:
    """The store's directory as an HSDS JSON document."""
    providers, pathways = store.read(read_directory)
    return document(providers, pathways)


def _check_pathways(
    pathways: Sequence[Pathway], providers: dict[str, Provider], tx: Transaction
) -> None:
    wanted = {i for w in pathways for i in (w.from_provider_id, w.to_provider_id)}
    known = providers | tx.get_providers(wanted - providers.keys())
    for w in pathways:
        for end in (w.from_provider_id, w.to_provider_id):
            if end not in known:
                raise InvalidInput(f"Pathway {w.id!r} names unknown provider {end!r}.")
        if w.service not in known[w.to_provider_id].services:
            raise InvalidInput(
                f"Pathway {w.id!r}: {w.to_provider_id!r} does not offer {w.service.value!r}."
            )


def import_document(store: Store, doc: Json) -> ImportSummary:
    """Write an HSDS document into the store in one transaction. Ids are kept, so a
    re-import replaces what it wrote before and never duplicates; objects equal to the
    stored ones are left alone."""
    providers, pathways = parse(doc)

    def work(tx: Transaction) -> ImportSummary:
        _check_pathways(pathways, {p.id: p for p in providers}, tx)
        summary = ImportSummary()
        stored = tx.get_providers(p.id for p in providers)
        changed_p = [p for p in providers if stored.get(p.id) != p]
        summary.providers_created = sum(p.id not in stored for p in providers)
        summary.providers_updated = len(changed_p) - summary.providers_created
        summary.providers_unchanged = len(providers) - len(changed_p)
        changed_w: list[Pathway] = []
        for w in pathways:
            before = tx.get_pathway(w.id)
            if before != w:
                changed_w.append(w)
                summary.pathways_created += before is None
                summary.pathways_updated += before is not None
            else:
                summary.pathways_unchanged += 1
        if changed_p or changed_w:
            tx.load_directory(changed_p, changed_w)
        return summary

    return store.write(work)

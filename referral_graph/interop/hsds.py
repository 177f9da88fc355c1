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

``phones`` / ``contacts``          organization ``phones`` / ``contacts``
``email`` / ``website``           organization ``email`` / ``website``

HSDS has no extension mechanism; this follows its "extend" pattern with ``x_`` fields,
which HSDS consumers ignore. Every service of a provider repeats the provider-wide
values. :mod:`.hsds_import` reads them back (and reads other people's directories).

**Pathways** are not HSDS (it describes services, not agreements between agencies).
They travel in the top-level ``x_pathways`` list (``x_pathways.csv`` in the package), so
an export moves the whole directory from one store to another; HSDS tools skip it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.contact_points import ContactPerson, Phone
from referral_graph.domain.errors import UnknownArea
from referral_graph.domain.models import Eligibility, Pathway, Provider
from referral_graph.domain.vocabulary import Service
from referral_graph.interop.codes import (
    CS_DELIVERY_MODE,
    CS_GENDER,
    CS_PROVIDER_KIND,
    CS_SERVICE,
    label,
    language_name,
)

Json = dict[str, Any]

HSDS_VERSION = "3.0"
ID_SCHEME = "x-referral-graph"
GAZETTEER = "KH-GAZETTEER-2025"
AREA_URN = "urn:x-kh-gazetteer:"
#: Cambodia keeps UTC+7 all year; opening hours are local time.
UTC_OFFSET_HOURS = 7
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://referral-graph.org/hsds")


@dataclass(frozen=True, slots=True)
class Taxonomy:
    name: str
    uri: str
    description: str
    link_type: str
    #: Before each code, so that codes are unique across our taxonomies (the tabular
    #: package's ``taxonomy_term.code`` is unique): ``kind:shelter`` vs ``shelter``.
    prefix: str = ""


SERVICE_TAXONOMY = Taxonomy(
    "referral-graph-service", CS_SERVICE, "Services of the referral network", "service_type"
)
KIND_TAXONOMY = Taxonomy(
    "referral-graph-provider-kind",
    CS_PROVIDER_KIND,
    "Kinds of provider",
    "organization_type",
    "kind",
)
MODE_TAXONOMY = Taxonomy(
    "referral-graph-delivery-mode",
    CS_DELIVERY_MODE,
    "How a service is given",
    "delivery_mode",
    "mode",
)
GENDER_TAXONOMY = Taxonomy(
    "referral-graph-gender", CS_GENDER, "Genders a service admits", "eligibility", "gender"
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
        "phones",
        "email",
        "website",
        "contacts",
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
        "code": f"{tax.prefix}:{code}" if tax.prefix else code,
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


def _phone(key: str, n: str, phone: Phone) -> Json:
    return _clean(
        {
            "id": uid("phone", key, n),
            "number": phone.number,
            "extension": int(phone.extension)
            if phone.extension and phone.extension.isdigit()
            else None,
            "type": phone.kind,
            "description": phone.description,
        }
    )


def _contact(key: str, n: int, person: ContactPerson) -> Json:
    ident = f"{key}/{n}"
    return _clean(
        {
            "id": uid("contact", ident),
            "name": person.name,
            "title": person.title,
            "department": person.department,
            "email": person.email,
            "phones": [_phone(ident, str(m), ph) for m, ph in enumerate(person.phones)] or None,
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
            "email": p.email,
            "website": p.website,
            "phones": [_phone(p.id, str(n), phone) for n, phone in enumerate(p.phones)] or None,
            "contacts": [_contact(p.id, n, c) for n, c in enumerate(p.contacts)] or None,
            "services": [_service(p, s, location_id) for s in sorted(p.services)],
            "x_version": p.version,
            "x_synthetic": p.synthetic,
            "x_extra": extra or None,
        }
    )


def document(
    providers: Sequence[Provider],
    pathways: Sequence[Pathway],
    *,
    page: int = 1,
    per_page: int | None = None,
    total: int | None = None,
) -> Json:
    """One page of an HSDS 3.0 ``organization_list`` (the HSDS API's paging fields),
    plus the pathways from its providers. Without ``per_page`` the page is the whole
    directory."""
    total = len(providers) if total is None else total
    size = per_page or max(total, 1)
    pages = max(1, -(-total // size))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(providers),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not providers,
        "contents": [organization(p) for p in providers],
        "x_hsds_version": HSDS_VERSION,
        "x_pathways": [w.model_dump(mode="json") for w in pathways],
    }

"""HSDS 3.0 → providers: our own exports back, and other people's directories.

:func:`read_document` reads any form (:mod:`.hsds_forms`) with a mapping file
(:mod:`.hsds_mapping`) and answers the providers and pathways it describes, with a note
for everything it mapped, converted, assumed, skipped or refused, so that nothing is
lost without a word:

* **every service is kept**: a provider carries one set of ages, languages, hours and
  status, so the services of an organization that differ in them become one provider
  each (``<id>-<hash>``, reported as ``split``); services alike share one provider;
* taxonomy terms and names map to our services through the mapping file; a service
  that maps to nothing is ``skipped``, an organization left with none is ``refused``;
* languages in ISO 639-1 or 639-3, opening hours converted to Cambodian time, phones,
  contact people, e-mail and website kept.

Our own exports read back exactly (provider id from ``organization_identifiers``, our
taxonomies, ``x_`` fields). Nothing here touches a store.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from referral_graph.domain.contact_points import ContactPerson, Phone
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.hours import OFFICE_HOURS, Hours, OpeningPeriod
from referral_graph.domain.models import Pathway, Provider
from referral_graph.interop import hsds_forms
from referral_graph.interop.hsds import (
    AREA_URN,
    GAZETTEER,
    GENDER_TAXONOMY,
    ID_SCHEME,
    KIND_TAXONOMY,
    MODE_TAXONOMY,
    SERVICE_TAXONOMY,
    Taxonomy,
)
from referral_graph.interop.hsds_mapping import DAYS, Mapping, language, weekly_periods

Json = dict[str, Any]
_KHMER = re.compile(r"[\u1780-\u17ff]")
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class NoteKind(StrEnum):
    MAPPED = "mapped"
    SPLIT = "split"
    CONVERTED = "converted"
    ASSUMED = "assumed"
    SKIPPED = "skipped"
    REFUSED = "refused"


class ImportNote(BaseModel):
    """One thing the importer did with one organization (or one of its parts)."""

    kind: NoteKind
    organization: str
    item: str | None = None
    detail: str


@dataclass
class Reading:
    """What a document describes, and the notes on how it was read."""

    form: str
    organizations: int = 0
    providers: list[Provider] = field(default_factory=list)
    pathways: list[Pathway] = field(default_factory=list)
    notes: list[ImportNote] = field(default_factory=list)


@dataclass
class _Org:
    """One organization being read: its data, the mapping, and where notes go."""

    data: Json
    mapping: Mapping
    notes: list[ImportNote]

    @property
    def ours(self) -> bool:
        return any(
            i.get("identifier_scheme") == ID_SCHEME
            for i in self.data.get("organization_identifiers") or []
        )

    def note(self, kind: NoteKind, detail: str, item: str | None = None) -> None:
        org = str(self.data.get("name") or self.data.get("id"))
        self.notes.append(ImportNote(kind=kind, organization=org, item=item, detail=detail))


def _terms(attributes: Iterable[Json]) -> Iterator[Json]:
    for attribute in attributes:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict):
            yield term


def _codes(attributes: Iterable[Json], tax: Taxonomy) -> list[str]:
    codes = []
    for term in _terms(attributes):
        name = term.get("taxonomy") or (term.get("taxonomy_detail") or {}).get("name")
        if name == tax.name and term.get("code"):
            codes.append(str(term["code"]).rpartition(":")[2])  # ``kind:shelter``
    return codes


def _term_label(term: Json) -> str:
    taxonomy = term.get("taxonomy") or (term.get("taxonomy_detail") or {}).get("name") or "?"
    return f"{taxonomy}:{term.get('code') or term.get('id')}"


def _kind(org: _Org) -> str | None:
    own = _codes(org.data.get("attributes") or [], KIND_TAXONOMY)
    if own:
        return own[0]
    terms = list(_terms(org.data.get("attributes") or []))
    for service in org.data.get("services") or []:
        terms += _terms(service.get("attributes") or [])
    for rule in org.mapping.kinds:
        for term in terms:
            if rule.kind is not None and rule.matches_term(term):
                org.note(NoteKind.MAPPED, f"term {_term_label(term)} → kind {rule.kind.value}")
                return rule.kind.value
    if org.mapping.defaults.kind is not None:
        kind = org.mapping.defaults.kind.value
        org.note(NoteKind.ASSUMED, f"no term names its kind: the mapping's default {kind}")
        return kind
    return None


def _locations(data: Json) -> list[Json]:
    found = {str(loc.get("id")): loc for loc in data.get("locations") or []}
    for service in data.get("services") or []:
        for link in service.get("service_at_locations") or []:
            if isinstance(link.get("location"), dict):
                found.setdefault(str(link["location"].get("id")), link["location"])
    return list(found.values())


def _area(org: _Org) -> str | None:
    places = _locations(org.data)
    for place in places:
        if place.get("external_identifier_type") == GAZETTEER:
            return str(place["external_identifier"])
    for rule in org.mapping.areas:
        for place in places:
            if rule.matches(place):
                org.note(NoteKind.MAPPED, f"location {place.get('name')!r} → {rule.area_code}")
                return rule.area_code
    if org.mapping.defaults.area_code is not None:
        code = org.mapping.defaults.area_code
        org.note(NoteKind.ASSUMED, f"no location maps to a gazetteer area: the default {code}")
        return code
    return None


def _services(org: _Org, service: Json) -> list[str]:
    own = _codes(service.get("attributes") or [], SERVICE_TAXONOMY)
    if own:
        return own
    name = str(service.get("name") or service.get("id"))
    terms = list(_terms(service.get("attributes") or []))
    for rule in org.mapping.services:
        hit = next((t for t in terms if rule.matches_term(t)), None)
        by_name = rule.name is not None and rule.name.casefold() == name.casefold()
        if hit is not None or by_name:
            codes = [s.value for s in rule.services]
            how = f"term {_term_label(hit)}" if hit is not None else "its name"
            org.note(NoteKind.MAPPED, f"by {how} → {', '.join(codes)}", item=name)
            return codes
    seen = ", ".join(_term_label(t) for t in terms) or "none"
    org.note(NoteKind.SKIPPED, f"no mapping for its terms ({seen}) or its name", item=name)
    return []


def _cut(org: _Org, text: object, limit: int, item: str) -> str | None:
    if text is None or text == "":
        return None
    value = str(text)
    if len(value) > limit:
        org.note(NoteKind.CONVERTED, f"shortened to {limit} characters", item=item)
        return value[: limit - 1] + "…"
    return value


def _languages(org: _Org, service: Json, name: str) -> list[str]:
    found: list[str] = []
    for entry in service.get("languages") or []:
        code = str(entry.get("code") or "")
        ours, what = language(code) if code else (None, f"{entry.get('name')!r} has no code")
        if ours is None:
            org.note(NoteKind.SKIPPED, f"language {what}", item=name)
        elif ours.value not in found:
            found.append(ours.value)
            if code.lower() != ours.value:
                org.note(NoteKind.CONVERTED, f"language {code} → {ours.value}", item=name)
    if org.ours:
        return found  # our export lists exactly the provider's languages
    if not found and service.get("languages") is not None:
        found = [lang.value for lang in org.mapping.defaults.languages]
        org.note(NoteKind.ASSUMED, f"no programme language: {', '.join(found)}", item=name)
    return found or [lang.value for lang in org.mapping.defaults.languages]


def _schedule_rows(service: Json) -> list[Json]:
    rows = list(service.get("schedules") or [])
    for link in service.get("service_at_locations") or []:
        rows = rows or list(link.get("schedules") or [])
    for link in service.get("service_at_locations") or []:
        rows = rows or list((link.get("location") or {}).get("schedules") or [])
    return rows


def _hours(org: _Org, service: Json, name: str) -> Hours:
    rows = _schedule_rows(service)
    always, periods = False, []
    for row in rows:
        if row.get("x_always_open"):
            always = True
            continue
        if str(row.get("freq") or "WEEKLY").upper() != "WEEKLY" or not row.get("opens_at"):
            what = row.get("description") or row.get("freq") or "no opening times"
            org.note(NoteKind.SKIPPED, f"schedule not weekly opening times: {what}", item=name)
            continue
        if org.ours:  # our own rows: one period each, Cambodian time as written
            days = frozenset(DAYS.index(d.strip()) for d in str(row["byday"]).split(","))
            opens, closes = (_wall(row["opens_at"]), _wall(row["closes_at"]))
            periods.append(OpeningPeriod(days=days, opens=opens, closes=closes))
            continue
        try:
            converted = weekly_periods(row, org.mapping.defaults.timezone)
        except (ValueError, KeyError, TypeError) as exc:
            org.note(NoteKind.SKIPPED, f"schedule {row.get('id')}: {exc}", item=name)
            continue
        if converted.note is not None and not org.ours:
            kind = NoteKind.ASSUMED if "read as" in converted.note else NoteKind.CONVERTED
            org.note(kind, f"opening hours {converted.note}", item=name)
        periods += converted.periods
    if not rows and not org.ours:
        org.note(NoteKind.ASSUMED, "no opening hours: office hours assumed", item=name)
        return OFFICE_HOURS
    if not org.ours and _round_the_clock(periods):
        return Hours(always_open=True)
    return Hours(always_open=always, periods=tuple(periods))


def _wall(text: object) -> time:
    """A time we wrote (``07:30+07:00``) as the wall-clock time it is."""
    return time.fromisoformat(str(text)).replace(tzinfo=None)


def _round_the_clock(periods: list[OpeningPeriod]) -> bool:
    days = {
        d for p in periods if p.opens == time(0, 0) and p.closes >= time(23, 59) for d in p.days
    }
    return days == set(range(len(DAYS)))


def _age(value: object, rounding: Any, default: int) -> int:
    if value is None:
        return default
    return max(0, min(120, int(rounding(float(str(value))))))


def _service_fields(org: _Org, service: Json) -> Json:
    """The provider-wide values one service states (they decide its provider)."""
    name = str(service.get("name") or service.get("id"))
    attributes = service.get("attributes") or []
    areas = [
        str(a["uri"]).removeprefix(AREA_URN)
        for a in service.get("service_areas") or []
        if str(a.get("uri", "")).startswith(AREA_URN)
    ]
    for a in service.get("service_areas") or []:
        if not str(a.get("uri", "")).startswith(AREA_URN):
            what = a.get("name") or a.get("description") or a.get("id")
            org.note(NoteKind.SKIPPED, f"service area {what!r}: no gazetteer code", item=name)
    modes = _codes(attributes, MODE_TAXONOMY)
    if not modes and not org.ours:
        modes = [m.value for m in org.mapping.defaults.modes]
    return {
        "covers": tuple(areas),
        "modes": frozenset(modes),
        "eligibility": {
            "min_age": _age(service.get("minimum_age"), math.floor, 0),
            "max_age": _age(service.get("maximum_age"), math.ceil, 120),
            "genders": frozenset(_codes(attributes, GENDER_TAXONOMY)),
            "lgbtiq_affirming": bool(service.get("x_lgbtiq_affirming", False)),
        },
        "languages": frozenset(_languages(org, service, name)),
        "interpreter_support": bool(service.get("interpretation_services")),
        "weekly_capacity": service.get("x_weekly_capacity"),
        "hours": _hours(org, service, name),
        "contact": _cut(org, service.get("application_process"), 200, f"{name}: contact"),
        "active": service.get("status") == "active",
    }


def _phones(org: _Org, owners: Iterable[Json]) -> tuple[Phone, ...]:
    found: dict[tuple[str, str | None], Phone] = {}
    for owner in owners:
        for p in owner.get("phones") or []:
            if not p.get("number"):
                continue
            ext = None if p.get("extension") is None else str(p["extension"])
            where = f"phone {p['number']}"
            phone = Phone(
                number=_cut(org, p["number"], 60, where) or "?",
                extension=_cut(org, ext, 20, where),
                kind=_cut(org, p.get("type"), 20, where),
                description=_cut(org, p.get("description"), 500, where),
            )
            found.setdefault((phone.number, phone.extension), phone)
    return tuple(found.values())


def _contacts(org: _Org, owners: Iterable[Json]) -> tuple[ContactPerson, ...]:
    found: dict[tuple[str | None, str | None], ContactPerson] = {}
    for owner in owners:
        for c in owner.get("contacts") or []:
            where = f"contact {c.get('name') or c.get('id')}"
            person = ContactPerson(
                name=_cut(org, c.get("name"), 200, where),
                title=_cut(org, c.get("title"), 200, where),
                department=_cut(org, c.get("department"), 200, where),
                email=_cut(org, c.get("email"), 200, where),
                phones=_phones(org, [c]),
            )
            found.setdefault((person.name, person.email), person)
    return tuple(found.values())


def _reach(org: _Org) -> Json:
    data = org.data
    services = data.get("services") or []
    links = [link for s in services for link in s.get("service_at_locations") or []]
    places = _locations(data)
    owners = [data, *services, *links, *places]
    website = data.get("website") or next((s["url"] for s in services if s.get("url")), None)
    email = data.get("email") or next((s["email"] for s in services if s.get("email")), None)
    return {
        "phones": _phones(org, owners),
        "contacts": _contacts(org, owners),
        "email": _cut(org, email, 200, "email"),
        "website": _cut(org, website, 500, "website"),
    }


def _base(org: _Org) -> Json:
    """The organization-wide provider fields (None values: refuse the organization)."""
    data = org.data
    ident = next(
        (
            str(i["identifier"])
            for i in data.get("organization_identifiers") or []
            if i.get("identifier_scheme") == ID_SCHEME and i.get("identifier")
        ),
        f"{org.mapping.id_prefix}{data.get('id')}",
    )
    alternate = data.get("alternate_name")
    khmer = org.ours or bool(alternate and _KHMER.search(str(alternate)))
    if alternate and not khmer:
        org.note(NoteKind.SKIPPED, f"alternate name {alternate!r}: only a Khmer name is kept")
    fields: Json = dict(data.get("x_extra") or {})
    fields |= {
        "id": ident,
        "name": _cut(org, data.get("name"), 200, "name"),
        "name_km": str(alternate) if alternate and khmer else None,
        "kind": _kind(org),
        "area_code": _area(org),
        "synthetic": bool(data.get("x_synthetic", False)),
        "version": data.get("x_version", 1),
    }
    return fields | _reach(org)


def _canon(value: Any) -> Any:
    """A value in one canonical form, to tell services alike (sets sorted)."""
    if isinstance(value, BaseModel):
        return _canon(value.model_dump())
    if isinstance(value, dict):
        return sorted((k, _canon(v)) for k, v in value.items())
    if isinstance(value, frozenset | set):
        return sorted(repr(_canon(v)) for v in value)
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    return value


def _split_id(base: str, services: list[Json]) -> str:
    key = ",".join(sorted(str(s.get("id")) for s in services))
    return f"{base[:55]}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def read_organization(data: Json, mapping: Mapping, notes: list[ImportNote]) -> list[Provider]:
    """The providers one organization becomes (none if refused; see the notes)."""
    org = _Org(data, mapping, notes)
    base = _base(org)
    missing = [k for k in ("id", "name", "kind", "area_code") if not base.get(k)]
    if missing:
        hint = {"kind": "a kind", "area_code": "a gazetteer area"}
        what = ", ".join(hint.get(m, m) for m in missing)
        org.note(NoteKind.REFUSED, f"needs {what} (add a rule or a default to the mapping)")
        return []
    if not _ID.match(base["id"]):
        org.note(NoteKind.REFUSED, f"{base['id']!r} cannot be a provider id (64 characters)")
        return []
    groups: dict[str, tuple[Json, list[Json], set[str]]] = {}
    for service in data.get("services") or []:
        codes = _services(org, service)
        if not codes:
            continue
        values = _service_fields(org, service)
        key = repr(_canon(values))
        group = groups.setdefault(key, (values, [], set()))
        group[1].append(service)
        group[2].update(codes)
    if not groups:
        org.note(NoteKind.REFUSED, "none of its services maps to a service of ours")
        return []
    providers = []
    for values, services, offered in groups.values():
        fields = base | values | {"services": frozenset(offered)}
        if len(groups) > 1:
            names = ", ".join(str(s.get("name")) for s in services)
            fields["id"] = _split_id(base["id"], services)
            fields["name"] = f"{base['name']} ({names})"[:200]
            org.note(
                NoteKind.SPLIT,
                f"its services differ in ages, languages, hours or status: {names} → "
                f"provider {fields['id']}",
            )
        stamps = [str(s["last_modified"]) for s in services if s.get("last_modified")]
        if stamps:
            fields["updated_at"] = max(
                datetime.fromisoformat(t.replace("Z", "+00:00")) for t in stamps
            )
        try:
            providers.append(Provider.model_validate(fields))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            org.note(NoteKind.REFUSED, f"{where}: {first['msg']}", item=fields["id"])
    return providers


def read_document(doc: object, mapping: Mapping | None = None) -> Reading:
    """Everything an HSDS document (any form) describes, with the notes."""
    mapping = mapping or Mapping()
    form, normal = hsds_forms.organizations(doc)
    reading = Reading(form=form, organizations=len(normal["contents"]))
    for org in normal["contents"]:
        reading.providers += read_organization(org, mapping, reading.notes)
    for raw in normal.get("x_pathways") or []:
        try:
            reading.pathways.append(Pathway.model_validate(raw))
        except ValidationError as exc:
            where = raw.get("id") if isinstance(raw, dict) else raw
            detail = f"x_pathways: {where!r}: {exc.errors()[0]['msg']}"
            raise InvalidInput(detail, field="x_pathways") from None
    return reading

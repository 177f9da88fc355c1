"""How to read someone else's HSDS directory: the mapping file, language codes, and
opening hours in another time zone.

**The mapping file** (YAML or JSON) says what our vocabulary cannot guess::

    id_prefix: "hsds-"                # provider id = prefix + organization id
    defaults:
      kind: ngo_counsellor            # when no organization term maps to a kind
      area_code: "1701"               # when no location maps to a gazetteer area
      timezone: "+03:00"              # opening times with no offset and no `timezone`
      languages: [khm]                # when none of a service's languages is ours
    services:                         # a service is ours by taxonomy term or by name
      - {taxonomy: "Open Eligibility", code: "1102", services: [counselling]}
      - {name: "Community Counselling", services: [counselling, psycho_education]}
    kinds:
      - {taxonomy: "org-types", code: "ngo", kind: ngo_counsellor}
    areas:                            # a location is in a gazetteer area
      - {external_identifier_type: UPRN, external_identifier: "10092008082", area_code: "1701"}
      - {location_name: "MyCity Civic Center", area_code: "1701"}

A term matches by its taxonomy's name or URI (if given) and its ``code`` or ``id``.
Nothing is written unless the importer can place it; what it could not is reported.

**Languages**: HSDS allows ISO 639-1 (``km``) and ISO 639-3 (``khm``) codes (and the
importer also reads ISO 639-2/B such as ``fre``): each is brought to ISO 639-3 with
``pycountry``; languages the programme does not route by are reported as skipped.

**Opening hours** are kept as Cambodian wall-clock time (UTC+7): a time with an offset
(``09:00-05:00``), or with the schedule's ``timezone`` (hours from UTC), is converted
(09:00 at UTC−5 is 21:00 in Phnom Penh), and a period that then crosses midnight is
split in two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.hours import OpeningPeriod
from referral_graph.domain.models import known_area
from referral_graph.domain.vocabulary import DeliveryMode, Language, ProviderKind, Service

Json = dict[str, Any]
LOCAL = timezone(timedelta(hours=7))  # Cambodia keeps UTC+7 all year
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
END_OF_DAY = time(23, 59, 59)
_OFFSET = re.compile(
    r"^(?P<clock>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<zone>Z|[+-]\d{2}:?\d{2})?$"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermRule(_Strict):
    """A taxonomy term (or a service name) and what it stands for."""

    taxonomy: str | None = Field(None, description="Taxonomy name or URI; any if left out.")
    code: str | None = None
    term_id: str | None = None
    name: str | None = Field(None, description="A service's name, case-insensitive.")
    services: tuple[Service, ...] = ()
    kind: ProviderKind | None = None

    def matches_term(self, term: Json) -> bool:
        if self.code is None and self.term_id is None:
            return False
        detail = term.get("taxonomy_detail") or {}
        names = {term.get("taxonomy"), detail.get("name"), detail.get("uri"), term.get("term_uri")}
        if self.taxonomy is not None and self.taxonomy not in names:
            return False
        if self.term_id is not None and term.get("id") != self.term_id:
            return False
        return self.code is None or str(term.get("code")) == self.code


class AreaRule(_Strict):
    external_identifier_type: str | None = None
    external_identifier: str | None = None
    location_name: str | None = None
    area_code: str

    @field_validator("area_code")
    @classmethod
    def _area(cls, v: str) -> str:
        return known_area(v)

    def matches(self, location: Json) -> bool:
        if self.location_name is not None:
            return str(location.get("name", "")).casefold() == self.location_name.casefold()
        return (
            self.external_identifier is not None
            and str(location.get("external_identifier")) == self.external_identifier
            and self.external_identifier_type in (None, location.get("external_identifier_type"))
        )


class Defaults(_Strict):
    kind: ProviderKind | None = None
    area_code: str | None = None
    timezone: str | None = Field(None, description="+HH:MM or an IANA name.")
    languages: tuple[Language, ...] = (Language.KHMER,)
    modes: tuple[DeliveryMode, ...] = (DeliveryMode.IN_PERSON,)

    @field_validator("area_code")
    @classmethod
    def _area(cls, v: str | None) -> str | None:
        return None if v is None else known_area(v)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is not None:
            zone_of(v)
        return v


class Mapping(_Strict):
    """A mapping file (see the module's docstring); the empty mapping reads only
    directories in our own vocabulary (our exports)."""

    id_prefix: str = Field("hsds-", pattern=r"^[A-Za-z0-9_.:-]{0,20}$")
    defaults: Defaults = Defaults()
    services: tuple[TermRule, ...] = ()
    kinds: tuple[TermRule, ...] = ()
    areas: tuple[AreaRule, ...] = ()


def read_mapping(text: str, source: str = "mapping") -> Mapping:
    """A mapping file's text (YAML or JSON); ``InvalidInput`` naming the bad field."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{source} is not YAML or JSON: {exc}", field="mapping") from None
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{source}: {where}: {first['msg']}", field=f"mapping.{where}") from None


def load_mapping(path: Path | None) -> Mapping:
    return Mapping() if path is None else read_mapping(path.read_text("utf-8"), str(path))


# --- languages ---------------------------------------------------------------------------


def language(code: str) -> tuple[Language | None, str]:
    """Our language for an ISO 639-1, 639-2/B or 639-3 code, and a name for reports
    (None: not a language of the programme, or no ISO code at all)."""
    text = code.strip().lower()
    found = None
    if len(text) == 2:
        found = pycountry.languages.get(alpha_2=text)
    elif len(text) == 3:
        found = pycountry.languages.get(alpha_3=text) or pycountry.languages.get(bibliographic=text)
    if found is None:
        return None, f"{code!r} is not an ISO 639-1 or 639-3 code"
    try:
        return Language(found.alpha_3), str(found.name)
    except ValueError:
        return None, f"{found.name} ({code}) is not a language the programme routes by"


# --- opening hours -----------------------------------------------------------------------


def zone_of(text: str) -> tzinfo:
    """A time zone from ``+HH:MM``/``-HHMM``/``Z`` or an IANA name."""
    if text in ("Z", "UTC"):
        return UTC
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", text)
    if match:
        sign = -1 if match[1] == "-" else 1
        return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3])))
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"{text!r} is not a UTC offset or time zone name.") from None


@dataclass(frozen=True, slots=True)
class Converted:
    periods: tuple[OpeningPeriod, ...]
    note: str | None  # what was converted or assumed, for the report


def _clock(text: str) -> tuple[time, tzinfo | None]:
    match = _OFFSET.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time of day")
    clock = time.fromisoformat(
        match["clock"].zfill(5) if len(match["clock"]) == 4 else match["clock"]
    )
    zone = match["zone"]
    return clock, None if zone is None else zone_of(zone)


def _local(day: int, clock: time, zone: tzinfo) -> tuple[int, time]:
    """Weekday and Cambodian wall-clock time of ``clock`` on weekday ``day`` in ``zone``
    (a fixed week of 2024 stands for any week: offsets are read as of then)."""
    moment = datetime.combine(date(2024, 1, 1) + timedelta(days=day), clock, zone)
    here = moment.astimezone(LOCAL)
    return here.weekday(), here.time().replace(tzinfo=None)


def weekly_periods(row: Json, default_zone: str | None) -> Converted:
    """The opening periods of one WEEKLY schedule row, in Cambodian time."""
    days_text = str(row.get("byday") or ",".join(DAYS))
    days = [DAYS.index(d.strip()[-2:]) for d in days_text.split(",") if d.strip()]
    opens, opens_zone = _clock(str(row["opens_at"]))
    closes, closes_zone = _clock(str(row["closes_at"]))
    zone = opens_zone or closes_zone
    why = "its offset"
    if zone is None and row.get("timezone") is not None:
        zone, why = timezone(timedelta(hours=float(row["timezone"]))), "its timezone field"
    if zone is None and default_zone is not None:
        zone, why = zone_of(default_zone), "the mapping's default time zone"
    note = None
    if zone is None:
        zone, note = LOCAL, "no time zone given: read as Cambodian time (UTC+7)"
    elif datetime(2024, 1, 1, tzinfo=zone).utcoffset() != timedelta(hours=7):
        note = f"converted from {why} to Cambodian time (UTC+7)"
    if closes <= opens and closes == time(0, 0):
        closes = END_OF_DAY  # "until midnight"
    periods: list[OpeningPeriod] = []
    for day in days:
        start_day, start = _local(day, opens, zone)
        end_day, end = _local(day, closes, zone)
        if end_day == start_day and start < end:
            periods.append(OpeningPeriod(days=frozenset({start_day}), opens=start, closes=end))
            continue
        if start < END_OF_DAY:
            periods.append(
                OpeningPeriod(days=frozenset({start_day}), opens=start, closes=END_OF_DAY)
            )
        if end > time(0, 0):
            periods.append(OpeningPeriod(days=frozenset({end_day}), opens=time(0, 0), closes=end))
    return Converted(_merge(periods), note)


def _merge(periods: list[OpeningPeriod]) -> tuple[OpeningPeriod, ...]:
    """One period per distinct opening time, with all its days."""
    by_time: dict[tuple[time, time], set[int]] = {}
    for p in periods:
        by_time.setdefault((p.opens, p.closes), set()).update(p.days)
    return tuple(
        OpeningPeriod(days=frozenset(days), opens=opens, closes=closes)
        for (opens, closes), days in sorted(by_time.items())
    )

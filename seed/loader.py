"""Load the programme seed network from the YAML files in ``seed/programme``.

The data lives in YAML: the programme geography (``areas.yaml``), provider templates and
rules (``providers.yaml``) and pathway rules (``pathways.yaml``). This module only expands
the rules over the 2025 gazetteer and validates every record through the domain models, so
an unknown area code, service or field fails loudly with :class:`SeedError`. Loading is
deterministic: the same files give the same records in the same order.

>>> providers, pathways = load_programme()
>>> next(p for p in providers if p.id == "helpline-1280").hours.always_open
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, Literal, Self, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from referral_graph.domain.areas import Area, gazetteer
from referral_graph.domain.errors import UnknownArea
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.vocabulary import AreaLevel, Language, ProviderKind, Service

__all__ = ["SeedError", "load_programme"]

#: Western digits to Khmer ones (``{n_km}`` in a Khmer name).
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
#: Keys the YAML may carry for human readers only; they never reach a model.
_NOTE_KEYS = frozenset({"source"})
#: ``languages`` value that means "the languages of the provider's area" (areas.yaml):
#: the provider declares Khmer, and its sample people speak the area's other languages
#: (:mod:`seed.languages`).
_LOCAL_LANGUAGES = "local"
#: Prefix of a ``covers`` item that names a set of areas rather than one area.
_SELECTOR = "@"

Fields = dict[str, Any]
_Doc = TypeVar("_Doc", bound=BaseModel)


class SeedError(ValueError):
    """The seed data is inconsistent or refers to something that does not exist."""


# --- the shape of the YAML documents ---------------------------------------------------------


class Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UnitName(Spec):
    """What an area of one level is called, e.g. "Commune" / "ឃុំ"."""

    en: str
    km: str


class ProgrammeProvince(Spec):
    """A programme province: its display name, provincial town and programme districts."""

    code: str
    name_en: str
    capital: str
    districts: list[str] | Literal["all"]


class Municipalities(Spec):
    """Urban districts (krong), whose districts and communes have other unit names."""

    districts: frozenset[str]
    unit_names: dict[AreaLevel, UnitName]


class AreasDocument(Spec):
    """``areas.yaml``."""

    national_capital: str
    provinces: list[ProgrammeProvince] = Field(min_length=1)
    unit_names: dict[AreaLevel, UnitName]
    municipalities: Municipalities
    languages: dict[str, list[Language]]


class ProviderEntry(Spec):
    """One entry of ``providers.yaml``: a single provider, or a rule with ``per``.

    Keys other than the declared ones are provider fields, checked by :class:`Provider`.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    template: str | None = None
    per: AreaLevel | None = None
    count: int | dict[str, int] = Field(1, description="Providers per area.")
    skip_every: int | None = Field(None, ge=2, description="Leave out every n-th area.")
    catchment: AreaLevel | None = Field(
        None, description="Skipped areas join the nearest kept area within this level."
    )
    overrides: dict[str, Fields] = Field(default_factory=dict)
    source: str | None = None

    @model_validator(mode="after")
    def _rule_options_need_per(self) -> Self:
        options = self.count != 1 or self.skip_every or self.catchment or self.overrides
        if self.per is None and options:
            raise ValueError("count, skip_every, catchment and overrides need `per`")
        if self.per == AreaLevel.VILLAGE:
            raise ValueError("`per` must be province, district or commune")
        return self

    @property
    def fields(self) -> Fields:
        """The provider fields this entry sets."""
        return dict(self.model_extra or {})


class ProvidersDocument(Spec):
    """``providers.yaml``."""

    as_of: datetime
    templates: dict[str, Fields]
    providers: list[ProviderEntry]


class Selector(Spec):
    """Picks providers by kind and/or id."""

    kinds: frozenset[ProviderKind] = frozenset()
    ids: frozenset[str] = frozenset()

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.kinds and not self.ids:
            raise ValueError("a selector needs `kinds` or `ids`")
        return self

    def picks(self, provider: Provider) -> bool:
        return provider.kind in self.kinds or provider.id in self.ids


class PathwayRule(Spec):
    """One rule of ``pathways.yaml``."""

    source: Selector = Field(alias="from")
    target: Selector = Field(alias="to")
    services: list[Service] = Field(min_length=1)
    match: Literal["nearest", "within"] = "nearest"
    required: bool = True
    note: str | None = None


class PathwaysDocument(Spec):
    """``pathways.yaml``."""

    synthetic: bool
    rules: list[PathwayRule]


# --- programme geography ---------------------------------------------------------------------


class Geography:
    """The programme areas of ``areas.yaml``, checked against the gazetteer."""

    def __init__(self, doc: AreasDocument) -> None:
        self._doc = doc
        self._provinces = {p.code: p for p in doc.provinces}
        self._districts = {p.code: self._programme_districts(p) for p in doc.provinces}
        for code in [doc.national_capital, *doc.languages, *doc.municipalities.districts]:
            _area(code)

    @staticmethod
    def _programme_districts(province: ProgrammeProvince) -> list[Area]:
        gaz = gazetteer()
        if _area(province.code).level != AreaLevel.PROVINCE:
            raise SeedError(f"{province.code!r} is not a province")
        if province.districts == "all":
            districts = sorted(gaz.children(province.code), key=lambda a: a.code)
        else:
            districts = sorted((_area(c) for c in province.districts), key=lambda a: a.code)
        for district in [*districts, _area(province.capital)]:
            if district.level != AreaLevel.DISTRICT or district.parent_code != province.code:
                raise SeedError(f"{district.code!r} is not a district of {province.code!r}")
        return districts

    def areas(self, level: AreaLevel) -> list[Area]:
        """The programme areas of one level, sorted by code."""
        districts = sorted((d for ds in self._districts.values() for d in ds), key=lambda a: a.code)
        if level == AreaLevel.PROVINCE:
            return [_area(code) for code in sorted(self._provinces)]
        if level == AreaLevel.DISTRICT:
            return districts
        if level == AreaLevel.COMMUNE:
            gaz = gazetteer()
            communes = (c for d in districts for c in gaz.children(d.code))
            return sorted(communes, key=lambda a: a.code)
        raise SeedError(f"no programme areas of level {level.value!r}")

    def unit(self, area: Area) -> UnitName:
        """What the area is called: "District" / "ស្រុក", "Sangkat" / "សង្កាត់", …"""
        municipal = self._doc.municipalities
        if any(area.code.startswith(d) for d in municipal.districts):
            name = municipal.unit_names.get(area.level)
            if name is not None:
                return name
        return self._doc.unit_names[area.level]

    def context(self, area: Area) -> dict[str, str]:
        """Placeholder values for strings of a rule expanded over ``area``."""
        province = self._provinces[area.code[:2]]
        unit = self.unit(area)
        return {
            "code": area.code,
            "name_en": area.name_en,
            "name_km": area.name_km,
            "unit_en": unit.en,
            "unit_km": unit.km,
            "province_code": province.code,
            "province_en": province.name_en,
            "province_km": _area(province.code).name_km,
            "capital": province.capital,
        }

    def languages_for(self, code: str) -> list[Language]:
        """The languages of the most specific ``languages`` entry containing ``code``."""
        matches = [key for key in self._doc.languages if code.startswith(key)]
        if not matches:
            raise SeedError(f"areas.yaml lists no languages for area {code!r}")
        return self._doc.languages[max(matches, key=len)]

    def expand_covers(self, items: Sequence[str]) -> list[str]:
        """Area codes for ``covers``, with ``@`` selectors replaced by the areas they name."""
        codes: list[str] = []
        for item in items:
            codes.extend(self._select(item) if item.startswith(_SELECTOR) else [item])
        return codes

    def _select(self, selector: str) -> list[str]:
        name, _, argument = selector.removeprefix(_SELECTOR).partition(":")
        if name == "all_provinces":
            return sorted(a.code for a in gazetteer().children(None))
        if name == "programme_provinces":
            return sorted(self._provinces)
        if name == "programme_districts" and argument in self._districts:
            return [d.code for d in self._districts[argument]]
        raise SeedError(f"unknown area selector {selector!r}")


def _area(code: str) -> Area:
    try:
        return gazetteer().area(code)
    except UnknownArea as exc:
        raise SeedError(str(exc)) from exc


# --- providers -------------------------------------------------------------------------------


def fill(value: Any, context: Mapping[str, str]) -> Any:
    """``value`` with ``{placeholders}`` in every string filled from ``context``."""
    if isinstance(value, str):
        try:
            return value.format_map(context)
        except KeyError as exc:
            raise SeedError(f"unknown placeholder {exc} in {value!r}") from exc
    if isinstance(value, list):
        return [fill(item, context) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, context) for key, item in value.items()}
    return value


def base_fields(entry: ProviderEntry, templates: Mapping[str, Fields]) -> Fields:
    if entry.template is None:
        return entry.fields
    if entry.template not in templates:
        raise SeedError(f"unknown provider template {entry.template!r}")
    return {**templates[entry.template], **entry.fields}


def _count(entry: ProviderEntry, area: Area) -> int:
    return entry.count if isinstance(entry.count, int) else entry.count.get(area.code, 0)


def _kept_and_joined(
    entry: ProviderEntry, areas: list[Area]
) -> tuple[list[Area], dict[str, list[str]]]:
    """Areas that get a provider, and the skipped areas each one's catchment takes in."""
    every = entry.skip_every
    kept = [a for i, a in enumerate(areas, 1) if every is None or i % every != 0]
    joined: dict[str, list[str]] = {a.code: [] for a in kept}
    if entry.catchment is None:
        return kept, joined
    position = {a.code: i for i, a in enumerate(areas)}
    for area in (a for a in areas if a.code not in joined):
        group = _ancestor(area.code, entry.catchment)
        peers = [k for k in kept if _ancestor(k.code, entry.catchment) == group]
        if not peers:
            raise SeedError(f"no {entry.per} with a provider in {group!r} to serve {area.code!r}")
        nearest = min(peers, key=lambda k: (abs(position[k.code] - position[area.code]), k.code))
        joined[nearest.code].append(area.code)
    return kept, joined


def _ancestor(code: str, level: AreaLevel) -> str:
    for area in gazetteer().lineage(code):
        if area.level == level:
            return area.code
    raise SeedError(f"area {code!r} lies in no {level.value}")


def rule_records(
    entry: ProviderEntry, level: AreaLevel, base: Fields, geo: Geography
) -> list[Fields]:
    """The provider records a ``per`` rule makes, in area-code order."""
    areas = geo.areas(level)
    if isinstance(entry.count, dict):
        unknown = set(entry.count) - {a.code for a in areas}
        if unknown:
            raise SeedError(f"count names areas outside the programme: {sorted(unknown)}")
    kept, joined = _kept_and_joined(entry, areas)
    records: list[Fields] = []
    for area in kept:
        for n in range(1, _count(entry, area) + 1):
            numbers = {"n": str(n), "n_km": str(n).translate(KHMER_DIGITS)}
            record = fill(base, geo.context(area) | numbers)
            record.setdefault("area_code", area.code)
            if entry.catchment is not None:
                record["covers"] = [area.code, *joined[area.code]]
            records.append(record)
    return records


def apply_overrides(entry: ProviderEntry, records: list[Fields]) -> list[Fields]:
    by_id = {str(r.get("id")): r for r in records}
    unknown = set(entry.overrides) - set(by_id)
    if unknown:
        raise SeedError(f"overrides name providers the rule does not make: {sorted(unknown)}")
    return [{**r, **entry.overrides.get(str(r.get("id")), {})} for r in records]


def make_provider(record: Fields, geo: Geography, as_of: datetime) -> Provider:
    """Validate one provider record through the domain model."""
    fields = {k: v for k, v in record.items() if k not in _NOTE_KEYS}
    ident = fields.get("id")
    if "synthetic" not in fields:
        raise SeedError(f"provider {ident!r} must say whether it is synthetic")
    try:
        if fields.get("languages") == _LOCAL_LANGUAGES:
            # The directory declares Khmer; who speaks the area's other languages is
            # said by its (sample) people: seed/languages.py.
            fields["languages"] = [Language.KHMER]
        fields["covers"] = geo.expand_covers(fields.get("covers", []))
        return Provider.model_validate(fields | {"updated_at": as_of})
    except (ValidationError, UnknownArea, SeedError) as exc:
        raise SeedError(f"provider {ident!r}: {exc}") from exc


def _providers(doc: ProvidersDocument, geo: Geography) -> list[Provider]:
    providers: list[Provider] = []
    for entry in doc.providers:
        base = base_fields(entry, doc.templates)
        if entry.per is None:
            records = [fill(base, {})]
        else:
            records = apply_overrides(entry, rule_records(entry, entry.per, base, geo))
        providers.extend(make_provider(r, geo, doc.as_of) for r in records)
    check_unique("provider", [p.id for p in providers])
    return providers


# --- pathways --------------------------------------------------------------------------------


def _specificity(provider: Provider, code: str) -> int:
    """How local ``provider``'s coverage of area ``code`` is (0: it does not cover it)."""
    return max((len(c) for c in provider.coverage if code.startswith(c)), default=0)


def _targets(rule: PathwayRule, source: Provider, candidates: list[Provider]) -> list[Provider]:
    others = [c for c in candidates if c.id != source.id]
    if rule.match == "within":
        return [c for c in others if source.serves_area(c.area_code)]
    scores = {c.id: _specificity(c, source.area_code) for c in others}
    best = max(scores.values(), default=0)
    return [c for c in others if best and scores[c.id] == best]


def _rule_pathways(
    rule: PathwayRule, providers: list[Provider], synthetic: bool
) -> Iterator[Pathway]:
    known = {p.id for p in providers}
    missing = (rule.source.ids | rule.target.ids) - known
    if missing:
        raise SeedError(f"pathway rule names unknown providers: {sorted(missing)}")
    sources = [p for p in providers if rule.source.picks(p)]
    for service in rule.services:
        candidates = [p for p in providers if rule.target.picks(p) and service in p.services]
        for source in sources:
            targets = _targets(rule, source, candidates)
            if not targets and rule.required:
                raise SeedError(f"no pathway target for {source.id!r} and {service.value!r}")
            for target in targets:
                yield make_pathway(rule, source, target, service, synthetic)


def make_pathway(
    rule: PathwayRule, source: Provider, target: Provider, service: Service, synthetic: bool
) -> Pathway:
    ident = f"pw-{source.id}-{target.id}-{service.value}"
    try:
        return Pathway(
            id=ident,
            from_provider_id=source.id,
            to_provider_id=target.id,
            service=service,
            note=rule.note,
            synthetic=synthetic,
        )
    except ValidationError as exc:
        raise SeedError(f"pathway {ident!r}: {exc}") from exc


def _pathways(doc: PathwaysDocument, providers: list[Provider]) -> list[Pathway]:
    pathways = [
        pathway for rule in doc.rules for pathway in _rule_pathways(rule, providers, doc.synthetic)
    ]
    check_unique("pathway", [p.id for p in pathways])
    return pathways


# --- loading ---------------------------------------------------------------------------------


def check_unique(what: str, ids: list[str]) -> None:
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise SeedError(f"duplicate {what} ids: {duplicates}")


def _read(directory: Traversable, name: str) -> object:
    return yaml.safe_load((directory / name).read_text(encoding="utf-8"))


def parse_document(model: type[_Doc], directory: Traversable, name: str) -> _Doc:
    try:
        return model.model_validate(_read(directory, name))
    except ValidationError as exc:
        raise SeedError(f"{name}: {exc}") from exc


def load_programme(
    directory: Traversable | None = None,
) -> tuple[list[Provider], list[Pathway]]:
    """The programme's providers and pathways, expanded and validated.

    ``directory`` holds ``areas.yaml``, ``providers.yaml`` and ``pathways.yaml``; by default
    the ``programme`` folder packaged with :mod:`seed`. Raises :class:`SeedError` when the
    data is inconsistent (unknown area, service, field, template or provider; duplicate ids;
    a required pathway without a target).
    """
    root = directory if directory is not None else files("seed") / "programme"
    geo = Geography(parse_document(AreasDocument, root, "areas.yaml"))
    providers = _providers(parse_document(ProvidersDocument, root, "providers.yaml"), geo)
    pathways = _pathways(parse_document(PathwaysDocument, root, "pathways.yaml"), providers)
    return providers, pathways

"""A synthetic national referral network: the programme seed scaled to all of Cambodia.

The programme seed (``seed/programme``) covers three provinces. This module applies the
same provider templates, naming rules and pathway rules to every province, district,
commune and village of the 2025 gazetteer, so that a store can be filled with a network of
realistic size (about 19,000 providers and 50,000 pathways) for load tests and demos:

* a Village Health Support Group per village, a CCWC per commune;
* 1,288 health centres (the national count, cambodia.md fact 11), placed by a seeded random
  choice; communes without one join the nearest-coded health centre of their district;
* a DoSVY office, a police inspectorate and 2–4 secondary schools per district, and a
  referral hospital per district outside the provincial town (an approximation of the
  operational districts);
* a provincial referral hospital, three provincial departments and two TPO counsellors per
  province; the national phone services and the named real facilities of the programme;
* capacity building (:func:`generate_national_training`): one to three synthetic people
  for every VHSG, CCWC, health centre and school, trained in psychological first aid (and
  counselling skills at health centres, supporting children affected by violence at
  schools) at a first round in 2024 and a refresher in 2026 held in their district, so
  that on 25 November 2026 about nine providers in ten hold a valid competency and the
  rest have lapsed or were never trained [A].

Ids follow the programme's patterns (``ccwc-170101``, ``hc-190303``, ``helpline-1280`` …),
so every programme provider except the commune-level VHSG groups (here one per village,
``vhsg-<village code>``) exists in the national network with the same id. Records are
synthetic except the real services and facilities the programme names. Everything that is
not in the programme files is an assumption [A] and labelled so below.

The same ``seed`` always gives the same records in the same order.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib.resources import files
from typing import Final

from referral_graph.domain.areas import Area, gazetteer
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.vocabulary import AreaLevel, Language, ProviderKind
from referral_graph.store.port import Store
from seed.languages import with_languages
from seed.loader import (
    AreasDocument,
    Fields,
    Geography,
    PathwayRule,
    PathwaysDocument,
    ProviderEntry,
    ProvidersDocument,
    SeedError,
    Selector,
    apply_overrides,
    base_fields,
    check_unique,
    fill,
    make_pathway,
    make_provider,
    parse_document,
    rule_records,
)
from seed.national_geography import CAPITALS, NationalGeography, ancestry, areas_of, national_areas
from seed.national_training import generate_national_training
from seed.seeding import Write, directory_writes, run_writes, training_writes
from seed.training_data import collector_paused

__all__ = [
    "generate_national",
    "generate_national_training",
    "load_national",
    "national_writes",
]

L = Language

#: Health centres nationally (2022) [S] (cambodia.md fact 11): about 0.78 per commune.
NATIONAL_TOTALS: Final[Mapping[str, int]] = {ProviderKind.HEALTH_CENTRE.value: 1_288}

#: Secondary schools per district outside the programme's counts, inclusive range [A].
SCHOOLS_PER_DISTRICT: Final = (2, 4)

#: Phnom Penh is the capital city, not a province: its departments and its hospital are
#: municipal ("រាជធានី", not "ខេត្ត", which the provincial name patterns put first).
CAPITAL_CITY_NAMES: Final = (
    ("ខេត្តរាជធានី", "រាជធានី"),
    ("Phnom Penh Provincial", "Phnom Penh Municipal"),
)

#: Named facilities outside the programme districts [S] (cambodia.md fact 12).
NATIONAL_OVERRIDES: Final[Mapping[str, Fields]] = {
    "hc-160103": {"synthetic": False},  # Nhang Health Centre, Andoung Meas, Ratanakiri
}

#: The programme template whose commune rule becomes one group per village here.
VILLAGE_TEMPLATE: Final = "vhsg"
VILLAGE_FIELDS: Final[Fields] = {
    "id": "vhsg-{code}",
    "name": "{name_en} Village Health Support Group",
    "name_km": "ក្រុមគាំទ្រសុខភាពភូមិ {name_km}",
}

#: Rules the programme writes as single providers; nationally one per area [A].
NATIONAL_RULES: Final[Sequence[Fields]] = (
    {
        "template": "referral_hospital",
        "per": "district",
        "id": "rh-{code}",
        "name": "{name_en} Referral Hospital",
        "name_km": "មន្ទីរពេទ្យបង្អែក{name_km}",
        "synthetic": True,
    },
    {
        "template": "provincial_hospital",
        "per": "province",
        "id": "prh-{code}",
        "name": "{province_en} Provincial Referral Hospital",
        "name_km": "មន្ទីរពេទ្យបង្អែកខេត្ត{province_km}",
        "area_code": "{capital}",
        "covers": ["{code}"],
        "synthetic": True,
    },
)

_CODE_LENGTH: Final = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.DISTRICT: 4,
    AreaLevel.COMMUNE: 6,
    AreaLevel.VILLAGE: 8,
}


# --- providers ---------------------------------------------------------------------------


class _Builder:
    """Expands the programme's provider entries over the whole country."""

    def __init__(self, doc: ProvidersDocument, geo: Geography, programme: Geography, seed: int):
        self.doc = doc
        self.geo = geo
        self.programme = programme
        self.rng = random.Random(seed)  # noqa: S311 - a reproducible choice, not a secret

    def records(self) -> list[Fields]:
        """Provider records of every rule, then the named single providers."""
        records: list[Fields] = []
        singles: list[Fields] = []
        entries = [*self.doc.providers, *map(ProviderEntry.model_validate, NATIONAL_RULES)]
        for entry in entries:
            base = base_fields(entry, self.doc.templates)
            if entry.per is None:
                singles.append(fill(base, {}))
            else:
                records.extend(self._rule(entry, entry.per, base))
        return [_tidy(r) for r in _merge(records, singles)]

    def _rule(self, entry: ProviderEntry, level: AreaLevel, base: Fields) -> list[Fields]:
        """The records of one ``per`` rule, nationally."""
        if entry.template == VILLAGE_TEMPLATE:
            return self._villages(base)
        if entry.skip_every is not None:
            return self._sparse(entry, level, entry.skip_every, base)
        if isinstance(entry.count, dict):
            entry = entry.model_copy(update={"count": self._counts(level, entry.count)})
        records = rule_records(entry, level, base, self.geo)
        if base.get("kind") == ProviderKind.REFERRAL_HOSPITAL.value:
            # The provincial referral hospital serves the provincial town's district.
            capitals = set(CAPITALS.values())
            records = [r for r in records if r["area_code"] not in capitals]
        return apply_overrides(entry, records)

    def _villages(self, template: Fields) -> list[Fields]:
        """One record per village from the village template [A: a VHSG per village]."""
        base = {**template, **VILLAGE_FIELDS}
        records: list[Fields] = []
        for village in areas_of(AreaLevel.VILLAGE):
            record = fill(base, self.geo.context(village))
            record["area_code"] = village.code
            records.append(record)
        return records

    def _counts(self, level: AreaLevel, listed: Mapping[str, int]) -> dict[str, int]:
        """The programme's counts where it gives one, else a random count [A]."""
        low, high = SCHOOLS_PER_DISTRICT
        return {
            a.code: listed[a.code] if a.code in listed else self.rng.randint(low, high)
            for a in self.geo.areas(level)
        }

    def _sparse(
        self, entry: ProviderEntry, level: AreaLevel, every: int, base: Fields
    ) -> list[Fields]:
        """A rule that leaves some areas out (``skip_every``): the programme's own choice
        inside the programme areas, a seeded random choice elsewhere up to the national
        total; left-out areas join the nearest chosen one of their ``catchment``."""
        full = entry.model_copy(update={"skip_every": None, "catchment": None, "overrides": {}})
        records = rule_records(full, level, base, self.geo)
        catchment = entry.catchment or level
        kept = self._choose(entry, level, every, catchment, base, records)
        joined = _catchments(self.geo.areas(level), kept, catchment)
        chosen = [r for r in records if r["area_code"] in kept]
        for record in chosen:
            record["covers"] = [record["area_code"], *joined[record["area_code"]]]
        chosen = apply_overrides(entry, chosen)
        return [{**r, **NATIONAL_OVERRIDES.get(str(r["id"]), {})} for r in chosen]

    def _choose(
        self,
        entry: ProviderEntry,
        level: AreaLevel,
        every: int,
        catchment: AreaLevel,
        base: Fields,
        records: list[Fields],
    ) -> set[str]:
        """Area codes that get a provider: the programme's, the named ones, one in each
        ``catchment`` area that has none yet, then random ones up to the national total."""
        programme = self.programme.areas(level)
        kept = {a.code for i, a in enumerate(programme, 1) if i % every != 0}
        named = set(entry.overrides) | set(NATIONAL_OVERRIDES)
        kept |= {str(r["area_code"]) for r in records if r["id"] in named}
        in_programme = {a.code for a in programme}
        eligible = [a.code for a in self.geo.areas(level) if a.code not in in_programme]
        length = _CODE_LENGTH[catchment]
        served = {c[:length] for c in kept}
        for enclosing, codes in _groups(eligible, length).items():
            if enclosing not in served:
                kept.add(self.rng.choice(codes))
        total = NATIONAL_TOTALS.get(str(base.get("kind")))
        if total is None:
            total = round(len(records) * (every - 1) / every)
        rest = [c for c in eligible if c not in kept]
        kept.update(self.rng.sample(rest, max(0, min(len(rest), total - len(kept)))))
        return kept


def _groups(codes: Sequence[str], length: int) -> dict[str, list[str]]:
    """``codes`` grouped by their first ``length`` characters (the enclosing area)."""
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(code[:length], []).append(code)
    return groups


def _catchments(areas: list[Area], kept: set[str], level: AreaLevel) -> dict[str, list[str]]:
    """For each kept area, the left-out areas that join it: the nearest-coded kept area
    within the same ``level`` area (ties to the lower code), as the programme loader does."""
    joined: dict[str, list[str]] = {code: [] for code in kept}
    for codes in _groups([a.code for a in areas], _CODE_LENGTH[level]).values():
        position = {code: i for i, code in enumerate(codes)}
        peers = [c for c in codes if c in kept]
        for code in (c for c in codes if c not in kept):
            if not peers:
                raise SeedError(f"no {level.value} provider near {code!r}")
            nearest = min(peers, key=lambda k: (abs(position[k] - position[code]), k))
            joined[nearest].append(code)
    return joined


def _tidy(record: Fields) -> Fields:
    """The record with Phnom Penh's names made municipal."""
    for key in ("name", "name_km"):
        value = record.get(key)
        if isinstance(value, str):
            for old, new in CAPITAL_CITY_NAMES:
                value = value.replace(old, new)
            record[key] = value
    return record


def _merge(records: list[Fields], singles: list[Fields]) -> list[Fields]:
    """Rule records with named single providers replacing those of the same id; singles
    that no rule makes come last."""
    by_id = {str(s["id"]): s for s in singles}
    merged = [by_id.pop(str(r["id"]), r) for r in records]
    return merged + [s for s in singles if str(s["id"]) in by_id]


# --- pathways ----------------------------------------------------------------------------


class _Candidates:
    """The targets of one rule and service, indexed by the areas they cover and sit in,
    so that matching is a few dictionary look-ups instead of a scan. Same results as
    ``seed.loader`` wherever codes nest by prefix."""

    def __init__(self, providers: list[Provider]) -> None:
        self.order = {p.id: i for i, p in enumerate(providers)}
        self.by_coverage: dict[str, list[Provider]] = {}
        self.by_location: dict[str, list[Provider]] = {}
        for p in providers:
            for code in p.coverage:
                self.by_coverage.setdefault(code, []).append(p)
            for code in ancestry(p.area_code):
                self.by_location.setdefault(code, []).append(p)

    def nearest(self, source: Provider) -> list[Provider]:
        """Candidates covering the source's area, most local coverage only."""
        for code in reversed(ancestry(source.area_code)):
            found = [c for c in self.by_coverage.get(code, []) if c.id != source.id]
            if found:
                return found
        return []

    def within(self, source: Provider) -> list[Provider]:
        """Candidates sitting inside the source's coverage, in provider order."""
        found = {
            c.id: c
            for code in source.coverage
            for c in self.by_location.get(code, [])
            if c.id != source.id
        }
        return sorted(found.values(), key=lambda c: self.order[c.id])


class _Directory:
    """The providers, indexed by kind and id for the rules' selectors."""

    def __init__(self, providers: list[Provider]) -> None:
        self.order = {p.id: i for i, p in enumerate(providers)}
        self.by_id = {p.id: p for p in providers}
        self.by_kind: dict[ProviderKind, list[Provider]] = {}
        for p in providers:
            self.by_kind.setdefault(p.kind, []).append(p)

    def picked(self, selector: Selector) -> list[Provider]:
        """The providers ``selector`` picks, in provider order."""
        chosen = {p.id: p for kind in selector.kinds for p in self.by_kind.get(kind, [])}
        chosen |= {i: self.by_id[i] for i in selector.ids if i in self.by_id}
        return sorted(chosen.values(), key=lambda p: self.order[p.id])


def _rule_pathways(rule: PathwayRule, directory: _Directory, synthetic: bool) -> Iterator[Pathway]:
    """The pathways of one rule, as ``seed.loader`` makes them, in the same order."""
    missing = (rule.source.ids | rule.target.ids) - directory.by_id.keys()
    if missing:
        raise SeedError(f"pathway rule names unknown providers: {sorted(missing)}")
    sources = directory.picked(rule.source)
    picked = directory.picked(rule.target)
    for service in rule.services:
        candidates = _Candidates([p for p in picked if service in p.services])
        match = candidates.within if rule.match == "within" else candidates.nearest
        for source in sources:
            targets = match(source)
            if not targets and rule.required:
                raise SeedError(f"no pathway target for {source.id!r} and {service.value!r}")
            for target in targets:
                yield make_pathway(rule, source, target, service, synthetic)


# --- public API --------------------------------------------------------------------------


def generate_national(seed: int = 2025) -> tuple[list[Provider], list[Pathway]]:
    """The national network's providers and pathways, validated; same seed, same output.

    Raises :class:`seed.loader.SeedError` when the programme files and the national rules
    do not fit together (unknown area, duplicate id, a required pathway without a target).
    """
    with collector_paused():
        return _generate_national(seed)


def _generate_national(seed: int) -> tuple[list[Provider], list[Pathway]]:
    root = files("seed") / "programme"
    areas = parse_document(AreasDocument, root, "areas.yaml")
    doc = parse_document(ProvidersDocument, root, "providers.yaml")
    geo = NationalGeography(national_areas(areas))
    builder = _Builder(doc, geo, Geography(areas), seed)
    providers = _village_overseers([make_provider(r, geo, doc.as_of) for r in builder.records()])
    check_unique("provider", [p.id for p in providers])
    rules = parse_document(PathwaysDocument, root, "pathways.yaml")
    directory = _Directory(providers)
    pathways = [
        pathway
        for rule in rules.rules
        for pathway in _rule_pathways(rule, directory, rules.synthetic)
    ]
    check_unique("pathway", [p.id for p in pathways])
    return providers, pathways


def _village_overseers(providers: list[Provider]) -> list[Provider]:
    """Village-level groups escalate to their commune's CCWC: the programme's rule names
    ``ccwc-{code}`` for a commune, which nationally must follow the village's parent."""
    ids = {p.id for p in providers}
    fixed = []
    for p in providers:
        missing = [o for o in p.overseen_by if o not in ids]
        if missing and p.kind is ProviderKind.VHSG:
            commune = gazetteer().area(p.area_code).parent_code
            p = p.model_copy(update={"overseen_by": (f"ccwc-{commune}",)})
        fixed.append(p)
    return fixed


def national_writes(seed: int = 2025, batch: int = 5000) -> list[Write]:
    """Every write of the national network, ``batch`` records per transaction: providers,
    pathways, then training sessions, people and attendance."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    providers, pathways = generate_national(seed)
    capacity = generate_national_training(providers, seed)
    capacity.people = with_languages(capacity.people, providers, national_languages())
    return directory_writes(providers, pathways, batch) + training_writes(capacity, batch)


def national_languages() -> Callable[[str], list[Language]]:
    """Who speaks what where, nationally (the programme's assumption and
    :data:`NATIONAL_LANGUAGES`): given to the sample people of community providers."""
    areas = parse_document(AreasDocument, files("seed") / "programme", "areas.yaml")
    return NationalGeography(national_areas(areas)).languages_for


def load_national(
    store: Store,
    seed: int = 2025,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Generate the national network with its capacity building and write it in
    transactions of ``batch`` rows: providers, pathways, training sessions, people, then
    attendance (insert or replace, so loading twice is harmless).

    ``progress(n)`` is called after each batch with the rows that batch wrote. Returns
    the rows written.
    """
    return run_writes(store, national_writes(seed, batch), progress)

"""Places as the pages name them: areas of the gazetteer in the page language, and the
area codes a page takes in a filter."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Protocol

from api.web.i18n import Lang, as_lang, t
from referral_graph.domain.areas import Area, gazetteer
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.domain.vocabulary import AreaLevel
from referral_graph.security.policy import NATIONAL

#: A province, district or commune code, as a report or a filter takes it.
AREA = re.compile(r"^\d{2}(\d{2}){0,2}$")
#: Any area of the gazetteer: province, district, commune or village.
ANY_AREA = re.compile(r"^\d{2}(\d{2}){0,3}$")
#: The programme's provinces: Preah Vihear, Siem Reap, Stung Treng.
PROGRAMME_PROVINCES = ("16", "17", "19")


class Named(Protocol):
    """An area, or a report's row for one: named in English and Khmer."""

    @property
    def name_en(self) -> str: ...

    @property
    def name_km(self) -> str: ...


def name_of(area: Named, lang: str) -> str:
    """An area's name in the page language (its English name when it has no Khmer)."""
    return (area.name_km or area.name_en) if lang == "km" else area.name_en


def area_name(code: str | None, lang: str) -> str:
    """An area by name ('Siem Reap'); the whole country for none; its code if unknown."""
    if code in (None, NATIONAL):
        return t("whole_country", as_lang(lang))
    try:
        area = gazetteer().area(code)
    except ReferralGraphError:
        return code
    return name_of(area, lang)


def place_name(code: str, lang: Lang) -> str:
    """A village or commune by name ('Kouk Thlok, Char Chhuk'), its code if unknown."""
    try:
        lineage = gazetteer().lineage(code)
    except ReferralGraphError:
        return code
    names = [name_of(a, lang) for a in lineage]
    return ", ".join(reversed(names[2:])) or names[-1]


def village_name(code: str, lang: str) -> str:
    """A case's village with its commune, district and province, smallest first."""
    try:
        lineage = gazetteer().lineage(code)
    except ReferralGraphError:
        return code
    return ", ".join(reversed([name_of(a, lang) for a in lineage[1:]]))


def area_problem(code: str, pattern: re.Pattern[str] = ANY_AREA) -> str | None:
    """The mistake in an area code typed in a form (a message id), if any."""
    if not pattern.match(code):
        return "err_area"
    try:
        gazetteer().area(code)
    except ReferralGraphError:
        return "err_area"
    return None


def communes_of(roots: Iterable[str]) -> Iterator[tuple[Area, list[Area]]]:
    """The communes within each of ``roots`` (a commune is within itself), in code order,
    each with its villages: lazily, so that a form listing places stops reading as
    soon as it has too many to list."""
    g = gazetteer()
    for root in roots:
        for commune in sorted(g.within(root, AreaLevel.COMMUNE), key=lambda a: a.code):
            yield commune, sorted(g.children(commune.code), key=lambda a: a.code)


#: More villages than a form lists: it asks for the village code instead.
MAX_VILLAGES = 400
VillageGroups = list[tuple[str, list[tuple[str, str, str]]]]


def village_groups(coverage: Iterable[str] | None) -> VillageGroups:
    """The villages of a coverage, by commune: [(commune name, [(code, en, km)])]; none
    when there are more than :data:`MAX_VILLAGES` (the form asks for the code, as for
    the helpline)."""
    if coverage is None:
        return []
    groups: VillageGroups = []
    total = 0
    for commune, villages in communes_of(coverage):
        total += len(villages)
        if total > MAX_VILLAGES:
            return []
        groups.append(
            (
                f"{commune.name_en} / {commune.name_km}",
                [(v.code, v.name_en, v.name_km) for v in villages],
            )
        )
    return groups

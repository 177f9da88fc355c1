"""The geography of the synthetic national network (split from :mod:`seed.national`):
every province a programme province of all its districts, with Phnom Penh's khans and
sangkats, village names, provincial towns and the languages of each area [A]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from referral_graph.domain.areas import Area, gazetteer
from referral_graph.domain.vocabulary import AreaLevel, Language
from seed.loader import (
    AreasDocument,
    Geography,
    Municipalities,
    ProgrammeProvince,
    SeedError,
    UnitName,
)

L = Language

#: The district of each provincial town, where provincial offices sit [A] (the seat of
#: the provincial administration; Doun Penh for Phnom Penh). Programme provinces take
#: theirs from areas.yaml.
CAPITALS: Final[Mapping[str, str]] = {
    "01": "0106", "02": "0203", "03": "0305", "04": "0403", "05": "0502",
    "06": "0603", "07": "0708", "08": "0811", "09": "0904", "10": "1002",
    "11": "1105", "12": "1202", "13": "1308", "14": "1410", "15": "1505",
    "16": "1602", "17": "1710", "18": "1801", "19": "1904", "20": "2006",
    "21": "2108", "22": "2204", "23": "2302", "24": "2401", "25": "2506",
}  # fmt: skip

#: Municipalities (krong), made of sangkats: the 31 district-level krong [A] (Wikipedia,
#: "List of districts, municipalities and sections in Cambodia"; the gazetteer has no unit
#: type). Only names depend on it.
MUNICIPALITIES: Final = frozenset(
    {
        "0106", "0110", "0203", "0305", "0403", "0502", "0509", "0603", "0708", "0811",
        "0812", "0813", "0904", "1002", "1105", "1308", "1410", "1505", "1602", "1710",
        "1801", "1805", "1904", "2006", "2008", "2108", "2204", "2301", "2302", "2401",
        "2506",
    }
)  # fmt: skip

#: Phnom Penh is made of sections (khan) of sangkats.
CAPITAL_CITY: Final = "12"
KHAN: Final = UnitName(en="Khan", km="ខណ្ឌ")
SANGKAT: Final = UnitName(en="Sangkat", km="សង្កាត់")
VILLAGE: Final = UnitName(en="Village", km="ភូមិ")

#: Conventional English spellings where the gazetteer's differ (programme provinces take
#: theirs from areas.yaml).
PROVINCE_NAMES: Final[Mapping[str, str]] = {"11": "Mondulkiri", "22": "Oddar Meanchey"}

#: Languages of community providers outside the areas areas.yaml lists [A]. Khmer
#: everywhere; indigenous languages where the ethnographic literature places them
#: (Jarai in Andoung Meas and Ou Ya Dav, Brao in Ta Veaeng, Kreung in Ou Chum and Veun Sai,
#: Kavet in Veun Sai, Bunong in Mondulkiri and southern Kratie); Lao in the north-east.
#: Kuy, the main indigenous language of Preah Vihear and Kratie, is not in the vocabulary.
NATIONAL_LANGUAGES: Final[Mapping[str, list[Language]]] = {
    "1601": [L.KHMER, L.JARAI, L.TAMPUAN],
    "1604": [L.KHMER, L.TAMPUAN, L.LAO],
    "1605": [L.KHMER, L.TAMPUAN, L.LAO],
    "1606": [L.KHMER, L.KREUNG, L.TAMPUAN],
    "1607": [L.KHMER, L.JARAI],
    "1608": [L.KHMER, L.BRAO, L.KREUNG],
    "1609": [L.KHMER, L.KREUNG, L.BRAO, L.KAVET, L.LAO],
    "11": [L.KHMER, L.BUNONG],
    "10": [L.KHMER],
    "1004": [L.KHMER, L.BUNONG, L.LAO],  # Sambour
    "1005": [L.KHMER, L.BUNONG],  # Snuol
    "1007": [L.KHMER, L.BUNONG],  # Ou Krieng Saen Chey
    "13": [L.KHMER],
    "1303": [L.KHMER, L.LAO],  # Choam Ksan, on the Lao border
}

# --- geography ---------------------------------------------------------------------------


class NationalGeography(Geography):
    """The programme geography widened to every area, with Phnom Penh's khans and sangkats
    and village names."""

    def __init__(self, doc: AreasDocument) -> None:
        super().__init__(doc)
        self._languages = doc.languages

    def languages_for(self, code: str) -> list[Language]:
        """The languages of the most specific ``languages`` entry containing ``code``
        (by the gazetteer's parents, a look-up per level rather than a scan)."""
        for ancestor in reversed(ancestry(code)):
            if ancestor in self._languages:
                return self._languages[ancestor]
        raise SeedError(f"no languages for area {code!r}")

    def unit(self, area: Area) -> UnitName:
        """What the area is called; Phnom Penh has khans and sangkats."""
        if area.code.startswith(CAPITAL_CITY) and area.level == AreaLevel.DISTRICT:
            return KHAN
        if area.code.startswith(CAPITAL_CITY) and area.level == AreaLevel.COMMUNE:
            return SANGKAT
        if area.level == AreaLevel.VILLAGE:
            return VILLAGE
        return super().unit(area)


def national_areas(programme: AreasDocument) -> AreasDocument:
    """``areas.yaml`` with every province a programme province of all its districts."""
    listed = {p.code: p for p in programme.provinces}
    provinces = [
        ProgrammeProvince(
            code=p.code,
            name_en=listed[p.code].name_en if p.code in listed else province_name(p),
            capital=listed[p.code].capital if p.code in listed else CAPITALS[p.code],
            districts="all",
        )
        for p in sorted(gazetteer().children(None), key=lambda a: a.code)
    ]
    languages = {p.code: [L.KHMER] for p in provinces} | dict(NATIONAL_LANGUAGES)
    return AreasDocument(
        national_capital=programme.national_capital,
        provinces=provinces,
        unit_names=programme.unit_names,
        municipalities=Municipalities(
            districts=programme.municipalities.districts | MUNICIPALITIES,
            unit_names=programme.municipalities.unit_names,
        ),
        languages=languages | programme.languages,
    )


def ancestry(code: str) -> list[str]:
    """The area and the areas containing it, province first, by the gazetteer's parents.

    Not by code prefix: 43 villages of the 2025 gazetteer carry a code whose commune part
    differs from their parent commune (e.g. ``04061500`` lies in commune ``040614``).
    """
    return [a.code for a in gazetteer().lineage(code)]


def province_name(province: Area) -> str:
    return PROVINCE_NAMES.get(province.code, province.name_en)


def areas_of(level: AreaLevel) -> list[Area]:
    """Every gazetteer area of one level, sorted by code."""
    return sorted((a for a in gazetteer().all() if a.level == level), key=lambda a: a.code)

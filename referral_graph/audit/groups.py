"""How audit figures are grouped, and the names groups are shown with.

A group key is never a case: it is a receiving provider, a pathway edge (sender →
receiver), an area of the child's village (commune, district, province) or the local
month the referral was made in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.period import REPORT_TZ, month_of
from referral_graph.domain.areas import gazetteer
from referral_graph.domain.errors import UnknownArea
from referral_graph.domain.records import HopFact

EDGE_ARROW = " → "


class GroupBy(StrEnum):
    PROVIDER = "provider"
    EDGE = "edge"
    COMMUNE = "commune"
    DISTRICT = "district"
    PROVINCE = "province"
    MONTH = "month"


class Label(BaseModel):
    """A name in English and in Khmer (Khmer falls back to English when unknown)."""

    model_config = ConfigDict(frozen=True)

    en: str
    km: str

    def in_lang(self, lang: str) -> str:
        return self.km if lang == "km" else self.en


#: Provider id → its name (English, Khmer).
ProviderNames = Mapping[str, Label]
Keyer = Callable[[HopFact], str]

_AREA_LENGTH = {GroupBy.COMMUNE: 6, GroupBy.DISTRICT: 4, GroupBy.PROVINCE: 2}


def keyer(by: GroupBy, tz: str = REPORT_TZ) -> Keyer:
    """The function giving a fact's group key under ``by``."""
    if by is GroupBy.PROVIDER:
        return lambda f: f.to_provider_id
    if by is GroupBy.EDGE:
        return lambda f: f"{f.from_provider_id}{EDGE_ARROW}{f.to_provider_id}"
    if by is GroupBy.MONTH:
        return lambda f: month_of(f.created_at, tz)
    length = _AREA_LENGTH[by]
    return lambda f: f.village_code[:length]


def provider_label(provider_id: str, names: ProviderNames) -> Label:
    return names.get(provider_id, Label(en=provider_id, km=provider_id))


def edge_label(sender: str, receiver: str, names: ProviderNames) -> Label:
    a, b = provider_label(sender, names), provider_label(receiver, names)
    return Label(en=f"{a.en}{EDGE_ARROW}{b.en}", km=f"{a.km}{EDGE_ARROW}{b.km}")


def area_label(code: str) -> Label:
    try:
        area = gazetteer().area(code)
    except UnknownArea:
        return Label(en=code, km=code)
    return Label(en=area.name_en, km=area.name_km or area.name_en)


def label_of(by: GroupBy, key: str, names: ProviderNames) -> Label:
    """The name to show for group ``key`` under ``by``."""
    if by is GroupBy.PROVIDER:
        return provider_label(key, names)
    if by is GroupBy.EDGE:
        sender, receiver = key.split(EDGE_ARROW, 1)
        return edge_label(sender, receiver, names)
    if by is GroupBy.MONTH:
        return Label(en=key, km=key)
    return area_label(key)

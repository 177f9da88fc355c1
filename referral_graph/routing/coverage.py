"""Where the network is thin: for each commune and service, how a child is reached."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from referral_graph.domain.areas import common_level, gazetteer
from referral_graph.domain.vocabulary import AreaLevel, DeliveryMode, Gender, Service
from referral_graph.routing.graph import DirectoryGraph


class ServiceReach(BaseModel):
    service: Service
    reach: str  # in_person | phone | online | none
    providers: int


class CommuneCoverage(BaseModel):
    commune_code: str
    name_en: str
    name_km: str
    services: list[ServiceReach]


def coverage(
    graph: DirectoryGraph,
    area: str,
    services: list[Service],
    *,
    age: int | None = None,
    gender: Gender | None = None,
    today: date | None = None,
) -> list[CommuneCoverage]:
    """For every commune in ``area``: per service, the best way a child there is reached
    (on ``today``: services that follow training count only with trained staff)."""
    today = today or date.today()
    out = []
    for commune in sorted(gazetteer().within(area, AreaLevel.COMMUNE), key=lambda a: a.code):
        serving = graph.serving(commune.code)
        reaches = []
        for service in services:
            ways: dict[str, int] = {}
            for pid in serving & graph.by_service.get(service, set()):
                p = graph.providers[pid]
                if not p.active or not graph.offers(p, service, today):
                    continue
                if age is not None and gender is not None and not p.eligibility.admits(age, gender):
                    continue
                if DeliveryMode.IN_PERSON in p.modes and common_level(p.area_code, commune.code):
                    ways["in_person"] = ways.get("in_person", 0) + 1
                for mode in (DeliveryMode.PHONE, DeliveryMode.ONLINE):
                    if mode in p.modes:
                        ways[mode.value] = ways.get(mode.value, 0) + 1
            best = next((w for w in ("in_person", "phone", "online") if w in ways), "none")
            reaches.append(ServiceReach(service=service, reach=best, providers=ways.get(best, 0)))
        out.append(
            CommuneCoverage(
                commune_code=commune.code,
                name_en=commune.name_en,
                name_km=commune.name_km,
                services=reaches,
            )
        )
    return out

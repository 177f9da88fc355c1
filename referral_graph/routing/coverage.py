"""Where the network is thin: for each commune and service, how a child is reached.

Every filter counts alone and with the others: a child's age, gender and language each
leave out the providers that would not take (or understand) that child. A service is a
gap in a commune when no suitable mode reaches a child there: nothing in person in the
province for a service given in person, nothing at all for a service given by phone (or
given only remotely anywhere in the directory). Services that are not for children
(clinical supervision, for the network's own staff) are not coverage. Communes outside
the programme's areas are marked, so a coordinator can tell the programme's own gaps
from the rest of the province.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, Field

from referral_graph.domain.areas import common_level, gazetteer, lineage_codes
from referral_graph.domain.models import Provider
from referral_graph.domain.vocabulary import AreaLevel, DeliveryMode, Gender, Language, Service
from referral_graph.routing.graph import DirectoryGraph, district_of

#: Services the network gives its own staff, not children.
NOT_FOR_CHILDREN = frozenset({Service.SUPERVISION})
#: The services coverage is about, in vocabulary order.
CHILD_SERVICES = tuple(s for s in Service if s not in NOT_FOR_CHILDREN)
#: Services given by phone: reaching the child by phone is reaching the child.
REMOTE_SERVICES = frozenset({Service.PHONE_COUNSELLING})


class ServiceReach(BaseModel):
    service: Service
    reach: str = Field(description="How a child is best reached: in_person, phone, online, none.")
    providers: int
    gap: bool = Field(description="No suitable mode reaches the child for this service.")


class CommuneCoverage(BaseModel):
    commune_code: str
    name_en: str
    name_km: str
    district_code: str | None = None
    in_programme: bool = Field(True, description="Inside the programme's areas.")
    services: list[ServiceReach]


def admits(provider: Provider, age: int | None, gender: Gender | None) -> bool:
    """Whether the provider takes a child of this age and gender (each alone when the
    other is not given)."""
    rules = provider.eligibility
    if age is not None and not rules.min_age <= age <= rules.max_age:
        return False
    return gender is None or not rules.genders or gender in rules.genders


def in_programme(code: str, programme: Sequence[str]) -> bool:
    """Whether an area lies inside the programme's areas (all of them when none are set)."""
    return not programme or any(c in lineage_codes(code) for c in programme)


def coverage(
    graph: DirectoryGraph,
    area: str,
    services: Sequence[Service],
    *,
    age: int | None = None,
    gender: Gender | None = None,
    language: Language | None = None,
    today: date | None = None,
    programme: Sequence[str] = (),
    programme_only: bool | None = None,
) -> list[CommuneCoverage]:
    """For every commune in ``area``: per service, the best way a child there is reached
    (on ``today``: services that follow training count only with trained staff).
    ``programme``: the programme's area codes; ``programme_only`` True keeps the
    communes inside them, False those outside, None all."""
    today = today or date.today()
    out = []
    for commune in sorted(gazetteer().within(area, AreaLevel.COMMUNE), key=lambda a: a.code):
        inside = in_programme(commune.code, programme)
        if programme_only is not None and inside is not programme_only:
            continue
        serving = graph.serving(commune.code)
        reaches = []
        for service in services:
            ways: dict[str, int] = {}
            for pid in serving & graph.by_service.get(service, set()):
                p = graph.providers[pid]
                if not p.active or not graph.offers(p, service, today):
                    continue
                if not admits(p, age, gender):
                    continue
                if language is not None and not graph.speaks(p, language):
                    continue
                if DeliveryMode.IN_PERSON in p.modes and common_level(p.area_code, commune.code):
                    ways["in_person"] = ways.get("in_person", 0) + 1
                for mode in (DeliveryMode.PHONE, DeliveryMode.ONLINE):
                    if mode in p.modes:
                        ways[mode.value] = ways.get(mode.value, 0) + 1
            best = next((w for w in ("in_person", "phone", "online") if w in ways), "none")
            remote_is_enough = service in REMOTE_SERVICES or graph.only_remote(service)
            gap = best == "none" or (best != "in_person" and not remote_is_enough)
            reaches.append(
                ServiceReach(service=service, reach=best, providers=ways.get(best, 0), gap=gap)
            )
        out.append(
            CommuneCoverage(
                commune_code=commune.code,
                name_en=commune.name_en,
                name_km=commune.name_km,
                district_code=district_of(commune.code),
                in_programme=inside,
                services=reaches,
            )
        )
    return out

"""Awareness sessions in the capacity-building seed (split from :mod:`seed.training`):
how often each kind of community provider runs one, how many come, who (counts by age
group and gender, never a name), on which topic and where [A]."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Final

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.models import Provider
from referral_graph.domain.training import AgeGroup, AwarenessTopic, ParticipantCount
from referral_graph.domain.vocabulary import AreaLevel, Gender, ProviderKind

A, G = AgeGroup, Gender
K = ProviderKind

#: Awareness sessions [A]: days between two sessions of a provider, participants per
#: session, and the audience as weights of age group × gender.
AWARENESS_GAP: Final[Mapping[ProviderKind, tuple[int, int]]] = {
    K.VHSG: (50, 90),
    K.CCWC: (80, 140),
    K.HEALTH_CENTRE: (60, 110),
    K.SCHOOL: (70, 120),
}
AWARENESS_SIZE: Final[Mapping[ProviderKind, tuple[int, int]]] = {
    K.VHSG: (12, 35),
    K.CCWC: (15, 45),
    K.HEALTH_CENTRE: (10, 30),
    K.SCHOOL: (25, 60),
}
AUDIENCE: Final[Mapping[ProviderKind, Mapping[tuple[AgeGroup, Gender], float]]] = {
    K.VHSG: {
        (A.FROM_25, G.FEMALE): 0.35,
        (A.FROM_25, G.MALE): 0.15,
        (A.FROM_18_TO_24, G.FEMALE): 0.10,
        (A.FROM_18_TO_24, G.MALE): 0.06,
        (A.FROM_12_TO_17, G.FEMALE): 0.10,
        (A.FROM_12_TO_17, G.MALE): 0.09,
        (A.UNDER_12, G.FEMALE): 0.08,
        (A.UNDER_12, G.MALE): 0.07,
    },
    K.CCWC: {
        (A.FROM_25, G.FEMALE): 0.30,
        (A.FROM_25, G.MALE): 0.20,
        (A.FROM_18_TO_24, G.FEMALE): 0.12,
        (A.FROM_18_TO_24, G.MALE): 0.10,
        (A.FROM_12_TO_17, G.FEMALE): 0.15,
        (A.FROM_12_TO_17, G.MALE): 0.13,
    },
    K.HEALTH_CENTRE: {
        (A.FROM_25, G.FEMALE): 0.40,
        (A.FROM_25, G.MALE): 0.15,
        (A.FROM_18_TO_24, G.FEMALE): 0.20,
        (A.FROM_18_TO_24, G.MALE): 0.10,
        (A.FROM_12_TO_17, G.FEMALE): 0.10,
        (A.FROM_12_TO_17, G.MALE): 0.05,
    },
    K.SCHOOL: {
        (A.FROM_12_TO_17, G.FEMALE): 0.45,
        (A.FROM_12_TO_17, G.MALE): 0.42,
        (A.FROM_18_TO_24, G.FEMALE): 0.05,
        (A.FROM_18_TO_24, G.MALE): 0.04,
        (A.FROM_25, G.FEMALE): 0.02,
        (A.FROM_25, G.MALE): 0.02,
    },
}
#: Chance that a young participant counted themself as non-binary [A].
NON_BINARY: Final = 0.08
AWARENESS_TOPICS: Final[Mapping[ProviderKind, Mapping[AwarenessTopic, int]]] = {
    K.VHSG: {
        AwarenessTopic.POSITIVE_PARENTING: 3,
        AwarenessTopic.VIOLENCE_AGAINST_CHILDREN: 3,
        AwarenessTopic.WHERE_TO_GET_HELP: 2,
        AwarenessTopic.MENTAL_HEALTH: 2,
    },
    K.CCWC: {
        AwarenessTopic.CHILD_RIGHTS: 3,
        AwarenessTopic.VIOLENCE_AGAINST_CHILDREN: 3,
        AwarenessTopic.GBV: 2,
        AwarenessTopic.WHERE_TO_GET_HELP: 2,
    },
    K.HEALTH_CENTRE: {
        AwarenessTopic.MENTAL_HEALTH: 4,
        AwarenessTopic.GBV: 2,
        AwarenessTopic.WHERE_TO_GET_HELP: 2,
    },
    K.SCHOOL: {
        AwarenessTopic.ONLINE_SAFETY: 3,
        AwarenessTopic.MENTAL_HEALTH: 3,
        AwarenessTopic.CHILD_RIGHTS: 2,
        AwarenessTopic.VIOLENCE_AGAINST_CHILDREN: 2,
    },
}


def awareness_places(provider: Provider) -> list[str]:
    """Villages and communes where a provider holds awareness sessions [A]: a VHSG in the
    villages of its commune; a CCWC in its commune and villages; a health centre in the
    communes it serves; a school in the communes of its district."""
    gaz = gazetteer()
    area = gaz.area(provider.area_code)
    if area.level is AreaLevel.DISTRICT:
        return sorted(a.code for a in gaz.within(area.code, AreaLevel.COMMUNE))
    villages = sorted(a.code for a in gaz.within(area.code, AreaLevel.VILLAGE))
    if provider.kind is K.VHSG:
        return villages or [area.code]
    if provider.kind is K.HEALTH_CENTRE:
        return sorted(c for c in provider.coverage if gaz.area(c).level is AreaLevel.COMMUNE)
    return [area.code, *villages]


def participants(kind: ProviderKind, rng: random.Random) -> tuple[ParticipantCount, ...]:
    """Counts by age group and gender for one awareness session (never a name)."""
    low, high = AWARENESS_SIZE[kind]
    size = rng.randint(low, high)
    counts: dict[tuple[AgeGroup, Gender], int] = {}
    for cell, weight in AUDIENCE[kind].items():
        n = round(size * weight * rng.uniform(0.6, 1.4))
        if n > 0:
            counts[cell] = n
    young = [a for a in (A.FROM_12_TO_17, A.FROM_18_TO_24) if (a, G.FEMALE) in counts]
    if young and rng.random() < NON_BINARY:
        counts[(rng.choice(young), G.NON_BINARY)] = rng.randint(1, 2)
    if not counts:
        counts[next(iter(AUDIENCE[kind]))] = size
    return tuple(ParticipantCount(age_group=a, gender=g, count=n) for (a, g), n in counts.items())

"""The network page's picture, arranged by geography: one box per district of the area,
inside it the providers located at district level, then one box per commune with its
providers. The boxes are plain HTML laid out by CSS (they wrap to one column on a phone,
several on a wide screen, and can never overlap); a few lines of JavaScript
(``static/web/network.js``) draw the links between providers over them, read from the
table of links that is also the page without JavaScript.

Every provider keeps its whole name, never cut short, so two providers cannot end up
looking the same; the box around it says where it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from api.web.i18n import Lang
from api.web.places import area_name
from referral_graph.domain.models import Provider
from referral_graph.services.network import Load, Network


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    name: str
    kind: str
    load: Load | None

    @property
    def bottleneck(self) -> bool:
        return self.load is not None and self.load.bottleneck


@dataclass(slots=True)
class Commune:
    code: str
    name: str
    nodes: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class District:
    code: str
    name: str
    nodes: list[Node] = field(default_factory=list)  # located at district level
    communes: list[Commune] = field(default_factory=list)


def _node(p: Provider, network: Network, lang: Lang) -> Node:
    name = (p.name_km or p.name) if lang == "km" else p.name
    return Node(p.id, name, p.kind.value, network.loads.get(p.id))


def by_geography(network: Network, lang: Lang) -> list[District]:
    """The area's providers grouped by district, then commune, in code order."""
    districts: dict[str, District] = {}
    communes: dict[str, Commune] = {}
    for p in sorted(network.providers, key=lambda p: (p.area_code, p.kind.value, p.id)):
        code = p.area_code[:4]
        district = districts.get(code)
        if district is None:
            district = districts[code] = District(code, area_name(code, lang))
        if len(p.area_code) < 6:
            district.nodes.append(_node(p, network, lang))
            continue
        commune_code = p.area_code[:6]
        commune = communes.get(commune_code)
        if commune is None:
            commune = communes[commune_code] = Commune(commune_code, area_name(commune_code, lang))
            district.communes.append(commune)
        commune.nodes.append(_node(p, network, lang))
    return [districts[k] for k in sorted(districts)]

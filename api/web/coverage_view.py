"""The coverage page's filters, read from the query as typed: a service of the key
services, a district of the area, inside or outside the programme (anything else is
ignored, so a link typed by hand never fails)."""

from __future__ import annotations

from dataclasses import dataclass

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.vocabulary import AreaLevel, Service

#: Services whose reach by commune the coverage page shows.
KEY_SERVICES = (
    Service.PSYCHOLOGICAL_FIRST_AID,
    Service.COUNSELLING,
    Service.PHONE_COUNSELLING,
    Service.MEDICAL_CARE,
    Service.POST_RAPE_CARE,
    Service.CHILD_PROTECTION,
    Service.LEGAL_AID,
    Service.SHELTER,
)

#: The programme filter as the form sends it.
PROGRAMME = {"in": True, "out": False}


@dataclass(frozen=True)
class CoverageView:
    services: tuple[Service, ...]
    service: str
    district: str
    districts: tuple[str, ...]
    programme: str
    programme_only: bool | None


def coverage_view(area: str, service: str, district: str, programme: str) -> CoverageView:
    """The filters of the page for ``area`` (already checked to be the coordinator's)."""
    wanted = next((s for s in KEY_SERVICES if s.value == service), None)
    districts = tuple(
        sorted(a.code for a in gazetteer().within(area, AreaLevel.DISTRICT) if a.code != area)
    )
    return CoverageView(
        services=(wanted,) if wanted else KEY_SERVICES,
        service=wanted.value if wanted else "",
        district=district if district in districts else "",
        districts=districts,
        programme=programme if programme in PROGRAMME else "",
        programme_only=PROGRAMME.get(programme),
    )

"""The gazetteer: codes, levels, and villages whose code does not nest in their commune's."""

from __future__ import annotations

import pytest

from referral_graph.domain.areas import (
    area_contains,
    common_level,
    gazetteer,
    lineage_codes,
    scope,
)
from referral_graph.domain.errors import UnknownArea
from referral_graph.domain.vocabulary import AreaLevel, Service
from referral_graph.store.port import Page, ProviderQuery, Store
from tests.factories import provider

# Village 04061500 lies in commune 040614 (there is no commune 040615); 02140401 is
# given to two villages, in communes 021404 and 021405.
ODD_VILLAGE, ITS_COMMUNE, PREFIX_COMMUNE = "04061500", "040614", "040615"
TWICE_GIVEN = "02140401"


def test_the_gazetteer_has_every_level() -> None:
    g = gazetteer()
    counts = {level: sum(1 for a in g.all() if a.level is level) for level in AreaLevel}
    assert counts[AreaLevel.PROVINCE] == 25
    assert counts[AreaLevel.DISTRICT] > 200
    assert counts[AreaLevel.COMMUNE] > 1600
    assert g.area("1701").name_en == "Angkor Chum"
    with pytest.raises(UnknownArea):
        g.area("1799")


def test_villages_follow_parent_links_not_code_prefixes() -> None:
    assert PREFIX_COMMUNE not in gazetteer()
    assert gazetteer().area(ODD_VILLAGE).parent_code == ITS_COMMUNE
    assert lineage_codes(ODD_VILLAGE) == ("04", "0406", ITS_COMMUNE, ODD_VILLAGE)
    assert area_contains(ITS_COMMUNE, ODD_VILLAGE)
    assert common_level(ODD_VILLAGE, ITS_COMMUNE) is AreaLevel.COMMUNE
    assert common_level(ODD_VILLAGE, "040601") is AreaLevel.DISTRICT
    assert ODD_VILLAGE in scope(ITS_COMMUNE).codes
    assert scope("0406").prefix == "0406"


def test_a_code_given_to_two_villages_names_the_one_in_its_prefix_commune() -> None:
    village = gazetteer().area(TWICE_GIVEN)
    assert village.parent_code == "021404"
    assert village.name_en == "Mukh Rea Pir"
    assert TWICE_GIVEN in scope("021404").codes
    assert TWICE_GIVEN not in scope("021405").codes
    assert sum(1 for a in gazetteer().children("021405") if a.code == TWICE_GIVEN) == 0


def test_coverage_and_area_filters_use_the_real_commune(store: Store) -> None:
    right = provider(
        "right", kind="health_centre", services={Service.MEDICAL_CARE}, area_code=ITS_COMMUNE
    )
    wrong = provider(
        "wrong", kind="health_centre", services={Service.MEDICAL_CARE}, area_code="040601"
    )
    in_village = provider(
        "in-village", kind="vhsg", services={Service.IDENTIFICATION}, area_code=ODD_VILLAGE
    )
    assert right.serves_area(ODD_VILLAGE)
    assert not wrong.serves_area(ODD_VILLAGE)
    store.write(lambda tx: tx.load_directory([right, wrong, in_village], []))

    def ids(area: str) -> set[str]:
        listing = store.read(lambda tx: tx.list_providers(ProviderQuery(area=area), Page()))
        return {p.id for p in listing.items}

    assert ids(ITS_COMMUNE) == {"right", "in-village"}
    assert ids("040601") == {"wrong"}
    assert ids(ODD_VILLAGE) == {"right", "in-village"}
    assert ids("0406") == {"right", "wrong", "in-village"}

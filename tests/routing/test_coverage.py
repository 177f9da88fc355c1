"""Truthful gaps and coverage (issue 21, item 5): a gap only where no suitable mode
reaches the child; every coverage filter alone and together; no supervision; communes
outside the programme marked and filterable."""

from __future__ import annotations

import pytest

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.errors import InvalidInput, UnknownArea
from referral_graph.domain.hours import Hours
from referral_graph.domain.vocabulary import (
    AreaLevel,
    DeliveryMode,
    Gender,
    Language,
    ProviderKind,
    Service,
)
from referral_graph.routing.coverage import CHILD_SERVICES
from referral_graph.services import cases
from referral_graph.services import routing as routing_cases
from referral_graph.services.caller import Caller
from referral_graph.services.routing import Routing
from referral_graph.store.port import Store
from tests.factories import COMMUNE, T0, FakeClock, opening, provider
from tests.routing.helpers import speaker, wider_network

SHELTER = [Service.SHELTER]


def reach(rows: list, commune: str = COMMUNE) -> dict[Service, tuple[str, bool]]:  # type: ignore[type-arg]
    row = next(r for r in rows if r.commune_code == commune)
    return {s.service: (s.reach, s.gap) for s in row.services}


def test_every_filter_counts_alone_and_together(store: Store) -> None:
    routing = wider_network(store)  # the only shelter takes girls of 10 to 17
    assert reach(routing.coverage("1701", SHELTER)) == {Service.SHELTER: ("in_person", False)}
    assert reach(routing.coverage("1701", SHELTER, gender=Gender.MALE))[Service.SHELTER] == (
        "none",
        True,
    )
    assert reach(routing.coverage("1701", SHELTER, age=9))[Service.SHELTER][0] == "none"
    assert reach(routing.coverage("1701", SHELTER, age=12))[Service.SHELTER][0] == "in_person"
    assert reach(routing.coverage("1701", SHELTER, gender=Gender.FEMALE))[Service.SHELTER][0] == (
        "in_person"
    )
    together = routing.coverage("1701", SHELTER, age=12, gender=Gender.MALE)
    assert reach(together)[Service.SHELTER][0] == "none"
    assert (
        reach(routing.coverage("1701", SHELTER, age=12, gender=Gender.FEMALE))[Service.SHELTER][0]
        == "in_person"
    )


def test_a_language_filter_counts_the_people_who_speak_it(store: Store) -> None:
    routing = wider_network(store, speaker("nurse", "hc-a", Language.TAMPUAN))
    counselling = [Service.COUNSELLING]
    assert reach(routing.coverage("1701", counselling, language=Language.TAMPUAN)) == {
        Service.COUNSELLING: ("in_person", False)
    }
    assert reach(routing.coverage("1701", counselling, language=Language.JARAI)) == {
        Service.COUNSELLING: ("none", True)
    }


def test_phone_counselling_reached_by_phone_is_no_gap_but_counselling_by_phone_is(
    store: Store,
) -> None:
    routing = wider_network(store)
    online = provider(
        "online-only",
        ProviderKind.NGO,
        {Service.COUNSELLING},
        area_code="12",
        covers=("19",),
        modes=frozenset({DeliveryMode.ONLINE}),
        hours=Hours(always_open=True),
    )
    store.write(lambda tx: tx.load_directory([online], []))
    rows = routing.coverage("1901", [Service.PHONE_COUNSELLING, Service.COUNSELLING])
    assert rows
    for row in rows:
        found = {s.service: (s.reach, s.gap) for s in row.services}
        assert found[Service.PHONE_COUNSELLING] == ("phone", False)
        assert found[Service.COUNSELLING] == ("online", True)


def test_a_case_needing_phone_counselling_records_no_gap_where_the_phone_reaches(
    store: Store, clock: FakeClock
) -> None:
    routing = wider_network(store)
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(needs=[Service.PHONE_COUNSELLING, Service.SHELTER], gender=Gender.MALE),
    )
    result = routing.recommend(case.id, clock())
    assert [g.service for g in result.gaps] == [Service.SHELTER]


def test_supervision_is_not_a_childs_service(store: Store) -> None:
    routing = wider_network(store)
    caller = Caller.system(store, T0)
    rows = routing_cases.coverage(caller, routing, "170101")
    assert {s.service for s in rows[0].services} == set(CHILD_SERVICES)
    assert Service.SUPERVISION not in CHILD_SERVICES
    with pytest.raises(InvalidInput) as refused:
        routing_cases.coverage(caller, routing, "170101", [Service.SUPERVISION])
    assert refused.value.field == "service"
    with pytest.raises(UnknownArea) as unknown:
        routing_cases.coverage(caller, routing, "9999")
    assert unknown.value.field == "area"


def test_communes_outside_the_programme_are_marked_and_filtered(store: Store) -> None:
    routing = wider_network(store)
    programme = Routing(store, "Asia/Phnom_Penh", programme_areas=("1701",))
    rows = programme.coverage("17", [Service.COUNSELLING])
    inside = {r.commune_code for r in rows if r.in_programme}
    angkor_chum = {a.code for a in gazetteer().within("1701", AreaLevel.COMMUNE)}
    assert inside == angkor_chum
    assert all(r.district_code == "1701" for r in rows if r.in_programme)
    only_out = programme.coverage("17", [Service.COUNSELLING], programme_only=False)
    assert only_out and not {r.commune_code for r in only_out} & angkor_chum
    only_in = programme.coverage("17", [Service.COUNSELLING], programme_only=True)
    assert {r.commune_code for r in only_in} == angkor_chum
    # without programme areas, everything is the programme's
    assert all(r.in_programme for r in routing.coverage("1701", [Service.COUNSELLING]))
    with pytest.raises(UnknownArea):
        Routing(store, "Asia/Phnom_Penh", programme_areas=("9999",))

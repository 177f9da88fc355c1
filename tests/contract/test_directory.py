"""Contract of the directory port: providers, pathways, the directory version and
routing history (provider activity, service gaps)."""

from __future__ import annotations

from operator import methodcaller
from typing import Any

import pytest

from referral_graph.domain.errors import Conflict, StaleVersion, UnknownArea
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Eligibility, Pathway, Provider, utc_now
from referral_graph.domain.vocabulary import Gender, ProviderKind, Service
from referral_graph.services import directory
from referral_graph.services.caller import Caller
from referral_graph.store.port import (
    Page,
    PathwayQuery,
    ProviderActivity,
    ProviderQuery,
    ServiceGap,
    Store,
    Transaction,
)
from tests.contract.helpers import (
    ALL,
    HOUR,
    THREADS,
    add,
    ids,
    pathway_ids,
    race,
    referral,
    save,
    successes,
    version,
)
from tests.factories import T0, provider, small_network

S = ReferralStatus


# --- providers ---------------------------------------------------------------------


def test_add_and_get_provider_round_trips_the_model(any_store: Store) -> None:
    p = provider(
        "tpo-x",
        ProviderKind.NGO_COUNSELLOR,
        {Service.COUNSELLING, Service.GROUP_THERAPY},
        name_km="អង្គការ",
        area_code="17",
        covers=("1701", "1702"),
        eligibility=Eligibility(min_age=12, max_age=24, genders=frozenset({Gender.FEMALE})),
    )
    any_store.write(lambda tx: tx.add_provider(p))
    assert any_store.read(lambda tx: tx.get_provider("tpo-x")) == p


def test_duplicate_provider_is_a_conflict_and_changes_nothing(network: Store) -> None:
    before = version(network)
    clash = provider("hc-a", ProviderKind.SCHOOL, {Service.AWARENESS}, area_code="12")
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_provider(clash))
    stored = network.read(lambda tx: tx.get_provider("hc-a"))
    assert stored is not None and stored.kind is ProviderKind.HEALTH_CENTRE
    assert version(network) == before
    assert ids(network, area="12") == ["helpline"]


def test_unknown_provider_ids_are_none_or_absent(network: Store) -> None:
    assert network.read(lambda tx: tx.get_provider("nope")) is None
    found = network.read(lambda tx: tx.get_providers(["hc-a", "nope", "hc-a", "tpo-a"]))
    assert sorted(found) == ["hc-a", "tpo-a"]
    assert found["hc-a"].id == "hc-a"
    assert network.read(lambda tx: tx.get_providers([])) == {}


def test_list_providers_without_filters_is_every_provider_by_id(network: Store) -> None:
    listing = network.read(lambda tx: tx.list_providers(ProviderQuery(), Page()))
    assert [p.id for p in listing.items] == ALL
    assert listing.count == 6


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("17", ALL),  # province: located in or covering anything inside it
        ("1701", ALL),  # district
        ("1702", ["helpline", "tpo-a"]),  # covered by tpo-a (district) and helpline (province)
        ("170101", ALL),  # commune
        ("170102", ["helpline", "tpo-a"]),
        ("17010101", ALL),  # village inside everyone's area
        ("17020101", ["helpline", "tpo-a"]),
        ("12", ["helpline"]),  # located in Phnom Penh
        ("120101", ["helpline"]),  # inside the helpline's own area
        ("01", ["helpline"]),  # covered province
        ("0102", ["helpline"]),
    ],
)
def test_area_filter_matches_location_and_coverage_at_every_level(
    network: Store, area: str, expected: list[str]
) -> None:
    assert ids(network, area=area) == expected


def test_area_filter_matches_coverage_inside_the_area(any_store: Store) -> None:
    """A provider covering a commune shows up for its district and province too."""
    mobile = provider(
        "mobile", ProviderKind.NGO, {Service.COUNSELLING}, area_code="12", covers=("170102",)
    )
    any_store.write(lambda tx: tx.add_provider(mobile))
    for area in ("17", "1701", "170102", "17010201", "12", "1201"):
        assert ids(any_store, area=area) == ["mobile"], area
    for area in ("1702", "170101", "17010101", "01"):
        assert ids(any_store, area=area) == [], area


def test_area_filter_follows_the_gazetteer_not_the_code_prefix(any_store: Store) -> None:
    """Village 04061700 lies in commune 040614 though its code does not start with it."""
    village = provider(
        "in-village", ProviderKind.VHSG, {Service.IDENTIFICATION}, area_code="04061700"
    )
    commune = provider(
        "covers-commune",
        ProviderKind.CCWC,
        {Service.CASE_MANAGEMENT},
        area_code="12",
        covers=("040614",),
    )
    any_store.write(lambda tx: tx.load_directory([village, commune], []))
    assert ids(any_store, area="04061700") == ["covers-commune", "in-village"]
    assert ids(any_store, area="040614") == ["covers-commune", "in-village"]
    assert ids(any_store, area="0406") == ["covers-commune", "in-village"]
    assert ids(any_store, area="04061400") == ["covers-commune"]
    assert ids(any_store, area="040613") == []


def test_area_filter_refuses_what_is_not_an_area_code(network: Store) -> None:
    for code in ("17x", "99", "1799", ""):
        with pytest.raises(UnknownArea):
            ids(network, area=code)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"service": Service.COUNSELLING}, ["closed-hc", "hc-a", "tpo-a"]),
        ({"service": Service.SUPERVISION}, []),
        ({"kind": ProviderKind.HEALTH_CENTRE}, ["closed-hc", "hc-a"]),
        ({"age": 5}, ["ccwc-a", "closed-hc", "hc-a", "helpline", "tpo-a"]),
        ({"age": 17}, ALL),
        ({"age": 30}, ["ccwc-a", "closed-hc", "hc-a", "helpline"]),
        ({"gender": Gender.MALE}, ["ccwc-a", "closed-hc", "hc-a", "helpline", "tpo-a"]),
        ({"gender": Gender.FEMALE}, ALL),
        ({"active": False}, ["closed-hc"]),
        ({"active": True}, ["ccwc-a", "girls-only", "hc-a", "helpline", "tpo-a"]),
        ({"area": "1702", "service": Service.COUNSELLING}, ["tpo-a"]),
        (
            {"area": "170101", "service": Service.COUNSELLING, "active": True, "age": 15},
            ["hc-a", "tpo-a"],
        ),
        ({"kind": ProviderKind.SHELTER, "age": 15, "gender": Gender.FEMALE}, ["girls-only"]),
        ({"kind": ProviderKind.SHELTER, "age": 15, "gender": Gender.MALE}, []),
    ],
)
def test_provider_filters(network: Store, filters: dict[str, Any], expected: list[str]) -> None:
    assert ids(network, **filters) == expected


def test_provider_pagination_keeps_the_total(network: Store) -> None:
    def page(limit: int, offset: int, **filters: object) -> tuple[list[str], int]:
        query = ProviderQuery(**filters)  # type: ignore[arg-type]
        listing = network.read(lambda tx: tx.list_providers(query, Page(limit, offset)))
        return [p.id for p in listing.items], listing.count

    assert page(2, 0) == (ALL[:2], 6)
    assert page(2, 2) == (ALL[2:4], 6)
    assert page(4, 4) == (ALL[4:], 6)
    assert page(5, 6) == ([], 6)
    assert page(1, 1, area="1702") == (["tpo-a"], 2)
    assert page(0, 0) == ([], 6)


def test_save_provider_is_compare_and_set(network: Store) -> None:
    current = network.read(lambda tx: tx.get_provider("hc-a"))
    assert current is not None and current.version == 1
    renamed = current.model_copy(update={"name": "Renamed", "version": 2})
    network.write(lambda tx: tx.save_provider(renamed, 1))
    assert network.read(lambda tx: tx.get_provider("hc-a")) == renamed

    again = current.model_copy(update={"name": "Lost update", "version": 2})
    with pytest.raises(StaleVersion):
        network.write(lambda tx: tx.save_provider(again, 1))
    stored = network.read(lambda tx: tx.get_provider("hc-a"))
    assert stored is not None and stored.name == "Renamed"

    ghost = current.model_copy(update={"id": "ghost", "version": 2})
    with pytest.raises(StaleVersion):
        network.write(lambda tx: tx.save_provider(ghost, 1))
    assert network.read(lambda tx: tx.get_provider("ghost")) is None


def test_save_provider_moves_it_in_every_filter(network: Store) -> None:
    current = network.read(lambda tx: tx.get_provider("hc-a"))
    assert current is not None
    moved = Provider.model_validate(
        current.model_dump()
        | {
            "area_code": "120101",
            "covers": ("1201",),
            "services": {Service.PSYCHIATRIC_CARE},
            "kind": ProviderKind.REFERRAL_HOSPITAL,
            "eligibility": Eligibility(min_age=18, max_age=24),
            "active": False,
            "version": 2,
        }
    )
    network.write(lambda tx: tx.save_provider(moved, 1))
    assert "hc-a" not in ids(network, area="170101")
    assert ids(network, area="1201") == ["hc-a", "helpline"]
    assert ids(network, service=Service.PSYCHIATRIC_CARE) == ["hc-a"]
    assert ids(network, service=Service.MEDICAL_CARE) == []
    assert ids(network, kind=ProviderKind.REFERRAL_HOSPITAL) == ["hc-a"]
    assert "hc-a" not in ids(network, age=15)
    assert ids(network, active=False) == ["closed-hc", "hc-a"]


# --- pathways ----------------------------------------------------------------------


def test_pathways_add_get_and_conflict(network: Store) -> None:
    w = Pathway(
        id="pw-9",
        from_provider_id="tpo-a",
        to_provider_id="hc-a",
        service=Service.MEDICAL_CARE,
        note="Agreed at the March network meeting.",
    )
    network.write(lambda tx: tx.add_pathway(w))
    assert network.read(lambda tx: tx.get_pathway("pw-9")) == w
    assert network.read(lambda tx: tx.get_pathway("nope")) is None
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_pathway(w.model_copy(update={"service": Service.SHELTER})))
    stored = network.read(lambda tx: tx.get_pathway("pw-9"))
    assert stored is not None and stored.service is Service.MEDICAL_CARE


def test_pathway_to_an_unknown_provider_is_a_conflict(network: Store) -> None:
    w = Pathway(
        id="pw-x", from_provider_id="ccwc-a", to_provider_id="nope", service=Service.SHELTER
    )
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_pathway(w))
    assert network.read(lambda tx: tx.get_pathway("pw-x")) is None


def test_list_pathways_filters_and_pages(network: Store) -> None:
    assert pathway_ids(network) == ["pw-1", "pw-2", "pw-3"]
    assert pathway_ids(network, from_provider_id="ccwc-a") == ["pw-1", "pw-3"]
    assert pathway_ids(network, to_provider_id="tpo-a") == ["pw-2"]
    assert pathway_ids(network, service=Service.PHONE_COUNSELLING) == ["pw-3"]
    assert pathway_ids(network, from_provider_id="ccwc-a", service=Service.MEDICAL_CARE) == ["pw-1"]
    assert pathway_ids(network, from_provider_id="hc-a", to_provider_id="helpline") == []
    listing = network.read(lambda tx: tx.list_pathways(PathwayQuery(), Page(limit=1, offset=1)))
    assert [w.id for w in listing.items] == ["pw-2"]
    assert listing.count == 3


# --- the directory version ---------------------------------------------------------


def test_directory_version_grows_on_every_directory_write(any_store: Store) -> None:
    assert version(any_store) == 0
    providers, pathways = small_network()
    any_store.write(lambda tx: tx.load_directory(providers, pathways))
    seen = [version(any_store)]

    extra = provider("extra", ProviderKind.NGO, {Service.COUNSELLING})
    any_store.write(lambda tx: tx.add_provider(extra))
    seen.append(version(any_store))

    any_store.write(lambda tx: tx.save_provider(extra.model_copy(update={"version": 2}), 1))
    seen.append(version(any_store))

    w = Pathway(
        id="pw-9", from_provider_id="extra", to_provider_id="hc-a", service=Service.MEDICAL_CARE
    )
    any_store.write(lambda tx: tx.add_pathway(w))
    seen.append(version(any_store))

    bumped = any_store.write(lambda tx: tx.bump_directory_version())
    seen.append(version(any_store))

    assert seen == sorted(set(seen)) and seen[0] > 0
    assert bumped == seen[-1]


def test_directory_reads_see_writes_of_their_own_transaction(any_store: Store) -> None:
    p = provider("inside", ProviderKind.NGO, {Service.COUNSELLING}, area_code="0102")

    def work(tx: Transaction) -> tuple[int, list[str], bool]:
        before = tx.directory_version()
        tx.add_provider(p)
        listing = tx.list_providers(ProviderQuery(area="01"), Page())
        return before, [x.id for x in listing.items], tx.directory_version() > before

    assert any_store.write(work) == (0, ["inside"], True)


# --- routing history ---------------------------------------------------------------


def test_provider_activity(with_cases: Store) -> None:
    a = add(with_cases, referral("ref-a"))
    add(with_cases, referral("ref-b", at=T0 + HOUR))
    c = add(with_cases, referral("ref-c", receiver="tpo-a", service="counselling"))
    old = add(with_cases, referral("ref-old", at=T0 - 48 * HOUR))
    save(with_cases, a, S.RECEIVED, 0.5)
    c = save(with_cases, c, S.RECEIVED, 2)
    save(with_cases, c, S.REJECTED, 3)
    save(with_cases, old, S.RECEIVED, 1)

    activity = with_cases.read(lambda tx: tx.provider_activity(T0))
    assert activity == {
        "hc-a": ProviderActivity(3, (1800.0,)),
        "tpo-a": ProviderActivity(0, (7200.0,)),
    }
    later = with_cases.read(lambda tx: tx.provider_activity(T0 + 2 * HOUR))
    assert later == {"hc-a": ProviderActivity(3, ())}


def test_service_gaps_newest_first_inside_an_area(with_cases: Store) -> None:
    gaps = [
        ServiceGap("gap-1", "case-1", Service.COUNSELLING, "17010101", ("helpline",), T0),
        ServiceGap("gap-2", "case-2", Service.SHELTER, "17020101", (), T0 + HOUR),
        ServiceGap("gap-3", "case-1", Service.MEDICAL_CARE, "17010101", ("a", "b"), T0 + HOUR),
        ServiceGap("gap-4", "case-3", Service.COUNSELLING, "04061700", (), T0),
    ]
    for gap in gaps:
        with_cases.write(methodcaller("record_service_gap", gap))
    again = ServiceGap("gap-1", "case-1", Service.SHELTER, "17010101", (), T0 + 9 * HOUR)
    with_cases.write(lambda tx: tx.record_service_gap(again))  # recorded once

    def listed(area: str, page: Page | None = None) -> tuple[list[ServiceGap], int]:
        listing = with_cases.read(lambda tx: tx.service_gaps(area, page or Page()))
        return listing.items, listing.count

    assert listed("17") == ([gaps[1], gaps[2], gaps[0]], 3)
    assert listed("1701") == ([gaps[2], gaps[0]], 2)
    assert listed("17020101") == ([gaps[1]], 1)
    assert listed("12") == ([], 0)
    assert listed("17", Page(limit=1, offset=1)) == ([gaps[2]], 3)
    assert listed("040614") == ([gaps[3]], 1)
    assert listed("0406") == ([gaps[3]], 1)
    assert listed("04061700") == ([gaps[3]], 1)


def test_a_gap_of_an_unknown_case_is_refused(with_cases: Store) -> None:
    orphan = ServiceGap("gap-x", "case-gone", Service.COUNSELLING, "17010101", (), T0)
    with pytest.raises(Conflict) as refused:
        with_cases.write(lambda tx: tx.record_service_gap(orphan))
    assert refused.value.field == "case_id"
    assert with_cases.read(lambda tx: tx.service_gaps("17", Page())).count == 0


# --- concurrency -------------------------------------------------------------------


def test_concurrent_inserts_of_one_id_make_one_row(network: Store) -> None:
    def add(i: int) -> None:
        p = provider("twin", ProviderKind.NGO, {Service.COUNSELLING}, name=f"Twin {i}")
        network.write(lambda tx: tx.add_provider(p))

    results = race(THREADS, add)
    assert len(successes(results)) == 1, results
    assert all(isinstance(r, Conflict) for r in results if r is not None)
    listing = network.read(lambda tx: tx.get_providers(["twin"]))
    assert list(listing) == ["twin"]


def test_directory_version_loses_no_concurrent_bump(network: Store) -> None:
    before = network.read(lambda tx: tx.directory_version())

    def add(i: int) -> None:
        p = provider(f"p-{i}", ProviderKind.NGO, {Service.COUNSELLING})
        network.write(lambda tx: tx.add_provider(p))

    assert successes(race(THREADS, add)) == [None] * THREADS
    assert network.read(lambda tx: tx.directory_version()) == before + THREADS


def test_concurrent_provider_updates_with_one_expected_version(network: Store) -> None:
    results = race(
        THREADS,
        lambda i: directory.update_provider(
            Caller.system(network, utc_now()), "hc-a", {"name": f"Name {i}"}, 1
        ),
    )
    landed = successes(results)
    assert len(landed) == 1, results
    assert all(isinstance(r, StaleVersion) for r in results if isinstance(r, Exception))
    stored = directory.get_provider(Caller.system(network, utc_now()), "hc-a")
    assert stored == landed[0] and stored.version == 2

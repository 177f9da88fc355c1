"""Contract: providers, pathways and the directory version."""

from __future__ import annotations

from typing import Any

import pytest

from referral_graph.domain.errors import Conflict, StaleVersion, UnknownArea
from referral_graph.domain.models import Eligibility, Pathway, Provider
from referral_graph.domain.vocabulary import Gender, ProviderKind, Service
from referral_graph.store.port import Page, PathwayQuery, ProviderQuery, Store, Transaction
from tests.factories import provider, small_network

ALL = ["ccwc-a", "closed-hc", "girls-only", "hc-a", "helpline", "tpo-a"]


def ids(store: Store, page: Page | None = None, **filters: object) -> list[str]:
    query = ProviderQuery(**filters)  # type: ignore[arg-type]
    listing = store.read(lambda tx: tx.list_providers(query, page or Page(limit=100)))
    return [p.id for p in listing.items]


def version(store: Store) -> int:
    return store.read(lambda tx: tx.directory_version())


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


def pathway_ids(store: Store, page: Page | None = None, **filters: object) -> list[str]:
    query = PathwayQuery(**filters)  # type: ignore[arg-type]
    listing = store.read(lambda tx: tx.list_pathways(query, page or Page()))
    return [w.id for w in listing.items]


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


# --- bulk load and the directory version -------------------------------------------


def test_load_directory_inserts_or_replaces(any_store: Store) -> None:
    providers, pathways = small_network()
    assert any_store.write(lambda tx: tx.load_directory(providers, pathways)) == 9
    assert ids(any_store) == ALL

    changed = [
        providers[0].model_copy(update={"name": "CCWC renamed", "version": 2}),
        provider("new-one", ProviderKind.SCHOOL, {Service.AWARENESS}, area_code="0102"),
    ]
    rerouted = pathways[0].model_copy(update={"to_provider_id": "tpo-a"})
    assert any_store.write(lambda tx: tx.load_directory(changed, [rerouted])) == 3

    assert ids(any_store) == sorted([*ALL, "new-one"])
    stored = any_store.read(lambda tx: tx.get_provider("ccwc-a"))
    assert stored is not None and stored.name == "CCWC renamed" and stored.version == 2
    assert ids(any_store, area="01") == ["helpline", "new-one"]
    assert pathway_ids(any_store, to_provider_id="tpo-a") == ["pw-1", "pw-2"]
    assert pathway_ids(any_store, to_provider_id="hc-a") == []
    assert pathway_ids(any_store) == ["pw-1", "pw-2", "pw-3"]


def test_load_directory_with_a_dangling_pathway_changes_nothing(any_store: Store) -> None:
    providers, _ = small_network()
    dangling = Pathway(
        id="pw-x", from_provider_id="ccwc-a", to_provider_id="nope", service=Service.SHELTER
    )
    with pytest.raises(Conflict):
        any_store.write(lambda tx: tx.load_directory(providers, [dangling]))
    assert ids(any_store) == []
    assert version(any_store) == 0


def test_load_directory_in_large_batches(any_store: Store) -> None:
    base = small_network()[0][1]
    many = [base.model_copy(update={"id": f"hc-{i:05d}"}) for i in range(6_000)]
    assert any_store.write(lambda tx: tx.load_directory(many, [])) == 6_000
    listing = any_store.read(
        lambda tx: tx.list_providers(ProviderQuery(area="170101"), Page(limit=3, offset=5_998))
    )
    assert listing.count == 6_000
    assert [p.id for p in listing.items] == ["hc-05998", "hc-05999"]


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

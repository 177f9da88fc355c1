"""The national network: every area of the 2025 gazetteer, realistic counts, coherent
pathways, reproducible output, and it loads into a store.

Expected counts come from the gazetteer and cambodia.md, not from ``seed/national.py``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from importlib.resources import files
from pathlib import Path

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.areas import gazetteer
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.vocabulary import AreaLevel, Language, ProviderKind, Service
from referral_graph.store.port import Page, PathwayQuery, ProviderQuery
from seed import national
from seed.languages import with_languages
from seed.loader import PathwaysDocument, load_programme, parse_document
from seed.national import _Directory, _rule_pathways, generate_national

Network = tuple[list[Provider], list[Pathway]]

#: Real services and facilities (cambodia.md facts 12, 14–16); everything else is invented.
REAL = frozenset(
    {
        "helpline-1280",
        "tpo-phone",
        "tpo-supervisor",
        "rh-1701",
        "rh-1603",
        "prh-17",
        "prh-16",
        "hc-190303",  # Santepheap Health Centre, Siem Pang
        "hc-160103",  # Nhang Health Centre, Andoung Meas
        "ahc-swu",
        "cwcc-17",
        "kaliyan-mith",
    }
)
#: Provinces whose community providers speak indigenous languages (the brief; fact 18).
INDIGENOUS_PROVINCES = ("16", "11", "19", "10")
INDIGENOUS = frozenset(Language) - {Language.KHMER, Language.ENGLISH, Language.LAO}
COMMUNITY = frozenset({ProviderKind.VHSG, ProviderKind.CCWC, ProviderKind.HEALTH_CENTRE})


def codes(level: AreaLevel) -> set[str]:
    return {a.code for a in gazetteer().all() if a.level == level}


def province_of(provider: Provider) -> str:
    return provider.area_code[:2]


@pytest.fixture(scope="module")
def network() -> Network:
    return generate_national()


@pytest.fixture(scope="module")
def providers(network: Network) -> dict[str, Provider]:
    return {p.id: p for p in network[0]}


@pytest.fixture(scope="module")
def pathways(network: Network) -> list[Pathway]:
    return network[1]


def of_kind(providers: dict[str, Provider], kind: ProviderKind) -> list[Provider]:
    return [p for p in providers.values() if p.kind == kind]


# --- counts --------------------------------------------------------------------------------


def test_a_vhsg_per_village_and_a_ccwc_per_commune(providers: dict[str, Provider]) -> None:
    vhsgs = [p.area_code for p in of_kind(providers, ProviderKind.VHSG)]
    ccwcs = [p.area_code for p in of_kind(providers, ProviderKind.CCWC)]
    assert sorted(vhsgs) == sorted(codes(AreaLevel.VILLAGE))
    assert sorted(ccwcs) == sorted(codes(AreaLevel.COMMUNE))
    assert len(ccwcs) == 1661


def test_about_0_8_health_centres_per_commune(providers: dict[str, Provider]) -> None:
    centres = of_kind(providers, ProviderKind.HEALTH_CENTRE)
    communes = codes(AreaLevel.COMMUNE)
    assert 0.75 <= len(centres) / len(communes) <= 0.85
    assert {p.area_code for p in centres} <= communes
    # Every commune lies in exactly one health centre's catchment, inside its district.
    served = Counter(code for p in centres for code in p.coverage)
    assert set(served) == communes
    assert set(served.values()) == {1}
    assert all(code[:4] == p.area_code[:4] for p in centres for code in p.coverage)


def test_district_providers(providers: dict[str, Provider]) -> None:
    districts = codes(AreaLevel.DISTRICT)
    for kind in (ProviderKind.DOSVY, ProviderKind.POLICE):
        assert sorted(p.area_code for p in of_kind(providers, kind)) == sorted(districts)
    schools = Counter(p.area_code for p in of_kind(providers, ProviderKind.SCHOOL))
    assert set(schools) == districts
    assert all(2 <= n <= 4 for n in schools.values())
    # A referral hospital in every district, the provincial one in the provincial town.
    hospitals = {
        p.area_code
        for p in providers.values()
        if p.kind in {ProviderKind.REFERRAL_HOSPITAL, ProviderKind.PROVINCIAL_HOSPITAL}
    }
    assert hospitals == districts


def test_every_province_has_hospital_departments_and_counsellors(
    providers: dict[str, Provider],
) -> None:
    by_province: dict[str, Counter[ProviderKind]] = defaultdict(Counter)
    for p in providers.values():
        by_province[province_of(p)][p.kind] += 1
    for province in codes(AreaLevel.PROVINCE):
        kinds = by_province[province]
        assert kinds[ProviderKind.PROVINCIAL_HOSPITAL] == 1, province
        assert kinds[ProviderKind.PROVINCIAL_DEPARTMENT] == 3, province
        assert kinds[ProviderKind.NGO_COUNSELLOR] == 2, province
    for p in of_kind(providers, ProviderKind.PROVINCIAL_HOSPITAL):
        assert p.coverage == (province_of(p),)


def test_national_phone_services(providers: dict[str, Provider]) -> None:
    helpline, phone = providers["helpline-1280"], providers["tpo-phone"]
    assert helpline.hours.always_open
    assert helpline.eligibility.max_age == 25
    assert set(helpline.coverage) == codes(AreaLevel.PROVINCE)
    assert helpline.interpreter_support and phone.interpreter_support
    assert Service.PHONE_COUNSELLING in phone.services


# --- records -------------------------------------------------------------------------------


def test_ids_are_unique(network: Network) -> None:
    providers, pathways = network
    assert len({p.id for p in providers}) == len(providers)
    assert len({w.id for w in pathways}) == len(pathways)


def test_every_area_exists(providers: dict[str, Provider]) -> None:
    gaz = gazetteer()
    for p in providers.values():
        assert p.area_code in gaz, p.id
        assert all(code in gaz for code in p.coverage), p.id


def test_synthetic_except_real_services(providers: dict[str, Provider]) -> None:
    assert {p.id for p in providers.values() if not p.synthetic} == REAL


def test_eligibility(providers: dict[str, Provider]) -> None:
    for p in of_kind(providers, ProviderKind.NGO_COUNSELLOR):
        assert p.eligibility.lgbtiq_affirming
        assert (p.eligibility.min_age, p.eligibility.max_age) == (0, 24)
    for p in of_kind(providers, ProviderKind.DOSVY):
        assert p.eligibility.max_age == 17
    for p in of_kind(providers, ProviderKind.SCHOOL):
        assert (p.eligibility.min_age, p.eligibility.max_age) == (12, 20)


def test_languages(providers: dict[str, Provider]) -> None:
    """Community providers declare Khmer; who speaks a minority language is said by their
    (synthetic) people, by the assumption of where each language is spoken."""
    community = [p for p in providers.values() if p.kind in COMMUNITY]
    assert all(p.languages == {Language.KHMER} for p in community)
    spoken_in = national.national_languages()
    for province in INDIGENOUS_PROVINCES:
        local = [p for p in community if province_of(p) == province]
        assert any(set(spoken_in(p.area_code)) & INDIGENOUS for p in local), province
    sample = [p for p in community if province_of(p) in ("11", "21")][:400]
    people = with_languages(national.generate_national_training(sample).people, sample, spoken_in)
    where = {p.id: province_of(p) for p in sample}
    assert any(Language.BUNONG in p.languages for p in people if where[p.provider_id] == "11")
    # Elsewhere, Khmer only (no invented minorities).
    assert all(p.languages == {Language.KHMER} for p in people if where[p.provider_id] == "21")


def test_programme_providers_keep_their_ids(providers: dict[str, Provider]) -> None:
    """The national network is the programme's, scaled: same ids for the same entities.
    The programme's commune-level VHSG groups are village groups here."""
    programme, _ = load_programme()
    for p in programme:
        if p.kind == ProviderKind.VHSG:
            continue
        assert p.id in providers, p.id
        assert (providers[p.id].kind, providers[p.id].area_code) == (p.kind, p.area_code)


# --- pathways ------------------------------------------------------------------------------


def test_pathways_are_coherent(providers: dict[str, Provider], pathways: list[Pathway]) -> None:
    for w in pathways:
        source, target = providers[w.from_provider_id], providers[w.to_provider_id]
        assert w.service in target.services, w.id
        assert source.active and target.active and w.active, w.id
        assert w.synthetic, w.id


def test_every_village_group_registers_with_its_own_ccwc(
    providers: dict[str, Provider], pathways: list[Pathway]
) -> None:
    gaz = gazetteer()
    links = {
        w.from_provider_id: w.to_provider_id
        for w in pathways
        if w.service == Service.REGISTRATION and w.from_provider_id.startswith("vhsg-")
    }
    vhsgs = of_kind(providers, ProviderKind.VHSG)
    assert len(links) == len(vhsgs)
    for p in vhsgs:
        # By the gazetteer's parent: some village codes do not start with their commune's.
        assert providers[links[p.id]].area_code == gaz.area(p.area_code).parent_code


def test_every_ccwc_refers_onward(providers: dict[str, Provider], pathways: list[Pathway]) -> None:
    onward: dict[str, set[ProviderKind]] = defaultdict(set)
    for w in pathways:
        onward[w.from_provider_id].add(providers[w.to_provider_id].kind)
    needed = {
        ProviderKind.HEALTH_CENTRE,
        ProviderKind.NGO_COUNSELLOR,
        ProviderKind.DOSVY,
        ProviderKind.POLICE,
        ProviderKind.HELPLINE,
        ProviderKind.PROVINCIAL_DEPARTMENT,
    }
    for p in of_kind(providers, ProviderKind.CCWC):
        assert needed <= onward[p.id], p.id
    for p in of_kind(providers, ProviderKind.HEALTH_CENTRE):
        assert {ProviderKind.NGO_COUNSELLOR} <= onward[p.id], p.id
        assert onward[p.id] & {ProviderKind.REFERRAL_HOSPITAL, ProviderKind.PROVINCIAL_HOSPITAL}
    for p in of_kind(providers, ProviderKind.NGO_COUNSELLOR):
        assert ProviderKind.PROVINCIAL_HOSPITAL in onward[p.id], p.id


def test_pathway_matching_agrees_with_the_programme_loader() -> None:
    """The indexed matcher makes exactly the loader's pathways on the programme seed."""
    providers, expected = load_programme()
    rules = parse_document(PathwaysDocument, files("seed") / "programme", "pathways.yaml")
    directory = _Directory(providers)
    made = [w for rule in rules.rules for w in _rule_pathways(rule, directory, rules.synthetic)]
    assert made == expected


# --- reproducibility and loading -----------------------------------------------------------


def test_same_seed_same_network_other_seed_differs(network: Network) -> None:
    assert generate_national(2025) == network
    other, _ = generate_national(7)
    centres = [p for p in network[0] if p.kind == ProviderKind.HEALTH_CENTRE]
    others = [p for p in other if p.kind == ProviderKind.HEALTH_CENTRE]
    assert len(others) == len(centres)  # the national total
    assert {p.id for p in others} != {p.id for p in centres}


def test_loads_into_sqlite(
    network: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(national, "generate_national", lambda seed=2025: network)
    store = SqliteStore(tmp_path / "x.sqlite3")
    store.initialise()
    batches: list[int] = []
    try:
        written = national.load_national(store, batch=5000, progress=batches.append)
        count = store.read(lambda tx: tx.list_providers(ProviderQuery(), Page(limit=1)).count)
        links = store.read(lambda tx: tx.list_pathways(PathwayQuery(), Page(limit=1)).count)
    finally:
        store.close()
    providers, pathways = network
    assert count == len(providers)
    assert links == len(pathways)
    capacity = national.generate_national_training(providers)  # people and their trainings
    assert written == sum(batches) == len(providers) + len(pathways) + capacity.rows
    assert max(batches) <= 5000


def test_every_overseer_exists(network: Network) -> None:
    providers, _ = network
    ids = {p.id for p in providers}
    assert all(o in ids for p in providers for o in p.overseen_by)
    vhsg = next(p for p in providers if p.kind is ProviderKind.VHSG)
    assert vhsg.overseen_by == (f"ccwc-{gazetteer().area(vhsg.area_code).parent_code}",)

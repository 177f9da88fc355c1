"""The programme seed network: it loads, it sits in the gazetteer, and it is coherent.

Expected counts come from the gazetteer, not from the seed files, so the tests check the
seed against the programme geography of /work/shared/context/cambodia.md (fact 13).
"""

from __future__ import annotations

import re
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.vocabulary import AreaLevel, Language, ProviderKind, Service
from seed.loader import SeedError, load_programme

#: Programme districts per province (cambodia.md fact 13); None means every district.
PROGRAMME: dict[str, tuple[str, ...] | None] = {
    "17": ("1701", "1702", "1703", "1712"),  # Siem Reap
    "16": ("1602", "1603"),  # Ratanakiri: Ban Lung, Bar Kaev
    "19": None,  # Stung Treng: all six districts
}

#: CCWCs per province in cambodia.md's proposed seed network table.
CCWCS_IN_CAMBODIA_MD = {"17": 22, "16": 10, "19": 34}

#: Words an organisational name may use besides place names and numbers.
ORGANISATIONAL_WORDS = frozenset(
    {
        "Affairs",
        "and",
        "Angkor",
        "Bakeo",
        "Cambodia",
        "Cambodian",
        "Center",
        "Centre",
        "Child",
        "Children",
        "Clinical",
        "Committee",
        "Commune",
        "Counselling",
        "Counsellor",
        "Crisis",
        "Department",
        "District",
        "for",
        "Groups",
        "Health",
        "Helpline",
        "High",
        "Hospital",
        "Inspectorate",
        "Kaliyan",
        "Mith",
        "Municipality",
        "of",
        "Office",
        "Phone",
        "Police",
        "Provincial",
        "Referral",
        "Sangkat",
        "School",
        "Social",
        "Supervisor",
        "Support",
        "TPO",
        "Unit",
        "Village",
        "Women",
        "Women's",
        "Work",
    }
)
HONORIFICS = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr|Lok|Neak|Kru)\b\.?", re.IGNORECASE)
KHMER_HONORIFICS = ("លោក", "អ្នកស្រី", "កញ្ញា", "វេជ្ជបណ្ឌិត")

Seed = tuple[list[Provider], list[Pathway]]


def programme_districts(province: str) -> list[str]:
    listed = PROGRAMME[province]
    if listed is not None:
        return list(listed)
    return [a.code for a in gazetteer().children(province)]


def programme_communes(province: str) -> set[str]:
    return {c.code for d in programme_districts(province) for c in gazetteer().children(d)}


ALL_COMMUNES = set().union(*(programme_communes(p) for p in PROGRAMME))
ALL_DISTRICTS = {d for p in PROGRAMME for d in programme_districts(p)}


@pytest.fixture(scope="module")
def seed() -> Seed:
    return load_programme()


@pytest.fixture(scope="module")
def providers(seed: Seed) -> dict[str, Provider]:
    return {p.id: p for p in seed[0]}


@pytest.fixture(scope="module")
def pathways(seed: Seed) -> list[Pathway]:
    return seed[1]


def of_kind(providers: dict[str, Provider], kind: ProviderKind) -> list[Provider]:
    return [p for p in providers.values() if p.kind == kind]


# --- loading ----------------------------------------------------------------------------------


def test_the_seed_loads_the_same_every_time(seed: Seed) -> None:
    providers, pathways = seed
    assert providers
    assert pathways
    assert load_programme() == seed


def test_ids_are_unique(seed: Seed) -> None:
    providers, pathways = seed
    assert not [i for i, n in Counter(p.id for p in providers).items() if n > 1]
    assert not [i for i, n in Counter(p.id for p in pathways).items() if n > 1]


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    for name in ("areas.yaml", "providers.yaml", "pathways.yaml"):
        text = (files("seed") / "programme" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("areas.yaml", '"1712"]', '"1799"]', "1799"),
        ("providers.yaml", 'area_code: "1701"', 'area_code: "1799"', "rh-1701"),
        ("providers.yaml", "weekly_capacity: 6", "weekly_capacty: 6", "weekly_capacty"),
        ("providers.yaml", "hc-190303:", "hc-190399:", "hc-190399"),
        ("pathways.yaml", "to: {ids: [tpo-phone]}", "to: {ids: [tpo-fone]}", "tpo-fone"),
        ("pathways.yaml", "services: [shelter]", "services: [shelters]", "shelters"),
    ],
)
def test_inconsistent_data_fails_loudly(
    seed_copy: Path, name: str, old: str, new: str, message: str
) -> None:
    _edit(seed_copy / name, old, new)
    with pytest.raises(SeedError, match=message):
        load_programme(seed_copy)


def test_a_required_pathway_without_a_target_fails(seed_copy: Path) -> None:
    _edit(seed_copy / "pathways.yaml", "to: {kinds: [dosvy]}", "to: {kinds: [shelter]}")
    with pytest.raises(SeedError, match="no pathway target"):
        load_programme(seed_copy)


# --- geography --------------------------------------------------------------------------------


def test_every_provider_sits_in_a_gazetteer_area_and_covers_real_areas(
    providers: dict[str, Provider],
) -> None:
    gaz = gazetteer()
    for provider in providers.values():
        assert provider.area_code in gaz, provider.id
        assert all(code in gaz for code in provider.coverage), provider.id


def test_local_providers_sit_in_programme_areas(providers: dict[str, Provider]) -> None:
    local = {ProviderKind.VHSG, ProviderKind.CCWC, ProviderKind.HEALTH_CENTRE}
    for provider in providers.values():
        if provider.kind in local:
            assert provider.area_code in ALL_COMMUNES, provider.id
            assert set(provider.coverage) <= ALL_COMMUNES, provider.id
        elif provider.kind in {ProviderKind.DOSVY, ProviderKind.POLICE, ProviderKind.SCHOOL}:
            assert provider.area_code in ALL_DISTRICTS, provider.id


@pytest.mark.parametrize("province", sorted(PROGRAMME))
def test_every_programme_commune_has_one_ccwc_and_one_vhsg_group(
    providers: dict[str, Provider], province: str
) -> None:
    communes = programme_communes(province)
    for kind in (ProviderKind.CCWC, ProviderKind.VHSG):
        sites = [p.area_code for p in of_kind(providers, kind) if p.area_code[:2] == province]
        assert sorted(sites) == sorted(communes), kind
    assert len(communes) == CCWCS_IN_CAMBODIA_MD[province]


def test_ccwcs_carry_the_khmer_name_of_their_commune(providers: dict[str, Provider]) -> None:
    gaz = gazetteer()
    for ccwc in of_kind(providers, ProviderKind.CCWC):
        assert ccwc.id == f"ccwc-{ccwc.area_code}"
        assert ccwc.name_km is not None
        assert ccwc.name_km.startswith("គណៈកម្មាធិការទទួលបន្ទុកកិច្ចការនារី និងកុមារ")
        assert ccwc.name_km.endswith(gaz.area(ccwc.area_code).name_km)
        assert gaz.area(ccwc.area_code).name_en in ccwc.name


@pytest.mark.parametrize(
    "kind", [ProviderKind.DOSVY, ProviderKind.POLICE], ids=lambda k: str(k.value)
)
def test_one_district_office_per_programme_district(
    providers: dict[str, Provider], kind: ProviderKind
) -> None:
    assert sorted(p.area_code for p in of_kind(providers, kind)) == sorted(ALL_DISTRICTS)


def test_health_centres_serve_every_commune_at_about_0_8_per_commune(
    providers: dict[str, Provider],
) -> None:
    centres = of_kind(providers, ProviderKind.HEALTH_CENTRE)
    served = Counter(code for hc in centres for code in hc.coverage)
    assert set(served) == ALL_COMMUNES
    assert set(served.values()) == {1}
    assert all(c.coverage[0] == c.area_code for c in centres)
    assert all(code[:4] == c.area_code[:4] for c in centres for code in c.coverage)
    assert 0.75 <= len(centres) / len(ALL_COMMUNES) <= 0.85


def test_named_health_facilities_in_programme_districts(providers: dict[str, Provider]) -> None:
    santepheap = providers["hc-190303"]
    assert santepheap.name == "Santepheap Health Centre"
    assert santepheap.area_code[:4] == "1903"  # Siem Pang, Stung Treng
    assert not santepheap.synthetic
    # Nhang Health Centre is in Andoung Meas (1601), not a programme district.
    assert not [p for p in providers.values() if p.area_code.startswith("1601")]
    assert not any("Nhang" in p.name for p in providers.values())
    assert providers["rh-1701"].area_code == "1701"
    assert providers["rh-1603"].area_code == "1603"


def test_one_provincial_hospital_and_three_departments_per_province(
    providers: dict[str, Provider],
) -> None:
    for province in PROGRAMME:
        hospital = providers[f"prh-{province}"]
        assert hospital.kind == ProviderKind.PROVINCIAL_HOSPITAL
        assert hospital.coverage == (province,)
        assert Service.PSYCHIATRIC_CARE in hospital.services
        departments = [
            p
            for p in of_kind(providers, ProviderKind.PROVINCIAL_DEPARTMENT)
            if p.coverage == (province,)
        ]
        assert len(departments) == 3


def test_schools_are_in_ratanakiri_programme_districts(providers: dict[str, Provider]) -> None:
    schools = Counter(p.area_code for p in of_kind(providers, ProviderKind.SCHOOL))
    assert schools == {"1602": 3, "1603": 2}


def test_national_services_cover_all_of_cambodia(providers: dict[str, Provider]) -> None:
    provinces = {a.code for a in gazetteer().children(None)}
    assert len(provinces) == 25
    for ident in ("tpo-phone", "helpline-1280"):
        assert set(providers[ident].coverage) == provinces
        assert providers[ident].interpreter_support


# --- services and eligibility -------------------------------------------------------------------


def test_helpline_1280_is_always_open(providers: dict[str, Provider]) -> None:
    helpline = providers["helpline-1280"]
    assert helpline.hours.always_open
    assert helpline.eligibility.min_age == 0
    assert helpline.eligibility.max_age >= 24
    assert {Service.PHONE_COUNSELLING, Service.CHILD_PROTECTION} <= helpline.services


def test_hospitals_are_always_open(providers: dict[str, Provider]) -> None:
    for kind in (ProviderKind.REFERRAL_HOSPITAL, ProviderKind.PROVINCIAL_HOSPITAL):
        assert all(p.hours.always_open for p in of_kind(providers, kind))


def test_tpo_counsellors_are_lgbtiq_affirming_and_cover_programme_districts(
    providers: dict[str, Provider],
) -> None:
    counsellors = of_kind(providers, ProviderKind.NGO_COUNSELLOR)
    assert Counter(p.id.split("-")[2] for p in counsellors) == dict.fromkeys(PROGRAMME, 2)
    for counsellor in counsellors:
        assert counsellor.eligibility.lgbtiq_affirming
        assert (counsellor.eligibility.min_age, counsellor.eligibility.max_age) == (0, 24)
        province = counsellor.id.split("-")[2]
        assert sorted(counsellor.coverage) == sorted(programme_districts(province))
    assert providers["tpo-phone"].eligibility.lgbtiq_affirming


def test_ratanakiri_has_people_speaking_tampuan(providers: dict[str, Provider]) -> None:
    """Who speaks a minority language is said by people (sample data), never assumed
    for a whole provider or district: the directory declares Khmer."""
    from seed.training import programme_training

    ratanakiri = {p.id for p in providers.values() if p.area_code.startswith("16")}
    assert all(providers[pid].languages == {Language.KHMER} for pid in ratanakiri)
    people = programme_training(list(providers.values())).people
    local = [p for p in people if p.provider_id in ratanakiri]
    assert all(p.synthetic and Language.KHMER in p.languages for p in local)
    assert any(Language.TAMPUAN in p.languages for p in local)
    assert any(Language.KREUNG in p.languages for p in local)
    lung_khung = [p for p in local if providers[p.provider_id].area_code == "160304"]
    assert lung_khung and all(Language.TAMPUAN in p.languages for p in lung_khung)
    assert any(p.interprets for p in local if p.provider_id.startswith("ccwc-"))
    siem_reap = [p for p in people if providers[p.provider_id].area_code.startswith("17")]
    assert siem_reap and all(p.languages == {Language.KHMER} for p in siem_reap)


def test_everyone_speaks_khmer(providers: dict[str, Provider]) -> None:
    assert all(Language.KHMER in p.languages for p in providers.values())


def test_only_real_named_organisations_are_not_synthetic(
    providers: dict[str, Provider],
) -> None:
    real = {p.id for p in providers.values() if not p.synthetic}
    assert real == {
        "hc-190303",
        "rh-1701",
        "rh-1603",
        "prh-17",
        "prh-16",
        "tpo-supervisor",
        "tpo-phone",
        "helpline-1280",
        "ahc-swu",
        "cwcc-17",
        "kaliyan-mith",
    }


def test_names_are_organisational(providers: dict[str, Provider]) -> None:
    place_words = {
        word
        for area in gazetteer().all()
        if area.level != AreaLevel.VILLAGE
        for word in area.name_en.split()
    } | {"Siem", "Reap", "Ratanakiri", "Stung", "Treng"}
    for provider in providers.values():
        words = re.split(r"[\s,]+", provider.name)
        unknown = [
            w
            for w in words
            if w and not w.isdigit() and w not in ORGANISATIONAL_WORDS | place_words
        ]
        assert not unknown, (provider.id, unknown)
        assert not HONORIFICS.search(provider.name), provider.id
        assert not any(h in (provider.name_km or "") for h in KHMER_HONORIFICS), provider.id


# --- pathways ------------------------------------------------------------------------------------


def test_every_pathway_links_existing_providers_and_the_target_offers_the_service(
    providers: dict[str, Provider], pathways: list[Pathway]
) -> None:
    for pathway in pathways:
        assert pathway.from_provider_id in providers, pathway.id
        target = providers[pathway.to_provider_id]
        assert pathway.service in target.services, pathway.id
        assert pathway.id == (
            f"pw-{pathway.from_provider_id}-{pathway.to_provider_id}-{pathway.service.value}"
        )


def _links(pathways: list[Pathway]) -> dict[str, set[tuple[str, Service]]]:
    links: dict[str, set[tuple[str, Service]]] = {}
    for p in pathways:
        links.setdefault(p.from_provider_id, set()).add((p.to_provider_id, p.service))
    return links


def test_vhsgs_register_with_the_ccwc_of_their_commune(pathways: list[Pathway]) -> None:
    links = _links(pathways)
    for commune in ALL_COMMUNES:
        assert (f"ccwc-{commune}", Service.REGISTRATION) in links[f"vhsg-{commune}"]


def test_every_ccwc_reaches_health_counselling_social_work_police_and_24_7_help(
    providers: dict[str, Provider], pathways: list[Pathway]
) -> None:
    links = _links(pathways)
    for commune in ALL_COMMUNES:
        out = links[f"ccwc-{commune}"]
        kinds = {(providers[t].kind, s) for t, s in out}
        assert (ProviderKind.HEALTH_CENTRE, Service.MEDICAL_CARE) in kinds
        assert (ProviderKind.NGO_COUNSELLOR, Service.COUNSELLING) in kinds
        assert (ProviderKind.DOSVY, Service.CASE_MANAGEMENT) in kinds
        assert (ProviderKind.POLICE, Service.CHILD_PROTECTION) in kinds
        assert ("tpo-phone", Service.PHONE_COUNSELLING) in out
        assert any(providers[t].hours.always_open for t, _ in out)
        health_centres = [t for t, s in out if s == Service.MEDICAL_CARE]
        assert all(providers[t].serves_area(commune) for t in health_centres)


def test_onward_paths_reach_psychiatric_care(
    providers: dict[str, Provider], pathways: list[Pathway]
) -> None:
    links = _links(pathways)
    for hc in of_kind(providers, ProviderKind.HEALTH_CENTRE):
        counsellors = [t for t, s in links[hc.id] if s == Service.COUNSELLING]
        assert counsellors, hc.id
        for counsellor in counsellors:
            psychiatric = [t for t, s in links[counsellor] if s == Service.PSYCHIATRIC_CARE]
            assert psychiatric == [f"prh-{hc.area_code[:2]}"]


def test_health_centres_refer_to_the_district_hospital_where_there_is_one(
    providers: dict[str, Provider], pathways: list[Pathway]
) -> None:
    links = _links(pathways)
    for hc in of_kind(providers, ProviderKind.HEALTH_CENTRE):
        targets = {t for t, s in links[hc.id] if s == Service.POST_RAPE_CARE}
        district = hc.area_code[:4]
        expected = f"rh-{district}" if f"rh-{district}" in providers else f"prh-{district[:2]}"
        assert targets == {expected}, hc.id


def test_escalations_have_somewhere_to_go() -> None:
    """Every overseer named in the seed exists, and the providers that receive most
    handoffs name one (timeliness escalates to them)."""
    providers, _ = load_programme()
    ids = {p.id for p in providers}
    assert all(o in ids for p in providers for o in p.overseen_by)
    for p in providers:
        if p.kind.value in {"vhsg", "ccwc", "health_centre", "dosvy", "ngo_counsellor"}:
            assert p.overseen_by, p.id
    counsellors = [p for p in providers if p.id.startswith("tpo-counsellor-")]
    assert all(p.overseen_by == ("tpo-supervisor",) for p in counsellors)

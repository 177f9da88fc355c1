"""Cases a coordinator of the programme would recognise, on the programme network."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.models import Consent, utc_now
from referral_graph.domain.vocabulary import (
    PROFESSIONAL_SERVICES,
    DeliveryMode,
    Gender,
    Language,
    RiskLevel,
    Service,
)
from referral_graph.routing.recommend import Recommendations, eligible
from referral_graph.services import cases
from referral_graph.services.caller import Caller
from referral_graph.services.cases import CaseOpening
from referral_graph.services.routing import Routing

WEEKDAY_MORNING = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # Tuesday 09:00 in Phnom Penh
SUNDAY_NIGHT = datetime(2026, 3, 8, 16, 0, tzinfo=UTC)  # Sunday 23:00 in Phnom Penh


def first_village(commune: str) -> str:
    from referral_graph.domain.areas import gazetteer
    from referral_graph.domain.vocabulary import AreaLevel

    return min(a.code for a in gazetteer().within(commune, AreaLevel.VILLAGE))


def open_case(
    store: SqliteStore, commune: str, at: datetime = WEEKDAY_MORNING, **fields: Any
) -> str:
    opening = CaseOpening.model_validate(
        {
            "opened_by_provider_id": f"ccwc-{commune}",
            "village_code": first_village(commune),
            "consent": Consent(given_by="child", recorded_by="ccwc", recorded_at=at),
            **fields,
        }
    )
    return cases.open_case(Caller.system(store, at, "ccwc"), opening).id


def assert_hard_rules(
    store: SqliteStore, result: Recommendations, at: datetime = WEEKDAY_MORNING
) -> None:
    case = cases.get_case(Caller.system(store, utc_now()), result.case_id)
    graph = Routing(store, "Asia/Phnom_Penh").directory.current()
    for item in result.items:
        provider = store.read(lambda tx, i=item: tx.get_provider(i.provider_id))
        assert provider is not None
        staff = graph.trained_staff(provider, item.service, at.date())
        assert eligible(provider, case, item.service, staff), item.provider_id
        assert item.reasons, "every recommendation explains itself"


def test_girl_of_15_in_angkor_chum_at_high_risk_gets_counselling(
    programme_store: SqliteStore, routing: Routing
) -> None:
    case_id = open_case(
        programme_store,
        "170101",
        age=15,
        gender=Gender.FEMALE,
        risk=RiskLevel.HIGH,
        needs=[Service.COUNSELLING],
    )
    result = routing.recommend(case_id, WEEKDAY_MORNING)
    assert_hard_rules(programme_store, result)
    top = result.items[0]
    assert top.service is Service.COUNSELLING
    assert top.pathway == "direct", "the CCWC's agreed counselling pathway ranks first"
    assert top.mode is DeliveryMode.IN_PERSON
    assert any(r.key == "risk.professional" for r in top.reasons)
    assert any(i.provider_id.startswith("tpo-counsellor-17") for i in result.items)
    assert all(r.km for r in top.reasons), "every reason reads in Khmer too"


def test_youth_of_20_in_ban_lung_who_speaks_tampuan(
    programme_store: SqliteStore, routing: Routing
) -> None:
    case_id = open_case(
        programme_store,
        "160201",
        age=20,
        gender=Gender.MALE,
        risk=RiskLevel.MEDIUM,
        needs=[Service.COUNSELLING],
        language=Language.TAMPUAN,
    )
    result = routing.recommend(case_id, WEEKDAY_MORNING, limit=10)
    assert_hard_rules(programme_store, result)
    assert all(i.provider_id != "ahc-swu" for i in result.items), "AHC serves under-18s only"
    keys = [{r.key for r in i.reasons} for i in result.items]
    speaks = {"language.match", "language.people", "language.interpreter"}
    matched = [n for n, k in enumerate(keys) if k & speaks]
    unmatched = [n for n, k in enumerate(keys) if "language.none" in k]
    assert matched, "someone reachable speaks Tampuan or brings an interpreter"
    assert not unmatched or max(matched[:1]) < min(unmatched)
    assert "Tampuan" in " ".join(r.en for i in result.items for r in i.reasons)


def test_emergency_at_night_in_stung_treng_reaches_a_service_open_now(
    programme_store: SqliteStore, routing: Routing
) -> None:
    case_id = open_case(
        programme_store,
        "190301",
        at=SUNDAY_NIGHT,
        age=16,
        gender=Gender.FEMALE,
        risk=RiskLevel.EMERGENCY,
        needs=[Service.PSYCHOLOGICAL_FIRST_AID],
    )
    result = routing.recommend(case_id, SUNDAY_NIGHT)
    assert_hard_rules(programme_store, result)
    assert any(i.open_now for i in result.items), "something is open at 23:00 on a Sunday"
    assert any(i.service in PROFESSIONAL_SERVICES for i in result.items), (
        "first aid alone is not enough for an emergency"
    )
    professional = [i for i in result.items if i.service in PROFESSIONAL_SERVICES]
    assert professional


def test_lgbtiq_affirming_request_only_gets_affirming_providers(
    programme_store: SqliteStore, routing: Routing
) -> None:
    case_id = open_case(
        programme_store,
        "170201",
        age=17,
        gender=Gender.NON_BINARY,
        risk=RiskLevel.MEDIUM,
        needs=[Service.COUNSELLING],
        wants_lgbtiq_affirming=True,
    )
    result = routing.recommend(case_id, WEEKDAY_MORNING, limit=10)
    assert result.items
    for item in result.items:
        provider = programme_store.read(lambda tx, i=item: tx.get_provider(i.provider_id))
        assert provider is not None and provider.eligibility.lgbtiq_affirming


def test_coverage_of_angkor_chum_lists_every_commune(routing: Routing) -> None:
    from referral_graph.domain.areas import gazetteer
    from referral_graph.domain.vocabulary import AreaLevel

    rows = routing.coverage("1701", [Service.COUNSELLING, Service.PHONE_COUNSELLING])
    communes = {a.code for a in gazetteer().within("1701", AreaLevel.COMMUNE)}
    assert {r.commune_code for r in rows} == communes
    for row in rows:
        reach = {s.service: s.reach for s in row.services}
        assert reach[Service.COUNSELLING] == "in_person"
        assert reach[Service.PHONE_COUNSELLING] in {"in_person", "phone"}


def test_outside_the_programme_only_national_phone_services_reach(routing: Routing) -> None:
    rows = routing.coverage("0102", [Service.COUNSELLING, Service.PHONE_COUNSELLING])
    assert rows
    for row in rows:
        reach = {s.service: s.reach for s in row.services}
        assert reach[Service.COUNSELLING] == "none"
        assert reach[Service.PHONE_COUNSELLING] == "phone"

"""Recommendations follow the directory and the history as they change."""

from __future__ import annotations

from referral_graph.domain.models import Pathway, utc_now
from referral_graph.domain.vocabulary import DeliveryMode, Gender, RiskLevel, Service
from referral_graph.services import cases, directory, referrals
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralRequest, Step
from referral_graph.services.routing import Routing
from referral_graph.store.port import Page, Store
from tests.factories import FakeClock, load_small_network, opening, refer_to_health_centre


def make_routing(store: Store) -> Routing:
    load_small_network(store)
    return Routing(store, "Asia/Phnom_Penh", activity_ttl=0)


def test_a_deactivated_provider_disappears_from_the_next_recommendation(
    store: Store, clock: FakeClock
) -> None:
    routing = make_routing(store)
    case = cases.open_case(Caller.system(store, clock(), "t"), opening())
    before = [i.provider_id for i in routing.recommend(case.id, clock()).items]
    assert "tpo-a" in before
    directory.update_provider(Caller.system(store, utc_now()), "tpo-a", {"active": False})
    after = [i.provider_id for i in routing.recommend(case.id, clock()).items]
    assert "tpo-a" not in after


def test_a_new_pathway_lifts_a_provider(store: Store, clock: FakeClock) -> None:
    routing = make_routing(store)
    case = cases.open_case(Caller.system(store, clock(), "t"), opening(needs=[Service.COUNSELLING]))
    tpo = next(i for i in routing.recommend(case.id, clock()).items if i.provider_id == "tpo-a")
    assert tpo.pathway in {"none", "via"}
    directory.create_pathway(
        Caller.system(store, utc_now()),
        Pathway(
            id="pw-new",
            from_provider_id="ccwc-a",
            to_provider_id="tpo-a",
            service=Service.COUNSELLING,
        ),
    )
    lifted = next(i for i in routing.recommend(case.id, clock()).items if i.provider_id == "tpo-a")
    assert lifted.pathway == "direct" and lifted.score > tpo.score
    assert lifted.rank == 1


def test_via_names_the_intermediary(store: Store, clock: FakeClock) -> None:
    routing = make_routing(store)
    case = cases.open_case(Caller.system(store, clock(), "t"), opening(needs=[Service.COUNSELLING]))
    tpo = next(i for i in routing.recommend(case.id, clock()).items if i.provider_id == "tpo-a")
    assert tpo.pathway == "via" and tpo.via == "hc-a"


def test_the_holder_moves_with_the_case(store: Store, clock: FakeClock) -> None:
    routing = make_routing(store)
    case = cases.open_case(Caller.system(store, clock(), "t"), opening(needs=[Service.COUNSELLING]))
    first = referrals.make_referral(
        Caller.system(store, clock(), "t"),
        ReferralRequest(
            case_id=case.id,
            from_provider_id="ccwc-a",
            to_provider_id="hc-a",
            service=Service.MEDICAL_CARE,
            reason="x",
            recommendation_rank=1,
        ),
    )
    assert first.followed_top_recommendation is True
    for status in ("received", "accepted"):
        clock.advance(hours=2)
        referrals.move_referral(Caller.system(store, clock(), "t"), first.id, Step(status=status))
    result = routing.recommend(case.id, clock())
    assert result.holder_id == "hc-a"
    tpo = next(i for i in result.items if i.provider_id == "tpo-a")
    assert tpo.pathway == "direct"
    assert all(i.provider_id != "hc-a" for i in result.items), "never back to the holder"


def test_observed_responsiveness_and_load_are_reported(store: Store, clock: FakeClock) -> None:
    routing = make_routing(store)
    for hours in (1, 3, 5):  # three other children referred to the health centre
        other = cases.open_case(
            Caller.system(store, clock(), "t"), opening(needs=[Service.MEDICAL_CARE])
        )
        made = refer_to_health_centre(store, clock(), other.id)
        clock.advance(hours=hours)
        referrals.move_referral(
            Caller.system(store, clock(), "t"), made.id, Step(status="received")
        )
    case = cases.open_case(
        Caller.system(store, clock(), "t"), opening(needs=[Service.MEDICAL_CARE])
    )
    hc = next(i for i in routing.recommend(case.id, clock()).items if i.provider_id == "hc-a")
    assert hc.acknowledge_median_hours == 3.0
    assert hc.open_referrals == 3
    assert any(r.key == "speed.observed" and r.params["count"] == 3 for r in hc.reasons)


def test_lgbtiq_request_with_nobody_affirming_says_so_and_flags_alternatives(
    store: Store, clock: FakeClock
) -> None:
    routing = make_routing(store)
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(
            needs=[Service.MEDICAL_CARE],
            wants_lgbtiq_affirming=True,
            gender=Gender.MALE,
            risk=RiskLevel.LOW,
        ),
    )
    result = routing.recommend(case.id, clock())
    assert result.items == []
    assert any(n.key == "lgbtiq.none_reachable" for n in result.notes)
    assert [a.provider_id for a in result.alternatives] == ["hc-a"]
    assert result.alternatives[0].reasons[0].key == "lgbtiq.not_affirming"


def test_phone_counselling_reached_by_phone_is_no_gap(store: Store, clock: FakeClock) -> None:
    routing = make_routing(store)
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(needs=[Service.PHONE_COUNSELLING], risk=RiskLevel.LOW),
    )
    result = routing.recommend(case.id, clock())
    assert [i.provider_id for i in result.items] == ["helpline"]
    assert result.items[0].mode is DeliveryMode.PHONE
    assert result.gaps == []
    assert store.read(lambda tx: tx.service_gaps("17", Page())).count == 0


def test_a_service_nothing_reaches_is_a_recorded_gap(store: Store, clock: FakeClock) -> None:
    routing = make_routing(store)
    case = cases.open_case(
        Caller.system(store, clock(), "t"),
        opening(needs=[Service.SHELTER], gender=Gender.MALE, risk=RiskLevel.LOW),
    )
    result = routing.recommend(case.id, clock())
    assert result.items == [], "the only shelter takes girls"
    assert [(g.service, g.reachable_by) for g in result.gaps] == [(Service.SHELTER, [])]
    routing.recommend(case.id, clock())  # asking twice records the gap once
    gaps = store.read(lambda tx: tx.service_gaps("17", Page()))
    assert gaps.count == 1 and gaps.items[0].reachable_by == ()


def test_oversight_is_an_edge_of_the_directory_graph(store: Store) -> None:
    routing = make_routing(store)
    directory.update_provider(Caller.system(store, utc_now()), "hc-a", {"overseen_by": ("tpo-a",)})
    graph = routing.directory.current()
    assert graph.overseers("hc-a") == ["tpo-a"]
    assert graph.oversees("tpo-a") == ["hc-a"]
    assert graph.overseers("ccwc-a") == []

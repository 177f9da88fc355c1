"""Routing follows training: a service that depends on it is offered only while someone
of the provider is trained, and comes back after a refresher."""

from __future__ import annotations

from datetime import UTC, date, datetime

from referral_graph.domain.training import TrainingSession, TrainingTopic
from referral_graph.domain.vocabulary import Service
from referral_graph.services import capacity_building, cases
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building.sessions import AttendanceEntry
from referral_graph.services.routing import Routing
from referral_graph.store.port import Store
from tests.factories import T0, load_small_network, opening

NURSE = "person-hc-a-1"  # trained in PFA and counselling skills on 2025-12-05 (factories)
LAPSED = datetime(2027, 12, 6, 2, 0, tzinfo=UTC)  # PFA valid until 2027-12-04


def pfa_providers(store: Store, routing: Routing, at: datetime) -> dict[str, list[str]]:
    """Who is recommended for psychological first aid (not added for another service)."""
    case = cases.open_case(
        Caller.system(store, at, "t"), opening(needs=[Service.PSYCHOLOGICAL_FIRST_AID])
    )
    result = routing.recommend(case.id, at, service=Service.PSYCHOLOGICAL_FIRST_AID)
    return {
        i.provider_id: [r.en for r in i.reasons]
        for i in result.items
        if i.service is Service.PSYCHOLOGICAL_FIRST_AID
    }


def test_the_reason_says_who_is_trained_and_when_the_refresher_is_due(store: Store) -> None:
    load_small_network(store)
    routing = Routing(store, "Asia/Phnom_Penh", activity_ttl=0)
    found = pfa_providers(store, routing, T0)
    assert (
        "1 staff trained in psychological first aid; refresher due December 2027."
        in (found["hc-a"])
    )


def test_a_service_goes_when_its_last_trained_person_leaves_and_comes_back(
    store: Store,
) -> None:
    load_small_network(store)
    routing = Routing(store, "Asia/Phnom_Penh", activity_ttl=0)
    assert "hc-a" in pfa_providers(store, routing, T0)

    capacity_building.update_person(Caller.system(store, T0), NURSE, {"active": False})
    assert "hc-a" not in pfa_providers(store, routing, T0)

    capacity_building.update_person(Caller.system(store, T0), NURSE, {"active": True})
    assert "hc-a" in pfa_providers(store, routing, T0)


def test_a_lapsed_competency_drops_the_service_until_a_refresher(store: Store) -> None:
    load_small_network(store)
    routing = Routing(store, "Asia/Phnom_Penh", activity_ttl=0)
    assert "hc-a" not in pfa_providers(store, routing, LAPSED)

    refresher = TrainingSession(
        id="refresher-2027",
        topic=TrainingTopic.PSYCHOLOGICAL_FIRST_AID,
        starts_on=date(2027, 12, 6),
        ends_on=date(2027, 12, 6),
        area_code="1701",
        trainer="TPO Cambodia",
        refresher=True,
    )
    capacity_building.create_training_session(Caller.system(store, T0), refresher)
    capacity_building.record_attendance(
        Caller.system(store, LAPSED),
        refresher.id,
        [AttendanceEntry(person_id=NURSE)],
        today=date(2027, 12, 6),
    )
    back = pfa_providers(store, routing, LAPSED)
    assert (
        "1 staff trained in psychological first aid; refresher due December 2029." in (back["hc-a"])
    )


def test_services_that_do_not_follow_training_stay_whatever_the_training(
    store: Store,
) -> None:
    load_small_network(store)
    routing = Routing(store, "Asia/Phnom_Penh", activity_ttl=0)
    capacity_building.update_person(Caller.system(store, T0), NURSE, {"active": False})
    case = cases.open_case(Caller.system(store, T0, "t"), opening(needs=[Service.MEDICAL_CARE]))
    medical = routing.recommend(case.id, T0, service=Service.MEDICAL_CARE)
    assert "hc-a" in [i.provider_id for i in medical.items]

"""Contract: the referral lifecycle and the case path, through the services."""

from __future__ import annotations

from operator import methodcaller

import pytest

from referral_graph.domain.errors import (
    ConsentMissing,
    IllegalTransition,
    InvalidInput,
    NotFound,
    StaleVersion,
)
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Referral, utc_now
from referral_graph.domain.vocabulary import Gender, Service
from referral_graph.services import cases
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import (
    ReferralRequest,
    Step,
    case_path,
    get_referral,
    make_referral,
    move_referral,
)
from referral_graph.store.port import InboxQuery, Page, Store
from tests.factories import FakeClock, opening

S = ReferralStatus


@pytest.fixture
def opened(network: Store, clock: FakeClock) -> Case:
    return cases.open_case(Caller.system(network, clock(), "ccwc-focal-1"), opening())


def refer(store: Store, clock: FakeClock, case: Case, **fields: object) -> Referral:
    request = ReferralRequest.model_validate(
        {
            "case_id": case.id,
            "from_provider_id": "ccwc-a",
            "to_provider_id": "hc-a",
            "service": Service.MEDICAL_CARE,
            "reason": "Needs a medical check after an injury.",
        }
        | fields
    )
    return make_referral(Caller.system(store, clock(), "ccwc-focal-1"), request)


def move(store: Store, clock: FakeClock, referral_id: str, to: S, **fields: object) -> Referral:
    step = Step.model_validate({"status": to} | fields)
    return move_referral(Caller.system(store, clock(), "hc-nurse"), referral_id, step).referral


def test_a_referral_walks_the_whole_lifecycle(
    network: Store, clock: FakeClock, opened: Case
) -> None:
    made = refer(network, clock, opened)
    assert made.status is S.REQUESTED and made.version == 1 and made.hop == 1
    walk = [
        (S.RECEIVED, {}),
        (S.ACCEPTED, {}),
        (S.IN_PROGRESS, {}),
        (S.ON_HOLD, {"note": "Family travelled to Thailand."}),
        (S.IN_PROGRESS, {}),
        (S.COMPLETED, {"outcome": "Treated; follow-up in two weeks."}),
    ]
    times = [clock()]
    for to, extra in walk:
        times.append(clock.advance(hours=2))
        moved = move(network, clock, made.id, to, **extra)
        assert moved.status is to
    stored = get_referral(Caller.system(network, utc_now()), made.id)
    assert stored.referral.version == 7
    assert stored.referral.outcome == "Treated; follow-up in two weeks."
    assert [e.to_status for e in stored.events] == [S.REQUESTED] + [to for to, _ in walk]
    assert [e.sequence for e in stored.events] == list(range(1, 8))
    assert [e.at for e in stored.events] == times
    assert stored.referral.step_times[S.IN_PROGRESS] == times[3]  # first entry is kept
    assert stored.events[4].note == "Family travelled to Thailand."


def test_illegal_steps_are_refused_and_change_nothing(
    network: Store, clock: FakeClock, opened: Case
) -> None:
    made = refer(network, clock, opened)
    with pytest.raises(IllegalTransition):
        move(network, clock, made.id, S.ACCEPTED)
    move(network, clock, made.id, S.RECEIVED)
    with pytest.raises(InvalidInput):
        move(network, clock, made.id, S.REJECTED)  # needs a reason
    with pytest.raises(StaleVersion) as caught:
        move(network, clock, made.id, S.ACCEPTED, expected_version=1)
    assert caught.value.current_status == "received"
    move(network, clock, made.id, S.REJECTED, reason="No doctor this month.")
    with pytest.raises(IllegalTransition):
        move(network, clock, made.id, S.ACCEPTED)
    stored = get_referral(Caller.system(network, utc_now()), made.id)
    assert [e.to_status for e in stored.events] == [S.REQUESTED, S.RECEIVED, S.REJECTED]
    assert stored.referral.status_reason == "No doctor this month."
    with pytest.raises(NotFound):
        move(network, clock, "nope", S.RECEIVED)
    with pytest.raises(NotFound):
        get_referral(Caller.system(network, utc_now()), "nope")


def test_make_referral_refusals_leave_no_trace(
    network: Store, clock: FakeClock, opened: Case
) -> None:
    without_consent = cases.open_case(
        Caller.system(network, clock(), "ccwc-focal-1"), opening(consent=None)
    )
    boy = cases.open_case(Caller.system(network, clock(), "x"), opening(gender=Gender.MALE))
    with pytest.raises(ConsentMissing):
        refer(network, clock, without_consent)
    with pytest.raises(InvalidInput):
        refer(network, clock, opened, to_provider_id="closed-hc", service=Service.COUNSELLING)
    with pytest.raises(InvalidInput):
        refer(network, clock, opened, service=Service.SHELTER)  # hc-a offers none
    with pytest.raises(InvalidInput):
        refer(network, clock, boy, to_provider_id="girls-only", service=Service.SHELTER)
    with pytest.raises(InvalidInput):
        refer(
            network,
            clock,
            opened,
            from_provider_id="hc-a",
            to_provider_id="tpo-a",
            service=Service.COUNSELLING,
        )  # hc-a does not hold the case
    for case in (opened, without_consent, boy):
        assert network.read(methodcaller("case_referrals", case.id)) == []
    assert network.read(lambda tx: tx.inbox(InboxQuery("hc-a"), Page())).count == 0


def test_onward_referral_needs_the_sender_to_hold_the_case(
    network: Store, clock: FakeClock, opened: Case
) -> None:
    first = refer(network, clock, opened)
    onward = {
        "from_provider_id": "hc-a",
        "to_provider_id": "tpo-a",
        "service": Service.COUNSELLING,
        "continues_referral_id": first.id,
    }
    with pytest.raises(InvalidInput):
        refer(network, clock, opened, **onward)  # requested: hc-a does not hold it yet
    move(network, clock, first.id, S.RECEIVED)
    move(network, clock, first.id, S.ACCEPTED)
    second = refer(network, clock, opened, **onward)
    assert second.hop == 2 and second.continues_referral_id == first.id
    move(network, clock, second.id, S.CANCELLED, reason="Family moved.")
    inbox = network.read(lambda tx: tx.inbox(InboxQuery("tpo-a", (S.CANCELLED,)), Page()))
    assert [r.id for r in inbox.items] == [second.id]


def test_case_path_with_the_time_of_each_step(
    network: Store, clock: FakeClock, opened: Case
) -> None:
    first = refer(network, clock, opened)
    clock.advance(minutes=30)
    move(network, clock, first.id, S.RECEIVED)
    clock.advance(hours=2)
    move(network, clock, first.id, S.ACCEPTED)
    clock.advance(hours=1)
    helpline = refer(
        network,
        clock,
        opened,
        to_provider_id="helpline",
        service=Service.PHONE_COUNSELLING,
    )
    clock.advance(days=1)
    move(network, clock, first.id, S.IN_PROGRESS)
    clock.advance(minutes=10)
    second = refer(
        network,
        clock,
        opened,
        from_provider_id="hc-a",
        to_provider_id="tpo-a",
        service=Service.COUNSELLING,
        continues_referral_id=first.id,
    )
    clock.advance(days=2, seconds=0.000001)
    move(network, clock, first.id, S.COMPLETED, outcome="Treated.")

    path = case_path(Caller.system(network, utc_now()), opened.id)
    assert [h.referral.id for h in path] == [first.id, helpline.id, second.id]
    assert [h.referral.hop for h in path] == [1, 1, 2]
    assert path[0].step_seconds == {
        "to_acknowledge": 1800.0,
        "to_decide": 7200.0,
        "to_first_contact": 3600.0 + 86400.0,
        "to_complete": 600.0 + 2 * 86400.0 + 0.000001,
    }
    assert path[0].total_seconds == 1800 + 7200 + 3600 + 86400 + 600 + 2 * 86400 + 0.000001
    assert path[1].step_seconds == {} and path[1].total_seconds is None
    assert path[2].step_seconds == {} and path[2].total_seconds is None
    with pytest.raises(NotFound):
        case_path(Caller.system(network, utc_now()), "nope")

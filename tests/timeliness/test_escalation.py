"""Reminders at half a window, escalations when it closes, each fired exactly once."""

from __future__ import annotations

import threading

from referral_graph.domain.models import Referral, utc_now
from referral_graph.domain.sla import AlertKind, Window
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.services import cases, directory, referrals, timeliness
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import Step
from referral_graph.store.port import AlertQuery, DueQuery, Page, Store
from tests.factories import FakeClock, load_small_network, opening, refer_to_health_centre


def refer(store: Store, clock: FakeClock, risk: RiskLevel = RiskLevel.HIGH) -> Referral:
    load_small_network(store)
    directory.update_provider(Caller.system(store, utc_now()), "hc-a", {"overseen_by": ("tpo-a",)})
    case = cases.open_case(Caller.system(store, clock(), "t"), opening(risk=risk))
    return refer_to_health_centre(store, clock(), case.id)


def alerts(store: Store) -> list[tuple[Window, AlertKind]]:
    found = store.read(lambda tx: tx.list_alerts(AlertQuery(), Page(limit=100))).items
    return sorted((a.window, a.kind) for a in found)


def test_a_high_risk_referral_is_reminded_then_escalated(store: Store, clock: FakeClock) -> None:
    referral = refer(store, clock)
    assert referral.due is not None
    assert timeliness.tick(store, clock.advance(hours=1, minutes=59)) == []
    reminded = timeliness.tick(store, clock.advance(minutes=1))  # 2 h of a 4 h window
    assert [(a.kind, a.notify) for a in reminded] == [(AlertKind.REMINDER, ("hc-a",))]
    assert timeliness.tick(store, clock.advance(minutes=30)) == []
    escalated = timeliness.tick(store, clock.advance(hours=1, minutes=30))
    assert [(a.kind, a.notify) for a in escalated] == [(AlertKind.ESCALATION, ("tpo-a", "ccwc-a"))]
    assert timeliness.tick(store, clock.advance(hours=10)) == []
    assert alerts(store) == [
        (Window.ACKNOWLEDGE, AlertKind.ESCALATION),
        (Window.ACKNOWLEDGE, AlertKind.REMINDER),
    ]


def test_acknowledging_moves_on_to_the_decision_window(store: Store, clock: FakeClock) -> None:
    referral = refer(store, clock)
    clock.advance(hours=1)
    referrals.move_referral(
        Caller.system(store, clock(), "t"), referral.id, Step(status="received")
    )
    fired = timeliness.tick(store, clock.advance(hours=5))  # 6 h of the 12 h decide window
    assert [(a.window, a.kind) for a in fired] == [(Window.DECIDE, AlertKind.REMINDER)]
    clock.advance(hours=1)
    referrals.move_referral(
        Caller.system(store, clock(), "t"), referral.id, Step(status="accepted")
    )
    referrals.move_referral(
        Caller.system(store, clock(), "t"), referral.id, Step(status="in_progress")
    )
    assert timeliness.tick(store, clock.advance(days=3)) == [], "no deadlines after contact"


def test_a_late_step_fires_what_is_already_due_at_once(store: Store, clock: FakeClock) -> None:
    referral = refer(store, clock)
    clock.advance(hours=20)  # never ticked meanwhile: the server was down
    referrals.move_referral(
        Caller.system(store, clock(), "t"), referral.id, Step(status="received")
    )
    fired = timeliness.tick(store, clock())
    assert sorted((a.window, a.kind) for a in fired) == [
        (Window.DECIDE, AlertKind.ESCALATION),
        (Window.DECIDE, AlertKind.REMINDER),
    ]


def test_concurrent_schedulers_fire_each_alert_once(store: Store, clock: FakeClock) -> None:
    for _ in range(5):
        refer(store, clock)
    clock.advance(hours=5)
    results: list[int] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        results.append(len(timeliness.tick(store, clock())))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 10  # 5 referrals × (reminder + escalation)
    assert len(alerts(store)) == 10


def test_an_emergency_not_acknowledged_in_time_is_offered_for_rerouting(
    store: Store, clock: FakeClock
) -> None:
    referral = refer(store, clock, RiskLevel.EMERGENCY)
    seen: list[str] = []

    def reroute(r: Referral, now: object) -> list[str]:
        seen.append(r.id)
        return ["helpline"]

    timeliness.tick(store, clock.advance(minutes=30), reroute=reroute)
    assert seen == [], "no re-routing before the hour is up"
    fired = timeliness.tick(store, clock.advance(minutes=31), reroute=reroute)
    escalation = next(a for a in fired if a.kind is AlertKind.ESCALATION)
    assert escalation.suggestions == ("helpline",)
    assert seen == [referral.id]


def test_overdue_and_due_soon_lists(store: Store, clock: FakeClock) -> None:
    referral = refer(store, clock)
    soon = store.read(
        lambda tx: tx.referrals_due(
            DueQuery(before=clock.now.replace(hour=clock.now.hour + 5)), Page()
        )
    )
    assert [r.id for r in soon.items] == [referral.id]
    overdue_now = store.read(lambda tx: tx.referrals_due(DueQuery(before=clock()), Page()))
    assert overdue_now.count == 0
    later = clock.advance(hours=5)
    overdue = store.read(lambda tx: tx.referrals_due(DueQuery(before=later, area="1701"), Page()))
    assert overdue.count == 1
    assert (
        store.read(lambda tx: tx.referrals_due(DueQuery(before=later, area="19"), Page())).count
        == 0
    )
    assert (
        store.read(
            lambda tx: tx.referrals_due(DueQuery(before=later, risk=RiskLevel.LOW), Page())
        ).count
        == 0
    )

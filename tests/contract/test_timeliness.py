"""Contract: deadlines, reminders and escalations through the services, on every store,
with a controlled clock."""

from __future__ import annotations

from datetime import timedelta

from referral_graph.domain.models import Referral, utc_now
from referral_graph.domain.sla import AlertKind, Window
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.services import cases, directory, referrals, timeliness
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import Step
from referral_graph.store.port import AlertQuery, DueQuery, Page, Store
from tests.contract.helpers import race
from tests.factories import FakeClock, opening, refer_to_health_centre


def refer(store: Store, clock: FakeClock, risk: RiskLevel = RiskLevel.HIGH) -> Referral:
    case = cases.open_case(Caller.system(store, clock(), "t"), opening(risk=risk))
    return refer_to_health_centre(store, clock(), case.id)


def test_reminder_then_escalation_then_nothing(network: Store) -> None:
    clock = FakeClock()
    directory.update_provider(
        Caller.system(network, utc_now()), "hc-a", {"overseen_by": ("tpo-a",)}
    )
    referral = refer(network, clock)
    assert timeliness.tick(network, clock.advance(hours=1, minutes=59)) == []
    reminded = timeliness.tick(network, clock.advance(minutes=1))
    assert [(a.kind, a.notify) for a in reminded] == [(AlertKind.REMINDER, ("hc-a",))]
    escalated = timeliness.tick(network, clock.advance(hours=2))
    assert [(a.kind, a.notify) for a in escalated] == [(AlertKind.ESCALATION, ("tpo-a", "ccwc-a"))]
    assert timeliness.tick(network, clock.advance(days=2)) == []
    fired = network.read(lambda tx: tx.list_alerts(AlertQuery(referral_id=referral.id), Page()))
    assert sorted((a.window, a.kind) for a in fired.items) == [
        (Window.ACKNOWLEDGE, AlertKind.ESCALATION),
        (Window.ACKNOWLEDGE, AlertKind.REMINDER),
    ]


def test_a_step_moves_the_deadline_on(network: Store) -> None:
    clock = FakeClock()
    referral = refer(network, clock)
    clock.advance(hours=1)
    referrals.move_referral(
        Caller.system(network, clock(), "t"), referral.id, Step(status="received")
    )
    fired = timeliness.tick(network, clock.advance(hours=5))
    assert [(a.window, a.kind) for a in fired] == [(Window.DECIDE, AlertKind.REMINDER)]
    overdue = network.read(
        lambda tx: tx.referrals_due(
            DueQuery(before=clock() + timedelta(hours=7), area="17"), Page()
        )
    )
    assert [r.id for r in overdue.items] == [referral.id]


def test_concurrent_schedulers_fire_each_alert_once(network: Store) -> None:
    clock = FakeClock()
    for _ in range(3):
        refer(network, clock)
    clock.advance(hours=5)
    counts = race(4, lambda _i: len(timeliness.tick(network, clock())))
    assert sum(c for c in counts if isinstance(c, int)) == 6
    alerts = network.read(lambda tx: tx.list_alerts(AlertQuery(), Page(limit=100)))
    assert alerts.count == 6

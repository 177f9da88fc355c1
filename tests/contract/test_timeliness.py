"""Contract of the timeliness port: the SLA policy, alerts and the scheduler's queue, the
due list, the audit's hop facts and the outbox — by hand, and (deadlines, reminders and
escalations) through the services with a controlled clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from operator import methodcaller

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Referral, TimelinessAlert, utc_now
from referral_graph.domain.reasons import StepReason
from referral_graph.domain.records import NOTICE_TOPIC_PREFIX
from referral_graph.domain.sla import AlertKind, Deadlines, Window
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.policies.sla import packaged_policy
from referral_graph.services import cases, directory, referrals, timeliness
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import Step
from referral_graph.store.port import (
    AlertQuery,
    DueQuery,
    HistoryQuery,
    HopFact,
    OutboxMessage,
    Page,
    Store,
)
from tests.contract.helpers import HOUR, add, moved, race, referral, save
from tests.factories import T0, FakeClock, opening, refer_to_health_centre

S = ReferralStatus


def deadlines(start_hours: float = 0) -> Deadlines:
    start = T0 + start_hours * HOUR
    return Deadlines(
        acknowledge=start + 4 * HOUR,
        decide=start + 24 * HOUR,
        first_contact=start + 72 * HOUR,
        policy_version=1,
    )


# --- the SLA policy and alerts, by hand --------------------------------------------


def test_sla_policy_is_kept(any_store: Store) -> None:
    assert any_store.read(lambda tx: tx.get_sla_policy()) is None
    policy = packaged_policy()
    any_store.write(lambda tx: tx.save_sla_policy(policy))
    assert any_store.read(lambda tx: tx.get_sla_policy()) == policy
    newer = policy.model_copy(update={"version": policy.version + 1})
    any_store.write(lambda tx: tx.save_sla_policy(newer))
    assert any_store.read(lambda tx: tx.get_sla_policy()) == newer


def alert(ident: str, referral_id: str, kind: AlertKind, fired_hours: float) -> TimelinessAlert:
    return TimelinessAlert(
        id=ident,
        referral_id=referral_id,
        case_id="case-1",
        provider_id="hc-a" if referral_id != "ref-t" else "tpo-a",
        window=Window.ACKNOWLEDGE,
        kind=kind,
        risk=RiskLevel.HIGH,
        due_at=T0 + 4 * HOUR,
        fired_at=T0 + fired_hours * HOUR,
        notify=("hc-a",),
    )


def test_alerts_fire_once_and_list_newest_first(with_cases: Store) -> None:
    add(with_cases, referral("ref-1"))
    add(with_cases, referral("ref-t", receiver="tpo-a", service="counselling"))
    first = alert("alert:ref-1:acknowledge:reminder", "ref-1", AlertKind.REMINDER, 2)
    assert with_cases.write(lambda tx: tx.add_alert(first)) is True
    assert with_cases.write(lambda tx: tx.add_alert(first)) is False
    second = alert("alert:ref-1:acknowledge:escalation", "ref-1", AlertKind.ESCALATION, 4)
    third = alert("alert:ref-t:acknowledge:reminder", "ref-t", AlertKind.REMINDER, 4)
    for a in (second, third):
        assert with_cases.write(methodcaller("add_alert", a)) is True

    def listed(page: Page | None = None, **filters: object) -> tuple[list[str], int]:
        query = AlertQuery(**filters)  # type: ignore[arg-type]
        listing = with_cases.read(lambda tx: tx.list_alerts(query, page or Page()))
        return [a.id for a in listing.items], listing.count

    assert listed() == ([second.id, third.id, first.id], 3)
    assert listed(referral_id="ref-1") == ([second.id, first.id], 2)
    assert listed(provider_id="tpo-a") == ([third.id], 1)
    assert listed(kind=AlertKind.REMINDER) == ([third.id, first.id], 2)
    assert listed(Page(limit=1, offset=2)) == ([first.id], 3)
    stored = with_cases.read(lambda tx: tx.list_alerts(AlertQuery(referral_id="ref-t"), Page()))
    assert stored.items == [third]


def test_next_alert_time_and_the_alert_queue(with_cases: Store) -> None:
    r1 = add(with_cases, referral("ref-1", due=deadlines(), next_alert_at=T0 + 2 * HOUR))
    r2 = add(with_cases, referral("ref-2", due=deadlines(), next_alert_at=T0 + 1 * HOUR))
    add(with_cases, referral("ref-3", next_alert_at=None))

    def due(hours: float, limit: int = 10) -> list[str]:
        now = T0 + hours * HOUR
        return [r.id for r in with_cases.read(lambda tx: tx.referrals_alert_due(now, limit))]

    assert due(0.5) == []
    assert due(1) == ["ref-2"]
    assert due(5) == ["ref-2", "ref-1"]
    assert due(5, limit=1) == ["ref-2"]

    with_cases.write(lambda tx: tx.set_next_alert_at("ref-2", r2.version, T0 + 4 * HOUR))
    assert due(5) == ["ref-1", "ref-2"]
    stored = with_cases.read(lambda tx: tx.get_referral("ref-2"))
    assert stored is not None and stored.next_alert_at == T0 + 4 * HOUR
    assert stored.version == r2.version

    with_cases.write(lambda tx: tx.set_next_alert_at("ref-1", r1.version + 1, None))  # stale
    with_cases.write(lambda tx: tx.set_next_alert_at("nope", 1, None))
    assert due(5) == ["ref-1", "ref-2"]
    with_cases.write(lambda tx: tx.set_next_alert_at("ref-1", r1.version, None))
    assert due(5) == ["ref-2"]


def test_referrals_due_by_current_deadline(with_cases: Store) -> None:
    a = add(with_cases, referral("ref-a", due=deadlines()))  # acknowledge due T0+4h
    b = add(with_cases, referral("ref-b", due=deadlines(1)))  # T0+5h
    add(
        with_cases,
        referral(
            "ref-c",
            case_id="case-2",
            receiver="tpo-a",
            service="counselling",
            risk=RiskLevel.EMERGENCY,
            due=deadlines(-1),
        ),
    )  # T0+3h
    add(with_cases, referral("ref-none"))  # no deadlines
    add(with_cases, referral("ref-k", case_id="case-3", due=deadlines(200)))  # T0+204h
    save(with_cases, b, S.RECEIVED, 0.5)  # now waits on decide: T0+25h
    a = save(with_cases, a, S.RECEIVED, 1)
    a = save(with_cases, a, S.ACCEPTED, 2)
    save(with_cases, a, S.IN_PROGRESS, 3)  # contact made: no deadline pending

    def due(hours: float, page: Page | None = None, **filters: object) -> tuple[list[str], int]:
        query = DueQuery(before=T0 + hours * HOUR, **filters)  # type: ignore[arg-type]
        listing = with_cases.read(lambda tx: tx.referrals_due(query, page or Page()))
        return [r.id for r in listing.items], listing.count

    assert due(3) == ([], 0)
    assert due(3.5) == (["ref-c"], 1)
    assert due(100) == (["ref-c", "ref-b"], 2)
    assert due(100, area="1702") == (["ref-c"], 1)
    assert due(100, area="17010101") == (["ref-b"], 1)
    assert due(100, provider_id="hc-a") == (["ref-b"], 1)
    assert due(100, risk=RiskLevel.HIGH) == (["ref-b"], 1)
    assert due(100, Page(limit=1, offset=1)) == (["ref-b"], 2)
    assert due(300, area="040614") == (["ref-k"], 1)
    assert due(300) == (["ref-c", "ref-b", "ref-k"], 3)


# --- outbox ------------------------------------------------------------------------


def message(ident: str, hours: float, **extra: object) -> OutboxMessage:
    return OutboxMessage(
        id=ident,
        topic="referral.requested",
        payload={"referral_id": "ref-1", "n": 1, "nested": {"km": "ឯកសារ"}},
        created_at=T0 + hours * HOUR,
        **extra,  # type: ignore[arg-type]
    )


def test_outbox_queue(any_store: Store) -> None:
    m1, m2, m3 = message("msg-1", 0), message("msg-2", 1), message("msg-3", 2)
    for m in (m3, m1, m2, m1):
        any_store.write(methodcaller("enqueue", m))

    def due(hours: float, limit: int = 10) -> list[str]:
        now = T0 + hours * HOUR
        return [m.id for m in any_store.read(lambda tx: tx.outbox_due(now, limit))]

    assert due(1) == ["msg-1", "msg-2"]
    assert due(9, limit=2) == ["msg-1", "msg-2"]
    assert any_store.read(lambda tx: tx.outbox_due(T0, 10)) == [m1]

    retry = message("msg-1", 0, attempts=1, next_attempt_at=T0 + 5 * HOUR, last_error="503")
    done = message("msg-2", 1, state="delivered", attempts=1, delivered_to=("hook-a",))
    dead = message("msg-3", 2, state="dead", attempts=8, last_error="timeout")
    for m in (retry, done, dead):
        any_store.write(methodcaller("save_outbox", m))
    assert due(4) == []
    assert any_store.read(lambda tx: tx.outbox_due(T0 + 5 * HOUR, 10)) == [retry]

    def listed(state: str) -> tuple[list[OutboxMessage], int]:
        listing = any_store.read(lambda tx: tx.list_outbox(state, Page()))
        return listing.items, listing.count

    assert listed("pending") == ([retry], 1)
    assert listed("delivered") == ([done], 1)
    assert listed("dead") == ([dead], 1)
    m4 = message("msg-4", 3, state="dead")
    any_store.write(lambda tx: tx.enqueue(m4))
    assert listed("dead") == ([m4, dead], 2)


def test_outbox_claims_hold_messages_for_one_deliverer(any_store: Store) -> None:
    """A claim moves each due message's next attempt to the end of the claim: a second
    deliverer does not take it meanwhile, and it is due again when the claim runs out
    without an outcome recorded."""
    for m in (message("msg-1", 0), message("msg-2", 1), message("msg-3", 2)):
        any_store.write(methodcaller("enqueue", m))
    now, until = T0 + 3 * HOUR, T0 + 4 * HOUR

    def claim(at: datetime, limit: int = 10) -> list[str]:
        held = any_store.write(lambda tx: tx.claim_outbox(at, until, limit))
        return [m.id for m in held]

    assert claim(now, limit=2) == ["msg-1", "msg-2"]
    assert claim(now) == ["msg-3"]
    assert claim(now) == []
    assert claim(until) == ["msg-1", "msg-2", "msg-3"]  # nobody recorded an outcome


def test_claims_keep_webhooks_and_messages_to_people_apart(any_store: Store) -> None:
    """Webhook delivery and delivery to people claim separately: neither takes (and
    delays) the other's messages."""
    hook = message("msg-hook", 0)
    notice = OutboxMessage(
        id="msg-notice",
        topic=NOTICE_TOPIC_PREFIX + "escalation",
        payload={"user_id": "user-1", "case_id": "case-1"},
        created_at=T0,
    )
    for m in (hook, notice):
        any_store.write(methodcaller("enqueue", m))
    now, until = T0 + HOUR, T0 + 2 * HOUR

    def claim(*, notices: bool) -> list[str]:
        held = any_store.write(lambda tx: tx.claim_outbox(now, until, 10, notices=notices))
        return [m.id for m in held]

    assert claim(notices=True) == ["msg-notice"]
    assert claim(notices=True) == []
    assert claim(notices=False) == ["msg-hook"]
    assert claim(notices=False) == []


def test_concurrent_claims_never_share_a_message(any_store: Store) -> None:
    for i in range(24):
        any_store.write(methodcaller("enqueue", message(f"msg-{i:02d}", 0)))
    now = T0 + HOUR

    def claim(_: int = 0) -> list[OutboxMessage]:
        return any_store.write(lambda tx: tx.claim_outbox(now, now + HOUR, 6))

    results = race(8, claim)
    assert not [r for r in results if isinstance(r, Exception)], results
    claimed = [m.id for r in results if isinstance(r, list) for m in r]
    assert len(claimed) == len(set(claimed)) >= 6  # each message at most once
    while more := claim():  # the rest, to whoever asks next
        claimed += [m.id for m in more]
    assert sorted(claimed) == [f"msg-{i:02d}" for i in range(24)]


# --- audit -------------------------------------------------------------------------


def test_hop_facts_in_a_window(with_cases: Store) -> None:
    a = add(with_cases, referral("ref-a", due=deadlines(), recommendation_rank=2))
    b = add(
        with_cases,
        referral("ref-b", case_id="case-2", at=T0 + HOUR, receiver="tpo-a", service="counselling"),
    )
    add(with_cases, referral("ref-late", at=T0 + 10 * HOUR))
    add(with_cases, referral("ref-k", case_id="case-3", at=T0 + 2 * HOUR))
    a = save(with_cases, a, S.RECEIVED, 0.5)
    a = save(with_cases, a, S.ACCEPTED, 1.25)
    rejected, event = moved(b, S.REJECTED, T0 + 3 * HOUR)
    rejected = rejected.model_copy(
        update={"status_reason": "Full this month.", "status_reason_code": StepReason.NO_CAPACITY}
    )
    with_cases.write(lambda tx: tx.save_referral(rejected, 1, event))

    def facts(**filters: object) -> list[str]:
        query = HistoryQuery(since=T0, until=T0 + 10 * HOUR, **filters)  # type: ignore[arg-type]
        return [f.id for f in with_cases.read(lambda tx: tx.hop_facts(query))]

    assert facts() == ["ref-a", "ref-b", "ref-k"]
    assert facts(area="1702") == ["ref-b"]
    assert facts(area="170101") == ["ref-a"]
    assert facts(area="040614") == ["ref-k"]
    assert facts(provider_id="ccwc-a") == ["ref-a", "ref-b", "ref-k"]
    assert facts(provider_id="tpo-a") == ["ref-b"]
    assert facts(provider_id="helpline") == []

    found = with_cases.read(lambda tx: tx.hop_facts(HistoryQuery(T0, T0 + 10 * HOUR)))
    assert found[0] == HopFact(
        id="ref-a",
        case_id="case-1",
        from_provider_id="ccwc-a",
        to_provider_id="hc-a",
        continues_referral_id=None,
        service="medical_care",
        risk="high",
        status="accepted",
        hop=1,
        village_code="17010101",
        case_opened_at=T0,
        created_at=T0,
        received_at=T0 + 0.5 * HOUR,
        accepted_at=T0 + 1.25 * HOUR,
        rejected_at=None,
        in_progress_at=None,
        closed_at=None,
        acknowledge_due=T0 + 4 * HOUR,
        decide_due=T0 + 24 * HOUR,
        first_contact_due=T0 + 72 * HOUR,
        status_reason_code=None,
        recommendation_rank=2,
        case_gender="female",
        case_age=15,
        case_lgbtiq=False,
        identification_source=None,
        case_closed_at=None,
    )
    assert (found[1].status, found[1].rejected_at, found[1].closed_at) == (
        "rejected",
        T0 + 3 * HOUR,
        T0 + 3 * HOUR,
    )
    assert found[1].village_code == "17020101" and found[1].status_reason_code == "no_capacity"
    assert "Full this month." not in repr(found), "the audit never reads free text"
    for fact in found:
        for value in (fact.created_at, fact.case_opened_at):
            assert value.utcoffset() == timedelta(0)


# --- through the services ----------------------------------------------------------


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

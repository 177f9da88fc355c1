"""Contract of alerts to people, on every store: each share of alerts (either end of a
handoff or named by its escalation, the child's area, unseen by one person), "seen"
on record once per person, the people to tell, notification settings kept with the
user, messages to people apart from webhook messages, and archives carrying it all."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta
from pathlib import Path
from typing import Any

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.archive.backup import copy_store
from referral_graph.domain.alerting import AlertSeen, Channel, NotificationSettings, QuietHours
from referral_graph.domain.models import TimelinessAlert
from referral_graph.domain.sla import AlertKind, Window
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.security.model import Role, User
from referral_graph.store.port import AlertQuery, OutboxMessage, Page, Store
from tests.contract.helpers import HOUR, add, referral
from tests.factories import T0

SETTINGS = NotificationSettings(
    channels=frozenset({Channel.EMAIL, Channel.TELEGRAM}),
    language="en",
    email="nurse@example.org",
    telegram_chat_id="123456789",
    quiet_hours=QuietHours(starts=time(21), ends=time(6)),
)


def person(ident: str, role: Role, **extra: Any) -> User:
    fields: dict[str, Any] = {
        "id": ident,
        "username": ident,
        "role": role,
        "password_hash": "x",
        "created_at": T0,
    }
    fields.update(extra)
    return User.model_validate(fields)


PEOPLE = (
    person("u-ccwc", Role.CCWC, provider_id="ccwc-a"),
    person("u-hc", Role.PROVIDER, provider_id="hc-a", notifications=SETTINGS),
    person("u-tpo", Role.SUPERVISOR, provider_id="tpo-a"),
    person("u-sr", Role.COORDINATOR, area_code="17"),
    person("u-kh", Role.COORDINATOR, area_code="KH"),
    person("u-st", Role.COORDINATOR, area_code="19"),
    person("u-admin", Role.ADMIN),
    person("u-gone", Role.PROVIDER, provider_id="hc-a", active=False),
)


def alert(referral_id: str, kind: AlertKind, hours: float, **extra: Any) -> TimelinessAlert:
    fields: dict[str, Any] = {
        "id": f"alert:{referral_id}:acknowledge:{kind.value}",
        "referral_id": referral_id,
        "case_id": "case-1",
        "provider_id": "hc-a",
        "window": Window.ACKNOWLEDGE,
        "kind": kind,
        "risk": RiskLevel.HIGH,
        "due_at": T0 + 4 * HOUR,
        "fired_at": T0 + hours * HOUR,
        "notify": ("hc-a",),
    }
    fields.update(extra)
    return TimelinessAlert.model_validate(fields)


def world(store: Store) -> None:
    """ref-1 ccwc-a → hc-a (Siem Reap), escalated naming tpo-a; ref-2 ccwc-a → tpo-a
    for a child in Stung Treng (case-3 lives in 04061700, Kampong Chhnang)."""
    for u in PEOPLE:
        store.write(lambda tx, u=u: tx.add_user(u))
    add(store, referral("ref-1"))
    add(store, referral("ref-2", case_id="case-3", receiver="tpo-a", service="counselling"))
    alerts = [
        alert("ref-1", AlertKind.REMINDER, 2),
        alert("ref-1", AlertKind.ESCALATION, 4, notify=("tpo-a", "ccwc-a")),
        alert(
            "ref-2", AlertKind.REMINDER, 3, case_id="case-3", provider_id="tpo-a", notify=("tpo-a",)
        ),
    ]
    for a in alerts:
        assert store.write(lambda tx, a=a: tx.add_alert(a))


def listed(store: Store, **query: Any) -> list[str]:
    found = store.read(lambda tx: tx.list_alerts(AlertQuery(**query), Page(limit=10)))
    assert found.count == len(found.items)
    return [a.id.split(":", 1)[1] for a in found.items]


R1, E1, R2 = (
    "ref-1:acknowledge:reminder",
    "ref-1:acknowledge:escalation",
    "ref-2:acknowledge:reminder",
)


def test_each_share_of_alerts(with_cases: Store) -> None:
    world(with_cases)
    assert listed(with_cases) == [E1, R2, R1], "newest first"
    assert listed(with_cases, parties=("hc-a",)) == [E1, R1], "the receiver"
    assert listed(with_cases, parties=("ccwc-a",)) == [E1, R2, R1], "the sender"
    assert listed(with_cases, parties=("tpo-a",)) == [E1, R2], "named by the escalation"
    assert listed(with_cases, parties=("helpline",)) == []
    assert listed(with_cases, parties=("helpline", "hc-a")) == [E1, R1]
    assert listed(with_cases, area="17") == [E1, R1]
    assert listed(with_cases, area="170101") == [E1, R1], "a commune by its villages"
    assert listed(with_cases, area="040614") == [R2]
    assert listed(with_cases, area="19") == []
    assert listed(with_cases, parties=("ccwc-a",), area="04", kind=AlertKind.REMINDER) == [R2]
    assert listed(with_cases, referral_id="ref-1", provider_id="hc-a") == [E1, R1]


def test_seen_is_kept_once_per_person(with_cases: Store) -> None:
    world(with_cases)
    first = AlertSeen(f"alert:{E1}", "u-hc", "u-hc", T0 + 5 * HOUR)
    assert with_cases.write(lambda tx: tx.mark_alert_seen(first)) == first
    again = replace(first, at=T0 + 6 * HOUR)
    assert with_cases.write(lambda tx: tx.mark_alert_seen(again)) == first, "the first counts"
    other = AlertSeen(f"alert:{E1}", "u-ccwc", "u-ccwc", T0 + 7 * HOUR)
    with_cases.write(lambda tx: tx.mark_alert_seen(other))
    assert listed(with_cases, parties=("hc-a",), unseen_by="u-hc") == [R1]
    assert listed(with_cases, parties=("hc-a",), unseen_by="u-tpo") == [E1, R1]
    seen = with_cases.read(lambda tx: tx.alerts_seen([f"alert:{E1}", f"alert:{R1}", "nope"]))
    assert seen == [first, other]
    assert with_cases.read(lambda tx: tx.alerts_seen([])) == []
    everything = with_cases.read(lambda tx: tx.list_alert_seen(Page(limit=1)))
    assert everything.count == 2 and everything.items == [first]
    assert with_cases.read(lambda tx: tx.get_alert(f"alert:{E1}")) is not None
    assert with_cases.read(lambda tx: tx.get_alert("alert:none")) is None


def test_the_people_to_tell(with_cases: Store) -> None:
    world(with_cases)

    def told(providers: tuple[str, ...], areas: tuple[str, ...]) -> list[str]:
        return [u.id for u in with_cases.read(lambda tx: tx.users_to_tell(providers, areas))]

    assert told(("hc-a",), ()) == ["u-hc"], "active staff only"
    assert told(("hc-a", "ccwc-a", "tpo-a"), ()) == ["u-ccwc", "u-hc", "u-tpo"]
    assert told((), ("17", "1701", "KH")) == ["u-kh", "u-sr"]
    assert told(("helpline",), ("19",)) == ["u-st"]
    assert told((), ()) == []
    kept = with_cases.read(lambda tx: tx.get_user("u-hc"))
    assert kept is not None and kept.notifications == SETTINGS


def test_settings_change_with_the_user(any_store: Store) -> None:
    any_store.write(lambda tx: tx.add_user(PEOPLE[0]))
    changed = PEOPLE[0].model_copy(update={"notifications": SETTINGS, "version": 2})
    any_store.write(lambda tx: tx.save_user(changed, 1))
    assert any_store.read(lambda tx: tx.get_user("u-ccwc")) == changed
    assert [u.id for u in any_store.read(lambda tx: tx.users_to_tell(["ccwc-a"], []))] == ["u-ccwc"]


def test_messages_to_people_are_apart_from_webhook_messages(any_store: Store) -> None:
    def message(ident: str, topic: str, minutes: int) -> OutboxMessage:
        return OutboxMessage(ident, topic, {"n": ident}, T0 + timedelta(minutes=minutes))

    for m in (
        message("hook", "timeliness.escalation", 0),
        message("mail", "notice.email", 1),
        message("text", "notice.sms", 2),
    ):
        any_store.write(lambda tx, m=m: tx.enqueue(m))
    later = T0 + HOUR
    hooks = any_store.read(lambda tx: tx.outbox_due(later, 10))
    people = any_store.read(lambda tx: tx.outbox_due(later, 10, notices=True))
    assert [m.id for m in hooks] == ["hook"]
    assert [m.id for m in people] == ["mail", "text"]


def test_archives_carry_seen_alerts_and_settings(with_cases: Store, tmp_path: Path) -> None:
    world(with_cases)
    seen = AlertSeen(f"alert:{E1}", "u-hc", "u-hc", T0 + 5 * HOUR)
    with_cases.write(lambda tx: tx.mark_alert_seen(seen))
    copy = SqliteStore(tmp_path / "copy.sqlite3")
    copy.initialise()
    try:
        counts = copy_store(with_cases, copy)
        assert counts["alert_seen"] == 1
        back = copy_store(copy, with_cases, reset=True)
        assert back == counts
    finally:
        copy.close()
    assert with_cases.read(lambda tx: tx.alerts_seen([f"alert:{E1}"])) == [seen]
    restored = with_cases.read(lambda tx: tx.get_user("u-hc"))
    assert restored is not None and restored.notifications == SETTINGS
    assert listed(with_cases, parties=("tpo-a",)) == [E1, R2], "notify survives the trip"

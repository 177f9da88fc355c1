"""Alerts reach people end to end: the scheduler's tick fires a reminder or escalation,
queues a message per person told and channel they chose, and delivers it to a real
SMTP server and a real local HTTP gateway (SMS and Telegram) started here, in each
person's language, in working time and outside quiet hours (a fake clock), with the
outbox's retries and dead letters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from referral_graph.bootstrap import Runtime
from referral_graph.domain.alerting import Channel, NotificationSettings, QuietHours
from referral_graph.domain.models import Referral
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.scheduler import run_once
from referral_graph.security.model import Role
from referral_graph.services import alert_notices, cases, notifications
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.alerts import change_notification_settings
from referral_graph.services.caller import Caller
from referral_graph.services.notifications import DeliveryPolicy
from referral_graph.settings import Settings
from referral_graph.store.port import OutboxMessage, Page, Store
from tests.factories import FakeClock
from tests.timeliness.channels import SMTP_PASSWORD, SMTP_USER, Gateway, SmtpServer
from tests.timeliness.test_escalation import refer

NURSE_MAIL = "nurse@hc-a.example.org"
CCWC_PHONE = "+85512345678"
SUPERVISOR_CHAT = "987654321"
COORDINATOR_MAIL = "coordinator@siemreap.example.org"
CHILD_DETAILS = ("15", "female", "Female", "ស្រី", "17010101", "Char Chhuk", "x")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.close()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    yield server
    server.close()


def channels(smtp: SmtpServer, gateway: Gateway, **extra: Any) -> Settings:
    return Settings(
        seed_on_start=False,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security="none",
        smtp_from="alerts@referral-network.test",
        smtp_username=SMTP_USER,
        smtp_password=SMTP_PASSWORD,
        sms_gateway_url=gateway.url,
        sms_gateway_token="sms-token",
        telegram_bot_token="42:bot-token",
        telegram_api_url=gateway.url,
        public_url="https://referrals.example.org",
        **extra,
    )


def person(
    store: Store, clock: FakeClock, username: str, settings: NotificationSettings, **user: Any
) -> str:
    caller = Caller.system(store, clock())
    made = create_user(caller, NewUser(username=username, password="long enough pw", **user))
    change_notification_settings(caller, settings, made.id)
    return made.id


def network_people(
    store: Store, clock: FakeClock, *, nurse_quiet: QuietHours | None = None
) -> None:
    """The nurse (receiver, e-mail, English), the CCWC (sender, SMS, Khmer), the
    clinical supervisor overseeing the health centre (Telegram) and the district's
    coordinator (e-mail), and a coordinator of another province (e-mail, never told)."""
    email = frozenset({Channel.EMAIL})
    person(
        store,
        clock,
        "nurse",
        NotificationSettings(
            channels=email, language="en", email=NURSE_MAIL, quiet_hours=nurse_quiet
        ),
        role=Role.PROVIDER,
        provider_id="hc-a",
    )
    person(
        store,
        clock,
        "ccwc",
        NotificationSettings(channels=frozenset({Channel.SMS}), language="km", phone=CCWC_PHONE),
        role=Role.CCWC,
        provider_id="ccwc-a",
    )
    person(
        store,
        clock,
        "supervisor",
        NotificationSettings(
            channels=frozenset({Channel.TELEGRAM}), language="en", telegram_chat_id=SUPERVISOR_CHAT
        ),
        role=Role.SUPERVISOR,
        provider_id="tpo-a",
    )
    person(
        store,
        clock,
        "coordinator",
        NotificationSettings(channels=email, language="km", email=COORDINATOR_MAIL),
        role=Role.COORDINATOR,
        area_code="1701",
    )
    person(
        store,
        clock,
        "far-away",
        NotificationSettings(channels=email, email="stung-treng@example.org"),
        role=Role.COORDINATOR,
        area_code="19",
    )


def code_of(store: Store, referral: Referral) -> str:
    return cases.get_case(Caller.system(store, datetime.now(UTC)), referral.case_id).code


def notices(store: Store, state: str) -> list[OutboxMessage]:
    found = store.read(lambda tx: tx.list_outbox(state, Page(limit=100))).items
    return [m for m in found if m.topic.startswith("notice.")]


def assert_no_child_details(text: str) -> None:
    words = text.replace(",", " ").replace(".", " ").split()
    for detail in CHILD_DETAILS:
        assert detail not in words, f"{detail!r} leaked into a message"


def test_an_escalation_reaches_everyone_told_by_their_channel(
    store: Store, clock: FakeClock, smtp: SmtpServer, gateway: Gateway
) -> None:
    referral = refer(store, clock, RiskLevel.HIGH)
    runtime = Runtime(settings=channels(smtp, gateway), store=store, clock=clock)
    network_people(store, clock)
    code = code_of(store, referral)

    clock.advance(hours=2)  # half of the 4 h acknowledgement window: a reminder
    assert [a.kind.value for a in run_once(runtime)] == ["reminder"]
    assert [m["To"] for m in smtp.mails] == [NURSE_MAIL], "only the receiver is reminded"
    assert gateway.requests == []
    reminder = smtp.mails[0]
    assert reminder["Subject"] == f"Reminder: case {code} waits for your acknowledgement"
    body = reminder.get_content()
    assert "Please acknowledge the referral by Mon 2 Mar 12:00" in body
    assert "https://referrals.example.org/app/inbox" in body
    assert_no_child_details(body)
    assert smtp.box.logins == [SMTP_USER]

    clock.advance(hours=2)  # the window closes: an escalation, to everyone concerned
    assert [a.kind.value for a in run_once(runtime)] == ["escalation"]
    assert sorted(m["To"] for m in smtp.mails[1:]) == [COORDINATOR_MAIL, NURSE_MAIL]
    coordinator = next(m for m in smtp.mails[1:] if m["To"] == COORDINATOR_MAIL)
    assert coordinator["Subject"] == f"ហួសកាលកំណត់ក្នុងតំបន់របស់អ្នក៖ ករណី {code} នៅ Test hc-a"
    assert "https://referrals.example.org/app/alerts" in coordinator.get_content()

    [sms] = gateway.sent("sms")
    assert sms.headers["Authorization"] == "Token sms-token"
    assert sms.body["urns"] == [f"tel:{CCWC_PHONE}"]
    assert sms.body["text"].startswith(f"ហួសកាលកំណត់៖ Test hc-a មិនទាន់ឆ្លើយតបចំពោះករណី {code}")
    assert "ម៉ោង" not in sms.body["text"] and "១២:០០" in sms.body["text"], "Khmer digits"
    assert f"/app/cases/{referral.case_id}" in sms.body["text"]
    [telegram] = gateway.sent("telegram")
    assert telegram.path == "/bot42:bot-token/sendMessage"
    assert telegram.body["chat_id"] == SUPERVISOR_CHAT
    assert f"Overdue at Test hc-a: case {code}" in telegram.body["text"]
    assert "which you oversee" in telegram.body["text"]
    for text in [sms.body["text"], telegram.body["text"], *(m.get_content() for m in smtp.mails)]:
        assert_no_child_details(text)

    delivered = notices(store, "delivered")
    assert len(delivered) == 5 and all(m.attempts == 1 for m in delivered)
    assert run_once(runtime) == [] and len(smtp.mails) == 3, "each message once"


def test_a_reminder_on_a_sunday_night_waits_for_monday_morning(
    store: Store, smtp: SmtpServer, gateway: Gateway
) -> None:
    # Friday 6 March 2026, 16:00 in Phnom Penh: a medium-risk referral has one working
    # day to be acknowledged (Monday 16:00); half of it is reached on Sunday at 04:00.
    clock = FakeClock(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))
    referral = refer(store, clock, RiskLevel.MEDIUM)
    runtime = Runtime(settings=channels(smtp, gateway), store=store, clock=clock)
    network_people(store, clock)
    sunday_4am = datetime(2026, 3, 7, 21, 0, tzinfo=UTC)
    clock.now = sunday_4am
    [fired] = run_once(runtime)
    assert fired.fired_at == sunday_4am, "the alert keeps the time it fired"
    assert smtp.mails == []
    [waiting] = notices(store, "pending")
    assert waiting.next_attempt_at == datetime(2026, 3, 9, 0, 30, tzinfo=UTC)  # Mon 07:30
    clock.now = datetime(2026, 3, 9, 0, 29, tzinfo=UTC)
    run_once(runtime)
    assert smtp.mails == []
    clock.advance(minutes=1)
    run_once(runtime)
    assert [m["To"] for m in smtp.mails] == [NURSE_MAIL]
    assert referral.id in notices(store, "delivered")[0].payload["referral_id"]


def test_quiet_hours_hold_back_all_but_emergencies(
    store: Store, clock: FakeClock, smtp: SmtpServer, gateway: Gateway
) -> None:
    refer(store, clock, RiskLevel.HIGH)  # reminder at 10:00 Phnom Penh time
    runtime = Runtime(settings=channels(smtp, gateway), store=store, clock=clock)
    network_people(store, clock, nurse_quiet=QuietHours(starts=time(9, 30), ends=time(11, 0)))
    clock.advance(hours=2)
    run_once(runtime)
    assert smtp.mails == []
    clock.advance(minutes=59)
    run_once(runtime)
    assert smtp.mails == []
    clock.advance(minutes=1)  # 11:00: the quiet hours are over
    run_once(runtime)
    assert [m["To"] for m in smtp.mails] == [NURSE_MAIL]

    emergency = refer(store, clock, RiskLevel.EMERGENCY)  # half of 1 h: 30 min
    change_notification_settings(
        Caller.system(store, clock()),
        NotificationSettings(
            channels=frozenset({Channel.EMAIL}),
            language="en",
            email=NURSE_MAIL,
            quiet_hours=QuietHours(starts=time(0, 0), ends=time(23, 59)),
        ),
        next(u.id for u in store.read(lambda tx: tx.users_to_tell(["hc-a"], []))),
    )
    clock.advance(minutes=30)
    run_once(runtime)
    assert len(smtp.mails) == 2, "an emergency is sent in quiet hours"
    assert code_of(store, emergency) in str(smtp.mails[1]["Subject"])


def test_failures_are_retried_then_dead_letters_and_refusals_die_at_once(
    store: Store, clock: FakeClock, smtp: SmtpServer, gateway: Gateway
) -> None:
    refer(store, clock, RiskLevel.HIGH)
    settings = channels(smtp, gateway)
    runtime = Runtime(settings=settings, store=store, clock=clock)
    network_people(store, clock)
    person(
        store,
        clock,
        "refused",
        NotificationSettings(channels=frozenset({Channel.EMAIL}), email="refused@hc-a.example.org"),
        role=Role.PROVIDER,
        provider_id="ccwc-a",
    )
    gateway.status = {"sms": 503, "telegram": 403}
    policy = DeliveryPolicy(max_attempts=2, first_backoff=timedelta(seconds=30))
    clock.advance(hours=4)
    from referral_graph.services import timeliness

    timeliness.tick(store, clock(), notices=runtime.notice_plan)
    first = alert_notices.deliver_notices(
        store, clock(), runtime.senders, plan=runtime.notice_plan, policy=policy
    )
    by_channel = {(m.payload["channel"], m.payload["user_id"]): m for m in first}
    states = sorted((c, m.state) for (c, _), m in by_channel.items())
    assert states == [
        ("email", "dead"),  # refused@: 550, permanent
        ("email", "delivered"),
        ("email", "delivered"),
        ("sms", "pending"),  # 503: retried
        ("telegram", "dead"),  # 403: the person blocked the bot
    ]
    sms = next(m for m in first if m.payload["channel"] == "sms")
    assert sms.next_attempt_at == clock() + timedelta(seconds=30)
    assert sms.last_error == "SMS gateway: HTTP 503"
    assert "bot-token" not in str([m.last_error for m in first]), "no token in errors"
    second = alert_notices.deliver_notices(
        store, clock.advance(seconds=30), runtime.senders, plan=runtime.notice_plan, policy=policy
    )
    assert [(m.payload["channel"], m.state) for m in second] == [("sms", "dead")]
    dead = notifications.dead_letters(Caller.system(store, clock()), Page())
    assert sorted(m.topic for m in dead.items) == ["notice.email", "notice.sms", "notice.telegram"]

    gateway.status = {}
    notifications.requeue(Caller.system(store, clock()), sms.id)
    third = alert_notices.deliver_notices(store, clock(), runtime.senders, policy=policy)
    assert [(m.payload["channel"], m.state) for m in third] == [("sms", "delivered")]
    assert len(gateway.sent("sms")) == 3


def test_nothing_is_sent_unconfigured_nor_to_whoever_turned_a_channel_off(
    store: Store, clock: FakeClock, smtp: SmtpServer, gateway: Gateway
) -> None:
    refer(store, clock, RiskLevel.HIGH)
    network_people(store, clock)
    bare = Runtime(settings=Settings(seed_on_start=False), store=store, clock=clock)
    assert bare.senders == {}
    clock.advance(hours=2)
    assert len(run_once(bare)) == 1
    assert notices(store, "pending") == [], "no channel configured: nothing queued"

    runtime = Runtime(settings=channels(smtp, gateway), store=store, clock=clock)
    clock.advance(hours=2)
    from referral_graph.services import timeliness

    timeliness.tick(store, clock(), notices=runtime.notice_plan)
    assert len(notices(store, "pending")) == 4
    nurse = next(u.id for u in store.read(lambda tx: tx.users_to_tell(["hc-a"], [])))
    change_notification_settings(Caller.system(store, clock()), NotificationSettings(), nurse)
    alert_notices.deliver_notices(store, clock(), runtime.senders, plan=runtime.notice_plan)
    skipped = [m for m in notices(store, "delivered") if m.payload["user_id"] == nurse]
    assert [m.last_error for m in skipped] == ["not sent: the person no longer chose email"]
    assert NURSE_MAIL not in [m["To"] for m in smtp.mails]
    assert len(smtp.mails) == 1 and len(gateway.requests) == 2

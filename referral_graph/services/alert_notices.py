"""Messages to people about alerts: queued when an alert fires, delivered by the
scheduler through the configured channels, with the outbox's retries and dead letters.

When the tick fires an alert it calls :func:`queue_notices` in the same transaction:
one outbox message (topic ``notice.<channel>``) per person told and channel they chose,
due at the :func:`~referral_graph.domain.alerting.delivery_time` — working time for
working-day windows, after the person's quiet hours unless it is an emergency. The
message holds the facts of the alert (the case, the window, the providers' names, never
the child's details), not the words nor the case code (retention replaces it):
:func:`deliver_notices` reads the person's settings and the code when it is due, so a
changed address, language or quiet hours applies to what is still waiting, and renders
it in their language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from referral_graph.domain.alerting import (
    Channel,
    Part,
    WorkingHours,
    delivery_time,
    parts_told,
)
from referral_graph.domain.areas import lineage_codes
from referral_graph.domain.models import Case, Provider, Referral, TimelinessAlert
from referral_graph.domain.records import NOTICE_TOPIC_PREFIX, OutboxMessage
from referral_graph.domain.sla import SlaPolicy
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.notify.port import DeliveryFailed, Notice, NoticeSender
from referral_graph.notify.words import render
from referral_graph.policies.sla import packaged_policy
from referral_graph.security.model import Role, User
from referral_graph.services.notifications import DeliveryPolicy
from referral_graph.store.port import Store, Transaction

NATIONAL = "KH"


@dataclass(frozen=True, slots=True)
class NoticePlan:
    """What the tick needs to queue messages to people: the channels configured (none:
    nothing is queued), working hours, and the address of the web app for links."""

    channels: frozenset[Channel] = frozenset()
    hours: WorkingHours = field(default_factory=WorkingHours)
    public_url: str | None = None


def part_of(user: User, referral: Referral, overseers: tuple[str, ...], area: str) -> Part | None:
    """Why ``user`` is told of an alert about ``referral`` of a child living in ``area``
    (a village code), if at all."""
    if user.role is Role.COORDINATOR:
        inside = user.area_code == NATIONAL or user.area_code in lineage_codes(area)
        return Part.COORDINATOR if inside else None
    if user.role not in (Role.CCWC, Role.PROVIDER, Role.SUPERVISOR):
        return None
    if user.provider_id == referral.to_provider_id:
        return Part.RECEIVER
    if user.provider_id == referral.from_provider_id:
        return Part.SENDER
    if user.provider_id in overseers:
        return Part.OVERSEER
    return None


def _names(provider: Provider | None, fallback: str) -> dict[str, str]:
    if provider is None:
        return {"en": fallback, "km": fallback}
    return {"en": provider.name, "km": provider.name_km or provider.name}


def _link(plan: NoticePlan, part: Part, referral: Referral) -> str | None:
    if not plan.public_url:
        return None
    base = plan.public_url.rstrip("/") + "/app"
    if part is Part.RECEIVER:
        return f"{base}/inbox"
    if part is Part.SENDER:
        return f"{base}/cases/{referral.case_id}"
    return f"{base}/alerts"


def queue_notices(
    tx: Transaction,
    alert: TimelinessAlert,
    referral: Referral,
    case: Case,
    policy: SlaPolicy,
    plan: NoticePlan,
) -> list[OutboxMessage]:
    """Queue the messages about a newly fired alert to everyone told of it who chose a
    configured channel (inside the tick's transaction); returns them."""
    if not plan.channels:
        return []
    parts = parts_told(alert.kind)
    ends = (referral.to_provider_id, referral.from_provider_id)
    providers = tx.get_providers({*ends, *alert.suggestions})
    receiver = providers.get(referral.to_provider_id)
    overseers = receiver.overseen_by if receiver else ()
    wanted = [referral.to_provider_id]
    if Part.SENDER in parts:
        wanted.append(referral.from_provider_id)
    if Part.OVERSEER in parts:
        wanted += overseers
    areas = (*lineage_codes(case.village_code), NATIONAL) if Part.COORDINATOR in parts else ()
    span = getattr(policy.deadlines[alert.risk], alert.window.value)
    facts = {
        "alert_id": alert.id,
        "kind": alert.kind.value,
        "window": alert.window.value,
        "risk": alert.risk.value,
        "referral_id": referral.id,
        "case_id": case.id,  # its code is read when sent: retention may change it
        "due_at": alert.due_at.isoformat(),
        "receiver": _names(receiver, referral.to_provider_id),
        "sender": _names(providers.get(referral.from_provider_id), referral.from_provider_id),
        "suggestions": [_names(providers.get(p), p) for p in alert.suggestions],
        "working_days": span.unit == "working_days",
    }
    queued: list[OutboxMessage] = []
    for user in tx.users_to_tell(wanted, areas):
        part = part_of(user, referral, overseers, case.village_code)
        if part is None or part not in parts:
            continue
        settings = user.notifications
        for channel in sorted(settings.channels & plan.channels):
            if not settings.address(channel):
                continue
            at = delivery_time(
                alert.fired_at,
                risk=alert.risk,
                working_days=bool(facts["working_days"]),
                quiet=settings.quiet_hours,
                hours=plan.hours,
                is_working_day=policy.is_working_day,
                timezone=policy.timezone,
            )
            payload = {
                **facts,
                "user_id": user.id,
                "channel": channel.value,
                "part": part.value,
                "link": _link(plan, part, referral),
            }
            message = OutboxMessage(
                id=f"notice:{alert.id}:{user.id}:{channel.value}",  # once per person and way
                topic=f"{NOTICE_TOPIC_PREFIX}{channel.value}",
                payload=payload,
                created_at=alert.fired_at,
                next_attempt_at=at,
            )
            tx.enqueue(message)
            queued.append(message)
    return queued


def _finished(message: OutboxMessage, why: str) -> OutboxMessage:
    """Nothing more to do: not sent, and why (the person changed their settings …)."""
    return replace(message, state="delivered", next_attempt_at=None, last_error=f"not sent: {why}")


def _attempt(
    message: OutboxMessage,
    user: User | None,
    case_code: str | None,
    now: datetime,
    senders: Mapping[Channel, NoticeSender],
    policy: DeliveryPolicy,
    plan: NoticePlan,
    sla: SlaPolicy,
) -> OutboxMessage:
    payload = message.payload
    channel = Channel(payload["channel"])
    if user is None or not user.active:
        return _finished(message, "the account is no longer active")
    if case_code is None:
        return _finished(message, "the case is gone")
    settings = user.notifications
    address = settings.address(channel)
    if channel not in settings.channels or not address:
        return _finished(message, f"the person no longer chose {channel.value}")
    sender = senders.get(channel)
    if sender is None:
        return _finished(message, f"{channel.value} is not configured")
    due = delivery_time(
        now,
        risk=RiskLevel(payload["risk"]),
        working_days=bool(payload["working_days"]),
        quiet=settings.quiet_hours,
        hours=plan.hours,
        is_working_day=sla.is_working_day,
        timezone=sla.timezone,
    )
    if due > now:  # quiet hours or working time changed since it was queued
        return replace(message, next_attempt_at=due)
    subject, text = render({**payload, "case_code": case_code}, settings.language, sla.timezone)
    attempts = message.attempts + 1
    try:
        sender.send(Notice(channel, address, subject, text))
    except DeliveryFailed as exc:
        if exc.permanent or attempts >= policy.max_attempts:
            return replace(
                message,
                state="dead",
                attempts=attempts,
                next_attempt_at=None,
                last_error=exc.reason,
            )
        return replace(
            message,
            attempts=attempts,
            next_attempt_at=now + policy.backoff(attempts),
            last_error=exc.reason,
        )
    return replace(
        message,
        state="delivered",
        attempts=attempts,
        delivered_to=(channel.value,),
        next_attempt_at=None,
        last_error=None,
    )


Due = tuple[list[OutboxMessage], dict[str, User], dict[str, str], SlaPolicy]


def deliver_notices(
    store: Store,
    now: datetime,
    senders: Mapping[Channel, NoticeSender],
    *,
    plan: NoticePlan | None = None,
    policy: DeliveryPolicy | None = None,
    batch: int = 100,
) -> list[OutboxMessage]:
    """One delivery round over the messages to people due at ``now``; returns them as
    saved (delivered, rescheduled, retried later, or dead letters).

    Like webhook delivery, the round claims what it will send for as long as sending
    may take, so that with several schedulers each person is told once."""
    policy = policy or DeliveryPolicy()
    plan = plan or NoticePlan(channels=frozenset(senders))
    held = timedelta(seconds=policy.timeout_seconds * max(1, len(senders)) * batch + 60)

    def read(tx: Transaction) -> Due:
        due = tx.claim_outbox(now, now + held, batch, notices=True)
        users = {}
        for user_id in {str(m.payload.get("user_id")) for m in due}:
            user = tx.get_user(user_id)
            if user is not None:
                users[user_id] = user
        codes = {}
        for case_id in {str(m.payload.get("case_id")) for m in due}:
            case = tx.get_case(case_id)
            if case is not None:
                codes[case_id] = case.code
        return due, users, codes, tx.get_sla_policy() or packaged_policy()

    due, users, codes, sla = store.write(read)
    results = [
        _attempt(
            m,
            users.get(str(m.payload.get("user_id"))),
            codes.get(str(m.payload.get("case_id"))),
            now,
            senders,
            policy,
            plan,
            sla,
        )
        for m in due
    ]

    def save(tx: Transaction) -> None:
        for message in results:
            tx.save_outbox(message)

    if results:
        store.write(save)
    return results

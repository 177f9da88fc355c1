"""Use cases of timeliness: the deadline policy, the handoffs due and the alerts fired,
and the scheduler's tick.

The tick finds referrals whose next look is due, fires each reminder (at a share of a
window) and escalation (when the window closes) exactly once — the alert's id is made
of the referral, the window and the kind, and the store inserts it only if absent — and
writes each fired alert to the outbox in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Referral, ReferralEvent, TimelinessAlert
from referral_graph.domain.queries import DueQuery, Listing, Page
from referral_graph.domain.sla import (
    AlertKind,
    PendingAlert,
    SlaPolicy,
    Window,
    alert_key,
    pending_alerts,
)
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.policies.sla import packaged_policy
from referral_graph.security.policy import coordinator_area, redact_referral
from referral_graph.services import witness
from referral_graph.services.alert_notices import NoticePlan, queue_notices
from referral_graph.services.caller import Caller
from referral_graph.services.incident import fire_care_alerts
from referral_graph.store.port import OutboxMessage, Store, Transaction

MAX_ROUNDS = 1000


def policy_in_force(tx: Transaction) -> SlaPolicy:
    return tx.get_sla_policy() or packaged_policy()


def sla_policy(caller: Caller) -> SlaPolicy:
    """The deadlines in force for new referrals, with their sources."""
    return caller.store.read(policy_in_force)


def replace_policy(caller: Caller, policy: SlaPolicy) -> SlaPolicy:
    """Save a new policy; its version follows the one in force. Open referrals keep the
    deadlines they were made with."""

    def work(tx: Transaction) -> SlaPolicy:
        current = policy_in_force(tx)
        saved = policy.model_copy(update={"version": current.version + 1})
        tx.save_sla_policy(saved)
        return saved

    return caller.store.write(work)


def due_handoffs(
    caller: Caller,
    page: Page,
    *,
    within: timedelta = timedelta(0),
    area: str | None = None,
    provider_id: str | None = None,
    risk: RiskLevel | None = None,
) -> Listing[Referral]:
    """Open handoffs whose deadline falls before ``within`` from now (overdue ones
    first, most overdue first), in the area a coordinator may cover; without free text,
    for coordinators' lists are pseudonymous."""
    query = DueQuery(
        before=caller.now + within,
        area=coordinator_area(caller.principal, area),
        provider_id=provider_id,
        risk=risk,
    )
    listing = caller.store.read(lambda tx: tx.referrals_due(query, page))
    witness.saw(r.case_id for r in listing.items)
    return Listing(items=[redact_referral(r) for r in listing.items], count=listing.count)


def ensure_policy(store: Store, policy: SlaPolicy) -> None:
    """Save ``policy`` unless the store already has one (first start)."""

    def work(tx: Transaction) -> None:
        if tx.get_sla_policy() is None:
            tx.save_sla_policy(policy)

    store.write(work)


def referral_event_message(
    referral: Referral, at: datetime, event: ReferralEvent | None = None
) -> OutboxMessage:
    """What webhooks hear of a referral's step: ids and timing, never case details. A
    step put on record later says when it happened (``occurred_at``); one relayed for
    the receiver says for whom and how it was confirmed."""
    payload: dict[str, object] = {
        "referral_id": referral.id,
        "case_id": referral.case_id,
        "from_provider_id": referral.from_provider_id,
        "to_provider_id": referral.to_provider_id,
        "service": referral.service.value,
        "risk": referral.risk.value,
        "status": referral.status.value,
        "version": referral.version,
        "at": at.isoformat(),
    }
    if event is not None and event.occurred_at is not None:
        payload["occurred_at"] = event.occurred_at.isoformat()
    if event is not None and event.relayed_for is not None:
        payload["relayed_for"] = event.relayed_for
        payload["relayed_by"] = event.actor
        payload["relay_channel"] = (
            None if event.relay_channel is None else event.relay_channel.value
        )
    return OutboxMessage(
        id=f"msg_{referral.id}_{referral.version}",  # one message per step, even on replay
        topic=f"referral.{referral.status.value}",
        payload=payload,
        created_at=at,
    )


def _alert(
    referral: Referral,
    pending: PendingAlert,
    now: datetime,
    notify: tuple[str, ...],
    suggestions: tuple[str, ...],
) -> TimelinessAlert:
    return TimelinessAlert(
        id=alert_key(referral.id, pending.window, pending.kind),
        referral_id=referral.id,
        case_id=referral.case_id,
        provider_id=referral.to_provider_id,
        window=pending.window,
        kind=pending.kind,
        risk=referral.risk,
        due_at=pending.due,
        fired_at=now,
        notify=notify,
        suggestions=suggestions,
    )


def _alert_message(alert: TimelinessAlert) -> OutboxMessage:
    return OutboxMessage(
        id=f"msg:{alert.id}",
        topic=f"timeliness.{alert.kind.value}",
        payload=alert.model_dump(mode="json"),
        created_at=alert.fired_at,
    )


def needs_rerouting(referral: Referral, now: datetime) -> bool:
    """An emergency not acknowledged in time is offered for re-routing."""
    return (
        referral.risk is RiskLevel.EMERGENCY
        and referral.status is ReferralStatus.REQUESTED
        and referral.due is not None
        and referral.due.acknowledge <= now
    )


Rerouter = Callable[[Referral, datetime], Sequence[str]]


def tick(
    store: Store,
    now: datetime,
    *,
    reroute: Rerouter | None = None,
    batch: int = 500,
    notices: NoticePlan | None = None,
) -> list[TimelinessAlert]:
    """Fire every reminder and escalation due at ``now``; returns those fired now. Then
    alert about post-rape care windows about to close with no health hop accepted (to
    the outbox: ``services.incident.fire_care_alerts``).

    ``reroute(referral, now)`` suggests providers for emergencies not acknowledged in
    time (routing's open-now alternatives); without it, none are suggested. With
    ``notices`` (the channels configured), the messages to the people told of each
    alert are queued in the transaction that fires it (``services.alert_notices``).
    """
    fire_care_alerts(store, now)
    fired: list[TimelinessAlert] = []
    for _round in range(MAX_ROUNDS):
        candidates = store.read(lambda tx: tx.referrals_alert_due(now, batch))
        if not candidates:
            break
        suggestions: dict[str, tuple[str, ...]] = {}
        if reroute is not None:
            for r in candidates:
                if needs_rerouting(r, now):
                    suggestions[r.id] = tuple(reroute(r, now))
        chunk = candidates
        fired += store.write(lambda tx: _fire(tx, chunk, now, suggestions, notices))  # noqa: B023
        if len(candidates) < batch:
            break
    return fired


def _fire(
    tx: Transaction,
    candidates: list[Referral],
    now: datetime,
    suggestions: dict[str, tuple[str, ...]],
    notices: NoticePlan | None = None,
) -> list[TimelinessAlert]:
    fired: list[TimelinessAlert] = []
    providers = tx.get_providers({r.to_provider_id for r in candidates})
    policy = policy_in_force(tx) if notices is not None and notices.channels else None
    for stale in candidates:
        referral = tx.get_referral(stale.id)
        if referral is None or referral.next_alert_at is None or referral.next_alert_at > now:
            continue
        pending = pending_alerts(referral.status, referral.created_at, referral.due)
        for p in pending:
            if p.at > now:
                continue
            if p.kind is AlertKind.REMINDER:
                notify: tuple[str, ...] = (referral.to_provider_id,)
            else:
                receiver = providers.get(referral.to_provider_id)
                overseers = receiver.overseen_by if receiver else ()
                notify = tuple(dict.fromkeys((*overseers, referral.from_provider_id)))
            extra = (
                suggestions.get(referral.id, ())
                if p.kind is AlertKind.ESCALATION and p.window is Window.ACKNOWLEDGE
                else ()
            )
            alert = _alert(referral, p, now, notify, extra)
            if tx.add_alert(alert):
                tx.enqueue(_alert_message(alert))
                fired.append(alert)
                case = tx.get_case(referral.case_id) if policy is not None else None
                if notices is not None and policy is not None and case is not None:
                    queue_notices(tx, alert, referral, case, policy, notices)
        later = [p.at for p in pending if p.at > now]
        tx.set_next_alert_at(referral.id, referral.version, min(later, default=None))
    return fired

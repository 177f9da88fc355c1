"""The incident clock: the time of the incident on a case, the post-rape care windows
it starts, and the scheduler's alert when one is about to close with no health hop
accepted (``referral_graph.domain.care`` says when a case has the windows).

The incident time is optional: recorded at opening (``CaseOpening.incident_at``) or
later by the case's CCWC (:func:`record_incident`), each time an ``incident_recorded``
event on the case's timeline. The alerts go through the timeliness tick
(``services.timeliness.tick`` calls :func:`fire_care_alerts`) to the outbox, once per
case and window (the message id is the alert's one possible id).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from referral_graph.domain.care import (
    ALERT_LEAD,
    CareWindow,
    alert_phase,
    alert_times,
    care_alert_key,
    care_clocks,
    health_hop_accepted,
    sexual_violence,
)
from referral_graph.domain.errors import InvalidInput, NotFound
from referral_graph.domain.models import Case, CaseEvent, CaseEventKind, CaseStatus, Referral
from referral_graph.domain.step_time import CLOCK_SKEW
from referral_graph.security.policy import Access
from referral_graph.services.access import case_seen
from referral_graph.services.caller import Caller
from referral_graph.store.port import OutboxMessage, Store, Transaction

#: An incident recorded later may lie at most this long before the case was opened.
OLDEST_INCIDENT = timedelta(days=366)


def incident_time(at: datetime, now: datetime) -> datetime:
    """An incident time as recorded: not in the future (422 naming ``incident_at``)."""
    if at.tzinfo is None:
        raise InvalidInput("incident_at needs a UTC offset (e.g. +07:00).", field="incident_at")
    if at > now + CLOCK_SKEW:
        raise InvalidInput(
            f"incident_at is in the future ({at.isoformat()}; it is now {now.isoformat()}).",
            field="incident_at",
        )
    return min(at, now).astimezone(UTC)


def incident_event(now: datetime, actor: str, at: datetime) -> CaseEvent:
    return CaseEvent(at=now, actor=actor, kind=CaseEventKind.INCIDENT_RECORDED, incident_at=at)


class IncidentTime(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incident_at: AwareDatetime = Field(
        description="When the violence happened (not in the future)."
    )


def record_incident(caller: Caller, case_id: str, incident: IncidentTime) -> Case:
    """Record (or correct) when the incident happened: the case's own CCWC, on an open
    case; an ``incident_recorded`` event on its timeline."""
    now, actor = caller.now, caller.actor
    at = incident_time(incident.incident_at, now)

    def work(tx: Transaction) -> Case:
        case = tx.get_case(case_id)
        if case is None:
            raise NotFound("case", case_id)
        seen = case_seen(tx, caller.principal, case, tx.case_referrals(case_id))
        if seen.access is not Access.FULL:
            raise NotFound("case", case_id)
        if case.status is not CaseStatus.OPEN:
            raise InvalidInput("The case is closed.", field="case_id")
        if at < case.opened_at - OLDEST_INCIDENT:
            raise InvalidInput(
                "incident_at is more than a year before the case was opened.",
                field="incident_at",
            )
        updated = case.model_copy(
            update={
                "incident_at": at,
                "history": (*case.history, incident_event(now, actor, at)),
                "version": case.version + 1,
            }
        )
        tx.save_case(updated, case.version)
        return updated

    return caller.store.write(work)


class CareWindowOut(BaseModel):
    """One post-rape care window of a case, now."""

    window: CareWindow
    closes_at: datetime
    hours_left: float = Field(description="Negative once the window has closed.")
    open: bool
    closing: bool = Field(description="Open, with less than a day left.")


class CareWindows(BaseModel):
    """Where a case stands on its post-rape care windows."""

    case_id: str
    sexual_violence: bool = Field(description="The case needs post-rape care.")
    incident_at: datetime | None
    health_hop_accepted: bool = Field(
        description="A health facility accepted the child for post-rape or medical care."
    )
    windows: list[CareWindowOut] = Field(
        description="Empty unless sexual violence with a recorded incident time."
    )


def windows_of(case: Case, referrals: Sequence[Referral], now: datetime) -> CareWindows:
    return CareWindows(
        case_id=case.id,
        sexual_violence=sexual_violence(case),
        incident_at=case.incident_at,
        health_hop_accepted=health_hop_accepted(referrals),
        windows=[
            CareWindowOut(
                window=c.window,
                closes_at=c.closes_at,
                hours_left=round(c.seconds_left / 3600, 2),
                open=c.is_open,
                closing=c.closing,
            )
            for c in care_clocks(case, now)
        ],
    )


def care_windows(caller: Caller, case_id: str) -> CareWindows:
    """The case's windows for whoever sees the case (a provider of one of its hops too:
    the receiver of a health hop needs the clock most)."""

    def work(tx: Transaction) -> CareWindows:
        case = tx.get_case(case_id)
        if case is None:
            raise NotFound("case", case_id)
        every = tx.case_referrals(case_id)
        case_seen(tx, caller.principal, case, every)  # 404 if not seen
        return windows_of(case, every, caller.now)

    return caller.store.read(work)


# --- the scheduler -----------------------------------------------------------------------
#: Cases read per look (sexual-violence cases with a window closing today: a handful).
CARE_BATCH = 1000


def fire_care_alerts(store: Store, now: datetime) -> list[OutboxMessage]:
    """Alert about every window in its last day at ``now`` with no health hop accepted,
    to the outbox. Each alert has one possible id (the case and the window) and is
    written once, however often the scheduler looks; returns the alerts due now (some
    perhaps written by an earlier look)."""
    after, until = alert_phase(now)
    closing = store.read(lambda tx: tx.cases_on_care_clock(after, until, CARE_BATCH))
    due = [c.id for c in closing if any(at <= now for at in alert_times(c).values())]
    if not due:
        return []
    return store.write(lambda tx: [m for case_id in due for m in _alerts(tx, case_id, now)])


def _alerts(tx: Transaction, case_id: str, now: datetime) -> list[OutboxMessage]:
    case = tx.get_case(case_id)
    if case is None:
        return []
    referrals = tx.case_referrals(case_id)
    if health_hop_accepted(referrals):
        return []
    sent = []
    for window, at in alert_times(case).items():
        closes = at + ALERT_LEAD
        if at <= now < closes:
            message = _message(tx, case, referrals, window, closes, now)
            tx.enqueue(message)
            sent.append(message)
    return sent


def _message(
    tx: Transaction,
    case: Case,
    referrals: Sequence[Referral],
    window: CareWindow,
    closes: datetime,
    now: datetime,
) -> OutboxMessage:
    waiting = [r for r in referrals if not r.status.is_closed and not r.holds_case]
    receivers = [r.to_provider_id for r in waiting]
    overseers = [o for p in tx.get_providers(set(receivers)).values() for o in p.overseen_by]
    notify = list(dict.fromkeys([case.opened_by_provider_id, *receivers, *overseers]))
    return OutboxMessage(
        id=f"msg:{care_alert_key(case.id, window)}",
        topic="care.window_closing",
        payload={
            "case_id": case.id,
            "window": window.value,
            "incident_at": None if case.incident_at is None else case.incident_at.isoformat(),
            "closes_at": closes.isoformat(),
            "hours_left": round((closes - now).total_seconds() / 3600, 1),
            "waiting_referrals": [r.id for r in waiting],
            "notify": notify,
            "fired_at": now.isoformat(),
        },
        created_at=now,
    )

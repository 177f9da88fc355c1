"""One timeline of everything that happened to a case: its own events (risk or needs
changed, follow-ups, closed, reopened …) and every step of every referral the caller
may see, each with who did it and when, oldest first.

What a caller sees follows the case's access rules: its own CCWC everything; a provider
or supervisor the steps of its own handoffs with their free text, and of the case's own
events only what bears on a handoff (risk, needs, closing, reopening, a disputed step),
without notes but a dispute's; a coordinator the same events and steps without any free
text. A step put on record by someone else for the receiver (``relayed_for``) shows both
times: when it happened and when it was recorded.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import CaseEvent, CaseEventKind, Referral, ReferralEvent
from referral_graph.domain.reasons import ClosureReason, StepReason
from referral_graph.domain.vocabulary import RelayChannel, RiskLevel, Service
from referral_graph.security.policy import Access
from referral_graph.services.access import case_seen
from referral_graph.services.caller import Caller
from referral_graph.services.cases import case_of
from referral_graph.store.port import Transaction

#: Case events every viewer of a case sees (without their notes); the others — plans and
#: findings of follow-ups — are the case's own CCWC's.
SHARED_CASE_EVENTS = frozenset(
    {
        CaseEventKind.RISK_CHANGED,
        CaseEventKind.NEEDS_CHANGED,
        CaseEventKind.INCIDENT_RECORDED,
        CaseEventKind.CLOSED,
        CaseEventKind.REOPENED,
        CaseEventKind.STEP_DISPUTED,
    }
)

STEP = "step"
OPENED = "opened"
CONSENT = "consent_recorded"


class TimelineEntry(BaseModel):
    """One thing that happened to the case: a referral's step (``kind`` "step") or one
    of the case's own events (``kind`` its event kind)."""

    at: datetime = Field(description="When it happened.")
    recorded_at: datetime = Field(description="When it was put on record.")
    actor: str = Field(description="The account that recorded it.")
    kind: str
    referral_id: str | None = None
    hop: int | None = None
    service: Service | None = None
    from_provider_id: str | None = None
    to_provider_id: str | None = None
    from_status: ReferralStatus | None = None
    status: ReferralStatus | None = None
    reason_code: StepReason | None = None
    closure_reason: ClosureReason | None = None
    risk: RiskLevel | None = None
    needs: list[Service] | None = None
    follow_up_on: date | None = None
    relayed_for: str | None = None
    relay_channel: RelayChannel | None = None
    text: str | None = Field(
        None, description="Its free text (reason, outcome, note), to those who may see it."
    )


class Timeline(BaseModel):
    case_id: str
    case_code: str
    entries: list[TimelineEntry]


def _step_text(event: ReferralEvent) -> str | None:
    parts = [p for p in (event.reason, event.outcome, event.note) if p]
    return " · ".join(parts) or None


def step_entry(referral: Referral, event: ReferralEvent, *, with_text: bool) -> TimelineEntry:
    return TimelineEntry(
        at=event.happened_at,
        recorded_at=event.at,
        actor=event.actor,
        kind=STEP,
        referral_id=referral.id,
        hop=referral.hop,
        service=referral.service,
        from_provider_id=referral.from_provider_id,
        to_provider_id=referral.to_provider_id,
        from_status=event.from_status,
        status=event.to_status,
        reason_code=event.reason_code,
        relayed_for=event.relayed_for,
        relay_channel=event.relay_channel,
        text=_step_text(event) if with_text else None,
    )


def case_entry(event: CaseEvent, *, with_note: bool) -> TimelineEntry:
    return TimelineEntry(
        at=event.at,
        recorded_at=event.at,
        actor=event.actor,
        kind=event.kind.value,
        referral_id=event.referral_id,
        closure_reason=event.closure_reason,
        risk=event.risk,
        needs=None if event.needs is None else sorted(event.needs),
        follow_up_on=event.follow_up_on,
        text=event.note if with_note else None,
    )


def case_timeline(caller: Caller, case_id: str) -> Timeline:
    """The case's timeline as the caller may see it, oldest first (404 if the case is
    not theirs to see)."""

    def work(tx: Transaction) -> Timeline:
        case = case_of(tx, case_id)
        seen = case_seen(tx, caller.principal, case, tx.case_referrals(case_id))
        full = seen.access is Access.FULL
        texts = seen.access is not Access.PSEUDONYMOUS
        entries = [
            TimelineEntry(
                at=case.opened_at, recorded_at=case.opened_at, actor=case.opened_by, kind=OPENED
            )
        ]
        if full and case.consent is not None:
            entries.append(
                TimelineEntry(
                    at=case.consent.recorded_at,
                    recorded_at=case.consent.recorded_at,
                    actor=case.consent.recorded_by,
                    kind=CONSENT,
                    text=case.consent.given_by,
                )
            )
        entries += [
            case_entry(
                e,
                with_note=full or (texts and e.kind is CaseEventKind.STEP_DISPUTED),
            )
            for e in case.history
            if full or e.kind in SHARED_CASE_EVENTS
        ]
        for referral in seen.referrals:
            entries += [
                step_entry(referral, e, with_text=texts) for e in tx.referral_events(referral.id)
            ]
        entries.sort(key=lambda e: (e.at, e.recorded_at))
        return Timeline(case_id=case.id, case_code=case.code, entries=entries)

    return caller.store.read(work)

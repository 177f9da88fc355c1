"""A case's life beside its referrals: whether each need is met, which handoffs left a
child waiting, and the rules for changing risk and needs, following up, closing and
reopening.

A need is **met** when a referral for it completed, **waiting** while one is open, and
**unmet** otherwise (never referred, or every referral for it ended without the
service). A handoff that was declined, failed or cancelled *left the child waiting*
when its need is still unmet and nothing was referred for it since::

    >>> from referral_graph.domain.lifecycle import ReferralStatus as S
    >>> NeedState.MET.value, ENDED_WITHOUT_SERVICE >= {S.REJECTED, S.FAILED}
    ('met', True)

Every rule here is a pure function over a case and its referrals: the services load
them, call these, and save what comes back in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum

from referral_graph.domain.errors import Conflict, InvalidInput, NeedsUnmet
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import (
    Case,
    CaseClosure,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Referral,
)
from referral_graph.domain.reasons import ClosureReason
from referral_graph.domain.sla import Deadlines, SlaPolicy, first_alert_time
from referral_graph.domain.vocabulary import RiskLevel, Service

S = ReferralStatus

#: The ends of a handoff that did not give the child the service.
ENDED_WITHOUT_SERVICE = frozenset({S.REJECTED, S.FAILED, S.CANCELLED})

#: Most urgent first.
RISK_ORDER: tuple[RiskLevel, ...] = (
    RiskLevel.EMERGENCY,
    RiskLevel.HIGH,
    RiskLevel.MEDIUM,
    RiskLevel.LOW,
)


def risk_rank(risk: RiskLevel) -> int:
    """0 for an emergency, 3 for low risk (sort keys, most urgent first)."""
    return RISK_ORDER.index(risk)


def rises(old: RiskLevel, new: RiskLevel) -> bool:
    """Whether ``new`` is a more urgent risk level than ``old``."""
    return risk_rank(new) < risk_rank(old)


class NeedState(StrEnum):
    MET = "met"  # a referral for it completed
    WAITING = "waiting"  # a referral for it is open
    UNMET = "unmet"  # neither


def need_state(service: Service, referrals: Iterable[Referral]) -> NeedState:
    """Where one need stands, from the case's referrals."""
    statuses = {r.status for r in referrals if r.service is service}
    if S.COMPLETED in statuses:
        return NeedState.MET
    if any(not s.is_closed for s in statuses):
        return NeedState.WAITING
    return NeedState.UNMET


def need_states(case: Case, referrals: Sequence[Referral]) -> dict[Service, NeedState]:
    """Each of the case's needs (in code order) and where it stands."""
    return {need: need_state(need, referrals) for need in sorted(case.needs)}


def unmet_needs(case: Case, referrals: Sequence[Referral]) -> frozenset[Service]:
    return frozenset(n for n, s in need_states(case, referrals).items() if s is NeedState.UNMET)


def _latest(referrals: Iterable[Referral]) -> Referral | None:
    return max(referrals, key=lambda r: (r.created_at, r.hop, r.id), default=None)


def left_waiting(case: Case, referrals: Sequence[Referral]) -> list[Referral]:
    """The handoffs that left the child waiting: for each unmet need of an open case,
    its latest referral, if that ended without the service (oldest first)."""
    if case.status is not CaseStatus.OPEN:
        return []
    found = []
    for need in sorted(unmet_needs(case, referrals)):
        latest = _latest(r for r in referrals if r.service is need)
        if latest is not None and latest.status in ENDED_WITHOUT_SERVICE:
            found.append(latest)
    return sorted(found, key=ended_at)


def ended_at(referral: Referral) -> datetime:
    """When a referral reached its current status (its last step)."""
    return referral.step_times.get(referral.status, referral.updated_at)


def never_referred(case: Case, referrals: Sequence[Referral]) -> list[Service]:
    """Needs of an open case that no referral was ever made for."""
    if case.status is not CaseStatus.OPEN:
        return []
    referred = {r.service for r in referrals}
    return [n for n in sorted(case.needs) if n not in referred]


def need_added_at(case: Case, need: Service) -> datetime:
    """Since when the case has had ``need``: the last change of needs that added it,
    else the opening of the case."""
    since = case.opened_at
    for event in case.history:
        if (
            event.kind is CaseEventKind.NEEDS_CHANGED
            and event.needs is not None
            and need in event.needs
            and need not in (event.previous_needs or frozenset())
        ):
            since = event.at
    return since


def open_duplicate(
    referrals: Iterable[Referral], service: Service, to_provider_id: str
) -> Referral | None:
    """An open referral of the case for ``service`` to the same receiver, if any."""
    return next(
        (
            r
            for r in referrals
            if r.service is service
            and r.to_provider_id == to_provider_id
            and not r.status.is_closed
        ),
        None,
    )


def open_for_need(referrals: Iterable[Referral], service: Service) -> list[Referral]:
    """Open referrals of the case for ``service`` (to any receiver)."""
    return [r for r in referrals if r.service is service and not r.status.is_closed]


# --- risk and deadlines ---------------------------------------------------------------
def sooner_terms(
    referral: Referral, policy: SlaPolicy, risk: RiskLevel, now: datetime
) -> Referral | None:
    """An open referral with the deadlines ``risk`` gives from ``now`` wherever they
    come sooner than the ones it has (never later: a handoff's deadlines only move
    up), its risk raised and its next alert recomputed; None if it is closed or nothing
    would change."""
    if referral.status.is_closed or not rises(referral.risk, risk):
        return None
    fresh = policy.deadlines_for(risk, now)
    old = referral.due
    due = (
        fresh
        if old is None
        else Deadlines(
            acknowledge=min(old.acknowledge, fresh.acknowledge),
            decide=min(old.decide, fresh.decide),
            first_contact=min(old.first_contact, fresh.first_contact),
            policy_version=fresh.policy_version if fresh != old else old.policy_version,
            reminder_at=old.reminder_at,
        )
    )
    return referral.model_copy(
        update={
            "risk": risk,
            "due": due,
            "next_alert_at": first_alert_time(referral.status, referral.created_at, due),
            "updated_at": now,
            "version": referral.version + 1,
        }
    )


# --- changing a case ------------------------------------------------------------------
def _open(case: Case) -> None:
    if case.status is not CaseStatus.OPEN:
        raise Conflict("The case is closed; reopen it first.", field="status")


def changed_case(
    case: Case,
    referrals: Sequence[Referral],
    *,
    at: datetime,
    actor: str,
    risk: RiskLevel | None = None,
    needs: frozenset[Service] | None = None,
    set_aside_reason: ClosureReason | None = None,
    note: str | None = None,
) -> Case:
    """The case with a new risk level and/or needs, each change an event on its
    timeline. A need taken off needs a reason (``set_aside_reason``: why it is no
    longer pursued, from the closure codes; "other" needs a note); one with a referral
    still open cannot be taken off (cancel the referral first); the last need cannot be
    (close the case instead)."""
    _open(case)
    events: list[CaseEvent] = []
    update: dict[str, object] = {}
    if risk is not None and risk is not case.risk:
        events.append(
            CaseEvent(
                at=at,
                actor=actor,
                kind=CaseEventKind.RISK_CHANGED,
                risk=risk,
                previous_risk=case.risk,
                note=note,
            )
        )
        update["risk"] = risk
    if needs is not None and needs != case.needs:
        if not needs:
            raise InvalidInput(
                "A case needs at least one need; close the case instead.", field="needs"
            )
        removed = case.needs - needs
        still_open = [r.id for need in sorted(removed) for r in open_for_need(referrals, need)]
        if still_open:
            raise Conflict(
                f"A referral for this need is still open ({', '.join(still_open)}); "
                "cancel it before setting the need aside.",
                field="needs",
            )
        if removed and set_aside_reason is None:
            raise InvalidInput(
                "Say why a need is no longer pursued (set_aside_reason).",
                field="set_aside_reason",
            )
        if set_aside_reason is ClosureReason.OTHER and not (note and note.strip()):
            raise InvalidInput("The reason 'other' needs a few words in 'note'.", field="note")
        events.append(
            CaseEvent(
                at=at,
                actor=actor,
                kind=CaseEventKind.NEEDS_CHANGED,
                needs=needs,
                previous_needs=case.needs,
                closure_reason=set_aside_reason if removed else None,
                note=note,
            )
        )
        update["needs"] = needs
    if not events:
        return case
    update |= {"history": (*case.history, *events), "version": case.version + 1}
    return case.model_copy(update=update)


def follow_up_set(
    case: Case, on: date | None, *, today: date, at: datetime, actor: str, note: str | None
) -> Case:
    """The case with its next follow-up on ``on`` (None: none planned); not a day past."""
    _open(case)
    if on is not None and on < today:
        raise InvalidInput(
            f"A follow-up is planned for today or later, not {on.isoformat()}.",
            field="follow_up_on",
        )
    event = CaseEvent(
        at=at, actor=actor, kind=CaseEventKind.FOLLOW_UP_SET, follow_up_on=on, note=note
    )
    return case.model_copy(
        update={
            "follow_up_on": on,
            "history": (*case.history, event),
            "version": case.version + 1,
        }
    )


def followed_up(
    case: Case, *, note: str, next_on: date | None, today: date, at: datetime, actor: str
) -> Case:
    """The case after someone checked on the child: what they found (``note``) and,
    if another visit is wanted, when (``next_on``)."""
    _open(case)
    if not note.strip():
        raise InvalidInput("Say in a few words how the child is.", field="note")
    if next_on is not None and next_on < today:
        raise InvalidInput(
            f"The next follow-up is planned for today or later, not {next_on.isoformat()}.",
            field="next_on",
        )
    event = CaseEvent(
        at=at, actor=actor, kind=CaseEventKind.FOLLOWED_UP, follow_up_on=next_on, note=note
    )
    return case.model_copy(
        update={
            "follow_up_on": next_on,
            "history": (*case.history, event),
            "version": case.version + 1,
        }
    )


def follow_up_due(case: Case, today: date) -> bool:
    return (
        case.status is CaseStatus.OPEN
        and case.follow_up_on is not None
        and (case.follow_up_on <= today)
    )


# --- closing and reopening ----------------------------------------------------------------
def closed_case(
    case: Case,
    referrals: Sequence[Referral],
    *,
    reason: ClosureReason,
    outcome: str,
    override: str | None,
    at: datetime,
    actor: str,
) -> Case:
    """The case closed with a coded reason and an outcome. Refused while a referral of
    it is open, and while a need is unmet unless ``override`` says why it is closed
    anyway (``NeedsUnmet`` lists them); "needs met" cannot be the reason then."""
    if case.status is CaseStatus.CLOSED:
        raise Conflict("The case is already closed.", field="status")
    still_open = [r.id for r in referrals if not r.status.is_closed]
    if still_open:
        raise Conflict(
            f"{len(still_open)} referral(s) of this case are still open: "
            f"{', '.join(still_open)}. Close or cancel them first.",
            field="status",
        )
    if not outcome.strip():
        raise InvalidInput("Say what came of the case (outcome).", field="outcome")
    unmet = unmet_needs(case, referrals)
    override = (override or "").strip() or None
    if unmet and override is None:
        raise NeedsUnmet(unmet)
    if unmet and reason is ClosureReason.NEEDS_MET:
        raise InvalidInput(
            f"'needs_met' is not the reason while a need is unmet: {', '.join(sorted(unmet))}.",
            field="reason",
        )
    closure = CaseClosure(
        reason=reason,
        outcome=outcome.strip(),
        unmet_needs=unmet,
        override=override if unmet else None,
        closed_by=actor,
    )
    event = CaseEvent(
        at=at,
        actor=actor,
        kind=CaseEventKind.CLOSED,
        closure_reason=reason,
        needs=unmet or None,
        note=closure.outcome,
    )
    return case.model_copy(
        update={
            "status": CaseStatus.CLOSED,
            "closed_at": at,
            "closure": closure,
            "follow_up_on": None,
            "history": (*case.history, event),
            "version": case.version + 1,
        }
    )


def reopened_case(case: Case, *, reason: str, at: datetime, actor: str) -> Case:
    """A closed case open again, with why (a purged case cannot be reopened)."""
    if case.status is not CaseStatus.CLOSED:
        raise Conflict("The case is open.", field="status")
    if case.purged_at is not None:
        raise Conflict("The case was purged after its retention period.", field="status")
    if not reason.strip():
        raise InvalidInput("Say why the case is reopened.", field="reason")
    event = CaseEvent(at=at, actor=actor, kind=CaseEventKind.REOPENED, note=reason.strip())
    return case.model_copy(
        update={
            "status": CaseStatus.OPEN,
            "closed_at": None,
            "closure": None,
            "history": (*case.history, event),
            "version": case.version + 1,
        }
    )

"""Use cases of a case's life after it was opened: changing its risk and needs,
planning and recording follow-ups, closing it with a coded reason and reopening it.

Only the case's own CCWC (and the system) does these; anyone else is told the case
does not exist. Each change is one transaction: the case with its new timeline event
and, when the risk rises, every open hop of the case with its new — sooner — deadlines
and next alert, or nothing at all. The rules themselves are pure functions in
:mod:`referral_graph.domain.case_life`.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from referral_graph.domain.case_life import (
    changed_case,
    closed_case,
    follow_up_set,
    followed_up,
    reopened_case,
    sooner_terms,
)
from referral_graph.domain.errors import StaleVersion
from referral_graph.domain.models import Case
from referral_graph.domain.reasons import ClosureReason
from referral_graph.domain.vocabulary import RiskLevel, Service
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building import local_today
from referral_graph.services.cases import owned_case
from referral_graph.services.timeliness import policy_in_force
from referral_graph.store.port import Transaction


class CaseChange(BaseModel):
    """A change of a case's risk level or needs (what is left out stays as it is)."""

    model_config = ConfigDict(extra="forbid")

    risk: RiskLevel | None = Field(
        None,
        description="The new risk level. When it rises, every open referral of the case "
        "gets the deadlines of the new level counted from now, where they come sooner.",
    )
    needs: list[Service] | None = Field(
        None,
        min_length=1,
        max_length=len(Service),
        description="The case's needs from now on (the whole list).",
    )
    set_aside_reason: ClosureReason | None = Field(
        None,
        description="Why a need taken off is no longer pursued (required then; 'other' "
        "needs a note). GET /api/v1/reason-codes lists the codes.",
    )
    note: str | None = Field(None, max_length=1000, description="Why (free text).")
    expected_version: int | None = Field(
        None, ge=1, description="Refuse with 409 unless the case is at this version."
    )


class FollowUpPlan(BaseModel):
    """When the CCWC next checks on the child (null: no follow-up planned)."""

    model_config = ConfigDict(extra="forbid")

    on: date | None = Field(description="A day from today on (Cambodian calendar).")
    note: str | None = Field(None, max_length=1000)


class FollowUpMade(BaseModel):
    """A follow-up that took place: what was found, and when to check again."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=1000, description="How the child is.")
    next_on: date | None = Field(None, description="The next follow-up, if one is wanted.")


class CaseClosing(BaseModel):
    """Why a case is closed and what came of it."""

    model_config = ConfigDict(extra="forbid")

    reason: ClosureReason = Field(description="GET /api/v1/reason-codes lists the codes.")
    outcome: str = Field(min_length=1, max_length=1000, description="What came of the case.")
    override: str | None = Field(
        None,
        max_length=1000,
        description="Why the case is closed although a need is unmet (without it, such "
        "a closing is refused with 409 listing the unmet needs).",
    )
    expected_version: int | None = Field(None, ge=1)


class CaseReopening(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000, description="Why it is reopened.")


def _check_version(case: Case, expected: int | None) -> None:
    if expected is not None and expected != case.version:
        raise StaleVersion("case", case.id)


def change_case(caller: Caller, case_id: str, change: CaseChange) -> Case:
    """Change the case's risk or needs (its own CCWC). A rise in risk brings every open
    hop's deadlines forward, with their next alert; a need taken off needs a reason."""
    now, actor = caller.now, caller.actor

    def work(tx: Transaction) -> Case:
        case = owned_case(tx, caller, case_id)
        _check_version(case, change.expected_version)
        referrals = tx.case_referrals(case_id)
        updated = changed_case(
            case,
            referrals,
            at=now,
            actor=actor,
            risk=change.risk,
            needs=None if change.needs is None else frozenset(change.needs),
            set_aside_reason=change.set_aside_reason,
            note=(change.note or "").strip() or None,
        )
        if updated is case:
            return case
        tx.save_case(updated, case.version)
        if updated.risk is not case.risk:
            policy = policy_in_force(tx)
            for referral in referrals:
                sooner = sooner_terms(referral, policy, updated.risk, now)
                if sooner is not None:
                    tx.retime_referral(sooner, referral.version)
        return updated

    return caller.store.write(work)


def _today(tx: Transaction, caller: Caller) -> date:
    """The programme's calendar day now, in the time zone of the deadline policy."""
    return local_today(caller.now, policy_in_force(tx).timezone)


def plan_follow_up(caller: Caller, case_id: str, plan: FollowUpPlan) -> Case:
    """Plan (or cancel) the next follow-up of the case; it shows in the CCWC's queue
    from that day on."""
    now, actor = caller.now, caller.actor

    def work(tx: Transaction) -> Case:
        case = owned_case(tx, caller, case_id)
        updated = follow_up_set(
            case,
            plan.on,
            today=_today(tx, caller),
            at=now,
            actor=actor,
            note=(plan.note or "").strip() or None,
        )
        tx.save_case(updated, case.version)
        return updated

    return caller.store.write(work)


def record_follow_up(caller: Caller, case_id: str, made: FollowUpMade) -> Case:
    """Record that someone checked on the child, and when to check again."""
    now, actor = caller.now, caller.actor

    def work(tx: Transaction) -> Case:
        case = owned_case(tx, caller, case_id)
        updated = followed_up(
            case,
            note=made.note,
            next_on=made.next_on,
            today=_today(tx, caller),
            at=now,
            actor=actor,
        )
        tx.save_case(updated, case.version)
        return updated

    return caller.store.write(work)


def close_case(caller: Caller, case_id: str, closing: CaseClosing) -> Case:
    """Close the case with a coded reason and an outcome (its own CCWC): refused while
    a referral of it is open, and while a need is unmet unless an override says why."""
    now, actor = caller.now, caller.actor

    def work(tx: Transaction) -> Case:
        case = owned_case(tx, caller, case_id)
        _check_version(case, closing.expected_version)
        closed = closed_case(
            case,
            tx.case_referrals(case_id),
            reason=closing.reason,
            outcome=closing.outcome,
            override=closing.override,
            at=now,
            actor=actor,
        )
        tx.save_case(closed, case.version)
        return closed

    return caller.store.write(work)


def reopen_case(caller: Caller, case_id: str, reopening: CaseReopening) -> Case:
    """Open a closed case again, saying why (its own CCWC)."""
    now, actor = caller.now, caller.actor

    def work(tx: Transaction) -> Case:
        case = owned_case(tx, caller, case_id)
        reopened = reopened_case(case, reason=reopening.reason, at=now, actor=actor)
        tx.save_case(reopened, case.version)
        return reopened

    return caller.store.write(work)

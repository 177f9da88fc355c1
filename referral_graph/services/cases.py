"""Use cases of cases: opening one, reading it, recording consent, closing it.

Each takes a :class:`~referral_graph.services.caller.Caller`: a CCWC opens cases only
for itself, only the case's own CCWC records consent or closes it, and what a caller
sees of a case is decided in the transaction that reads it.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from referral_graph.domain.errors import Conflict, InvalidInput, NotFound
from referral_graph.domain.ids import new_case_code, new_id
from referral_graph.domain.models import MAX_AGE, Case, CaseStatus, Consent, Identifier
from referral_graph.domain.vocabulary import Gender, Language, RiskLevel, Service
from referral_graph.security.policy import Access, may_act_for
from referral_graph.services.access import SeenCase, case_seen
from referral_graph.services.caller import Caller
from referral_graph.services.incident import incident_event, incident_time
from referral_graph.store.port import Transaction


class CaseOpening(BaseModel):
    """What a CCWC worker records to open a case. No name: the case gets a code."""

    model_config = ConfigDict(extra="forbid")

    opened_by_provider_id: Identifier
    age: int = Field(ge=0, le=MAX_AGE)
    gender: Gender
    risk: RiskLevel
    needs: list[Service] = Field(min_length=1, max_length=len(Service))
    language: Language = Language.KHMER
    village_code: str = Field(
        min_length=8, max_length=8, description="Gazetteer code of the village."
    )
    wants_lgbtiq_affirming: bool = False
    consent: Consent | None = None
    contact_arrangement: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=2000)
    incident_at: AwareDatetime | None = Field(
        None,
        description="When the violence happened, if known (never required; not in the "
        "future). For sexual violence (a need of post_rape_care) it starts the 72-hour "
        "PEP and 120-hour emergency-contraception clocks.",
    )


def _case(tx: Transaction, case_id: str) -> Case:
    case = tx.get_case(case_id)
    if case is None:
        raise NotFound("case", case_id)
    return case


def _seen(tx: Transaction, caller: Caller, case_id: str) -> SeenCase:
    return case_seen(tx, caller.principal, _case(tx, case_id), tx.case_referrals(case_id))


def _owned(tx: Transaction, caller: Caller, case_id: str) -> Case:
    """The case, if the caller holds it in full (its own CCWC); else not found."""
    seen = _seen(tx, caller, case_id)
    if seen.access is not Access.FULL:
        raise NotFound("case", case_id)
    return seen.case


def see_case(caller: Caller, case_id: str) -> SeenCase:
    """What the caller sees of a case: in full for its CCWC; for providers, supervisors
    and coordinators only what a handoff needs (``access`` says which)."""
    return caller.store.read(lambda tx: _seen(tx, caller, case_id))


def get_case(caller: Caller, case_id: str) -> Case:
    """The case as the caller may see it in full (a system caller, the case's CCWC)."""
    return caller.store.read(lambda tx: _owned(tx, caller, case_id))


def open_case(caller: Caller, opening: CaseOpening) -> Case:
    """Open a case for the caller's own CCWC; its id and pseudonymous code are drawn
    here — once, outside the unit of work, so that a store replaying it after an
    unanswered commit opens one case."""
    if not may_act_for(caller.principal, opening.opened_by_provider_id):
        raise InvalidInput(
            "You can open cases only for your own CCWC.", field="opened_by_provider_id"
        )
    now, opened_by = caller.now, caller.actor
    fields = opening.model_dump()
    if opening.incident_at is not None:
        fields["incident_at"] = incident_time(opening.incident_at, now)
        fields["history"] = (incident_event(now, opened_by, fields["incident_at"]),)
    case_id = new_id("case")
    codes = [new_case_code(opening.village_code) for _ in range(5)]

    def work(tx: Transaction) -> Case:
        opener_id = opening.opened_by_provider_id
        opener = tx.get_provider(opener_id)
        if opener is None or not opener.active:
            raise InvalidInput(
                f"No active provider with id {opener_id!r} can open a case.",
                field="opened_by_provider_id",
            )
        for code in codes:
            case = Case.model_validate(
                {
                    **fields,
                    "id": case_id,
                    "code": code,
                    "opened_by": opened_by,
                    "opened_at": now,
                }
            )
            try:
                tx.add_case(case)
            except Conflict:
                continue  # a code collision: draw another
            return case
        raise Conflict("Could not draw a unique case code; try again.")

    return caller.store.write(work)


def record_consent(caller: Caller, case_id: str, consent: Consent) -> Case:
    """Record who consented to referral, and when (the case's own CCWC)."""

    def work(tx: Transaction) -> Case:
        case = _owned(tx, caller, case_id)
        updated = case.model_copy(update={"consent": consent, "version": case.version + 1})
        tx.save_case(updated, case.version)
        return updated

    return caller.store.write(work)


def close_case(caller: Caller, case_id: str) -> Case:
    """Close a case once every referral of it is closed (the case's own CCWC)."""
    now = caller.now

    def work(tx: Transaction) -> Case:
        case = _owned(tx, caller, case_id)
        if case.status is CaseStatus.CLOSED:
            raise Conflict("The case is already closed.")
        still_open = [r.id for r in tx.case_referrals(case_id) if not r.status.is_closed]
        if still_open:
            raise Conflict(
                f"{len(still_open)} referral(s) of this case are still open: "
                f"{', '.join(still_open)}. Close or cancel them first."
            )
        closed = case.model_copy(
            update={"status": CaseStatus.CLOSED, "closed_at": now, "version": case.version + 1}
        )
        tx.save_case(closed, case.version)
        return closed

    return caller.store.write(work)

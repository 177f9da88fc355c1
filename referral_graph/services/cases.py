"""Use cases of cases: opening one, reading it, recording consent (its later life —
risk and needs, follow-ups, closing, reopening — is ``services.case_life``).

Each takes a :class:`~referral_graph.services.caller.Caller`: a CCWC opens cases only
for itself, only the case's own CCWC records consent, and what a caller sees of a case
is decided in the transaction that reads it.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from referral_graph.domain import free_text
from referral_graph.domain.errors import Conflict, InvalidInput, NotFound
from referral_graph.domain.ids import new_case_code, new_id
from referral_graph.domain.models import MAX_AGE, Case, Consent, Identifier
from referral_graph.domain.vocabulary import Gender, Language, RiskLevel, Service
from referral_graph.security.policy import Access, may_act_for
from referral_graph.services import witness
from referral_graph.services.access import SeenCase, case_seen
from referral_graph.services.caller import Caller
from referral_graph.services.incident import incident_event, incident_time
from referral_graph.store.port import CaseFile, Transaction


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
    contact_arrangement: str | None = Field(
        None, max_length=500, description=free_text.CONTACT_ARRANGEMENT
    )
    note: str | None = Field(None, max_length=2000, description=free_text.CASE_NOTE)
    incident_at: AwareDatetime | None = Field(
        None,
        description="When the violence happened, if known (never required; not in the "
        "future). For sexual violence (a need of post_rape_care) it starts the 72-hour "
        "PEP and 120-hour emergency-contraception clocks.",
    )

    _no_personal_details = field_validator("note")(free_text.refuse_personal_details)


def case_of(tx: Transaction, case_id: str) -> Case:
    """The case, or ``NotFound`` (no access decided: see ``case_seen``)."""
    case = tx.get_case(case_id)
    if case is None:
        raise NotFound("case", case_id)
    return case


def _file(tx: Transaction, case_id: str) -> CaseFile:
    """The case with its referrals and their providers, in one read."""
    found = tx.case_file(case_id)
    if found is None:
        raise NotFound("case", case_id)
    return found


def _seen(tx: Transaction, caller: Caller, case_id: str) -> SeenCase:
    found = _file(tx, case_id)
    return case_seen(tx, caller.principal, found.case, found.referrals, found.providers)


def owned_case(tx: Transaction, caller: Caller, case_id: str) -> Case:
    """The case, if the caller holds it in full (its own CCWC, the system); else not
    found (read in ``tx``, with the decision)."""
    return _owned(tx, caller, case_id).case


def _owned(tx: Transaction, caller: Caller, case_id: str) -> CaseFile:
    """The case's file, if the caller holds the case in full (its own CCWC); else not
    found."""
    found = _file(tx, case_id)
    seen = case_seen(tx, caller.principal, found.case, found.referrals, found.providers)
    if seen.access is not Access.FULL:
        witness.refused(case_id, case_id)
        raise NotFound("case", case_id)
    return found


def see_case(caller: Caller, case_id: str) -> SeenCase:
    """What the caller sees of a case: in full for its CCWC; for providers, supervisors
    and coordinators only what a handoff needs (``access`` says which)."""
    return caller.store.read(lambda tx: _seen(tx, caller, case_id))


def get_case(caller: Caller, case_id: str) -> Case:
    """The case as the caller may see it in full (a system caller, the case's CCWC)."""
    return caller.store.read(lambda tx: owned_case(tx, caller, case_id))


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
        case = _owned(tx, caller, case_id).case
        updated = case.model_copy(update={"consent": consent, "version": case.version + 1})
        tx.save_case(updated, case.version)
        return updated

    return caller.store.write(work)

"""The CCWC's decision on an identification: accept it as a case, or decline it.

Accepting opens a case for the CCWC with what the identifier sent (and what the CCWC
adds: the exact age when only a band was known, consent, its own view of risk and
needs); the case keeps who identified the child and the source
(``Case.identified_by_provider_id``, ``identification_source``), so reports count
cases by source. Declining needs a reason code ("other" needs a few words). Only the
CCWC it was sent to decides; the identifier sees the outcome.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from referral_graph.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from referral_graph.domain.identification import (
    DeclineReason,
    Identification,
    IdentificationStatus,
)
from referral_graph.domain.ids import new_case_code, new_id
from referral_graph.domain.models import MAX_AGE, Case, CaseEvent, CaseEventKind, Consent
from referral_graph.domain.vocabulary import Language, RiskLevel, Service
from referral_graph.security.intake import receives
from referral_graph.security.policy import Access
from referral_graph.services.access import case_seen
from referral_graph.services.caller import Caller
from referral_graph.services.identifications import SeenIdentification, identification_seen, message
from referral_graph.store.port import Transaction


class IdentificationAcceptance(BaseModel):
    """What the CCWC adds or corrects when it registers the child as a case."""

    model_config = ConfigDict(extra="forbid")

    age: int | None = Field(
        None, ge=0, le=MAX_AGE, description="Required when the identification gave a band."
    )
    risk: RiskLevel | None = Field(None, description="Defaults to the identifier's.")
    needs: list[Service] | None = Field(None, min_length=1, max_length=len(Service))
    language: Language | None = None
    consent: Consent | None = Field(None, description="Defaults to the identifier's, if any.")
    contact_arrangement: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=2000)
    expected_version: int | None = Field(
        None, ge=1, description="Refuse with 409 unless the identification is at this version."
    )


class IdentificationDecline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: DeclineReason
    note: str | None = Field(None, max_length=1000, description="Needed for 'other'.")
    expected_version: int | None = Field(None, ge=1)


def _decidable(
    tx: Transaction, caller: Caller, identification_id: str, version: int | None
) -> Identification:
    """The identification, if the caller's CCWC decides it and it still waits."""
    seen = identification_seen(tx, caller, identification_id)
    ident = seen.identification
    if not receives(caller.principal, ident):
        raise Forbidden(
            "Only the CCWC the identification was sent to accepts or declines it.",
            field="identification_id",
        )
    if version is not None and version != ident.version:
        raise StaleVersion("identification", ident.id, ident.status.value)
    if not ident.status.waiting:
        raise Conflict(f"The identification was {ident.status.value} already.")
    return ident


def accept(caller: Caller, identification_id: str, acceptance: IdentificationAcceptance) -> Case:
    """Open a case from the identification for the CCWC it was sent to."""
    now, actor = caller.now, caller.actor
    # The id and codes are drawn once, outside the unit of work (a store replaying it
    # after an unanswered commit opens one case); the codes need the child's village.
    village = caller.store.read(lambda tx: identification_seen(tx, caller, identification_id))
    case_id = new_id("case")
    codes = [new_case_code(village.identification.village_code) for _ in range(5)]

    def work(tx: Transaction) -> Case:
        ident = _decidable(tx, caller, identification_id, acceptance.expected_version)
        age = acceptance.age if acceptance.age is not None else ident.age
        if age is None:
            low, high = ident.band.bounds
            raise InvalidInput(
                f"The identification gives only an age band ({low}–{high}): give the child's age.",
                field="age",
            )
        history: tuple[CaseEvent, ...] = ()
        if ident.incident_at is not None:
            history = (
                CaseEvent(
                    at=ident.created_at,
                    actor=ident.created_by,
                    kind=CaseEventKind.INCIDENT_RECORDED,
                    incident_at=ident.incident_at,
                ),
            )
        fields = {
            "id": case_id,
            "age": age,
            "gender": ident.gender,
            "risk": acceptance.risk or ident.risk,
            "needs": frozenset(acceptance.needs or ident.needs),
            "language": acceptance.language or ident.language,
            "village_code": ident.village_code,
            "consent": acceptance.consent or ident.consent,
            "contact_arrangement": acceptance.contact_arrangement or ident.contact_arrangement,
            "note": acceptance.note or ident.note,
            "opened_by_provider_id": ident.to_provider_id,
            "opened_by": actor,
            "opened_at": now,
            "incident_at": ident.incident_at,
            "identified_by_provider_id": ident.identified_by_provider_id,
            "identification_source": ident.source,
            "history": history,
        }
        for code in codes:
            case = Case.model_validate({**fields, "code": code})
            try:
                tx.add_case(case)
            except Conflict:
                continue  # a code collision: draw another
            break
        else:
            raise Conflict("Could not draw a unique case code; try again.")
        accepted = ident.model_copy(
            update={
                "status": IdentificationStatus.ACCEPTED,
                "acknowledged_at": ident.acknowledged_at or now,
                "acknowledged_by": ident.acknowledged_by or actor,
                "decided_at": now,
                "decided_by": actor,
                "case_id": case.id,
                "version": ident.version + 1,
            }
        )
        tx.save_identification(accepted, ident.version)
        tx.enqueue(message(accepted, now))
        return case

    return caller.store.write(work)


def decline(
    caller: Caller, identification_id: str, decision: IdentificationDecline
) -> Identification:
    """Decline the identification with a reason (the CCWC it was sent to)."""
    now, actor = caller.now, caller.actor
    note = (decision.note or "").strip() or None
    if decision.reason is DeclineReason.OTHER and note is None:
        raise InvalidInput("Declining for 'other' needs a few words in note.", field="note")

    def work(tx: Transaction) -> Identification:
        ident = _decidable(tx, caller, identification_id, decision.expected_version)
        declined = ident.model_copy(
            update={
                "status": IdentificationStatus.DECLINED,
                "acknowledged_at": ident.acknowledged_at or now,
                "acknowledged_by": ident.acknowledged_by or actor,
                "decided_at": now,
                "decided_by": actor,
                "decline_reason": decision.reason,
                "decline_note": note,
                "version": ident.version + 1,
            }
        )
        tx.save_identification(declined, ident.version)
        tx.enqueue(message(declined, now))
        return declined

    return caller.store.write(work)


def identification_of_case(caller: Caller, case_id: str) -> SeenIdentification | None:
    """The identification a case came from, for those who see the case in full (its
    CCWC) or as coordinators (without free text); None for anyone else, or none."""

    def work(tx: Transaction) -> SeenIdentification | None:
        case = tx.get_case(case_id)
        if case is None:
            raise NotFound("case", case_id)
        seen = case_seen(tx, caller.principal, case, tx.case_referrals(case_id))
        if seen.access is Access.HANDOFF:
            return None
        found = tx.identification_of_case(case_id)
        if found is None:
            return None
        shown = found.redacted() if seen.access is Access.PSEUDONYMOUS else found
        ends = tx.get_providers({found.identified_by_provider_id, found.to_provider_id})
        return SeenIdentification(
            shown,
            seen.access,
            ends.get(found.identified_by_provider_id),
            ends.get(found.to_provider_id),
        )

    return caller.store.read(work)

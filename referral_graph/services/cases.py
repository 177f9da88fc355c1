"""Use cases of cases: opening one, recording consent."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from referral_graph.domain.errors import Conflict, InvalidInput, NotFound
from referral_graph.domain.ids import new_case_code, new_id
from referral_graph.domain.models import MAX_AGE, Case, CaseStatus, Consent, Identifier
from referral_graph.domain.vocabulary import Gender, Language, RiskLevel, Service
from referral_graph.store.port import Store, Transaction


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


def _case(tx: Transaction, case_id: str) -> Case:
    case = tx.get_case(case_id)
    if case is None:
        raise NotFound("case", case_id)
    return case


def get_case(store: Store, case_id: str) -> Case:
    return store.read(lambda tx: _case(tx, case_id))


def open_case(store: Store, now: datetime, opening: CaseOpening, *, opened_by: str) -> Case:
    """Open a case; its id and pseudonymous code are drawn here — once, outside the unit
    of work, so that a store replaying it after an unanswered commit opens one case."""
    fields = opening.model_dump()
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

    return store.write(work)


def record_consent(store: Store, case_id: str, consent: Consent) -> Case:
    def work(tx: Transaction) -> Case:
        case = _case(tx, case_id)
        updated = case.model_copy(update={"consent": consent, "version": case.version + 1})
        tx.save_case(updated, case.version)
        return updated

    return store.write(work)


def close_case(store: Store, now: datetime, case_id: str) -> Case:
    """Close a case once every referral of it is closed."""

    def work(tx: Transaction) -> Case:
        case = _case(tx, case_id)
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

    return store.write(work)

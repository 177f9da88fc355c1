"""The forms of a case's life on its page: changing risk and needs, setting a need
aside (also from the queue), planning and recording follow-ups, closing with a coded
reason and an outcome (refused while a need is unmet, unless an override says why) and
reopening.

Each form posts here; the page calls the use case of ``services.case_life`` and comes
back to the case: with a short note on success, or with the reason it was refused, in
the page language (422 or 409), the form left open.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect, safe_next
from api.web.case_view import CLOSURE_CODES
from api.web.cases import render_case
from api.web.i18n import label, t
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.errors import (
    Conflict,
    InvalidInput,
    NeedsUnmet,
    ReferralGraphError,
)
from referral_graph.domain.reasons import ClosureReason
from referral_graph.domain.vocabulary import RiskLevel, Service
from referral_graph.services import case_life
from referral_graph.services.caller import Caller
from referral_graph.services.case_life import (
    CaseChange,
    CaseClosing,
    CaseReopening,
    FollowUpMade,
    FollowUpPlan,
)
from referral_graph.services.cases import get_case

router = APIRouter()


# --- the forms ------------------------------------------------------------------------
class ChangeForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    risk: str = ""
    needs: list[str] = []
    set_aside_reason: str = ""
    note: str = ""


class SetAsideForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    set_aside_reason: str = ""
    note: str = ""
    next: str = ""


class PlanForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    on: str = ""
    note: str = ""


class MadeForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    note: str = ""
    next_on: str = ""


class CloseForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reason: str = ""
    outcome: str = ""
    override: str = ""


class ReopenForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reason: str = ""


def _day(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("Not a day.", field=field) from None


def refusal(ctx: Web, exc: ReferralGraphError) -> tuple[str, int]:
    """Why a case-life form was refused, in the page language, and its status."""
    lang = ctx.lang
    if isinstance(exc, NeedsUnmet):
        needs = ", ".join(label("service", n, lang) for n in exc.unmet_needs)
        return t("closure_unmet", lang, needs=needs), 409
    if isinstance(exc, Conflict):
        if exc.field == "needs":
            return t("err_need_open", lang), 409
        if "still open" in exc.detail:
            return t("closure_open_referrals", lang), 409
        return t("err_case_state", lang), 409
    by_field = {
        "follow_up_on": "err_day_past",
        "next_on": "err_day_past",
        "on": "err_day_past",
        "set_aside_reason": "err_pick_reason",
        "closure_reason": "err_pick_reason",
        "note": "err_reason",
        "outcome": "err_outcome",
        "reason": "err_needs_met_reason" if "needs_met" in exc.detail else "err_reason",
        "needs": "err_last_need",
    }
    return t(by_field.get(exc.field or "", "err_invalid"), lang), 422


def _back(ctx: Web, case_id: str, done: str, anchor: str, **extra: str) -> Response:
    query = "&".join([f"done={done}", *(f"{k}={quote(v)}" for k, v in extra.items())])
    return redirect(f"{ctx.base}/cases/{case_id}?{query}#{anchor}")


def _refused(ctx: Web, case_id: str, exc: ReferralGraphError, form: str) -> Response:
    message, status = refusal(ctx, exc)
    return render_case(ctx, case_id, error=message, status=status, form=form)


def _caller(ctx: Web, path: str, case_id: str) -> Caller:
    return ctx.caller(f"/app/cases/{{case_id}}/{path}", {"case_id": case_id})


@router.post("/cases/{case_id}/change", include_in_schema=False, dependencies=[Depends(check_csrf)])
def change(ctx: WebDep, case_id: str, form: Annotated[ChangeForm, Form()]) -> Response:
    """Change the risk level or the needs (the case's own CCWC)."""
    ctx.allow("PATCH", "/api/v1/cases/{case_id}")
    try:
        body = CaseChange(
            risk=RiskLevel(form.risk) if form.risk else None,
            needs=[Service(n) for n in dict.fromkeys(form.needs)],
            set_aside_reason=ClosureReason(form.set_aside_reason)
            if form.set_aside_reason
            else None,
            note=form.note.strip() or None,
        )
        case_life.change_case(_caller(ctx, "change", case_id), case_id, body)
    except (ValueError, ValidationError):
        return _refused(ctx, case_id, InvalidInput("Not valid.", field="needs"), "change")
    except (InvalidInput, Conflict) as exc:
        return _refused(ctx, case_id, exc, "change")
    return _back(ctx, case_id, "changed", "life")


@router.post(
    "/cases/{case_id}/needs/{service}/set-aside",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def set_aside(
    ctx: WebDep, case_id: str, service: str, form: Annotated[SetAsideForm, Form()]
) -> Response:
    """Stop pursuing one need, with a coded reason (from the queue or the case page)."""
    ctx.allow("PATCH", "/api/v1/cases/{case_id}")
    try:
        need = Service(service)
        reason = ClosureReason(form.set_aside_reason) if form.set_aside_reason else None
    except ValueError:
        return _refused(ctx, case_id, InvalidInput("Not valid.", field="set_aside_reason"), "needs")
    case = get_case(ctx.reader, case_id)
    try:
        body = CaseChange(
            needs=sorted(case.needs - {need}) or None,
            set_aside_reason=reason,
            note=form.note.strip() or None,
        )
        if body.needs is None:
            raise InvalidInput("The last need.", field="needs")
        case_life.change_case(_caller(ctx, "needs/set-aside", case_id), case_id, body)
    except (InvalidInput, Conflict) as exc:
        return _refused(ctx, case_id, exc, "needs")
    target = safe_next(ctx.request, form.next)
    if target:
        return redirect(target)
    return _back(ctx, case_id, "set_aside", "needs", service=need.value)


@router.post(
    "/cases/{case_id}/follow-up", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def plan(ctx: WebDep, case_id: str, form: Annotated[PlanForm, Form()]) -> Response:
    """Plan (or, with no day, cancel) the next follow-up."""
    ctx.allow("PUT", "/api/v1/cases/{case_id}/follow-up")
    try:
        body = FollowUpPlan(on=_day(form.on, "follow_up_on"), note=form.note.strip() or None)
        case_life.plan_follow_up(_caller(ctx, "follow-up", case_id), case_id, body)
    except (InvalidInput, Conflict) as exc:
        return _refused(ctx, case_id, exc, "follow-up")
    return _back(ctx, case_id, "planned", "follow-up")


@router.post(
    "/cases/{case_id}/follow-ups", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def made(ctx: WebDep, case_id: str, form: Annotated[MadeForm, Form()]) -> Response:
    """Record a follow-up made, and when to check again."""
    ctx.allow("POST", "/api/v1/cases/{case_id}/follow-ups")
    try:
        if not form.note.strip():
            raise InvalidInput("Say how the child is.", field="note")
        body = FollowUpMade(note=form.note.strip(), next_on=_day(form.next_on, "next_on"))
        case_life.record_follow_up(_caller(ctx, "follow-ups", case_id), case_id, body)
    except (InvalidInput, Conflict) as exc:
        return _refused(ctx, case_id, exc, "follow-up")
    return _back(ctx, case_id, "followed_up", "follow-up")


@router.post("/cases/{case_id}/close", include_in_schema=False, dependencies=[Depends(check_csrf)])
def close(ctx: WebDep, case_id: str, form: Annotated[CloseForm, Form()]) -> Response:
    """Close the case with a coded reason and an outcome."""
    ctx.allow("POST", "/api/v1/cases/{case_id}/close")
    try:
        if form.reason not in CLOSURE_CODES:
            raise InvalidInput("Choose a reason.", field="closure_reason")
        if not form.outcome.strip():
            raise InvalidInput("Say what came of it.", field="outcome")
        body = CaseClosing(
            reason=ClosureReason(form.reason),
            outcome=form.outcome.strip()[:1000],
            override=form.override.strip()[:1000] or None,
        )
        case_life.close_case(_caller(ctx, "close", case_id), case_id, body)
    except (InvalidInput, Conflict) as exc:
        return _refused(ctx, case_id, exc, "close")
    return _back(ctx, case_id, "closed", "life")


@router.post("/cases/{case_id}/reopen", include_in_schema=False, dependencies=[Depends(check_csrf)])
def reopen(ctx: WebDep, case_id: str, form: Annotated[ReopenForm, Form()]) -> Response:
    """Open a closed case again, saying why."""
    ctx.allow("POST", "/api/v1/cases/{case_id}/reopen")
    try:
        if not form.reason.strip():
            raise InvalidInput("Say why.", field="note")
        body = CaseReopening(reason=form.reason.strip()[:1000])
        case_life.reopen_case(_caller(ctx, "reopen", case_id), case_id, body)
    except (InvalidInput, Conflict) as exc:
        return _refused(ctx, case_id, exc, "reopen")
    return _back(ctx, case_id, "reopened", "life")

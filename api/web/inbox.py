"""A provider's inbox: handoffs waiting on it, oldest first, coloured by urgency, with
one tap for each step the receiver takes. Every step is a plain form (POST, then a
redirect back); with htmx loaded, the form swaps only its own row."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web import offline
from api.web.auth import redirect, safe_next
from api.web.field_pages import extras_of, field_error, field_flash
from api.web.field_views import care_view, local_input, waiting
from api.web.i18n import label, t
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from api.web.views import actions_for, urgency
from referral_graph.domain.errors import Conflict, InvalidInput, NotFound
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.queries import Page
from referral_graph.domain.reasons import StepReason
from referral_graph.security.model import Role
from referral_graph.security.policy import CONTACT_STATUSES, Access
from referral_graph.services import referrals
from referral_graph.services.alerts import unseen_alerts
from referral_graph.services.identifications import waiting_for
from referral_graph.services.inbox import InboxRow, inbox_row, overseen_providers
from referral_graph.services.inbox import inbox as inbox_of
from referral_graph.services.recorded import Replay
from referral_graph.services.referrals import Step

router = APIRouter()


class StepForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: str = ""
    reason_code: str = ""
    reason: str = ""
    outcome: str = ""
    expected_version: int | None = None
    occurred_at: str = ""  # the time of the tap, sent by the offline queue
    next: str = ""


def _row(ctx: Web, row: InboxRow) -> dict[str, Any]:
    """What an inbox row shows: the handoff, how urgent it is, the steps the caller may
    take, and whether they may refer the child onward from it."""
    referral, party = row.referral, row.party
    return {
        "care": care_view(row.case, [referral], ctx.now),
        "field": extras_of(
            referral,
            row.case,
            party,
            may_step=ctx.may("POST", "/api/v1/referrals/{referral_id}/transitions"),
            access=Access.HANDOFF,
        ),
        "now_local": local_input(ctx.now, ctx.runtime.settings.timezone),
        "referral": referral,
        "case": row.case,
        "sender": row.sender,
        "urgency": urgency(referral, ctx.now),
        "actions": actions_for(referral, party),
        "receiver_side": party is not None and party.value == "receiver",
        # the contact arrangement: only while this provider holds the case
        "sees_contact": referral.status in CONTACT_STATUSES
        and referral.to_provider_id == ctx.principal.provider_id,
        "can_refer_onward": (
            referral.holds_case
            and referral.to_provider_id == ctx.principal.provider_id
            and ctx.may("POST", "/api/v1/referrals")
        ),
    }


@router.get("/inbox", include_in_schema=False)
def inbox(
    ctx: WebDep,
    provider_id: str | None = None,
    done: str | None = None,
    err: str | None = None,
    step: str | None = None,
) -> Response:
    ctx.allow("GET", "/api/v1/providers/{provider_id}/inbox")
    pid = provider_id or ctx.principal.provider_id
    if pid is None:
        raise NotFound("provider", "-")
    found = inbox_of(ctx.reader, pid, with_rows=True)
    identified = (
        waiting_for(ctx.reader, pid)
        if ctx.principal.role is Role.CCWC and pid == ctx.principal.provider_id
        else []
    )
    ctx.log_read("/app/inbox", pid)
    return page(
        ctx.request,
        "inbox.html",
        principal=ctx.principal,
        title="nav_inbox",
        provider=found.provider,
        rows=[_row(ctx, row) for row in found.rows],
        count=found.count,
        observer=pid != ctx.principal.provider_id,
        overseen=overseen_providers(ctx.reader),
        flash=_message(ctx, done, err, step),
        alert_banner=unseen_alerts(ctx.reader, Page(limit=3)),
        identified=[
            (w, waiting(w.due_at, w.identification.created_at, ctx.now)) for w in identified
        ],
        may_identify=ctx.may("POST", "/api/v1/identifications")
        and ctx.principal.role is Role.PROVIDER,
    )


def _message(
    ctx: Web, done: str | None, err: str | None, step: str | None = None
) -> tuple[str, str] | None:
    """A short note after a step: ('ok' | 'error', text), from known codes only."""
    if done in {s.value for s in ReferralStatus}:
        return "ok", t("step_saved", ctx.lang, status=label("step", str(done), ctx.lang))
    if err in ("err_conflict", "err_reason", "err_outcome", "err_personal_details"):
        return "error", t(str(err), ctx.lang)
    flash, error = field_flash(ctx.lang, done, step), field_error(ctx.lang, err)
    if flash:
        return "ok", flash
    return ("error", error) if error else None


#: A refused step's field → the note the page shows.
_FIELD_ERRORS = {
    "reason": "err_reason",
    "reason_code": "err_reason",
    "outcome": "err_outcome",
    "occurred_at": "err_relay_time",
}


@router.post(
    "/referrals/{referral_id}/step", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def step(ctx: WebDep, referral_id: str, form: Annotated[StepForm, Form()]) -> Response:
    """Take one step of a referral, with the same checks as the API's transitions. From
    the phone's offline queue it comes with the time of the tap (``occurred_at``) and an
    ``Idempotency-Key`` (a repeat changes nothing), and answers in JSON."""
    ctx.allow("POST", "/api/v1/referrals/{referral_id}/transitions")
    done: str | None = None
    err: str | None = None
    replayed = False
    try:
        tapped = offline.tap_time(form.occurred_at)
    except InvalidInput:
        tapped, err = None, "err_relay_time"
    try:
        body: Step | None = Step(
            status=ReferralStatus(form.status),
            reason_code=StepReason(form.reason_code) if form.reason_code else None,
            reason=form.reason.strip() or None,
            outcome=form.outcome.strip() or None,
            expected_version=form.expected_version,
            occurred_at=tapped,
        )
    except ValidationError as exc:
        if not any(e.get("loc") in (("reason",), ("outcome",)) for e in exc.errors()):
            raise InvalidInput("Unknown step.", field="status") from None
        body, err = None, "err_personal_details"  # a phone number in the reason, say
    except ValueError:
        raise InvalidInput("Unknown step.", field="status") from None
    if err is not None:
        body = None
    caller = ctx.caller(
        "/app/referrals/{referral_id}/step", {"referral_id": referral_id}, idempotent=True
    )
    try:
        if body is not None:
            referrals.move_referral(caller, referral_id, body)
            done = body.status.value
    except Replay:  # the offline queue sent it again: it was taken the first time
        done, replayed = form.status, True
    except Conflict:
        err = "err_conflict"
    except InvalidInput as exc:
        if exc.field not in _FIELD_ERRORS:
            raise
        err = _FIELD_ERRORS[exc.field]
    if offline.queued(ctx):
        return offline.answer(
            ctx, done=done is not None, err=err, replayed=replayed, referral_id=referral_id
        )
    if ctx.request.headers.get("hx-request") == "true":
        return _row_fragment(ctx, referral_id, done, err, form.next)
    target = safe_next(ctx.request, form.next) or f"{ctx.base}/inbox"
    query = urlencode({"done": done} if done else {"err": err or ""})
    joiner = "&" if "?" in target else "?"
    return redirect(f"{target}{joiner}{query}#ref-{referral_id}")


def _row_fragment(
    ctx: Web, referral_id: str, done: str | None, err: str | None, back: str
) -> Response:
    """The one inbox row, as it stands after the step (htmx swaps it in)."""
    row = _row(ctx, inbox_row(ctx.reader, referral_id))
    return page(
        ctx.request,
        "_inbox_item.html",
        principal=ctx.principal,
        row=row,
        flash=_message(ctx, done, err),
        next=safe_next(ctx.request, back) or f"{ctx.base}/inbox",
        swapped=True,
    )

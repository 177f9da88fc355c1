"""Forms of issue 18 on the case page and in the inbox: record a receiver's step that it
confirmed by phone (the sender, an overseer or a coordinator), with the time of the
call in Cambodian local time; dispute a step recorded on your behalf (the receiver);
record the incident time of a case (its CCWC). Each posts, then goes back where it came
from with a note of what happened."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web import offline
from api.web.auth import redirect, safe_next
from api.web.field_views import from_local_input
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.errors import Conflict, Forbidden, InvalidInput
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.vocabulary import RelayChannel
from referral_graph.services import incident, referrals, relays
from referral_graph.services.incident import IncidentTime
from referral_graph.services.recorded import Replay
from referral_graph.services.referrals import Step
from referral_graph.services.relays import StepDispute

router = APIRouter()


class RelayForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: str = ""
    channel: str = ""
    occurred_at: str = ""
    decline_reason: str = ""
    expected_version: int | None = None
    next: str = ""


class DisputeForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: str = ""
    note: str = ""
    next: str = ""


class IncidentForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    incident_at: str = ""


def _back(ctx: Web, target: str, anchor: str, **note: str) -> Response:
    back = safe_next(ctx.request, target) or f"{ctx.base}/inbox"
    joiner = "&" if "?" in back else "?"
    return redirect(f"{back}{joiner}{urlencode(note)}#{anchor}")


@router.post(
    "/referrals/{referral_id}/relay", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def relay(ctx: WebDep, referral_id: str, form: Annotated[RelayForm, Form()]) -> Response:
    """Record the receiver's step on its behalf, at the time it confirmed it."""
    ctx.allow("POST", "/api/v1/referrals/{referral_id}/transitions")
    return _step(ctx, referral_id, form, relayed=True)


def _step(ctx: Web, referral_id: str, form: RelayForm, *, relayed: bool) -> Response:
    """Record the step at the time given; from the phone's offline queue (with an
    ``Idempotency-Key``: a repeat changes nothing) answer in JSON."""
    anchor = f"ref-{referral_id}" if "/inbox" in form.next else f"hop-{referral_id}"
    done = "relayed" if relayed else "earlier"
    occurred = from_local_input(form.occurred_at, ctx.runtime.settings.timezone)
    if occurred is None:
        return _outcome(ctx, form, anchor, referral_id, err="err_relay_time")
    try:
        step = Step(
            status=ReferralStatus(form.status),
            relay=RelayChannel(form.channel) if relayed else None,
            occurred_at=occurred,
            reason=form.decline_reason.strip() or None,
            expected_version=form.expected_version,
        )
    except (ValueError, ValidationError):
        raise InvalidInput("Unknown step or channel.", field="status") from None
    path = "/app/referrals/{referral_id}/" + ("relay" if relayed else "earlier")
    caller = ctx.caller(path, {"referral_id": referral_id}, idempotent=True)
    try:
        referrals.move_referral(caller, referral_id, step)
    except Replay:  # the offline queue sent it again: it was recorded the first time
        return _outcome(ctx, form, anchor, referral_id, done=done, replayed=True)
    except Conflict:
        return _outcome(ctx, form, anchor, referral_id, err="err_conflict")
    except InvalidInput as exc:
        known = {"occurred_at": "err_relay_time", "reason": "err_reason"}
        if exc.field not in known:
            raise
        return _outcome(ctx, form, anchor, referral_id, err=known[exc.field])
    return _outcome(ctx, form, anchor, referral_id, done=done)


def _outcome(
    ctx: Web,
    form: RelayForm,
    anchor: str,
    referral_id: str,
    *,
    done: str | None = None,
    err: str | None = None,
    replayed: bool = False,
) -> Response:
    """Back to the page with a note, or the queue's JSON answer."""
    if offline.queued(ctx):
        return offline.answer(
            ctx, done=done is not None, err=err, replayed=replayed, referral_id=referral_id
        )
    if done is not None:
        return _back(ctx, form.next, anchor, done=done, step=form.status)
    return _back(ctx, form.next, anchor, err=err or "err_conflict")


@router.post(
    "/referrals/{referral_id}/earlier", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def earlier(ctx: WebDep, referral_id: str, form: Annotated[RelayForm, Form()]) -> Response:
    """The receiver takes a step with the time it really took it (after an outage)."""
    ctx.allow("POST", "/api/v1/referrals/{referral_id}/transitions")
    return _step(ctx, referral_id, form, relayed=False)


@router.post(
    "/referrals/{referral_id}/dispute", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def dispute(ctx: WebDep, referral_id: str, form: Annotated[DisputeForm, Form()]) -> Response:
    """Say that a step recorded on your behalf is not right (the receiver)."""
    ctx.allow("POST", "/api/v1/referrals/{referral_id}/disputes")
    anchor = f"ref-{referral_id}" if "/inbox" in form.next else f"hop-{referral_id}"
    try:
        body = StepDispute(status=ReferralStatus(form.status), note=form.note)
    except (ValueError, ValidationError):
        return _back(ctx, form.next, anchor, err="err_dispute_note")
    caller = ctx.caller("/app/referrals/{referral_id}/dispute", {"referral_id": referral_id})
    try:
        relays.dispute_step(caller, referral_id, body)
    except (Conflict, Forbidden, InvalidInput):
        return _back(ctx, form.next, anchor, err="err_dispute")
    return _back(ctx, form.next, anchor, done="disputed")


@router.post(
    "/cases/{case_id}/incident", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def record_incident(ctx: WebDep, case_id: str, form: Annotated[IncidentForm, Form()]) -> Response:
    """Record or correct when the incident happened (the case's CCWC)."""
    ctx.allow("PUT", "/api/v1/cases/{case_id}/incident")
    back = f"{ctx.base}/cases/{case_id}"
    at = from_local_input(form.incident_at, ctx.runtime.settings.timezone)
    if at is None:
        return _back(ctx, back, "care", err="err_incident_time")
    caller = ctx.caller("/app/cases/{case_id}/incident", {"case_id": case_id})
    try:
        incident.record_incident(caller, case_id, IncidentTime(incident_at=at))
    except InvalidInput as exc:
        if exc.field != "incident_at":
            raise
        return _back(ctx, back, "care", err="err_incident_time")
    return _back(ctx, back, "care", done="incident")

"""Actions agreed at meetings, and the meeting pack, in the web app.

* ``/app/actions``: what an account answers for — a CCWC's, provider's or supervisor's
  open actions (to report one done), a coordinator's area's, an administrator's agreed
  pathways to confirm into the directory (as GET /api/v1/meeting-actions/mine);
* recording an action on an agenda item, and following one up (done, dropped with its
  reason, a new due day) from the meeting's page;
* ``/app/meetings/{id}/pack``: the pack in the app's frame (menu, a way back), printable
  on A4 without the frame, and ``pack.csv``.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect
from api.web.dashboard import cells_asked, style_sheet
from api.web.forms import any_day, field_of
from api.web.i18n import day_of
from api.web.meetings import meeting_page
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from referral_graph.audit.period import MONTH_PATTERN
from referral_graph.domain.errors import Conflict, InvalidInput
from referral_graph.domain.meetings import ActionStatus
from referral_graph.meetings.pack import MeetingPack, pack_body, pack_css, pack_csv
from referral_graph.meetings.wording import word
from referral_graph.security.model import Role
from referral_graph.services.meetings import actions, meetings
from referral_graph.services.meetings.actions import ActionDraft, ActionUpdate, PathwayDraft
from referral_graph.services.meetings.pack import meeting_pack

router = APIRouter()


class ActionForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    item_id: str = ""
    text: str = ""
    owner_provider_id: str = ""
    due_on: str = ""
    pathway: str = ""  # "on": the action agrees the item's pathway


_ACTION_FIELDS = ("text", "owner_provider_id", "due_on", "item_id", "pathway")
_MESSAGES = {
    "text": "err_required",
    "owner_provider_id": "err_no_provider",
    "due_on": "mt_err_due",
    "pathway": "mt_err_pathway",
    "item_id": "err_invalid",
}


@router.post(
    "/meetings/{meeting_id}/actions", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def record_action(ctx: WebDep, meeting_id: str, form: Annotated[ActionForm, Form()]) -> Response:
    """Record an action agreed on an agenda item (as POST …/actions)."""
    ctx.allow("POST", "/api/v1/meetings/{meeting_id}/actions")
    kept = form.model_dump()
    errors: dict[str, str] = {}
    due_on, problem = any_day(form.due_on)
    if problem:
        errors["due_on"] = "err_date"
    if not form.text.strip():
        errors["text"] = "err_required"
    if not form.owner_provider_id.strip():
        errors["owner_provider_id"] = "err_required"
    if not errors and due_on is not None:
        caller = ctx.caller("/app/meetings/{meeting_id}/actions", {"meeting_id": meeting_id})
        try:
            pathway = None
            if form.pathway == "on":
                pathway = _proposed_pathway(ctx, meeting_id, form.item_id)
            draft = ActionDraft(
                item_id=form.item_id or None,
                text=form.text.strip()[:500],
                owner_provider_id=form.owner_provider_id.strip(),
                due_on=due_on,
                pathway=pathway,
            )
            actions.add_actions(caller, meeting_id, [draft])
            anchor = f"#i-{form.item_id}" if form.item_id else "#agenda"
            return redirect(f"{ctx.base}/meetings/{meeting_id}?done=action{anchor}")
        except (InvalidInput, ValidationError) as exc:
            if isinstance(exc, InvalidInput) and exc.field:
                # actions[0].due_on, actions[0].pathway.service: the form's own field
                named = exc.field.removeprefix("actions[0].").split(".")[0]
                exc = InvalidInput(exc.detail, field=named)
            field = field_of(exc, _ACTION_FIELDS, "text")
            errors[field] = _MESSAGES.get(field, "err_invalid")
        except Conflict:
            errors["text"] = "mt_err_closed"
    return meeting_page(
        ctx, meeting_id, errors=errors, open_item=form.item_id or "-", kept=kept, status=422
    )


def _proposed_pathway(ctx: Web, meeting_id: str, item_id: str) -> PathwayDraft:
    """The pathway an agenda item is about (an item of a referral made without one)."""
    found = meetings.get_meeting(ctx.reader, meeting_id).item(item_id)
    subject = None if found is None else found.subject
    if subject is None or None in (subject.provider_id, subject.to_provider_id, subject.service):
        raise InvalidInput("This item proposes no pathway.", field="pathway")
    return PathwayDraft(
        from_provider_id=subject.provider_id or "",
        to_provider_id=subject.to_provider_id or "",
        service=subject.service,
    )


class StatusForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: str = ""
    reason: str = ""
    due_on: str = ""
    version: int = 0
    next: str = ""


@router.post(
    "/actions/{action_id}/status", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def change_status(ctx: WebDep, action_id: str, form: Annotated[StatusForm, Form()]) -> Response:
    """Done; dropped with a reason; or kept open with a new due day (as POST
    /api/v1/meeting-actions/{id}/status). Comes back to where it was asked from."""
    ctx.allow("POST", "/api/v1/meeting-actions/{action_id}/status")
    back = form.next if form.next.startswith(f"{ctx.base}/") else f"{ctx.base}/actions"
    try:
        new_status = ActionStatus(form.status)
    except ValueError:
        return _status_refused(ctx, back, "err_invalid")
    due_on = None
    if form.due_on.strip():
        due_on, problem = any_day(form.due_on)
        if problem:
            return _status_refused(ctx, back, "err_date")
    update = ActionUpdate(
        action_id=action_id,
        status=new_status,
        reason=form.reason.strip()[:500] or None,
        due_on=due_on,
        version=form.version or None,
    )
    caller = ctx.caller("/app/actions/{action_id}/status", {"action_id": action_id})
    try:
        actions.update_action(caller, update)
    except InvalidInput as exc:
        message = "err_reason" if (exc.field or "").endswith("reason") else "mt_err_due"
        return _status_refused(ctx, back, message)
    except Conflict:
        return _status_refused(ctx, back, "mt_err_changed")
    return redirect(f"{back}{'&' if '?' in back else '?'}done=status")


def _status_refused(ctx: Web, back: str, message: str) -> Response:
    separator = "&" if "?" in back else "?"
    return redirect(f"{back}{separator}refused={message}")


@router.post(
    "/actions/{action_id}/confirm", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def confirm(ctx: WebDep, action_id: str) -> Response:
    """Confirm an agreed pathway into the directory (administrators)."""
    ctx.allow("POST", "/api/v1/meeting-actions/{action_id}/confirm-pathway")
    caller = ctx.caller("/app/actions/{action_id}/confirm", {"action_id": action_id})
    try:
        actions.confirm_pathway(caller, action_id)
    except (Conflict, InvalidInput):
        return redirect(f"{ctx.base}/actions?refused=mt_err_pathway")
    return redirect(f"{ctx.base}/actions?done=confirmed")


@router.get("/actions", include_in_schema=False)
def my_actions(ctx: WebDep, done: str = "", refused: str = "") -> Response:
    """What the account answers for (see the module)."""
    ctx.allow("GET", "/api/v1/meeting-actions/mine")
    found = actions.owned_actions(ctx.reader, tz=ctx.runtime.settings.timezone)
    role = ctx.principal.role
    return page(
        ctx.request,
        "actions.html",
        principal=ctx.principal,
        title="ma_title",
        views=found,
        may_report=role in (Role.CCWC, Role.PROVIDER, Role.SUPERVISOR),
        may_decide=role is Role.COORDINATOR,
        may_confirm=role is Role.ADMIN,
        done=done,
        refused=refused if refused.startswith(("mt_err_", "err_")) else "",
        day=day_of(ctx.lang),
        back_to=f"{ctx.base}/actions",
    )


# --- the pack -------------------------------------------------------------------------------
def _pack(ctx: Web, meeting_id: str, month: str, min_cell: str) -> MeetingPack:
    ctx.allow("GET", "/api/v1/meetings/{meeting_id}/pack")
    settings = ctx.runtime.settings
    month_asked = month if re.match(MONTH_PATTERN, month) else None
    found = meeting_pack(
        ctx.reader,
        ctx.runtime.routing,
        meeting_id,
        min_cell=cells_asked(min_cell, settings.report_min_cell),
        month=month_asked,
        tz=settings.timezone,
    )
    ctx.log_read("/app/meetings/{meeting_id}/pack", meeting_id)
    return found


@router.get("/pack.css", include_in_schema=False)
def pack_style() -> Response:
    """The pack's own style sheet (with the report's), for the pack page."""
    return style_sheet(pack_css())


@router.get("/meetings/{meeting_id}/pack", include_in_schema=False)
def pack_page(ctx: WebDep, meeting_id: str, month: str = "", min_cell: str = "") -> Response:
    """The meeting pack in the app's frame; printed, the frame falls away."""
    found = _pack(ctx, meeting_id, month, min_cell)
    return page(
        ctx.request,
        "pack_page.html",
        principal=ctx.principal,
        title="mt_pack",
        body=pack_body(found, ctx.lang),
        back_href=f"{ctx.base}/meetings/{meeting_id}",
        csv_href=f"{ctx.base}/meetings/{meeting_id}/pack.csv?month={found.report.month}"
        f"&min_cell={found.report.min_cell}",
        heading=word("pack_agenda", ctx.lang),
    )


@router.get("/meetings/{meeting_id}/pack.csv", include_in_schema=False)
def pack_table(ctx: WebDep, meeting_id: str, month: str = "", min_cell: str = "") -> Response:
    found = _pack(ctx, meeting_id, month, min_cell)
    name = f"meeting-pack-{found.area.code}-{found.held_on.isoformat()}-{ctx.lang}.csv"
    return Response(
        pack_csv(found, ctx.lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

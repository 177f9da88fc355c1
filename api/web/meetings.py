"""Network meetings for coordinators (issue #19): the meetings of their area and, in one
tap, the next one with its agenda built from the graph; a meeting's page to order, drop
and add agenda items, record actions on them, follow up earlier actions, take
attendance and close it; and its pack. Works without JavaScript: every change is a small
form that comes back to the item it was about.

Every page stands for the API route that answers the same question (``Web.allow``) and
calls the same use cases (``services.meetings``) with the same rules: a coordinator's own
area only (403 outside it; a meeting outside it is not found). Bad input comes back with
the mistake next to its field (422), never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect
from api.web.forms import any_day, field_of
from api.web.i18n import day_of, t
from api.web.places import AREA, area_name
from api.web.render import page, provider_name
from api.web.session import Web, WebDep, check_csrf
from referral_graph.audit.labels import label
from referral_graph.domain.areas import area_contains, gazetteer, level_of
from referral_graph.domain.errors import Conflict, InvalidInput
from referral_graph.domain.meetings import ItemKind, Meeting, MeetingLevel, MeetingStatus
from referral_graph.domain.queries import Page, ProviderQuery
from referral_graph.domain.vocabulary import AreaLevel
from referral_graph.meetings.wording import word
from referral_graph.security.policy import coordinator_area
from referral_graph.services.meetings import actions, meetings
from referral_graph.services.meetings.actions import ActionView
from referral_graph.services.meetings.meetings import AgendaEdit, AgendaEntry, NewMeeting
from referral_graph.services.providers import list_providers

router = APIRouter()

#: Providers offered as an action's owner.
OWNERS_LISTED = 300
LIST_PAGE = 50


# --- the list and the one-tap meeting --------------------------------------------------------
def meeting_areas(ctx: Web) -> list[tuple[str, str]]:
    """Areas a coordinator opens meetings for: their own (unless the whole country) and
    the districts inside it, by name."""
    own = coordinator_area(ctx.principal, None)
    roots = [own] if own else ["16", "17", "19"]
    found: list[tuple[str, str]] = []
    for root in roots:
        name = area_name(root, ctx.lang)
        if level_of(root) is AreaLevel.PROVINCE:
            name = t("mt_province_of", ctx.lang, area=name)
        found.append((root, name))
        if level_of(root) is AreaLevel.PROVINCE:
            for d in sorted(gazetteer().children(root), key=lambda a: a.code):
                found.append((d.code, area_name(d.code, ctx.lang)))
    return found


def title_of(meeting: Meeting, lang: str) -> str:
    level = word_level(meeting.level, lang)
    return word("pack_title", lang, level=level, area=area_name(meeting.area_code, lang))


def word_level(level: MeetingLevel, lang: str) -> str:
    return label(f"level_{level.value}", "km" if lang == "km" else "en")


@router.get("/meetings", include_in_schema=False)
def meeting_list(ctx: WebDep, done: str = "") -> Response:
    """The meetings of the coordinator's area, newest first, and the next one in a tap."""
    ctx.allow("GET", "/api/v1/meetings")
    found = meetings.list_meetings(ctx.reader, Page(limit=LIST_PAGE))
    return _list_page(ctx, found.items, {}, NewMeetingForm(held_on=ctx.today.isoformat()), done)


class NewMeetingForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    area_code: str = ""
    held_on: str = ""
    level: str = ""
    place: str = ""
    online: str = ""
    chaired_by: str = ""


def _list_page(
    ctx: Web,
    items: list[Meeting],
    errors: dict[str, str],
    form: NewMeetingForm,
    done: str = "",
    status: int = 200,
) -> Response:
    return page(
        ctx.request,
        "meetings.html",
        principal=ctx.principal,
        status=status,
        title="mt_title",
        meetings=[(m, title_of(m, ctx.lang)) for m in items],
        areas=meeting_areas(ctx),
        levels=[lv.value for lv in MeetingLevel],
        form=form,
        errors=errors,
        done=done,
        today=ctx.today.isoformat(),
        day=day_of(ctx.lang),
    )


_NEW_FIELDS = ("area_code", "held_on", "level", "place", "chaired_by", "area")


@router.post("/meetings", include_in_schema=False, dependencies=[Depends(check_csrf)])
def open_meeting(ctx: WebDep, form: Annotated[NewMeetingForm, Form()]) -> Response:
    """Open a meeting (as POST /api/v1/meetings): its agenda is built from the graph."""
    ctx.allow("POST", "/api/v1/meetings")
    errors: dict[str, str] = {}
    held_on, problem = any_day(form.held_on or ctx.today.isoformat())
    if problem:
        errors["held_on"] = problem
    if not AREA.match(form.area_code.strip()):
        errors["area_code"] = "err_area"
    if not errors and held_on is not None:
        try:
            new = NewMeeting(
                area_code=form.area_code.strip(),
                held_on=held_on,
                level=form.level or None,
                place=form.place.strip() or None,
                online=form.online == "on",
                chaired_by=form.chaired_by.strip() or None,
            )
            settings = ctx.runtime.settings
            made = meetings.create_meeting(
                ctx.caller("/app/meetings", {}), ctx.runtime.routing, new, tz=settings.timezone
            )
            return redirect(f"{ctx.base}/meetings/{made.id}?done=opened")
        except (InvalidInput, ValidationError) as exc:
            field = field_of(exc, _NEW_FIELDS, "area_code")
            errors[{"area": "area_code"}.get(field, field)] = {
                "level": "mt_err_level",
                "held_on": "err_date",
            }.get(field, "err_area")
    found = meetings.list_meetings(ctx.reader, Page(limit=LIST_PAGE))
    return _list_page(ctx, found.items, errors, form, status=422)


# --- one meeting ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ItemView:
    position: int
    item: Any  # AgendaItem
    actions: list[ActionView]
    open_action: ActionView | None  # an earlier meeting's action this item is about


def _owners(ctx: Web, meeting: Meeting) -> list[tuple[str, str]]:
    found = list_providers(
        ctx.reader, ProviderQuery(area=meeting.area_code, active=True), Page(limit=OWNERS_LISTED)
    ).items
    invited = {p.provider_id for p in meeting.participants}
    located = [p for p in found if area_contains(meeting.area_code, p.area_code)]
    first = [p for p in located if p.id in invited] + [p for p in located if p.id not in invited]
    return [(p.id, provider_name(p, ctx.lang)) for p in first]


def meeting_page(
    ctx: Web,
    meeting_id: str,
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    open_item: str = "",
    kept: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    meeting = meetings.get_meeting(ctx.reader, meeting_id)
    agreed = actions.list_actions(ctx.reader, Page(limit=500), meeting_id=meeting.id).items
    views = {v.action.id: v for v in actions.action_views(ctx.reader, agreed)}
    carried_ids = [i.subject.action_id for i in meeting.agenda if i.subject.action_id]
    carried = actions.actions_named(ctx.reader, carried_ids)
    by_carried = {v.action.id: v for v in carried}
    kept_items = [i for i in meeting.agenda if not i.dropped]
    items = [
        ItemView(
            n,
            item,
            [v for v in views.values() if v.action.item_id == item.id],
            by_carried.get(item.subject.action_id or ""),
        )
        for n, item in enumerate(kept_items, start=1)
    ]
    on_items = {i.id for i in kept_items}
    providers = dict(_owners(ctx, meeting))
    return page(
        ctx.request,
        "meeting.html",
        principal=ctx.principal,
        status=status,
        title="mt_meeting",
        meeting=meeting,
        heading=title_of(meeting, ctx.lang),
        planned=meeting.status is MeetingStatus.PLANNED,
        items=items,
        dropped=[i for i in meeting.agenda if i.dropped],
        other_actions=[v for v in views.values() if v.action.item_id not in on_items],
        owners=list(providers.items()),
        participants=[
            (p.provider_id, providers.get(p.provider_id) or p.provider_id, p.present)
            for p in meeting.participants
        ],
        pathway_kind=ItemKind.NO_PATHWAY,
        open_kind=ItemKind.OPEN_ACTION,
        done=done,
        errors=errors or {},
        open_item=open_item,
        kept=kept or {},
        w=lambda key, **v: word(key, ctx.lang, **v),
        day=day_of(ctx.lang),
        today=ctx.today.isoformat(),
    )


@router.get("/meetings/{meeting_id}", include_in_schema=False)
def meeting(ctx: WebDep, meeting_id: str, done: str = "") -> Response:
    ctx.allow("GET", "/api/v1/meetings/{meeting_id}")
    ctx.log_read("/app/meetings/{meeting_id}", meeting_id)
    return meeting_page(ctx, meeting_id, done=done)


class AgendaForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    op: str = ""
    item: str = ""
    text: str = ""
    version: int = 0


def _reordered(meeting: Meeting, op: str, item_id: str) -> list[AgendaEntry]:
    kept = [i.id for i in meeting.agenda if not i.dropped]
    if op == "restore":
        kept.append(item_id)
    elif item_id in kept:
        at = kept.index(item_id)
        if op == "drop":
            kept.remove(item_id)
        elif op == "up" and at > 0:
            kept[at - 1], kept[at] = kept[at], kept[at - 1]
        elif op == "down" and at < len(kept) - 1:
            kept[at + 1], kept[at] = kept[at], kept[at + 1]
    return [AgendaEntry(id=i) for i in kept]


@router.post(
    "/meetings/{meeting_id}/agenda", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def change_agenda(ctx: WebDep, meeting_id: str, form: Annotated[AgendaForm, Form()]) -> Response:
    """Move an item up or down, drop or restore it, add one, or rebuild the agenda from
    the graph (as PUT …/agenda and POST …/agenda/refresh)."""
    ctx.allow("PUT", "/api/v1/meetings/{meeting_id}/agenda")
    caller = ctx.caller("/app/meetings/{meeting_id}/agenda", {"meeting_id": meeting_id})
    current = meetings.get_meeting(ctx.reader, meeting_id)
    anchor = "#agenda"
    try:
        if form.op == "refresh":
            tz = ctx.runtime.settings.timezone
            meetings.refresh_agenda(caller, ctx.runtime.routing, meeting_id, form.version, tz=tz)
            return redirect(f"{ctx.base}/meetings/{meeting_id}?done=refreshed{anchor}")
        entries = _reordered(current, form.op, form.item)
        if form.op == "add":
            if not form.text.strip():
                errors = {"new_item": "err_required"}
                return meeting_page(ctx, meeting_id, errors=errors, status=422)
            entries.append(AgendaEntry(text=form.text.strip()[:500]))
            anchor = "#add-item"
        elif form.op not in ("up", "down", "drop", "restore"):
            raise InvalidInput("Not a change of the agenda.", field="op")
        else:
            anchor = f"#i-{form.item}"
        meetings.edit_agenda(caller, meeting_id, AgendaEdit(version=form.version, items=entries))
    except Conflict:
        return meeting_page(ctx, meeting_id, errors={"agenda": "mt_err_changed"}, status=409)
    return redirect(f"{ctx.base}/meetings/{meeting_id}?done=agenda{anchor}")


@router.post(
    "/meetings/{meeting_id}/attendance",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
async def take_attendance(ctx: WebDep, meeting_id: str) -> Response:
    """Who came (as PUT …/attendance): the ticked providers."""
    ctx.allow("PUT", "/api/v1/meetings/{meeting_id}/attendance")
    form = await ctx.request.form()
    present = [str(v) for v in form.getlist("present")]
    version = str(form.get("version") or "0")
    caller = ctx.caller("/app/meetings/{meeting_id}/attendance", {"meeting_id": meeting_id})
    try:
        meetings.record_attendance(
            caller, meeting_id, present, int(version) if version.isdigit() else 0
        )
    except Conflict:
        return meeting_page(ctx, meeting_id, errors={"attendance": "mt_err_changed"}, status=409)
    return redirect(f"{ctx.base}/meetings/{meeting_id}?done=attendance#attendance")


class CloseForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int = 0


@router.post(
    "/meetings/{meeting_id}/close", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def close(ctx: WebDep, meeting_id: str, form: Annotated[CloseForm, Form()]) -> Response:
    """Close the meeting (as POST …/close) with the attendance and actions recorded."""
    ctx.allow("POST", "/api/v1/meetings/{meeting_id}/close")
    caller = ctx.caller("/app/meetings/{meeting_id}/close", {"meeting_id": meeting_id})
    try:
        meetings.close_meeting(caller, meeting_id, meetings.Closing(version=form.version))
    except Conflict:
        return meeting_page(ctx, meeting_id, errors={"close": "mt_err_changed"}, status=409)
    return redirect(f"{ctx.base}/meetings/{meeting_id}?done=closed")

"""Network meetings (issue #19): plan a meeting with an agenda built from the graph, edit
it, record attendance and actions, close it; follow actions up; the meeting pack.

Coordinators run the meetings of their area (an area outside it is 403, a meeting
outside it 404). ``/meeting-actions`` serves everyone their part: a provider's accounts
the actions their provider owns (``/meeting-actions/mine`` is the work-queue list),
coordinators their area's, administrators the pathways to confirm. Writes take an
``Idempotency-Key``; changes to a meeting name the ``version`` read (409 if it moved).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CallerDep, PageDep, ReaderDep, RuntimeDep
from api.hardening import styles_allowed
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.routers.audit import MinCellQuery, ReportFormat, cells
from api.schemas import Envelope
from referral_graph.audit.labels import Lang
from referral_graph.audit.period import MONTH_PATTERN
from referral_graph.domain.meetings import (
    Action,
    ActionStatus,
    AgendaItem,
    Meeting,
    MeetingLevel,
    MeetingStatus,
)
from referral_graph.domain.models import Identifier
from referral_graph.meetings.pack import MeetingPack, pack_csv, pack_html
from referral_graph.services.meetings import actions, meetings
from referral_graph.services.meetings.actions import ActionDraft, ActionUpdate
from referral_graph.services.meetings.agenda import build_draft
from referral_graph.services.meetings.meetings import (
    AgendaEdit,
    Closing,
    MeetingChanges,
    NewMeeting,
)
from referral_graph.services.meetings.pack import meeting_pack

router = APIRouter(prefix="/api/v1", tags=["meetings"])

AREA = r"^\d{2}(\d{2}){0,2}$"
AreaQuery = Annotated[
    str | None, Query(pattern=AREA, description="Province, district or commune (default: yours).")
]


class AgendaPreview(BaseModel):
    """The agenda the graph gives now for a meeting of ``area`` on ``held_on``."""

    area: str
    level: MeetingLevel
    held_on: date
    period_since: date
    items: list[AgendaItem]


class Version(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)


class Attendance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    present: list[Identifier] = Field(max_length=500, description="Providers who came.")


class NewActions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actions: list[ActionDraft] = Field(min_length=1, max_length=100)


class StatusChange(BaseModel):
    """Done; dropped (``reason`` required); or kept open (``due_on``: a new due day)."""

    model_config = ConfigDict(extra="forbid")

    status: ActionStatus
    reason: str | None = Field(None, max_length=500)
    due_on: date | None = None
    version: int | None = Field(None, ge=1)


class OwnedAction(BaseModel):
    """An action in its owner's list: who answers for it, its meeting's day, overdue."""

    action: Action
    owner: str
    owner_km: str
    meeting_held_on: date | None
    overdue: bool


# --- meetings -----------------------------------------------------------------------------
@router.get("/meetings", responses=problems())
def list_meetings(
    caller: ReaderDep,
    page: PageDep,
    area: AreaQuery = None,
    level: MeetingLevel | None = None,
    meeting_status: Annotated[MeetingStatus | None, Query(alias="status")] = None,
) -> Envelope[Meeting]:
    """Meetings of areas inside ``area`` (yours by default), newest first."""
    found = meetings.list_meetings(caller, page, area=area, level=level, status=meeting_status)
    return Envelope.of(found, page)


@router.post(
    "/meetings",
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
    dependencies=[IdempotencyDep],
)
def create_meeting(runtime: RuntimeDep, caller: CallerDep, body: NewMeeting) -> Meeting:
    """Open a meeting of an area of yours; its agenda is built from the graph: the
    period since the last meeting of that area and level."""
    return meetings.create_meeting(caller, runtime.routing, body, tz=runtime.settings.timezone)


@router.get("/meetings/agenda", responses=problems())
def preview_agenda(
    runtime: RuntimeDep,
    caller: ReaderDep,
    area: Annotated[str, Query(pattern=AREA, description="Commune, district or province.")],
    held_on: Annotated[date, Query(alias="date", description="The meeting's local day.")],
    level: MeetingLevel | None = None,
) -> AgendaPreview:
    """The agenda the graph gives now for a meeting of ``area`` on ``date`` (nothing is
    stored: open a meeting to keep it)."""
    draft = build_draft(caller, runtime.routing, area, held_on, level, tz=runtime.settings.timezone)
    return AgendaPreview(
        area=draft.area,
        level=draft.level,
        held_on=draft.held_on,
        period_since=draft.period_since,
        items=draft.items,
    )


@router.get("/meetings/{meeting_id}", responses=problems(404))
def get_meeting(caller: ReaderDep, meeting_id: str) -> Meeting:
    return meetings.get_meeting(caller, meeting_id)


@router.patch("/meetings/{meeting_id}", responses=problems(404, 409), dependencies=[IdempotencyDep])
def update_meeting(caller: CallerDep, meeting_id: str, body: MeetingChanges) -> Meeting:
    """Change the day, place, chair or invited providers of a planned meeting."""
    return meetings.update_meeting(caller, meeting_id, body)


@router.put(
    "/meetings/{meeting_id}/agenda", responses=problems(404, 409), dependencies=[IdempotencyDep]
)
def edit_agenda(caller: CallerDep, meeting_id: str, body: AgendaEdit) -> Meeting:
    """The agenda in your order: list the items to keep (by ``id``) and new ones (by
    ``text``); an item left out is dropped (kept, marked, so a refresh does not bring it
    back)."""
    return meetings.edit_agenda(caller, meeting_id, body)


@router.post(
    "/meetings/{meeting_id}/agenda/refresh",
    responses=problems(404, 409),
    dependencies=[IdempotencyDep],
)
def refresh_agenda(
    runtime: RuntimeDep, caller: CallerDep, meeting_id: str, body: Version
) -> Meeting:
    """Rebuild the agenda from the graph as it is now, keeping your order, drops and
    added items; resolved findings leave, new ones come last."""
    tz = runtime.settings.timezone
    return meetings.refresh_agenda(caller, runtime.routing, meeting_id, body.version, tz=tz)


@router.put(
    "/meetings/{meeting_id}/attendance",
    responses=problems(404, 409),
    dependencies=[IdempotencyDep],
)
def record_attendance(caller: CallerDep, meeting_id: str, body: Attendance) -> Meeting:
    """Who came (invited providers not listed are marked absent)."""
    return meetings.record_attendance(caller, meeting_id, body.present, body.version)


@router.post(
    "/meetings/{meeting_id}/actions",
    status_code=status.HTTP_201_CREATED,
    responses=problems(404, 409),
    dependencies=[IdempotencyDep],
)
def add_actions(caller: CallerDep, meeting_id: str, body: NewActions) -> list[Action]:
    """Record actions agreed at a meeting not yet closed: all of them, or none."""
    return actions.add_actions(caller, meeting_id, body.actions)


@router.post(
    "/meetings/{meeting_id}/close", responses=problems(404, 409), dependencies=[IdempotencyDep]
)
def close_meeting(caller: CallerDep, meeting_id: str, body: Closing) -> Meeting:
    """Close the meeting with who came, the actions agreed and what became of earlier
    actions — in one transaction: a refusal of any part writes nothing."""
    return meetings.close_meeting(caller, meeting_id, body)


_PACK_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The pack as JSON, CSV or a printable HTML page.",
        "content": {"text/csv": {}, "text/html": {}},
    }
}
_MEDIA = {
    ReportFormat.JSON: "application/json",
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.HTML: "text/html; charset=utf-8",
}


@router.get(
    "/meetings/{meeting_id}/pack",
    response_model=MeetingPack,
    responses={**_PACK_CONTENT, **problems(404)},
)
def pack(
    runtime: RuntimeDep,
    caller: ReaderDep,
    meeting_id: str,
    fmt: Annotated[ReportFormat, Query(alias="format")] = ReportFormat.JSON,
    lang: Lang = "en",
    month: Annotated[
        str | None,
        Query(
            pattern=MONTH_PATTERN, description="The figures' month (default: the last full one)."
        ),
    ] = None,
    min_cell: MinCellQuery = None,
) -> Response:
    """The meeting pack: the agenda with its evidence and proposals (and the actions
    agreed), the last meeting's actions, and the area's monthly figures."""
    found = meeting_pack(
        caller,
        runtime.routing,
        meeting_id,
        min_cell=cells(runtime, min_cell),
        month=month,
        tz=runtime.settings.timezone,
    )
    headers = {}
    if fmt is ReportFormat.CSV:
        body = pack_csv(found, lang)
        name = f"meeting-pack-{found.area.code}-{found.held_on.isoformat()}-{lang}.csv"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    elif fmt is ReportFormat.HTML:
        body = pack_html(found, lang)
    else:
        body = found.model_dump_json()
    if fmt is ReportFormat.HTML:  # a page of its own: its style sheet inline, by hash
        headers["content-security-policy"] = styles_allowed(body)
    return Response(body, media_type=_MEDIA[fmt], headers=headers)


# --- actions --------------------------------------------------------------------------------
@router.get("/meeting-actions", responses=problems(404))
def list_actions(
    caller: ReaderDep,
    page: PageDep,
    area: AreaQuery = None,
    action_status: Annotated[ActionStatus | None, Query(alias="status")] = None,
    meeting_id: str | None = None,
    awaiting_pathway: bool | None = None,
) -> Envelope[Action]:
    """The actions you may see (your provider's; your area's; pathways to confirm),
    soonest due first; ``meeting_id`` a meeting you run (404 otherwise)."""
    found = actions.list_actions(
        caller,
        page,
        area=area,
        status=action_status,
        meeting_id=meeting_id,
        awaiting_pathway=awaiting_pathway,
    )
    return Envelope.of(found, page)


@router.get("/meeting-actions/mine", responses=problems())
def my_actions(runtime: RuntimeDep, caller: ReaderDep) -> list[OwnedAction]:
    """What you answer for: the open actions your provider owns (a coordinator's: your
    area's; an administrator's: pathways to confirm), overdue first."""
    return [
        OwnedAction(
            action=v.action,
            owner=v.owner.en,
            owner_km=v.owner.km,
            meeting_held_on=v.meeting_held_on,
            overdue=v.overdue,
        )
        for v in actions.owned_actions(caller, tz=runtime.settings.timezone)
    ]


@router.get("/meeting-actions/{action_id}", responses=problems(404))
def get_action(caller: ReaderDep, action_id: str) -> Action:
    return actions.get_action(caller, action_id)


@router.post(
    "/meeting-actions/{action_id}/status",
    responses=problems(404, 409),
    dependencies=[IdempotencyDep],
)
def change_status(caller: CallerDep, action_id: str, body: StatusChange) -> Action:
    """Done, dropped with a reason, or kept open with a new due day (the coordinators of
    its area); its owner may report it done."""
    update = ActionUpdate(action_id=action_id, **body.model_dump())
    return actions.update_action(caller, update)


@router.post(
    "/meeting-actions/{action_id}/confirm-pathway",
    responses=problems(404, 409),
    dependencies=[IdempotencyDep],
)
def confirm_pathway(caller: CallerDep, action_id: str) -> Action:
    """Put the pathway an action agreed into the directory (administrators); the
    action is then done."""
    return actions.confirm_pathway(caller, action_id)

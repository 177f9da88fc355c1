"""One training session (issue 10): who attended it, and a form to record attendance
from the people of providers located where it was held, as POST
/api/v1/trainings/{session_id}/attendance.

A coordinator is offered, and records, the people of providers located in their area
only (anyone else is "not on record"); supervisors and admins everyone's. Completion
counts from a session's last day, never before. Bad input comes back with the mistake
next to its field (422), never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.auth import redirect
from api.web.forms import query_string
from api.web.i18n import day_of, t
from api.web.places import AREA, area_name, area_problem, place_name
from api.web.render import page, provider_name
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.areas import level_of
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.training import Attendance, Person, TrainingSession
from referral_graph.domain.vocabulary import AreaLevel
from referral_graph.security.model import Role
from referral_graph.security.policy import coordinator_area, in_area
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import AttendanceEntry
from referral_graph.services.trainings import MAX_CHOICES, people_in_reach, session_attendees

router = APIRouter()


@dataclass(frozen=True, slots=True)
class Attendee:
    person_id: str
    name: str
    role: str
    provider: str
    completed: bool


@dataclass(frozen=True, slots=True)
class Candidates:
    """Whom the attendance form offers: (provider name, people) groups of the area."""

    area: str | None
    groups: list[tuple[str, list[Person]]]


def _default_area(ctx: Web, session: TrainingSession) -> str | None:
    """Whose people the form offers first: of providers located where the session was
    held (a village widened to its commune); for a coordinator, inside their area."""
    area = session.area_code
    if area is not None and level_of(area) is AreaLevel.VILLAGE:
        area = area[:6]
    if ctx.principal.role is Role.COORDINATOR and (
        area is None or not in_area(ctx.principal, area)
    ):
        area = coordinator_area(ctx.principal, None)
    return area


def _people_area(
    ctx: Web, session: TrainingSession, asked: str | None
) -> tuple[str | None, str | None]:
    """(The area whose people are offered, the mistake in the one asked for). A
    coordinator asking outside their area is refused (403), as on the capacity pages."""
    if asked is None:
        return _default_area(ctx, session), None
    asked = asked.strip()
    if not asked:
        return coordinator_area(ctx.principal, None), None
    problem = area_problem(asked, AREA)
    if problem:
        return _default_area(ctx, session), problem
    return coordinator_area(ctx.principal, asked), None


def _attendees(ctx: Web, attendance: list[Attendance]) -> list[Attendee]:
    found = session_attendees(ctx.reader, attendance)
    rows = []
    for a in attendance:
        person = found.people.get(a.person_id)
        provider = found.providers.get(person.provider_id) if person else None
        rows.append(
            Attendee(
                a.person_id,
                person.name if person else a.person_id,
                person.role.value if person else "",
                provider_name(provider, ctx.lang, person.provider_id if person else ""),
                a.completed,
            )
        )
    return sorted(rows, key=lambda r: (r.provider.casefold(), r.name.casefold()))


def _candidates(ctx: Web, area: str | None, recorded: set[str]) -> Candidates:
    """Active people of providers located in ``area`` that this account reaches, not yet
    recorded for the session, by provider (none without an area: the list would be the
    whole programme)."""
    if area is None:
        return Candidates(None, [])
    groups: dict[str, list[Person]] = {}
    for p, provider in people_in_reach(ctx.reader, area):
        if p.id not in recorded:
            groups.setdefault(provider_name(provider, ctx.lang, p.provider_id), []).append(p)
    ordered = [
        (name, sorted(members, key=lambda p: (p.name.casefold(), p.id)))
        for name, members in sorted(groups.items(), key=lambda g: g[0].casefold())
    ]
    return Candidates(area, ordered)


@dataclass(frozen=True, slots=True)
class Ticks:
    """What the attendance form holds."""

    attended: list[str] = field(default_factory=list)
    completed: set[str] = field(default_factory=set)
    people_area: str | None = None
    posted: bool = False


def _session_page(
    ctx: Web,
    session: TrainingSession,
    *,
    asked_area: str | None,
    ticks: Ticks,
    errors: Mapping[str, str],
    status: int = 200,
    done: str = "",
    new: int = 0,
    already: int = 0,
) -> Response:
    attendance = capacity_building.session_attendance(ctx.reader, session.id)
    area, problem = _people_area(ctx, session, asked_area)
    all_errors = dict(errors)
    if problem:
        all_errors["people_area"] = problem
        status = 422
    may_record = ctx.may("POST", "/api/v1/trainings/{session_id}/attendance")
    recorded = {a.person_id for a in attendance}
    candidates = _candidates(ctx, area, recorded) if may_record else Candidates(None, [])
    ended = session.ends_on <= ctx.today
    return page(
        ctx.request,
        "trainings_session.html",
        principal=ctx.principal,
        status=status,
        title="trn_session_title",
        title_values={"topic": t(f"tt_{session.topic.value}", ctx.lang)},
        s=session,
        place=place_name(session.area_code, ctx.lang) if session.area_code else "",
        attendees=_attendees(ctx, attendance),
        completed_count=sum(1 for a in attendance if a.completed),
        candidates=candidates,
        people_area=(asked_area.strip() if asked_area is not None else (area or "")),
        area_label=area_name(candidates.area, ctx.lang) if candidates.area else "",
        ticks=ticks,
        ended=ended,
        errors=all_errors,
        may_record=may_record,
        done=done,
        new=new,
        already=already,
        day=day_of(ctx.lang),
    )


@router.get("/trainings/{session_id}", include_in_schema=False)
def training_page(
    ctx: WebDep,
    session_id: str,
    people_area: str | None = None,
    done: str = "",
    new: int = 0,
    already: int = 0,
) -> Response:
    """A session, who attended it, and (for those who may record) the people of
    providers located where it was held, to tick who attended and who completed."""
    ctx.allow("GET", "/api/v1/trainings/{session_id}")
    ctx.allow("GET", "/api/v1/trainings/{session_id}/attendance")
    session = capacity_building.get_training_session(ctx.reader, session_id)
    return _session_page(
        ctx,
        session,
        asked_area=people_area,
        ticks=Ticks(),
        errors={},
        done=done,
        new=new,
        already=already,
    )


async def ticks_of(request: Request) -> Ticks:
    """The attendance form: the people ticked as attended (in order, once each), those
    ticked as completed, and the area whose people were offered."""
    form = await request.form()
    attended = [v.strip() for v in form.getlist("person") if isinstance(v, str) and v.strip()]
    completed = {v.strip() for v in form.getlist("completed") if isinstance(v, str)}
    area = form.get("people_area")
    return Ticks(
        list(dict.fromkeys(attended)),
        completed,
        area if isinstance(area, str) else None,
        posted=True,
    )


def _attendance_error(exc: InvalidInput) -> str:
    """The message for what the use case refused (its field is attendance.{i}.…)."""
    found = exc.field or ""
    if found.endswith(".completed"):
        return "err_not_ended"
    if found.endswith(".person_id"):
        return "err_no_person"
    return "err_invalid"


@router.post(
    "/trainings/{session_id}/attendance",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def record_attendance(
    ctx: WebDep, session_id: str, ticks: Annotated[Ticks, Depends(ticks_of)]
) -> Response:
    """Record who attended (as POST /api/v1/trainings/{id}/attendance): people of the
    account's reach, each completed or not; completion from the session's last day.
    People already recorded for the session are left as they were."""
    ctx.allow("POST", "/api/v1/trainings/{session_id}/attendance")
    session = capacity_building.get_training_session(ctx.reader, session_id)

    def again(errors: dict[str, str]) -> Response:
        return _session_page(
            ctx, session, asked_area=ticks.people_area, ticks=ticks, errors=errors, status=422
        )

    if not ticks.attended:
        return again({"attendance": "err_pick_one"})
    if len(ticks.attended) > MAX_CHOICES:
        return again({"attendance": "err_invalid"})
    entries = [AttendanceEntry(pid, pid in ticks.completed) for pid in ticks.attended]
    caller = ctx.caller(f"/app/trainings/{session_id}/attendance", {"session_id": session_id})
    try:
        result = capacity_building.record_attendance(caller, session_id, entries, today=ctx.today)
    except InvalidInput as exc:
        return again({"attendance": _attendance_error(exc)})
    query = query_string(
        people_area=ticks.people_area,
        done="recorded",
        new=result.recorded,
        already=result.already,
    )
    return redirect(f"{ctx.base}/trainings/{session_id}?{query}#attendance-h")

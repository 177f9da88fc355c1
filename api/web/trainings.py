"""Training sessions and attendance (issue 10), for supervisors, coordinators and admins:
the programme's training sessions newest first (filtered by topic and where they were
held) with a form for a new one; one session with who attended it and a form to record
attendance; and the import of an attendance sheet (CSV or XLSX), checked first (a dry
run that writes nothing), then written all or nothing.

Every page stands for the API route that does the same (``Web.allow``) and calls the
same use cases (``services.capacity``, ``capacity_building.attendance_import``) with the same
rules: sessions are programme-wide records every allowed role reads; a coordinator
holds in-person sessions inside their area (else 403, as the API) and records the
attendance of people of providers located there (anyone else is "not on record").
Completion counts from a session's last day, never before. Bad input comes back with
the mistake next to its field (422), never a 500.
"""

from __future__ import annotations

import base64
import binascii
import csv
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.datastructures import UploadFile

from api.web.auth import redirect
from api.web.dashboard import AREA, area_name
from api.web.i18n import t
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from api.web.training_overview import MAX_CHOICES, day_of, place_name, today_of
from referral_graph.domain.areas import gazetteer, level_of
from referral_graph.domain.errors import InvalidInput, ReferralGraphError
from referral_graph.domain.ids import new_id
from referral_graph.domain.models import Provider
from referral_graph.domain.training import Attendance, Person, TrainingSession, TrainingTopic
from referral_graph.domain.vocabulary import AreaLevel, DeliveryMode
from referral_graph.interop import attendance as attendance_import
from referral_graph.interop.attendance import AttendanceImportReport
from referral_graph.security.model import Role
from referral_graph.security.policy import coordinator_area, in_area
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import AttendanceEntry
from referral_graph.services.capacity_building.common import EARLIEST, LATEST
from referral_graph.store.port import Page, PeopleQuery, TrainingQuery, Transaction

router = APIRouter()

#: Sessions listed per page.
LIST_PAGE = 25
#: An offset past any list (larger ones are clamped before they reach the store).
MAX_OFFSET = 1_000_000
#: Row errors of an attendance sheet shown on the page (the rest are counted).
MAX_ROW_ERRORS = 200
#: Room left in a request for the fields beside a kept sheet (CSRF token, boundaries).
FORM_ROOM = 4096
#: Where a session was held, as the API takes it: province, district, commune, village.
ANY_AREA = re.compile(r"^\d{2}(\d{2}){0,3}$")
TEXT_MAX = 200


# --- shared ------------------------------------------------------------------------------
def _area_error(code: str, pattern: re.Pattern[str] = ANY_AREA) -> str | None:
    """The mistake in an area code typed in a form, if any."""
    if not pattern.match(code):
        return "err_area"
    try:
        gazetteer().area(code)
    except ReferralGraphError:
        return "err_area"
    return None


def _any_day(text: str) -> tuple[date | None, str | None]:
    """A day of a session (past or planned): (the day, None) or (None, message id)."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        return None, "err_date"
    if not EARLIEST <= value <= LATEST:
        return None, "err_date"
    return value, None


def _query(**params: str | int | None) -> str:
    """A query string of the parameters given (empty ones left out), encoded."""
    return urlencode([(k, str(v)) for k, v in params.items() if v not in (None, "")])


def _field_of(exc: InvalidInput | ValidationError, fields: Sequence[str], fallback: str) -> str:
    """The form field a refusal of the use case (or the model) names."""
    if isinstance(exc, InvalidInput):
        return exc.field if exc.field is not None and exc.field in fields else fallback
    for e in exc.errors():
        for part in reversed(e.get("loc", ())):
            if part in fields:
                return str(part)
    return fallback


def _provider_label(provider: Provider | None, lang: str, fallback: str) -> str:
    if provider is None:
        return fallback
    return (provider.name_km or provider.name) if lang == "km" else provider.name


# --- the list and a new session ------------------------------------------------------------
class SessionForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    topic: str = ""
    starts_on: str = ""
    ends_on: str = ""
    mode: str = DeliveryMode.IN_PERSON.value
    area_code: str = ""
    venue: str = ""
    trainer: str = ""
    refresher: str = ""


_SESSION_FIELDS = ("topic", "starts_on", "ends_on", "mode", "area_code", "venue", "trainer")


@dataclass(frozen=True, slots=True)
class Filters:
    topic: str = ""
    area: str = ""
    offset: int = 0
    errors: Mapping[str, str] = field(default_factory=dict)


def _filters(topic: str, area: str, offset: int) -> Filters:
    errors: dict[str, str] = {}
    topic = topic.strip()
    if topic and topic not in {t.value for t in TrainingTopic}:
        errors["f_topic"] = "err_invalid"
        topic = ""
    area = area.strip()
    if area:
        problem = _area_error(area)
        if problem:
            errors["f_area"] = problem
            area = ""
    return Filters(topic, area, min(max(0, offset), MAX_OFFSET), errors)


@dataclass(frozen=True, slots=True)
class SessionRow:
    session: TrainingSession
    place: str
    attended: int
    completed: int


def _session_rows(ctx: Web, filters: Filters) -> tuple[list[SessionRow], int, int]:
    """The sessions of one page (with how many attended), how many match, the offset."""
    query = TrainingQuery(
        topic=TrainingTopic(filters.topic) if filters.topic else None,
        area=filters.area or None,
    )

    def work(tx: Transaction) -> tuple[list[tuple[TrainingSession, list[Attendance]]], int, int]:
        offset = filters.offset
        listing = tx.list_training_sessions(query, Page(limit=LIST_PAGE, offset=offset))
        if not listing.items and listing.count:
            offset = (listing.count - 1) // LIST_PAGE * LIST_PAGE
            listing = tx.list_training_sessions(query, Page(limit=LIST_PAGE, offset=offset))
        found = [(s, tx.session_attendance(s.id)) for s in listing.items]
        return found, listing.count, offset

    found, count, offset = ctx.store.read(work)
    rows = [
        SessionRow(
            s,
            place_name(s.area_code, ctx.lang) if s.area_code else "",
            len(attended),
            sum(1 for a in attended if a.completed),
        )
        for s, attended in found
    ]
    return rows, count, offset


def _trainings_page(
    ctx: Web,
    filters: Filters,
    form: SessionForm,
    errors: Mapping[str, str],
    status: int = 200,
) -> Response:
    rows, count, offset = _session_rows(ctx, filters)
    prev_href = next_href = None
    if offset > 0:
        back = _query(topic=filters.topic, area=filters.area, offset=max(0, offset - LIST_PAGE))
        prev_href = f"{ctx.base}/trainings?{back}"
    if offset + LIST_PAGE < count:
        on = _query(topic=filters.topic, area=filters.area, offset=offset + LIST_PAGE)
        next_href = f"{ctx.base}/trainings?{on}"
    own = coordinator_area(ctx.principal, None)
    return page(
        ctx.request,
        "trainings.html",
        principal=ctx.principal,
        status=status if not filters.errors else 422,
        title="trn_title",
        filters=filters,
        filter_errors=filters.errors,
        rows=rows,
        count=count,
        first=offset + 1,
        last=offset + len(rows),
        prev_href=prev_href,
        next_href=next_href,
        form=form,
        errors=errors,
        topics=[t.value for t in TrainingTopic],
        modes=[m.value for m in DeliveryMode],
        own_area=own,
        own_area_label=area_name(own, ctx.lang) if own else "",
        may_create=ctx.may("POST", "/api/v1/trainings"),
        may_import=ctx.may("POST", "/api/v1/trainings/attendance-import"),
        day=day_of(ctx.lang),
    )


@router.get("/trainings", include_in_schema=False)
def trainings_page(ctx: WebDep, topic: str = "", area: str = "", offset: int = 0) -> Response:
    """Training sessions newest first, by topic and where they were held; the form for a
    new one."""
    ctx.allow("GET", "/api/v1/trainings")
    return _trainings_page(ctx, _filters(topic, area, offset), SessionForm(), {})


def _check_session(ctx: Web, form: SessionForm) -> tuple[dict[str, Any], dict[str, str], int]:
    """The session's fields, the mistakes by field, and the status to answer them with
    (403 when the only mistake is a coordinator's area outside their own)."""
    errors: dict[str, str] = {}
    topic = form.topic.strip()
    if topic not in {t.value for t in TrainingTopic}:
        errors["topic"] = "err_required"
    starts, problem = _any_day(form.starts_on)
    if problem:
        errors["starts_on"] = problem
    ends: date | None = starts
    if form.ends_on.strip():
        ends, problem = _any_day(form.ends_on)
        if problem:
            errors["ends_on"] = problem
        elif starts is not None and ends is not None and ends < starts:
            errors["ends_on"] = "err_ends_before"
    mode = form.mode.strip()
    if mode not in {m.value for m in DeliveryMode}:
        errors["mode"] = "err_required"
    area = form.area_code.strip()
    outside = False
    if area:
        problem = _area_error(area)
        if problem:
            errors["area_code"] = problem
        elif ctx.principal.role is Role.COORDINATOR and not in_area(ctx.principal, area):
            errors["area_code"] = "err_outside_area"
            outside = True
    elif mode == DeliveryMode.IN_PERSON.value:
        errors["area_code"] = "err_area_in_person"
    venue, trainer = form.venue.strip(), form.trainer.strip()
    if len(venue) > TEXT_MAX:
        errors["venue"] = "err_too_long"
    if not trainer:
        errors["trainer"] = "err_required"
    elif len(trainer) > TEXT_MAX:
        errors["trainer"] = "err_too_long"
    fields = {
        "topic": topic,
        "starts_on": starts,
        "ends_on": ends,
        "mode": mode,
        "area_code": area or None,
        "venue": venue or None,
        "trainer": trainer,
        "refresher": form.refresher == "yes",
    }
    status = 403 if outside and len(errors) == 1 else 422
    return fields, errors, status


@router.post("/trainings", include_in_schema=False, dependencies=[Depends(check_csrf)])
def create_training(ctx: WebDep, form: Annotated[SessionForm, Form()]) -> Response:
    """Record a training or refresher session (as POST /api/v1/trainings); then its
    page, to record who attended."""
    ctx.allow("POST", "/api/v1/trainings")
    fields, errors, status = _check_session(ctx, form)
    if errors:
        return _trainings_page(ctx, Filters(), form, errors, status=status)
    store = ctx.logged_store("/app/trainings", {})
    try:
        session = TrainingSession.model_validate(
            fields | {"id": new_id("trn"), "created_at": ctx.now}
        )
        capacity_building.create_training_session(store, session)
    except (InvalidInput, ValidationError) as exc:
        problem = _field_of(exc, _SESSION_FIELDS, "starts_on")
        return _trainings_page(ctx, Filters(), form, {problem: "err_invalid"}, status=422)
    return redirect(f"{ctx.base}/trainings/{session.id}?done=created")


# --- importing an attendance sheet ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Upload:
    """An attendance sheet posted: a file chosen, or the one kept from the check."""

    filename: str = ""
    data: bytes = b""
    write: bool = False
    problem: str | None = None


async def upload_of(request: Request) -> Upload:
    """The sheet of the import form: the file field, else the kept copy (base64)."""
    form = await request.form()
    write = form.get("write") == "yes"
    chosen = form.get("file")
    if isinstance(chosen, UploadFile) and chosen.filename:
        data = await chosen.read()
        if data:
            return Upload(chosen.filename, data, write)
    kept, name = form.get("content"), form.get("filename")
    if isinstance(kept, str) and kept:
        try:
            data = base64.urlsafe_b64decode(kept.encode("ascii"))
        except (ValueError, binascii.Error):
            return Upload(write=write, problem="err_sheet")
        return Upload(name if isinstance(name, str) else "", data, write)
    return Upload(write=write, problem="err_file_required")


@dataclass(frozen=True, slots=True)
class Kept:
    """The checked sheet carried by the "write it" form (None: too large to carry)."""

    filename: str
    content: str | None


def _import_page(
    ctx: Web,
    *,
    errors: Mapping[str, str] | None = None,
    report: AttendanceImportReport | None = None,
    kept: Kept | None = None,
    written: Mapping[str, int] | None = None,
    status: int = 200,
) -> Response:
    limit = ctx.runtime.settings.max_body_bytes
    return page(
        ctx.request,
        "trainings_import.html",
        principal=ctx.principal,
        status=status,
        title="imp_title",
        errors=errors or {},
        report=report,
        row_errors=(report.errors[:MAX_ROW_ERRORS] if report else []),
        more_errors=max(0, len(report.errors) - MAX_ROW_ERRORS) if report else 0,
        kept=kept,
        written=written,
        columns=attendance_import.COLUMNS,
        limit_kb=max(1, (limit - FORM_ROOM) // 1024),
    )


@router.get("/trainings/import", include_in_schema=False)
def import_form(
    ctx: WebDep,
    done: str = "",
    sessions: int = 0,
    people: int = 0,
    new: int = 0,
    existing: int = 0,
) -> Response:
    """The form to upload an attendance sheet; after a write, what was written."""
    ctx.allow("POST", "/api/v1/trainings/attendance-import")
    written = None
    if done == "written":
        written = {"sessions": sessions, "people": people, "new": new, "existing": existing}
    return _import_page(ctx, written=written)


#: What reading a sheet raises on a file that is not one (besides ``InvalidInput``).
_UNREADABLE = (InvalidInput, csv.Error, zipfile.BadZipFile, ValueError, KeyError, OSError)


@router.post("/trainings/import", include_in_schema=False, dependencies=[Depends(check_csrf)])
def import_sheet(ctx: WebDep, upload: Annotated[Upload, Depends(upload_of)]) -> Response:
    """Check an attendance sheet (``write`` not 'yes': a dry run that writes nothing) or
    write it (as POST /api/v1/trainings/attendance-import): every row or, with any row
    error, none."""
    ctx.allow("POST", "/api/v1/trainings/attendance-import")
    if upload.problem:
        return _import_page(ctx, errors={"file": upload.problem}, status=422)
    try:
        sheet = attendance_import.read_bytes(upload.filename, upload.data)
    except _UNREADABLE:
        return _import_page(ctx, errors={"file": "err_sheet"}, status=422)
    store = ctx.logged_store("/app/trainings/import", {"dry_run": not upload.write})
    report = attendance_import.import_attendance(
        store,
        sheet,
        now=ctx.now,
        today=today_of(ctx),
        dry_run=not upload.write,
        reach=capacity_building.provider_reach(ctx.principal),
        area=coordinator_area(ctx.principal, None),
    )
    if report.written:
        counts = _query(
            done="written",
            sessions=len(report.sessions_created),
            people=len(report.people_created),
            new=report.attendance_new,
            existing=report.attendance_existing,
        )
        return redirect(f"{ctx.base}/trainings/import?{counts}#import-result")
    content = base64.urlsafe_b64encode(upload.data).decode("ascii")
    fits = len(content) + len(upload.filename) + FORM_ROOM <= ctx.runtime.settings.max_body_bytes
    kept = Kept(upload.filename[:TEXT_MAX], content if fits else None)
    return _import_page(ctx, report=report, kept=kept, status=422 if report.errors else 200)


# --- one session and its attendance --------------------------------------------------------
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
    problem = _area_error(asked, AREA)
    if problem:
        return _default_area(ctx, session), problem
    return coordinator_area(ctx.principal, asked), None


def _attendees(ctx: Web, attendance: list[Attendance]) -> list[Attendee]:
    def work(tx: Transaction) -> tuple[dict[str, Person], dict[str, Provider]]:
        people = tx.get_people(sorted({a.person_id for a in attendance}))
        providers = tx.get_providers({p.provider_id for p in people.values()})
        return people, providers

    people, providers = ctx.store.read(work)
    rows = []
    for a in attendance:
        person = people.get(a.person_id)
        provider = providers.get(person.provider_id) if person else None
        rows.append(
            Attendee(
                a.person_id,
                person.name if person else a.person_id,
                person.role.value if person else "",
                _provider_label(provider, ctx.lang, person.provider_id if person else ""),
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
    reach = capacity_building.provider_reach(ctx.principal)

    def work(tx: Transaction) -> tuple[list[Person], dict[str, Provider]]:
        found = tx.list_people(PeopleQuery(area=area, active=True), Page(limit=MAX_CHOICES))
        providers = tx.get_providers({p.provider_id for p in found.items})
        return found.items, providers

    people, providers = ctx.store.read(work)
    groups: dict[str, list[Person]] = {}
    for p in people:
        provider = providers.get(p.provider_id)
        if provider is None or p.id in recorded or (reach is not None and not reach(provider)):
            continue
        groups.setdefault(_provider_label(provider, ctx.lang, p.provider_id), []).append(p)
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
    attendance = capacity_building.session_attendance(ctx.store, session.id)
    area, problem = _people_area(ctx, session, asked_area)
    all_errors = dict(errors)
    if problem:
        all_errors["people_area"] = problem
        status = 422
    may_record = ctx.may("POST", "/api/v1/trainings/{session_id}/attendance")
    recorded = {a.person_id for a in attendance}
    candidates = _candidates(ctx, area, recorded) if may_record else Candidates(None, [])
    ended = session.ends_on <= today_of(ctx)
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
    session = capacity_building.get_training_session(ctx.store, session_id)
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
    session = capacity_building.get_training_session(ctx.store, session_id)

    def again(errors: dict[str, str]) -> Response:
        return _session_page(
            ctx, session, asked_area=ticks.people_area, ticks=ticks, errors=errors, status=422
        )

    if not ticks.attended:
        return again({"attendance": "err_pick_one"})
    if len(ticks.attended) > MAX_CHOICES:
        return again({"attendance": "err_invalid"})
    entries = [AttendanceEntry(pid, pid in ticks.completed) for pid in ticks.attended]
    store = ctx.logged_store(f"/app/trainings/{session_id}/attendance", {"session_id": session_id})
    try:
        result = capacity_building.record_attendance(
            store,
            session_id,
            entries,
            now=ctx.now,
            today=today_of(ctx),
            reach=capacity_building.provider_reach(ctx.principal),
        )
    except InvalidInput as exc:
        return again({"attendance": _attendance_error(exc)})
    query = _query(
        people_area=ticks.people_area,
        done="recorded",
        new=result.recorded,
        already=result.already,
    )
    return redirect(f"{ctx.base}/trainings/{session_id}?{query}#attendance-h")

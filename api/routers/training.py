"""Trainings (sessions, attendance, attendance sheet import) and coaching.

Written by coordinators (within their area), supervisors and admins; coaching by
supervisors and coordinators. Training sessions are programme-wide records: every role
allowed here reads all of them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import JSONResponse

from api.deps import CallerDep, PageDep, TodayDep
from api.errors import rows_refused
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.routers.training_overview import AreaQuery, paged
from api.schemas import Envelope, new_record
from api.training_schemas import AttendanceCreate, CoachingCreate, TrainingSessionCreate
from referral_graph.domain.queries import CoachingQuery, TrainingQuery
from referral_graph.domain.training import (
    Attendance,
    CoachingSession,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.interop import attendance as attendance_import
from referral_graph.interop.attendance import AttendanceImportReport
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import AttendanceEntry, AttendanceResult, CoachingDue
from referral_graph.services.capacity_building.attendance_sheet import (
    import_attendance as import_sheet,
)

router = APIRouter(prefix="/api/v1", tags=["capacity"])

AnyArea = Annotated[
    str | None, Query(pattern=r"^\d{2}(\d{2}){0,3}$", description="Gazetteer code, any level.")
]


# --- trainings -------------------------------------------------------------------------
@router.get("/trainings", responses=problems())
def list_trainings(
    caller: CallerDep,
    page: PageDep,
    topic: TrainingTopic | None = None,
    area: AnyArea = None,
    since: Annotated[date | None, Query(description="Starting on or after.")] = None,
    until: Annotated[date | None, Query(description="Starting before.")] = None,
) -> Envelope[TrainingSession]:
    """Training sessions, newest first; ``area`` is where they were held."""
    query = TrainingQuery(topic=topic, area=area, since=since, until=until)
    listing = capacity_building.list_training_sessions(caller, query, page)
    return Envelope.of(listing, page)


@router.post(
    "/trainings",
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
    dependencies=[IdempotencyDep],
)
def create_training(caller: CallerDep, body: TrainingSessionCreate) -> TrainingSession:
    """Record a training (or refresher) session; a coordinator's in-person sessions are
    held in their area."""
    ends_on = body.ends_on or body.starts_on
    session = new_record(TrainingSession, body, "trn", ends_on=ends_on, created_at=caller.now)
    return capacity_building.create_training_session(caller, session)


@router.get("/trainings/{session_id}", responses=problems(404))
def get_training(caller: CallerDep, session_id: str) -> TrainingSession:
    return capacity_building.get_training_session(caller, session_id)


@router.get("/trainings/{session_id}/attendance", responses=problems(404))
def attendance(caller: CallerDep, page: PageDep, session_id: str) -> Envelope[Attendance]:
    """Who attended the session, by person id."""
    return paged(capacity_building.session_attendance(caller, session_id), page)


@router.post(
    "/trainings/{session_id}/attendance", responses=problems(404), dependencies=[IdempotencyDep]
)
def record_attendance(
    caller: CallerDep, today: TodayDep, session_id: str, body: AttendanceCreate
) -> AttendanceResult:
    """Record who attended; completing counts from the session's last day (which must
    have come). People already recorded for the session are left as they were. A
    coordinator records people of providers in their area."""
    entries = [AttendanceEntry(a.person_id, a.completed) for a in body.attendance]
    return capacity_building.record_attendance(caller, session_id, entries, today=today)


@router.post(
    "/trainings/attendance-import",
    response_model=AttendanceImportReport,
    responses=problems(413),
)
def import_attendance(
    caller: CallerDep,
    today: TodayDep,
    file: Annotated[
        UploadFile, File(description="An attendance sheet: CSV, or XLSX ('attendance' sheet).")
    ],
    dry_run: Annotated[bool, Query(description="Check every row; write nothing.")] = False,
) -> AttendanceImportReport | JSONResponse:
    """Import an attendance sheet (layout: ``referral_graph.interop.attendance``):
    sessions and people may be named by id or described (then created). All or
    nothing: with any bad row, a real run answers 422 with each row error in
    ``errors`` and writes nothing; a dry run answers the report either way."""
    sheet = attendance_import.read_bytes(file.filename or "", file.file.read())
    report = import_sheet(caller, sheet, today=today, dry_run=dry_run)
    if report.dry_run or report.written:
        return report
    return rows_refused(report.errors, "in the attendance sheet; nothing was written.")


# --- coaching --------------------------------------------------------------------------
@router.get("/coaching", responses=problems())
def list_coaching(
    caller: CallerDep,
    page: PageDep,
    person_id: str | None = None,
    coach_id: str | None = None,
    area: AreaQuery = None,
) -> Envelope[CoachingSession]:
    """Coaching sessions, newest first; ``area`` is where the coached person's provider
    is located."""
    query = CoachingQuery(person_id=person_id, coach_id=coach_id, area=area)
    return Envelope.of(capacity_building.list_coaching(caller, query, page), page)


@router.post(
    "/coaching",
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
    dependencies=[IdempotencyDep],
)
def record_coaching(caller: CallerDep, today: TodayDep, body: CoachingCreate) -> CoachingSession:
    """Record coaching or mentoring of one person by another (face to face, by phone or
    online), on or before today. A coordinator records it for people in their area."""
    session = new_record(CoachingSession, body, "cch", created_at=caller.now)
    return capacity_building.record_coaching(caller, session, today=today)


@router.get("/coaching/overdue", responses=problems())
def coaching_overdue(
    caller: CallerDep, today: TodayDep, page: PageDep, area: AreaQuery = None
) -> Envelope[CoachingDue]:
    """Trained, active people not coached within the policy's interval (counted from
    their last coaching, or their first training if never coached), longest overdue
    first."""
    return paged(capacity_building.coaching_overdue_in(caller, area, today), page)

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

from api.deps import PageDep, RuntimeDep, StoreDep
from api.errors import rows_refused
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.routers.training_overview import AreaQuery, paged, today
from api.schemas import Envelope
from api.security import PrincipalDep
from api.training_schemas import AttendanceCreate, CoachingCreate, TrainingSessionCreate
from referral_graph.domain.errors import Forbidden
from referral_graph.domain.ids import new_id
from referral_graph.domain.training import (
    Attendance,
    CoachingSession,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.interop import attendance as attendance_import
from referral_graph.interop.attendance import AttendanceImportReport
from referral_graph.security.model import Principal, Role
from referral_graph.security.policy import NATIONAL, coordinator_area, in_area
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import AttendanceEntry, AttendanceResult, CoachingDue
from referral_graph.store.port import CoachingQuery, TrainingQuery

router = APIRouter(prefix="/api/v1", tags=["capacity"])

AnyArea = Annotated[
    str | None, Query(pattern=r"^\d{2}(\d{2}){0,3}$", description="Gazetteer code, any level.")
]


def _own_area(principal: Principal) -> str | None:
    """A coordinator's area (None: the country, or not a coordinator)."""
    if principal.role is not Role.COORDINATOR or principal.area_code == NATIONAL:
        return None
    return principal.area_code


# --- trainings -------------------------------------------------------------------------
@router.get("/trainings", responses=problems())
def list_trainings(
    store: StoreDep,
    page: PageDep,
    topic: TrainingTopic | None = None,
    area: AnyArea = None,
    since: Annotated[date | None, Query(description="Starting on or after.")] = None,
    until: Annotated[date | None, Query(description="Starting before.")] = None,
) -> Envelope[TrainingSession]:
    """Training sessions, newest first; ``area`` is where they were held."""
    query = TrainingQuery(topic=topic, area=area, since=since, until=until)
    listing = capacity_building.list_training_sessions(store, query, page)
    return Envelope.of(listing, page)


@router.post(
    "/trainings",
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
    dependencies=[IdempotencyDep],
)
def create_training(
    runtime: RuntimeDep, store: StoreDep, principal: PrincipalDep, body: TrainingSessionCreate
) -> TrainingSession:
    """Record a training (or refresher) session; a coordinator's in-person sessions are
    held in their area."""
    outside = body.area_code is not None and not in_area(principal, body.area_code)
    if principal.role is Role.COORDINATOR and outside:
        raise Forbidden(
            f"Area {body.area_code!r} is outside your area ({principal.area_code}).",
            field="area_code",
        )
    fields = body.model_dump()
    fields |= {
        "id": body.id or new_id("trn"),
        "ends_on": body.ends_on or body.starts_on,
        "created_at": runtime.now(),
    }
    return capacity_building.create_training_session(store, TrainingSession.model_validate(fields))


@router.get("/trainings/{session_id}", responses=problems(404))
def get_training(store: StoreDep, session_id: str) -> TrainingSession:
    return capacity_building.get_training_session(store, session_id)


@router.get("/trainings/{session_id}/attendance", responses=problems(404))
def attendance(store: StoreDep, page: PageDep, session_id: str) -> Envelope[Attendance]:
    """Who attended the session, by person id."""
    return paged(capacity_building.session_attendance(store, session_id), page)


@router.post(
    "/trainings/{session_id}/attendance", responses=problems(404), dependencies=[IdempotencyDep]
)
def record_attendance(
    runtime: RuntimeDep,
    store: StoreDep,
    principal: PrincipalDep,
    session_id: str,
    body: AttendanceCreate,
) -> AttendanceResult:
    """Record who attended; completing counts from the session's last day (which must
    have come). People already recorded for the session are left as they were. A
    coordinator records people of providers in their area."""
    entries = [AttendanceEntry(a.person_id, a.completed) for a in body.attendance]
    return capacity_building.record_attendance(
        store,
        session_id,
        entries,
        now=runtime.now(),
        today=today(runtime),
        reach=capacity_building.provider_reach(principal),
    )


@router.post(
    "/trainings/attendance-import",
    response_model=AttendanceImportReport,
    responses=problems(413),
)
def import_attendance(
    runtime: RuntimeDep,
    store: StoreDep,
    principal: PrincipalDep,
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
    report = attendance_import.import_attendance(
        store,
        sheet,
        now=runtime.now(),
        today=today(runtime),
        dry_run=dry_run,
        reach=capacity_building.provider_reach(principal),
        area=_own_area(principal),
    )
    if report.dry_run or report.written:
        return report
    return rows_refused(report.errors, "in the attendance sheet; nothing was written.")


# --- coaching --------------------------------------------------------------------------
@router.get("/coaching", responses=problems())
def list_coaching(
    store: StoreDep,
    principal: PrincipalDep,
    page: PageDep,
    person_id: str | None = None,
    coach_id: str | None = None,
    area: AreaQuery = None,
) -> Envelope[CoachingSession]:
    """Coaching sessions, newest first; ``area`` is where the coached person's provider
    is located."""
    area = coordinator_area(principal, area)
    query = CoachingQuery(person_id=person_id, coach_id=coach_id, area=area)
    listing = capacity_building.list_coaching(store, query, page)
    return Envelope.of(listing, page)


@router.post(
    "/coaching",
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
    dependencies=[IdempotencyDep],
)
def record_coaching(
    runtime: RuntimeDep, store: StoreDep, principal: PrincipalDep, body: CoachingCreate
) -> CoachingSession:
    """Record coaching or mentoring of one person by another (face to face, by phone or
    online), on or before today. A coordinator records it for people in their area."""
    fields = body.model_dump() | {"id": body.id or new_id("cch"), "created_at": runtime.now()}
    return capacity_building.record_coaching(
        store,
        CoachingSession.model_validate(fields),
        today=today(runtime),
        reach=capacity_building.provider_reach(principal),
    )


@router.get("/coaching/overdue", responses=problems())
def coaching_overdue(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, area: AreaQuery = None
) -> Envelope[CoachingDue]:
    """Trained, active people not coached within the policy's interval (counted from
    their last coaching, or their first training if never coached), longest overdue
    first."""
    area = coordinator_area(principal, area)
    return paged(capacity_building.coaching_overdue_in(runtime.store, area, today(runtime)), page)

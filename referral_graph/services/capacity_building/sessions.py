"""Use cases of trainings (sessions and who attended them) and of coaching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from pydantic import BaseModel

from referral_graph.domain.errors import Forbidden, InvalidInput, NotFound
from referral_graph.domain.queries import CoachingQuery, Listing, Page, TrainingQuery
from referral_graph.domain.training import Attendance, CoachingSession, TrainingSession
from referral_graph.security.model import Role
from referral_graph.security.policy import coordinator_area, in_area
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building.common import (
    check_day,
    provider_reach,
    reached_person,
)
from referral_graph.store.port import Transaction


@dataclass(frozen=True, slots=True)
class AttendanceEntry:
    person_id: str
    completed: bool = True


class AttendanceResult(BaseModel):
    """What recording attendance did: ``recorded`` new, ``already`` on record before
    (left as they were), and the session's whole attendance now."""

    session_id: str
    recorded: int
    already: int
    attendance: list[Attendance]


def _session(tx: Transaction, session_id: str) -> TrainingSession:
    session = tx.get_training_session(session_id)
    if session is None:
        raise NotFound("training session", session_id)
    return session


def create_training_session(caller: Caller, session: TrainingSession) -> TrainingSession:
    """Record a training session (``Conflict`` if its id exists); a coordinator's
    in-person sessions are held in their area."""
    principal = caller.principal
    outside = session.area_code is not None and not in_area(principal, session.area_code)
    if principal.role is Role.COORDINATOR and outside:
        raise Forbidden(
            f"Area {session.area_code!r} is outside your area ({principal.area_code}).",
            field="area_code",
        )
    check_day(session.starts_on, "starts_on")
    check_day(session.ends_on, "ends_on")
    caller.store.write(lambda tx: tx.add_training_session(session))
    return session


def get_training_session(caller: Caller, session_id: str) -> TrainingSession:
    return caller.store.read(lambda tx: _session(tx, session_id))


def list_training_sessions(
    caller: Caller, query: TrainingQuery, page: Page
) -> Listing[TrainingSession]:
    """Training sessions, newest first: programme-wide records every role allowed to
    list them reads in full."""
    return caller.store.read(lambda tx: tx.list_training_sessions(query, page))


def session_attendance(caller: Caller, session_id: str) -> list[Attendance]:
    def work(tx: Transaction) -> list[Attendance]:
        _session(tx, session_id)
        return tx.session_attendance(session_id)

    return caller.store.read(work)


def check_completion(session: TrainingSession, today: date, field: str) -> None:
    """A training is completed on its last day at the earliest."""
    if session.ends_on > today:
        raise InvalidInput(
            f"Training session {session.id!r} ends on {session.ends_on.isoformat()}; "
            "completion can be recorded from that day.",
            field=field,
        )


def record_attendance(
    caller: Caller,
    session_id: str,
    entries: Sequence[AttendanceEntry],
    *,
    today: date,
) -> AttendanceResult:
    """Record who attended a session. Every person must exist (and be the caller's);
    one already recorded for the session is left as it was. Routing is told the
    directory changed when anything new was recorded (it counts trained people)."""
    reach, at = provider_reach(caller.principal), caller.now
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if entry.person_id in seen:
            raise InvalidInput(
                f"Person {entry.person_id!r} is listed twice (also at {seen[entry.person_id]}).",
                field=f"attendance.{i}.person_id",
            )
        seen[entry.person_id] = i

    def work(tx: Transaction) -> AttendanceResult:
        session = _session(tx, session_id)
        for i, entry in enumerate(entries):
            reached_person(tx, entry.person_id, reach, field=f"attendance.{i}.person_id")
            if entry.completed:
                check_completion(session, today, f"attendance.{i}.completed")
        rows = [
            Attendance(
                session_id=session_id,
                person_id=e.person_id,
                completed=e.completed,
                recorded_at=at,
            )
            for e in entries
        ]
        new = tx.record_attendance(rows)
        if new:
            tx.bump_directory_version()
        return AttendanceResult(
            session_id=session_id,
            recorded=new,
            already=len(rows) - new,
            attendance=tx.session_attendance(session_id),
        )

    return caller.store.write(work)


def record_coaching(caller: Caller, session: CoachingSession, *, today: date) -> CoachingSession:
    """Record a coaching session: the person coached must exist and be the caller's;
    the coach must exist; it happened on or before ``today``."""
    reach = provider_reach(caller.principal)
    check_day(session.held_on, "held_on", today=today)

    def work(tx: Transaction) -> CoachingSession:
        reached_person(tx, session.person_id, reach, field="person_id")
        reached_person(tx, session.coach_id, None, field="coach_id")
        tx.add_coaching(session)
        return session

    return caller.store.write(work)


def list_coaching(caller: Caller, query: CoachingQuery, page: Page) -> Listing[CoachingSession]:
    """Coaching sessions, newest first; a coordinator's of people in their area."""
    query = replace(query, area=coordinator_area(caller.principal, query.area))
    return caller.store.read(lambda tx: tx.list_coaching(query, page))

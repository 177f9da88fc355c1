"""Use cases of trainings (sessions and who attended them) and of coaching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel

from referral_graph.domain.errors import InvalidInput, NotFound
from referral_graph.domain.training import Attendance, CoachingSession, TrainingSession
from referral_graph.services.capacity_building.common import Reach, check_day, reached_person
from referral_graph.store.port import (
    CoachingQuery,
    Listing,
    Page,
    Store,
    TrainingQuery,
    Transaction,
)


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


def create_training_session(store: Store, session: TrainingSession) -> TrainingSession:
    """Record a training session (``Conflict`` if its id exists)."""
    check_day(session.starts_on, "starts_on")
    check_day(session.ends_on, "ends_on")
    store.write(lambda tx: tx.add_training_session(session))
    return session


def get_training_session(store: Store, session_id: str) -> TrainingSession:
    return store.read(lambda tx: _session(tx, session_id))


def list_training_sessions(
    store: Store, query: TrainingQuery, page: Page
) -> Listing[TrainingSession]:
    return store.read(lambda tx: tx.list_training_sessions(query, page))


def session_attendance(store: Store, session_id: str) -> list[Attendance]:
    def work(tx: Transaction) -> list[Attendance]:
        _session(tx, session_id)
        return tx.session_attendance(session_id)

    return store.read(work)


def check_completion(session: TrainingSession, today: date, field: str) -> None:
    """A training is completed on its last day at the earliest."""
    if session.ends_on > today:
        raise InvalidInput(
            f"Training session {session.id!r} ends on {session.ends_on.isoformat()}; "
            "completion can be recorded from that day.",
            field=field,
        )


def record_attendance(
    store: Store,
    session_id: str,
    entries: Sequence[AttendanceEntry],
    *,
    now: datetime,
    today: date,
    reach: Reach = None,
) -> AttendanceResult:
    """Record who attended a session. Every person must exist (and be the caller's);
    one already recorded for the session is left as it was. Routing is told the
    directory changed when anything new was recorded (it counts trained people)."""
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
                recorded_at=now,
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

    return store.write(work)


def record_coaching(
    store: Store, session: CoachingSession, *, today: date, reach: Reach = None
) -> CoachingSession:
    """Record a coaching session: the person coached must exist and be the caller's;
    the coach must exist; it happened on or before ``today``."""
    check_day(session.held_on, "held_on", today=today)

    def work(tx: Transaction) -> CoachingSession:
        reached_person(tx, session.person_id, reach, field="person_id")
        reached_person(tx, session.coach_id, None, field="coach_id")
        tx.add_coaching(session)
        return session

    return store.write(work)


def list_coaching(store: Store, query: CoachingQuery, page: Page) -> Listing[CoachingSession]:
    return store.read(lambda tx: tx.list_coaching(query, page))

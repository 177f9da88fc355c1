"""The capacity-building records of a store-neutral archive (see ``referral_graph.archive.backup``).

Lines, after the directory's: ``training_policy`` (if one was saved), ``person``,
``training_session``, ``attendance``, ``coaching``, ``awareness``. People, sessions and
attendance are restored together with ``Transaction.load_training`` (people may name
supervisors that come later in the archive); coaching and awareness sessions one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from referral_graph.domain.queries import every
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    TrainingPolicy,
    TrainingSession,
)
from referral_graph.store.port import (
    AwarenessQuery,
    CoachingQuery,
    Page,
    PeopleQuery,
    TrainingQuery,
    Transaction,
)

Record = dict[str, Any]
KINDS = ("person", "training_session", "attendance", "coaching", "awareness")
PAGE = 1000


def training_archive_records(tx: Transaction) -> Iterator[Record]:
    policy = tx.get_training_policy()
    if policy is not None:
        yield {"kind": "capacity_policy", "data": policy.model_dump(mode="json")}
    for p in every(lambda page: tx.list_people(PeopleQuery(), page), PAGE):
        yield {"kind": "person", "data": p.model_dump(mode="json")}
    sessions: list[str] = []
    for s in every(lambda page: tx.list_training_sessions(TrainingQuery(), page), PAGE):
        sessions.append(s.id)
        yield {"kind": "training_session", "data": s.model_dump(mode="json")}
    for session_id in sessions:
        for a in tx.session_attendance(session_id):
            yield {"kind": "attendance", "data": a.model_dump(mode="json")}
    for c in every(lambda page: tx.list_coaching(CoachingQuery(), page), PAGE):
        yield {"kind": "coaching", "data": c.model_dump(mode="json")}
    for w in every(lambda page: tx.list_awareness_sessions(AwarenessQuery(), page), PAGE):
        yield {"kind": "awareness", "data": w.model_dump(mode="json")}


def training_archive_counts(tx: Transaction) -> dict[str, int]:
    one = Page(limit=1)
    return {
        "person": tx.list_people(PeopleQuery(), one).count,
        "training_session": tx.list_training_sessions(TrainingQuery(), one).count,
        "coaching": tx.list_coaching(CoachingQuery(), one).count,
        "awareness": tx.list_awareness_sessions(AwarenessQuery(), one).count,
    }


class TrainingLoading:
    """The loader's handlers for capacity records (mixed into ``loader.ArchiveLoader``)."""

    training_policy: TrainingPolicy | None
    people: list[Person]
    sessions: list[TrainingSession]
    attendance: list[Attendance]

    def _queue(self, work: Callable[[Transaction], object]) -> None:
        raise NotImplementedError

    def _flush(self) -> None:
        raise NotImplementedError

    def _write(self, work: Callable[[Transaction], object]) -> None:
        raise NotImplementedError

    def _on_capacity_policy(self, data: Record) -> None:
        self.training_policy = TrainingPolicy.model_validate(data)

    def _on_person(self, data: Record) -> None:
        self.people.append(Person.model_validate(data))

    def _on_training_session(self, data: Record) -> None:
        self.sessions.append(TrainingSession.model_validate(data))

    def _on_attendance(self, data: Record) -> None:
        self.attendance.append(Attendance.model_validate(data))

    def _on_coaching(self, data: Record) -> None:
        session = CoachingSession.model_validate(data)
        self._queue(lambda tx: tx.add_coaching(session))

    def _on_awareness(self, data: Record) -> None:
        session = AwarenessSession.model_validate(data)
        self._queue(lambda tx: tx.add_awareness_session(session))

    def _load_training(self) -> None:
        people, sessions, attendance = self.people, self.sessions, self.attendance
        if not (people or sessions or attendance):
            return
        self.people, self.sessions, self.attendance = [], [], []
        self._flush()
        self._write(lambda tx: tx.load_training(people, sessions, attendance))

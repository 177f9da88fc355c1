"""The training port: capacity building — people and supervision, training sessions and
attendance, coaching, community awareness sessions and the training policy.

Routing counts trained staff from :meth:`TrainingPort.training_facts`; the training
overview and the audit read the rest. Seeding many people and sessions at once is the
archive port's (:meth:`~referral_graph.store.archive.ArchivePort.load_training`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import date

from referral_graph.domain.queries import (
    AwarenessQuery,
    CoachingQuery,
    Listing,
    Page,
    PeopleQuery,
    TrainingQuery,
    TrainingRecordQuery,
)
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    TrainingPolicy,
    TrainingRecord,
    TrainingSession,
)


class TrainingPort(ABC):
    """People, training sessions, attendance, coaching, awareness and the policy."""

    # --- people ------------------------------------------------------------------------
    @abstractmethod
    def add_person(self, person: Person) -> None:
        """Insert a person of an existing provider, with a SUPERVISES link from each of
        ``supervised_by``; ``Conflict`` if the id exists."""

    @abstractmethod
    def save_person(self, person: Person, expected_version: int) -> None:
        """Compare-and-set, like ``save_provider``; replaces the supervision links."""

    @abstractmethod
    def get_person(self, person_id: str) -> Person | None: ...

    @abstractmethod
    def get_people(self, person_ids: Iterable[str]) -> dict[str, Person]: ...

    @abstractmethod
    def list_people(self, query: PeopleQuery, page: Page) -> Listing[Person]:
        """People ordered by provider id, then name, then id."""

    @abstractmethod
    def supervisees(self, person_id: str) -> list[Person]:
        """The people this person supervises, ordered by name then id."""

    # --- training sessions and attendance ------------------------------------------------
    @abstractmethod
    def add_training_session(self, session: TrainingSession) -> None:
        """``Conflict`` if the id exists."""

    @abstractmethod
    def get_training_session(self, session_id: str) -> TrainingSession | None: ...

    @abstractmethod
    def list_training_sessions(self, query: TrainingQuery, page: Page) -> Listing[TrainingSession]:
        """Newest first (``starts_on`` descending, then id)."""

    @abstractmethod
    def record_attendance(self, attendance: Sequence[Attendance]) -> int:
        """Insert attendances of existing sessions and people; one already recorded for
        the same session and person is left as it is. Returns how many were new."""

    @abstractmethod
    def session_attendance(self, session_id: str) -> list[Attendance]:
        """Who attended a session, ordered by person id."""

    @abstractmethod
    def training_records(self, query: TrainingRecordQuery) -> list[TrainingRecord]:
        """Completed attendances joined with their session and person, ordered by
        person id, then ``trained_on``."""

    @abstractmethod
    def training_facts(self) -> Iterable[tuple[str, str, str, date]]:
        """``(provider id, person id, topic, trained on)`` of every completed attendance
        of an active person, in no order: what routing counts trained staff from, read
        lean (the national network has tens of thousands). It may stream: consume it
        inside the transaction."""

    @abstractmethod
    def people_languages(self) -> Iterable[tuple[str, str, tuple[str, ...], bool]]:
        """``(provider id, person id, language codes, interprets)`` of every active
        person who lists a language or interprets, in no order: what routing reads of
        who speaks what. It may stream: consume it inside the transaction."""

    # --- coaching and awareness ----------------------------------------------------------
    @abstractmethod
    def add_coaching(self, session: CoachingSession) -> None:
        """``Conflict`` if the id exists."""

    @abstractmethod
    def list_coaching(self, query: CoachingQuery, page: Page) -> Listing[CoachingSession]:
        """Newest first (``held_on`` descending, then id)."""

    @abstractmethod
    def last_coaching(self, person_ids: Iterable[str]) -> dict[str, date]:
        """The day each person was last coached (people never coached are left out)."""

    @abstractmethod
    def add_awareness_session(self, session: AwarenessSession) -> None:
        """``Conflict`` if the id exists."""

    @abstractmethod
    def list_awareness_sessions(
        self, query: AwarenessQuery, page: Page
    ) -> Listing[AwarenessSession]:
        """Newest first (``held_on`` descending, then id)."""

    # --- policy --------------------------------------------------------------------------
    @abstractmethod
    def get_training_policy(self) -> TrainingPolicy | None:
        """The policy saved through the API, if any (else the packaged one applies)."""

    @abstractmethod
    def save_training_policy(self, policy: TrainingPolicy) -> None: ...

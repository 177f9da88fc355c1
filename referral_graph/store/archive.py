"""The archive port: what seeding, backup and restore, retention and housekeeping need.

None of it serves a request: bulk loads that insert or replace whole directories and
training programmes, exports that page through every case and referral oldest first, a
restore that puts a referral back with its whole history exactly as it was, the counts
metrics report, the retention purge, and settling the access journal into its index.
Kept apart so that a use case that holds only the other ports cannot reach them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from referral_graph.domain.models import Case, Pathway, Provider, Referral, ReferralEvent
from referral_graph.domain.queries import Listing, Page
from referral_graph.domain.training import Attendance, Person, TrainingSession

#: The kinds of sample record, as :meth:`ArchivePort.remove_sample_data` counts them
#: (sample meetings: ``MeetingsPort.remove_sample_meetings``).
SAMPLE_KINDS = (
    "awareness sessions",
    "coaching sessions",
    "attendance",
    "people",
    "training sessions",
)


class ArchivePort(ABC):
    """Seeding, export and restore, sample data, metrics, retention and access-log
    housekeeping."""

    # --- sample data (#20) -------------------------------------------------------------
    @abstractmethod
    def sample_data_present(self) -> bool:
        """Whether any sample record (``synthetic``: a person, training session,
        attendance, coaching or awareness session) is stored; cheap."""

    @abstractmethod
    def remove_sample_data(self, *, dry_run: bool = False) -> dict[str, int]:
        """Delete every sample record and nothing else, in this transaction; how many
        of each kind (:data:`SAMPLE_KINDS`), or with ``dry_run`` how many would go.

        Sample records are those marked ``synthetic``, and attendance and coaching
        whose people and session are all sample records (written before they carried
        the mark). Raises ``Conflict`` (nothing deleted) while a record that is not
        sample data refers to one: a real person supervised by a sample person, a real
        attendance or coaching of or by one, a real awareness session it facilitated."""

    # --- seeding ---------------------------------------------------------------------
    @abstractmethod
    def load_directory(self, providers: Sequence[Provider], pathways: Sequence[Pathway]) -> int:
        """Insert or replace many providers and pathways at once; returns rows written."""

    @abstractmethod
    def load_training(
        self,
        people: Sequence[Person],
        sessions: Sequence[TrainingSession],
        attendance: Sequence[Attendance],
    ) -> int:
        """Insert or replace many people, sessions and attendances at once (seeding);
        returns rows written."""

    # --- backup and metrics ----------------------------------------------------------
    @abstractmethod
    def all_cases(self, page: Page) -> Listing[Case]:
        """Every case, oldest first (``opened_at``, then id): export reads them so."""

    @abstractmethod
    def all_referrals(self, page: Page) -> Listing[Referral]:
        """Every referral, oldest first (``created_at``, then id): export reads them so."""

    @abstractmethod
    def restore_referral(self, referral: Referral, events: Sequence[ReferralEvent]) -> None:
        """Restore only: insert a referral and its whole event history as they were.

        ``referral`` is stored exactly as given (its final state: version, step times,
        deadlines, next look) and ``events`` (oldest first, the creating one first)
        exactly as given; no compare-and-set, no outbox. ``Conflict`` if the id exists
        or the case, a provider or the continued referral does not."""

    @abstractmethod
    def count_referrals_by_status(self) -> dict[str, int]:
        """How many referrals are in each status (statuses with none left out)."""

    # --- retention -------------------------------------------------------------------
    @abstractmethod
    def cases_to_purge(self, closed_before: datetime, limit: int) -> list[Case]:
        """Closed, not yet purged cases closed before ``closed_before``, oldest first."""

    @abstractmethod
    def purge_texts(self, referrals: Sequence[Referral]) -> None:
        """Store the referrals' purged documents (no version change, no event) and clear
        the reason, outcome and note of every one of their events — the only change
        history ever allows."""

    # --- access log housekeeping -----------------------------------------------------
    def settle_access(self, limit: int) -> int:
        """Index the oldest ``limit`` records not indexed yet, for a store that appends
        to an unindexed journal first; how many. A store that indexes each record as it
        is appended has nothing to settle."""
        return 0

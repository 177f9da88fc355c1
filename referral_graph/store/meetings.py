"""The meetings port: network meetings and the actions they agreed.

A meeting is written whole (its agenda and participants with it) with compare-and-set on
``version``; the actions agreed at a meeting are written together, in the transaction
that closes it, so a crash mid-save leaves all of them or none. Seeding and restoring
load many at once (:meth:`MeetingsPort.load_meetings`), and sample meetings (marked
``synthetic``) are found and removed in one step.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from referral_graph.domain.meetings import Action, Meeting
from referral_graph.domain.queries import ActionQuery, Listing, MeetingQuery, Page


class MeetingsPort(ABC):
    """Meetings, their participants and agenda, and their actions."""

    # --- meetings --------------------------------------------------------------------
    @abstractmethod
    def add_meeting(self, meeting: Meeting) -> None:
        """Insert a meeting linked to its area and its participating providers;
        ``Conflict`` if the id exists or a participant is no provider (field
        ``participants``)."""

    @abstractmethod
    def save_meeting(self, meeting: Meeting, expected_version: int) -> None:
        """Replace a meeting if its stored version is ``expected_version`` (else
        ``StaleVersion``); ``meeting.version`` is the new one. Relinks participants."""

    @abstractmethod
    def get_meeting(self, meeting_id: str) -> Meeting | None: ...

    @abstractmethod
    def list_meetings(self, query: MeetingQuery, page: Page) -> Listing[Meeting]:
        """Newest first (``held_on`` descending, then id)."""

    # --- actions ---------------------------------------------------------------------
    @abstractmethod
    def add_actions(self, actions: Sequence[Action]) -> None:
        """Insert actions of existing meetings, linked to the meeting, their owner and
        the providers they are about; ``Conflict`` (nothing written) if an id exists or
        a meeting, owner provider or owner person is missing (field named)."""

    @abstractmethod
    def save_action(self, action: Action, expected_version: int) -> None:
        """Compare-and-set, like ``save_meeting``."""

    @abstractmethod
    def get_action(self, action_id: str) -> Action | None: ...

    @abstractmethod
    def get_actions(self, action_ids: Iterable[str]) -> dict[str, Action]: ...

    @abstractmethod
    def list_actions(self, query: ActionQuery, page: Page) -> Listing[Action]:
        """Soonest due first (``due_on``, then ``created_at``, then id)."""

    # --- seeding, restore, sample data ----------------------------------------------
    @abstractmethod
    def load_meetings(self, meetings: Sequence[Meeting], actions: Sequence[Action]) -> int:
        """Insert or replace many meetings and actions at once (seeding, restore), each
        stored exactly as given; references are checked first (``Conflict``). Returns
        rows written."""

    @abstractmethod
    def sample_meetings_present(self) -> bool:
        """Whether any meeting or action marked ``synthetic`` is stored."""

    @abstractmethod
    def remove_sample_meetings(self, *, dry_run: bool = False) -> dict[str, int]:
        """Delete every meeting and action marked ``synthetic`` (and nothing else);
        ``{"meetings": n, "meeting actions": m}`` removed (or, with ``dry_run``, that
        would be). ``Conflict`` (nothing deleted) while a real action belongs to a
        sample meeting."""

"""The cases port: cases and their referrals, each referral with its event history.

What the referral lifecycle needs: compare-and-set writes that append the step's event
in the same breath, the case path, and a provider's inbox. Exports of every case and
referral, restores and the retention purge are the archive port's.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from referral_graph.domain.models import Case, Referral, ReferralEvent
from referral_graph.domain.queries import AttentionQuery, InboxQuery, Listing, Page
from referral_graph.domain.records import CaseFile, ReferralFile


class CasesPort(ABC):
    """Cases, referrals, their events and the inbox."""

    # --- cases -----------------------------------------------------------------------
    @abstractmethod
    def add_case(self, case: Case) -> None: ...

    @abstractmethod
    def save_case(self, case: Case, expected_version: int) -> None: ...

    @abstractmethod
    def get_case(self, case_id: str) -> Case | None: ...

    @abstractmethod
    def count_cases(self) -> int: ...

    @abstractmethod
    def cases_opened_by(
        self, provider_id: str, page: Page, *, open_only: bool = False
    ) -> Listing[Case]:
        """Cases the provider opened (referred or not), newest first (``opened_at``
        descending, then id); ``open_only`` leaves closed ones out."""

    # --- referrals -------------------------------------------------------------------
    @abstractmethod
    def add_referral(self, referral: Referral, event: ReferralEvent) -> None:
        """Insert a referral with the event that created it."""

    @abstractmethod
    def save_referral(
        self, referral: Referral, expected_version: int, event: ReferralEvent
    ) -> None:
        """Compare-and-set: write the new state and append ``event`` only if the stored
        version is still ``expected_version``; otherwise raise ``StaleVersion``."""

    @abstractmethod
    def retime_referral(self, referral: Referral, expected_version: int) -> None:
        """Compare-and-set the terms of an open referral (its risk, deadlines and next
        alert) without a step: no event is appended (the case's own timeline says why);
        ``StaleVersion`` if the stored version is not ``expected_version``."""

    @abstractmethod
    def get_referral(self, referral_id: str) -> Referral | None: ...

    @abstractmethod
    def referral_events(self, referral_id: str) -> list[ReferralEvent]:
        """The events of a referral, oldest first."""

    @abstractmethod
    def case_referrals(self, case_id: str) -> list[Referral]:
        """Every referral of a case, in path order (hop, then creation time)."""

    # --- files: what a write decides on, read at once --------------------------------
    @abstractmethod
    def referral_file(self, referral_id: str) -> ReferralFile | None:
        """The referral with its case, the providers at both ends and its events (what
        a step on it is decided on), in one read; ``None`` if there is no such referral.
        A store across the network reads it in one statement."""

    @abstractmethod
    def case_file(self, case_id: str, also: Iterable[str] = ()) -> CaseFile | None:
        """The case with its referrals in path order and the providers they name, plus
        the providers ``also`` names (those that exist), in one read; ``None`` if there
        is no such case."""

    @abstractmethod
    def inbox(self, query: InboxQuery, page: Page) -> Listing[Referral]:
        """Referrals sent to a provider in the given statuses, oldest first."""

    @abstractmethod
    def attention_cases(self, query: AttentionQuery) -> list[CaseFile]:
        """Open cases that may need the attention of the query's holder, each with all
        its referrals in path order (see :class:`AttentionQuery`); oldest opened first."""

"""The intake port: identifications of children sent to a CCWC to register.

A child identified by a VHSG, a school, a health centre or the helpline waits here
until the CCWC of its commune opens it and accepts it as a case or declines it
(``referral_graph.domain.identification``). Writes are compare-and-set on the
identification's version, as for cases.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from referral_graph.domain.identification import Identification
from referral_graph.domain.queries import IdentificationQuery, Listing, Page


class IntakePort(ABC):
    """Identifications, from the identifier to the CCWC."""

    @abstractmethod
    def add_identification(self, identification: Identification) -> None:
        """Insert it as given. ``Conflict`` if its id exists or a provider (or its
        case) it names does not."""

    @abstractmethod
    def save_identification(self, identification: Identification, expected_version: int) -> None:
        """Compare-and-set: write it only if the stored version is ``expected_version``;
        otherwise raise ``StaleVersion``. ``Conflict`` if it names a case that does not
        exist, or one another identification became."""

    @abstractmethod
    def get_identification(self, identification_id: str) -> Identification | None: ...

    @abstractmethod
    def list_identifications(
        self, query: IdentificationQuery, page: Page
    ) -> Listing[Identification]:
        """Identifications matching ``query``, newest first (``created_at`` descending,
        then id)."""

    @abstractmethod
    def identification_of_case(self, case_id: str) -> Identification | None:
        """The identification a case was opened from, if any."""

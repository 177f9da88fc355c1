"""The directory port: providers, pathways and what routing keeps of its own use.

Routing reads the network (providers and the pathways between them), how busy each
provider is, and records the gaps it finds; the directory version tells the routing
graph when to rebuild. Seeding many providers at once is the archive port's
(:meth:`~referral_graph.store.archive.ArchivePort.load_directory`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import datetime

from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.queries import Listing, Page, PathwayQuery, ProviderQuery
from referral_graph.domain.records import ProviderActivity, ServiceGap


class DirectoryPort(ABC):
    """Providers, pathways, the directory version and routing history."""

    # --- providers and pathways ------------------------------------------------------
    @abstractmethod
    def add_provider(self, provider: Provider) -> None:
        """Insert a provider; raises ``Conflict`` if its id exists."""

    @abstractmethod
    def save_provider(self, provider: Provider, expected_version: int) -> None:
        """Replace a provider if its stored version is ``expected_version``
        (else ``StaleVersion``); ``provider.version`` is the new version."""

    @abstractmethod
    def get_provider(self, provider_id: str) -> Provider | None: ...

    @abstractmethod
    def get_providers(self, provider_ids: Iterable[str]) -> dict[str, Provider]: ...

    @abstractmethod
    def list_providers(self, query: ProviderQuery, page: Page) -> Listing[Provider]: ...

    @abstractmethod
    def add_pathway(self, pathway: Pathway) -> None:
        """Insert a pathway; raises ``Conflict`` if its id exists."""

    @abstractmethod
    def get_pathway(self, pathway_id: str) -> Pathway | None: ...

    @abstractmethod
    def list_pathways(self, query: PathwayQuery, page: Page) -> Listing[Pathway]: ...

    @abstractmethod
    def directory_version(self) -> int:
        """A number that grows whenever the directory changes."""

    @abstractmethod
    def bump_directory_version(self) -> int: ...

    # --- routing ---------------------------------------------------------------------
    @abstractmethod
    def activity_version(self) -> int:
        """A number that grows whenever a referral is made or changes status: routing
        reads it with the case and re-reads caseloads when it has moved (so a referral
        accepted in one worker shows in the next recommendation of every worker)."""

    @abstractmethod
    def open_referral_counts(self) -> dict[str, int]:
        """Per provider, the referrals open with it now (requested to on hold); providers
        with none are left out."""

    @abstractmethod
    def provider_activity(self, since: datetime) -> dict[str, ProviderActivity]:
        """Per provider: referrals open now, and the seconds each referral made since
        ``since`` took to be acknowledged."""

    @abstractmethod
    def record_service_gap(self, gap: ServiceGap) -> None:
        """Keep a gap found while routing (coordinators map where the network is thin)."""

    @abstractmethod
    def service_gaps(self, area: str, page: Page) -> Listing[ServiceGap]:
        """Gaps recorded for villages inside ``area``, newest first."""

"""The alerts port: who saw which alert, and who is told of one.

Alerts themselves are fired and listed on the timeliness port; this port keeps what
people do with them (each person's "seen", with its time: on record) and finds the
people a message about an alert goes to.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection

from referral_graph.domain.alerting import AlertSeen
from referral_graph.domain.models import TimelinessAlert
from referral_graph.domain.queries import Listing, Page
from referral_graph.security.model import User


class AlertsPort(ABC):
    """Alerts marked seen, and the people to tell."""

    @abstractmethod
    def get_alert(self, alert_id: str) -> TimelinessAlert | None: ...

    @abstractmethod
    def mark_alert_seen(self, seen: AlertSeen) -> AlertSeen:
        """Record that a person saw an alert unless they did before; returns the record
        kept (the first one). The alert and the user exist (the use case checks)."""

    @abstractmethod
    def alerts_seen(self, alert_ids: Collection[str]) -> list[AlertSeen]:
        """Who marked any of these alerts seen, and when; by alert, then time."""

    @abstractmethod
    def list_alert_seen(self, page: Page) -> Listing[AlertSeen]:
        """Every record of an alert seen, oldest first (export)."""

    @abstractmethod
    def users_to_tell(
        self, provider_ids: Collection[str], area_codes: Collection[str]
    ) -> list[User]:
        """Active users working at one of ``provider_ids`` or covering one of
        ``area_codes`` (coordinators), by username."""

"""The timeliness port: deadlines, alerts, the due list, audit facts and the outbox.

Everything that follows a referral after it was made: the SLA policy its deadlines
come from, the scheduler's queue of referrals to look at and the alerts it fires, the
list of what falls due, the facts the audit counts, and the outbox that carries
notifications out exactly once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from referral_graph.domain.models import Case, Referral, TimelinessAlert
from referral_graph.domain.queries import AlertQuery, DueQuery, HistoryQuery, Listing, Page
from referral_graph.domain.records import HopFact, OutboxMessage
from referral_graph.domain.sla import SlaPolicy


class TimelinessPort(ABC):
    """The SLA policy, alerts, the due list, hop facts and the outbox."""

    # --- timeliness ----------------------------------------------------------------
    @abstractmethod
    def get_sla_policy(self) -> SlaPolicy | None:
        """The policy saved through the admin API, if any (else the file's applies)."""

    @abstractmethod
    def save_sla_policy(self, policy: SlaPolicy) -> None:
        """Save the policy new referrals take their deadlines from."""

    @abstractmethod
    def referrals_alert_due(self, now: datetime, limit: int) -> list[Referral]:
        """Open referrals whose ``next_alert_at`` is at or before ``now``, oldest first."""

    @abstractmethod
    def add_alert(self, alert: TimelinessAlert) -> bool:
        """Insert the alert unless one with its id exists; True if inserted."""

    @abstractmethod
    def set_next_alert_at(
        self, referral_id: str, expected_version: int, at: datetime | None
    ) -> None:
        """Move the referral's next look, unless its lifecycle moved on meanwhile."""

    @abstractmethod
    def list_alerts(self, query: AlertQuery, page: Page) -> Listing[TimelinessAlert]:
        """Alerts, newest first."""

    @abstractmethod
    def referrals_due(self, query: DueQuery, page: Page) -> Listing[Referral]:
        """Open referrals whose current deadline is before ``query.before``, soonest
        deadline first; ``area`` is the child's village at any level."""

    @abstractmethod
    def hop_facts(self, query: HistoryQuery) -> list[HopFact]:
        """Every referral made in the window, oldest first, as audit facts."""

    # --- the incident clock ----------------------------------------------------------
    @abstractmethod
    def cases_on_care_clock(self, after: datetime, until: datetime, limit: int) -> list[Case]:
        """Cases whose post-rape care clock (``domain.care.clock_start``: the incident
        time of an open case of sexual violence, kept whenever a case is written)
        started in ``(after, until]``, earliest first."""

    # --- outbox ----------------------------------------------------------------------
    @abstractmethod
    def enqueue(self, message: OutboxMessage) -> None:
        """Add a message (ignored if one with its id exists)."""

    @abstractmethod
    def outbox_due(
        self, now: datetime, limit: int, *, notices: bool = False
    ) -> list[OutboxMessage]:
        """Pending messages whose next attempt is due, oldest first: those for webhooks,
        or with ``notices`` those to people (topics starting ``notice.``)."""

    @abstractmethod
    def claim_outbox(
        self, now: datetime, until: datetime, limit: int, *, notices: bool = False
    ) -> list[OutboxMessage]:
        """Pending messages due at ``now``, oldest first (for webhooks, or with
        ``notices`` those to people), each held until ``until``: its
        next attempt moves there, so that no other deliverer (another worker, another
        instance) takes it meanwhile, and it is due again then if this one never
        records an outcome. Two concurrent claims never return the same message."""

    @abstractmethod
    def save_outbox(self, message: OutboxMessage) -> None:
        """Record a delivery attempt's outcome."""

    @abstractmethod
    def list_outbox(self, state: str, page: Page) -> Listing[OutboxMessage]:
        """Messages in one state, newest first."""

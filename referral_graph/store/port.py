"""The store port: a transaction over the role ports, and the store that runs it.

A use case runs as one function over one transaction::

    def rename(tx: Transaction) -> Provider:
        provider = tx.get_provider("hc-170101")
        ...
    store.write(rename)

``write`` commits when the function returns and rolls back when it raises. A store may
run the function more than once (Neo4j retries transient faults), so it must have no
effect outside the transaction.

A :class:`Transaction` is every role port at once; each port lives in its own module
and names one concern, so a function that needs one concern can say so in its type:

=========================  ==============================================================
:class:`DirectoryPort`     providers, pathways, directory version, routing history
:class:`CasesPort`         cases, referrals and their events, the inbox
:class:`TimelinessPort`    SLA policy, alerts, due lists, audit facts, the outbox
:class:`AccountsPort`      users, tokens, sign-in failures, access log, idempotency
:class:`AlertsPort`        alerts marked seen, the people to tell of an alert
:class:`TrainingPort`      people, training sessions, attendance, coaching, awareness
:class:`IntakePort`        identifications of children sent to a CCWC to register
:class:`MeetingsPort`      network meetings, their agenda and participants, their actions
:class:`ArchivePort`       seeding, export and restore, metrics, retention, housekeeping
=========================  ==============================================================

Every store (SQLite, Neo4j) implements :class:`Store` and :class:`Transaction`, with
one adapter module per port (``adapters/<store>/<port>.py``), and passes the one
contract suite in ``tests/contract`` (one file per port). This module also re-exports
the query and record types the ports take, for the adapters and the services.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TypeVar

from referral_graph.domain.idempotency import IdempotencyRecord
from referral_graph.domain.queries import (
    OPEN_STATUSES,
    AccessQuery,
    ActionQuery,
    AlertQuery,
    AttentionQuery,
    AwarenessQuery,
    CoachingQuery,
    DueQuery,
    HistoryQuery,
    IdentificationQuery,
    InboxQuery,
    Listing,
    MeetingQuery,
    Page,
    PathwayQuery,
    PeopleQuery,
    ProviderQuery,
    TrainingQuery,
    TrainingRecordQuery,
    area_prefixes,
)
from referral_graph.domain.records import (
    CaseFile,
    HopFact,
    OutboxMessage,
    ProviderActivity,
    ReferralFile,
    ServiceGap,
)
from referral_graph.store.accounts import AccountsPort
from referral_graph.store.alerts import AlertsPort
from referral_graph.store.archive import ArchivePort
from referral_graph.store.cases import CasesPort
from referral_graph.store.directory import DirectoryPort
from referral_graph.store.intake import IntakePort
from referral_graph.store.meetings import MeetingsPort
from referral_graph.store.timeliness import TimelinessPort
from referral_graph.store.training import TrainingPort

__all__ = [
    "OPEN_STATUSES",
    "AccessQuery",
    "AccountsPort",
    "ActionQuery",
    "AlertQuery",
    "AlertsPort",
    "ArchivePort",
    "AttentionQuery",
    "AwarenessQuery",
    "CaseFile",
    "CasesPort",
    "CoachingQuery",
    "DirectoryPort",
    "DueQuery",
    "HistoryQuery",
    "HopFact",
    "IdempotencyRecord",
    "IdentificationQuery",
    "InboxQuery",
    "IntakePort",
    "Listing",
    "MeetingQuery",
    "MeetingsPort",
    "OutboxMessage",
    "Page",
    "PathwayQuery",
    "PeopleQuery",
    "ProviderActivity",
    "ProviderQuery",
    "ReferralFile",
    "ServiceGap",
    "Store",
    "TimelinessPort",
    "TrainingPort",
    "TrainingQuery",
    "TrainingRecordQuery",
    "Transaction",
    "area_prefixes",
]

T = TypeVar("T")


class Transaction(
    DirectoryPort,
    CasesPort,
    TimelinessPort,
    AccountsPort,
    AlertsPort,
    TrainingPort,
    IntakePort,
    MeetingsPort,
    ArchivePort,
):
    """Reads and writes inside one store transaction: every role port."""


class Store(ABC):
    """A place the network lives: opened once per process, shared by its threads."""

    name: str
    #: True when the store lives in this process and a read takes microseconds (SQLite):
    #: the API then answers a short read on its event loop instead of handing it to a
    #: worker thread (a hop that cost more than the read). A store reached over the
    #: network (Neo4j) is only ever called from worker threads.
    embedded: bool = False

    @abstractmethod
    def initialise(self) -> None:
        """Create or migrate the schema (idempotent)."""

    @abstractmethod
    def read(self, work: Callable[[Transaction], T]) -> T:
        """Run ``work`` in a read-only transaction."""

    @abstractmethod
    def write(self, work: Callable[[Transaction], T]) -> T:
        """Run ``work`` in a write transaction: all of it commits, or none of it."""

    @abstractmethod
    def ping(self) -> None:
        """Raise ``StoreUnavailable`` unless the store answers."""

    @abstractmethod
    def reset(self) -> None:
        """Delete everything (tests and ``seed --reset``)."""

    @abstractmethod
    def close(self) -> None: ...

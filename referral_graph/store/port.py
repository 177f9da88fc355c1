"""The store port: what the services need from a store, and nothing else.

Every store (SQLite, Neo4j, …) implements :class:`Store` and :class:`Transaction` and
passes the one contract suite in ``tests/contract``. A use case runs as one function
over one transaction::

    def rename(tx: Transaction) -> Provider:
        provider = tx.get_provider("hc-170101")
        ...
    store.write(rename)

``write`` commits when the function returns and rolls back when it raises. A store may
run the function more than once (Neo4j retries transient faults), so it must have no
effect outside the transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TypeVar

from referral_graph.domain.models import (
    Case,
    Pathway,
    Provider,
    Referral,
    ReferralEvent,
    TimelinessAlert,
)
from referral_graph.domain.queries import (
    OPEN_STATUSES as OPEN_STATUSES,
)
from referral_graph.domain.queries import (
    AccessQuery as AccessQuery,
)
from referral_graph.domain.queries import (
    AlertQuery as AlertQuery,
)
from referral_graph.domain.queries import (
    AwarenessQuery as AwarenessQuery,
)
from referral_graph.domain.queries import (
    CoachingQuery as CoachingQuery,
)
from referral_graph.domain.queries import (
    DueQuery as DueQuery,
)
from referral_graph.domain.queries import (
    HistoryQuery as HistoryQuery,
)
from referral_graph.domain.queries import (
    InboxQuery as InboxQuery,
)
from referral_graph.domain.queries import (
    Listing as Listing,
)
from referral_graph.domain.queries import (
    Page as Page,
)
from referral_graph.domain.queries import (
    PathwayQuery as PathwayQuery,
)
from referral_graph.domain.queries import (
    PeopleQuery as PeopleQuery,
)
from referral_graph.domain.queries import (
    ProviderQuery as ProviderQuery,
)
from referral_graph.domain.queries import (
    TrainingQuery as TrainingQuery,
)
from referral_graph.domain.queries import (
    TrainingRecordQuery as TrainingRecordQuery,
)
from referral_graph.domain.queries import (
    area_prefixes as area_prefixes,
)
from referral_graph.domain.records import (
    HopFact as HopFact,
)
from referral_graph.domain.records import (
    IdempotencyRecord as IdempotencyRecord,
)
from referral_graph.domain.records import (
    OutboxMessage as OutboxMessage,
)
from referral_graph.domain.records import (
    ProviderActivity as ProviderActivity,
)
from referral_graph.domain.records import (
    ServiceGap as ServiceGap,
)
from referral_graph.domain.sla import SlaPolicy
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    TrainingPolicy,
    TrainingRecord,
    TrainingSession,
)
from referral_graph.security.model import AccessRecord, TokenRecord, User

T = TypeVar("T")

#: The kinds of sample record, as :meth:`Transaction.remove_sample_data` counts them.
SAMPLE_KINDS = (
    "awareness sessions",
    "coaching sessions",
    "attendance",
    "people",
    "training sessions",
)


class Transaction(ABC):
    """Reads and writes inside one store transaction."""

    # --- directory -------------------------------------------------------------------
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
    def load_directory(self, providers: Sequence[Provider], pathways: Sequence[Pathway]) -> int:
        """Insert or replace many providers and pathways at once; returns rows written."""

    @abstractmethod
    def directory_version(self) -> int:
        """A number that grows whenever the directory changes."""

    @abstractmethod
    def bump_directory_version(self) -> int: ...

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
    def get_referral(self, referral_id: str) -> Referral | None: ...

    @abstractmethod
    def referral_events(self, referral_id: str) -> list[ReferralEvent]:
        """The events of a referral, oldest first."""

    @abstractmethod
    def case_referrals(self, case_id: str) -> list[Referral]:
        """Every referral of a case, in path order (hop, then creation time)."""

    @abstractmethod
    def inbox(self, query: InboxQuery, page: Page) -> Listing[Referral]:
        """Referrals sent to a provider in the given statuses, oldest first."""

    # --- routing -------------------------------------------------------------------
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

    # --- outbox ----------------------------------------------------------------------
    @abstractmethod
    def enqueue(self, message: OutboxMessage) -> None:
        """Add a message (ignored if one with its id exists)."""

    @abstractmethod
    def outbox_due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Pending messages whose next attempt is due, oldest first."""

    @abstractmethod
    def save_outbox(self, message: OutboxMessage) -> None:
        """Record a delivery attempt's outcome."""

    @abstractmethod
    def list_outbox(self, state: str, page: Page) -> Listing[OutboxMessage]:
        """Messages in one state, newest first."""

    # --- accounts --------------------------------------------------------------------
    @abstractmethod
    def add_user(self, user: User) -> None:
        """Insert a user; ``Conflict`` (field ``username``) if the name is taken."""

    @abstractmethod
    def save_user(self, user: User, expected_version: int) -> None:
        """Compare-and-set, like ``save_provider``."""

    @abstractmethod
    def get_user(self, user_id: str) -> User | None: ...

    @abstractmethod
    def get_user_by_username(self, username: str) -> User | None: ...

    @abstractmethod
    def list_users(self, page: Page) -> Listing[User]:
        """Users ordered by username."""

    @abstractmethod
    def add_token(self, token: TokenRecord) -> None: ...

    @abstractmethod
    def find_token(self, token_hash: str) -> TokenRecord | None: ...

    @abstractmethod
    def revoke_token(self, token_id: str, at: datetime) -> bool:
        """Mark a token revoked; False if there is no such live token."""

    @abstractmethod
    def list_tokens(self, user_id: str) -> list[TokenRecord]:
        """A user's refresh and API tokens, newest first (hashes only)."""

    @abstractmethod
    def record_login_failure(self, username: str, at: datetime) -> None: ...

    @abstractmethod
    def login_failures_since(self, username: str, since: datetime) -> int: ...

    @abstractmethod
    def clear_login_failures(self, username: str) -> None: ...

    @abstractmethod
    def append_access(self, record: AccessRecord) -> None:
        """Append to the access log (never changed, never deleted)."""

    @abstractmethod
    def list_access(self, query: AccessQuery, page: Page) -> Listing[AccessRecord]:
        """Access records, newest first (settled or not)."""

    def settle_access(self, limit: int) -> int:
        """Index the oldest ``limit`` records not indexed yet, for a store that appends
        to an unindexed journal first; how many. A store that indexes each record as it
        is appended has nothing to settle."""
        return 0

    # --- capacity building -------------------------------------------------------------
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

    @abstractmethod
    def get_training_policy(self) -> TrainingPolicy | None:
        """The policy saved through the API, if any (else the packaged one applies)."""

    @abstractmethod
    def save_training_policy(self, policy: TrainingPolicy) -> None: ...

    @abstractmethod
    def load_training(
        self,
        people: Sequence[Person],
        sessions: Sequence[TrainingSession],
        attendance: Sequence[Attendance],
    ) -> int:
        """Insert or replace many people, sessions and attendances at once (seeding);
        returns rows written."""

    # --- sample data (issue #20; the integrator places these with capacity building) ---
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

    # --- idempotency -----------------------------------------------------------------
    @abstractmethod
    def get_idempotency(self, key: str) -> IdempotencyRecord | None: ...

    @abstractmethod
    def save_idempotency(self, record: IdempotencyRecord) -> None:
        """Insert; ``Conflict`` (field ``Idempotency-Key``) if the key is taken."""

    @abstractmethod
    def forget_idempotency(self, before: datetime) -> int:
        """Drop records older than ``before``; how many."""


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

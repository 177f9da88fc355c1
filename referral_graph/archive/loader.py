"""The store-neutral archive, loaded into an empty store through the port, in batches;
and a copy from one store to another through a temporary archive."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from referral_graph.archive.alerts import AlertsLoading, alerts_archive_counts
from referral_graph.archive.common import (
    BATCH_SIZE,
    OUTBOX_STATES,
    BackupError,
    BackupResult,
    Record,
    seconds_since,
)
from referral_graph.archive.intake import KINDS as INTAKE_KINDS
from referral_graph.archive.intake import IntakeLoading, intake_archive_counts
from referral_graph.archive.meetings import MeetingLoading, meeting_archive_counts
from referral_graph.archive.reader import read_archive, verify_archive
from referral_graph.archive.training import TrainingLoading, training_archive_counts
from referral_graph.archive.writer import export_store
from referral_graph.domain.isotime import opt_parse_iso, parse_iso
from referral_graph.domain.models import (
    Case,
    Pathway,
    Provider,
    Referral,
    ReferralEvent,
    TimelinessAlert,
)
from referral_graph.domain.sla import SlaPolicy
from referral_graph.domain.training import Attendance, Person, TrainingPolicy, TrainingSession
from referral_graph.domain.vocabulary import Service
from referral_graph.security.model import AccessRecord, TokenRecord, User
from referral_graph.store.port import (
    AccessQuery,
    AlertQuery,
    IdempotencyRecord,
    OutboxMessage,
    Page,
    PathwayQuery,
    ProviderQuery,
    ServiceGap,
    Store,
    Transaction,
)
from referral_graph.write_behind import settle_journal


@dataclass
class ArchiveLoader(TrainingLoading, AlertsLoading, IntakeLoading, MeetingLoading):
    """Applies records to a store in batches; referrals wait for the one they continue."""

    store: Store
    batch_size: int = BATCH_SIZE
    counts: Counter[str] = field(default_factory=Counter)
    directory_version: int = 0
    policy: SlaPolicy | None = None
    providers: list[Provider] = field(default_factory=list)
    pathways: list[Pathway] = field(default_factory=list)
    pending: list[Callable[[Transaction], object]] = field(default_factory=list)
    referral: Referral | None = None
    events: list[ReferralEvent] = field(default_factory=list)
    restored: set[str] = field(default_factory=set)
    waiting: dict[str, list[tuple[Referral, list[ReferralEvent]]]] = field(default_factory=dict)
    training_policy: TrainingPolicy | None = None
    people: list[Person] = field(default_factory=list)
    sessions: list[TrainingSession] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)

    def add(self, record: Record) -> None:
        kind, data = record["kind"], record["data"]
        if kind != "event":
            self._close_referral()
        if kind not in ("provider", "pathway") and (self.providers or self.pathways):
            self._load_directory()
        if kind not in ("person", "training_session", "attendance"):
            self._load_training()
        self.counts[kind] += 1
        handler = getattr(self, f"_on_{kind}", None)
        if handler is None:
            raise BackupError(f"Unknown record kind {kind!r} in the archive.")
        handler(data)

    def finish(self) -> None:
        self._close_referral()
        if self.providers or self.pathways:
            self._load_directory()
        self._load_training()
        self._flush()
        if self.waiting:
            missing = ", ".join(sorted(self.waiting))
            raise BackupError(f"Referrals continue referrals missing from the archive: {missing}")
        self._settle_meta()
        settle_journal(self.store)  # index restored access records now, not later

    # --- per kind --------------------------------------------------------------------
    def _on_meta(self, data: Record) -> None:
        self.directory_version = int(data["directory_version"])

    def _on_sla_policy(self, data: Record) -> None:
        self.policy = SlaPolicy.model_validate(data)

    def _on_provider(self, data: Record) -> None:
        self.providers.append(Provider.model_validate(data))

    def _on_pathway(self, data: Record) -> None:
        self.pathways.append(Pathway.model_validate(data))

    def _on_user(self, data: Record) -> None:
        user = User.model_validate(data)
        self._queue(lambda tx: tx.add_user(user))

    def _on_token(self, data: Record) -> None:
        token = TokenRecord(
            id=data["id"],
            user_id=data["user_id"],
            kind=data["kind"],
            token_hash=data["token_hash"],
            name=data["name"],
            created_at=parse_iso(data["created_at"]),
            expires_at=opt_parse_iso(data["expires_at"]),
            revoked_at=opt_parse_iso(data["revoked_at"]),
            family_id=data.get("family_id"),  # archives before token families lack it
        )
        self._queue(lambda tx: tx.add_token(token))

    def _on_case(self, data: Record) -> None:
        case = Case.model_validate(data)
        self._queue(lambda tx: tx.add_case(case))

    def _on_gap(self, data: Record) -> None:
        gap = ServiceGap(
            id=data["id"],
            case_id=data["case_id"],
            service=Service(data["service"]),
            village_code=data["village_code"],
            reachable_by=tuple(data["reachable_by"]),
            at=parse_iso(data["at"]),
        )
        self._queue(lambda tx: tx.record_service_gap(gap))

    def _on_referral(self, data: Record) -> None:
        self.referral = Referral.model_validate(data)
        self.events = []

    def _on_event(self, data: Record) -> None:
        event = ReferralEvent.model_validate(data)
        if self.referral is None or event.referral_id != self.referral.id:
            raise BackupError(f"Event {event.id!r} does not follow its referral.")
        self.events.append(event)

    def _on_alert(self, data: Record) -> None:
        alert = TimelinessAlert.model_validate(data)
        self._queue(lambda tx: tx.add_alert(alert))

    def _on_outbox(self, data: Record) -> None:
        message = OutboxMessage(
            id=data["id"],
            topic=data["topic"],
            payload=data["payload"],
            created_at=parse_iso(data["created_at"]),
            state=data["state"],
            attempts=int(data["attempts"]),
            next_attempt_at=opt_parse_iso(data["next_attempt_at"]),
            delivered_to=tuple(data["delivered_to"]),
            last_error=data["last_error"],
        )

        def work(tx: Transaction) -> None:
            tx.enqueue(message)
            # ``enqueue`` makes a message due at creation; one that was tried since
            # carries its own next attempt (or none, once delivered or dead).
            if message.state != "pending" or message.next_attempt_at is not None:
                tx.save_outbox(message)

        self._queue(work)

    def _on_access(self, data: Record) -> None:
        record = AccessRecord(
            id=data["id"],
            at=parse_iso(data["at"]),
            user_id=data["user_id"],
            username=data["username"],
            role=data["role"],
            action=data["action"],
            method=data["method"],
            path=data["path"],
            object_id=data["object_id"],
            client=data["client"],
            case_id=data.get("case_id"),  # archives before #20 lack it
        )
        self._queue(lambda tx: tx.append_access(record))

    def _on_idempotency(self, data: Record) -> None:
        kept = IdempotencyRecord(
            key=data["key"],
            request_hash=data["request_hash"],
            status=int(data["status"]),
            body=data["body"],
            created_at=parse_iso(data["created_at"]),
        )
        self._queue(lambda tx: tx.save_idempotency(kept))

    # --- machinery -------------------------------------------------------------------
    def _close_referral(self) -> None:
        referral, events = self.referral, self.events
        if referral is None:
            return
        self.referral, self.events = None, []
        if not events:
            raise BackupError(f"Referral {referral.id!r} has no events in the archive.")
        before = referral.continues_referral_id
        if before is not None and before not in self.restored:
            self.waiting.setdefault(before, []).append((referral, events))
            return
        self._restore(referral, events)

    def _restore(self, referral: Referral, events: list[ReferralEvent]) -> None:
        ready = [(referral, events)]
        while ready:
            r, evs = ready.pop()
            self._queue(_restoring(r, evs))
            self.restored.add(r.id)
            ready.extend(self.waiting.pop(r.id, []))

    def _load_directory(self) -> None:
        providers, pathways = self.providers, self.pathways
        self.providers, self.pathways = [], []
        self._flush()
        # One call, so the directory version moves once (see ``_settle_meta``).
        self.store.write(lambda tx: tx.load_directory(providers, pathways))

    def _queue(self, work: Callable[[Transaction], object]) -> None:
        self.pending.append(work)
        if len(self.pending) >= self.batch_size:
            self._flush()

    def _write(self, work: Callable[[Transaction], object]) -> None:
        self.store.write(work)

    def _flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return

        def run(tx: Transaction) -> None:
            for work in batch:
                work(tx)

        self.store.write(run)

    def _settle_meta(self) -> None:
        policy, wanted, capacity = self.policy, self.directory_version, self.training_policy

        def work(tx: Transaction) -> None:
            if policy is not None:
                tx.save_sla_policy(policy)
            if capacity is not None:
                tx.save_training_policy(capacity)
            current = tx.directory_version()
            while current < wanted:
                current = tx.bump_directory_version()

        self.store.write(work)


def _restoring(referral: Referral, events: list[ReferralEvent]) -> Callable[[Transaction], None]:
    return lambda tx: tx.restore_referral(referral, events)


def store_counts(tx: Transaction) -> dict[str, int]:
    """What a store holds, counted through the port (for checks after a restore)."""
    counts = {
        "provider": tx.list_providers(ProviderQuery(), Page(limit=1)).count,
        "pathway": tx.list_pathways(PathwayQuery(), Page(limit=1)).count,
        "user": tx.list_users(Page(limit=1)).count,
        "case": tx.all_cases(Page(limit=1)).count,
        "referral": tx.all_referrals(Page(limit=1)).count,
        "alert": tx.list_alerts(AlertQuery(), Page(limit=1)).count,
        "outbox": sum(tx.list_outbox(s, Page(limit=1)).count for s in OUTBOX_STATES),
        "access": tx.list_access(AccessQuery(), Page(limit=1)).count,
        "idempotency": tx.list_idempotency(Page(limit=1)).count,
        **training_archive_counts(tx),
        **alerts_archive_counts(tx),
        **intake_archive_counts(tx),
        **meeting_archive_counts(tx),
    }
    return {kind: n for kind, n in counts.items() if n}


def prepare_target(store: Store, reset: bool) -> None:
    if reset:
        store.reset()
        return
    held = store.read(store_counts)
    if held:
        what = ", ".join(f"{n} {kind}(s)" for kind, n in sorted(held.items()))
        raise BackupError(
            f"The {store.name} store is not empty ({what}); a restore goes into an empty "
            "store only. Point it at a new database, or pass --reset to delete everything "
            "in it first."
        )


def load_records(store: Store, records: Iterable[Record], *, reset: bool = False) -> dict[str, int]:
    """Write archive records into an empty ``store``; returns the count per kind."""
    prepare_target(store, reset)
    loader = ArchiveLoader(store)
    for record in records:
        loader.add(record)
    loader.finish()
    counts = {
        k: n for k, n in loader.counts.items() if k not in ("meta", "sla_policy", "capacity_policy")
    }
    found = store.read(store_counts)
    expected = {k: n for k, n in counts.items() if k in _COUNTED and n}
    if found != expected:
        raise BackupError(f"The restored store holds {found}; the archive held {expected}.")
    return counts


#: What :func:`store_counts` counts.
_COUNTED = (
    "provider",
    "pathway",
    "user",
    "case",
    "referral",
    "alert",
    "alert_seen",
    "outbox",
    "access",
    "idempotency",
    "person",
    "training_session",
    "coaching",
    "awareness",
    "meeting",
    "meeting_action",
    *INTAKE_KINDS,
)


def import_store(store: Store, archive: Path, *, reset: bool = False) -> BackupResult:
    """Restore an archive written by :func:`export_store` into an empty ``store``."""
    started = time.perf_counter()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No archive at {archive}.")
    verify_archive(archive)
    counts = load_records(store, read_archive(archive), reset=reset)
    return BackupResult(archive, archive.stat().st_size, seconds_since(started), counts)


def copy_store(
    source: Store, target: Store, *, reset: bool = False, keys_since: datetime | None = None
) -> dict[str, int]:
    """Copy everything from ``source`` into an empty ``target`` through the port.

    The source is read in one read transaction into a temporary archive first (a
    consistent snapshot, and no transaction of the source held open while writing)."""
    with tempfile.TemporaryDirectory(prefix="referral-graph-copy-") as folder:
        path = Path(folder) / "copy.jsonl"
        export_store(source, path, keys_since=keys_since)
        return import_store(target, path, reset=reset).counts

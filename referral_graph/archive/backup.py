"""Backups and restores: a consistent copy of the SQLite file, and a store-neutral archive.

**SQLite file** (:func:`backup_sqlite`). SQLite's online backup API copies the database
in one step inside one read transaction: the copy is the database as of one instant,
and the server keeps writing meanwhile (WAL: readers never block writers). The copy is
checked (``PRAGMA integrity_check``), made self-contained (rollback journal, no ``-wal``
file) and moved into place only when complete. :func:`restore_sqlite` copies it back
into an empty SQLite store, or reads it into any other store through the archive path.

**Archive** (:func:`export_store`, :func:`import_store`). JSON Lines (gzip when the
name ends in ``.gz``), one object per line: ``{"kind": ..., "data": {...}}``. It is read
through the store port alone, in one read transaction, so it moves a network between
stores (SQLite to Neo4j and back). Lines, in the order import needs them::

    header       format, version, store, when
    meta         {"directory_version": n}
    sla_policy   the policy in force, if one was saved
    provider     pathway
    training_policy  person  training_session  attendance  coaching  awareness
    meeting      meeting_action
    user     token
    case         gap
    referral     followed at once by its events, oldest first: event event ...
    alert        outbox      access
    end          counts per kind, and the SHA-256 of every line before it

Import refuses an archive whose ``end`` line is missing or whose checksum or counts do
not match, before writing anything, and refuses a store that holds any provider, case,
referral or user. Each referral is restored with ``Transaction.restore_referral``: the
referral as it stands (version, step times, deadlines, next look) and its events as
they were, ids and times included. Replaying the events through ``save_referral``
would need every intermediate state, which the store does not keep; inserting the
final state with the whole history reproduces exactly what the store held.

Not in the archive: sign-in failure counts (throttling state that expires in minutes)
and the ids of revoked *access* tokens (the port cannot list them; the tokens expire
within ``access_token_minutes``). A SQLite file backup keeps both.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any, cast

from referral_graph.adapters.sqlite.schema import latest_version
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.archive.meetings import (
    MeetingLoading,
    meeting_archive_counts,
    meeting_archive_records,
)
from referral_graph.archive.training import (
    TrainingLoading,
    training_archive_counts,
    training_archive_records,
)
from referral_graph.domain.areas import gazetteer
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.domain.models import (
    Case,
    Pathway,
    Provider,
    Referral,
    ReferralEvent,
    TimelinessAlert,
    utc_now,
)
from referral_graph.domain.sla import SlaPolicy
from referral_graph.domain.training import Attendance, Person, TrainingPolicy, TrainingSession
from referral_graph.domain.vocabulary import Service
from referral_graph.security.model import AccessRecord, TokenRecord, User
from referral_graph.store.port import (
    AccessQuery,
    AlertQuery,
    Listing,
    OutboxMessage,
    Page,
    PathwayQuery,
    ProviderQuery,
    ServiceGap,
    Store,
    Transaction,
)
from referral_graph.write_behind import settle_journal

ARCHIVE_FORMAT = "referral-graph-archive"
ARCHIVE_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
OUTBOX_STATES = ("pending", "delivered", "dead")

#: Rows read per page, and records written per transaction, on import.
PAGE_SIZE = 500
BATCH_SIZE = 500

Record = dict[str, Any]


class BackupError(ReferralGraphError):
    """A backup or restore that cannot go on (the message says why and what to do)."""

    title = "Backup or restore refused"


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    bytes: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


# --- SQLite file ---------------------------------------------------------------------


def backup_sqlite(store: SqliteStore, dest: Path) -> BackupResult:
    """Copy the store's database to ``dest``, consistent while the server writes."""
    started = time.perf_counter()
    dest = Path(dest)
    if str(store.path) == ":memory:":
        raise BackupError("An in-memory SQLite store has no file to back up.")
    if dest.resolve() == Path(store.path).resolve():
        raise BackupError(f"{dest} is the database itself; choose another destination.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    unfinished = dest.with_name(dest.name + ".partial")
    _unlink_sqlite(unfinished)
    # A connection of our own: the store's are per thread and may be inside a transaction.
    source = sqlite3.connect(store.path, timeout=store.busy_timeout_ms / 1000)
    try:
        with closing(sqlite3.connect(unfinished, isolation_level=None)) as target:
            source.backup(target)  # every page in one step: one read snapshot
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            # Not quick_check: SQLite 3.40 reports false NULLs in WITHOUT ROWID tables.
            problem = target.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"The copy of {store.path} fails its check: {problem}")
    except sqlite3.Error as exc:
        _unlink_sqlite(unfinished)
        raise BackupError(f"Could not back up {store.path}: {exc}") from exc
    except BaseException:
        _unlink_sqlite(unfinished)
        raise
    finally:
        source.close()
    _fsync(unfinished)
    os.replace(unfinished, dest)
    _fsync_dir(dest.parent)
    return BackupResult(dest, dest.stat().st_size, time.perf_counter() - started)


def restore_sqlite(backup: Path, store: Store, *, reset: bool = False) -> BackupResult:
    """Restore a SQLite backup file into ``store``, which must be empty (or ``reset``).

    Into a SQLite store the file is copied back page by page (everything, sign-in
    failures and revoked access tokens included) and migrated to this program's schema;
    into any other store it is read through the archive path (:func:`copy_store`).
    """
    started = time.perf_counter()
    backup = Path(backup)
    _check_sqlite_backup(backup)
    with tempfile.TemporaryDirectory(prefix="referral-graph-restore-") as folder:
        # Work on a copy: opening a store migrates it and switches it to WAL.
        copy = Path(folder) / "backup.sqlite3"
        _copy_sqlite(backup, copy)
        source = SqliteStore(copy)
        try:
            source.initialise()
            if not isinstance(store, SqliteStore):
                counts = copy_store(source, store, reset=reset)
                return BackupResult(backup, backup.stat().st_size, _since(started), counts)
        finally:
            source.close()
        _prepare_target(store, reset)
        store.close()
        try:
            _copy_sqlite(copy, store.path)
        except sqlite3.Error as exc:
            raise BackupError(f"Could not write {store.path}: {exc}") from exc
    store.initialise()
    counts = store.read(_store_counts)
    return BackupResult(backup, backup.stat().st_size, _since(started), counts)


def _check_sqlite_backup(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    try:
        with closing(sqlite3.connect(_read_only(path), uri=True)) as conn:
            problem = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from exc
    if problem != "ok":
        raise BackupError(f"{path} fails its integrity check: {problem}")
    if version > latest_version():
        raise BackupError(
            f"{path} has schema version {version}, newer than this program understands "
            f"({latest_version()}). Restore it with the release that made it."
        )
    if version == 0:
        raise BackupError(f"{path} is not a referral-graph database (no schema).")


def _read_only(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _copy_sqlite(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(_read_only(source), uri=True)) as src,
        closing(sqlite3.connect(dest, isolation_level=None, timeout=10)) as dst,
    ):
        src.backup(dst)


def _unlink_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not every platform opens folders
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _since(started: float) -> float:
    return time.perf_counter() - started


# --- archive: writing ----------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="microseconds")


def _when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _token_data(t: TokenRecord) -> Record:
    return {
        "id": t.id,
        "user_id": t.user_id,
        "kind": t.kind,
        "token_hash": t.token_hash,
        "name": t.name,
        "created_at": _iso(t.created_at),
        "expires_at": _iso(t.expires_at),
        "revoked_at": _iso(t.revoked_at),
    }


def _access_data(a: AccessRecord) -> Record:
    return {
        "id": a.id,
        "at": _iso(a.at),
        "user_id": a.user_id,
        "username": a.username,
        "role": a.role,
        "action": a.action,
        "method": a.method,
        "path": a.path,
        "object_id": a.object_id,
        "client": a.client,
    }


def _gap_data(g: ServiceGap) -> Record:
    return {
        "id": g.id,
        "case_id": g.case_id,
        "service": g.service.value,
        "village_code": g.village_code,
        "reachable_by": list(g.reachable_by),
        "at": _iso(g.at),
    }


def _outbox_data(m: OutboxMessage) -> Record:
    return {
        "id": m.id,
        "topic": m.topic,
        "payload": m.payload,
        "created_at": _iso(m.created_at),
        "state": m.state,
        "attempts": m.attempts,
        "next_attempt_at": _iso(m.next_attempt_at),
        "delivered_to": list(m.delivered_to),
        "last_error": m.last_error,
    }


def _pages(fetch: Callable[[Page], Listing[Any]], size: int = PAGE_SIZE) -> Iterator[Any]:
    offset = 0
    while True:
        listing = fetch(Page(limit=size, offset=offset))
        yield from listing.items
        offset += len(listing.items)
        if not listing.items or offset >= listing.count:
            return


def _gaps(tx: Transaction) -> Iterator[ServiceGap]:
    """Every service gap: the port lists them per area, so ask each province."""
    seen: set[str] = set()
    for province in gazetteer().children(None):
        for gap in _pages(partial(tx.service_gaps, province.code)):
            if gap.id not in seen:
                seen.add(gap.id)
                yield gap


def archive_records(tx: Transaction, store_name: str = "") -> Iterator[Record]:
    """Every record of the store, in archive order (without the ``end`` line)."""
    yield {
        "kind": "header",
        "data": {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "store": store_name,
            "created_at": _iso(utc_now()),
        },
    }
    yield {"kind": "meta", "data": {"directory_version": tx.directory_version()}}
    policy = tx.get_sla_policy()
    if policy is not None:
        yield {"kind": "sla_policy", "data": policy.model_dump(mode="json")}
    for p in _pages(lambda page: tx.list_providers(ProviderQuery(), page)):
        yield {"kind": "provider", "data": p.model_dump(mode="json")}
    for w in _pages(lambda page: tx.list_pathways(PathwayQuery(), page)):
        yield {"kind": "pathway", "data": w.model_dump(mode="json")}
    yield from training_archive_records(tx)
    yield from meeting_archive_records(tx)
    users: list[str] = []
    for u in _pages(tx.list_users):
        users.append(u.id)
        yield {"kind": "user", "data": u.model_dump(mode="json")}
    for user_id in users:
        for t in reversed(tx.list_tokens(user_id)):
            yield {"kind": "token", "data": _token_data(t)}
    for c in _pages(tx.all_cases):
        yield {"kind": "case", "data": c.model_dump(mode="json")}
    for g in _gaps(tx):
        yield {"kind": "gap", "data": _gap_data(g)}
    for r in _pages(tx.all_referrals):
        yield {"kind": "referral", "data": r.model_dump(mode="json")}
        for e in tx.referral_events(r.id):
            yield {"kind": "event", "data": e.model_dump(mode="json")}
    for a in _pages(lambda page: tx.list_alerts(AlertQuery(), page)):
        yield {"kind": "alert", "data": a.model_dump(mode="json")}
    for state in OUTBOX_STATES:
        for m in _pages(partial(tx.list_outbox, state)):
            yield {"kind": "outbox", "data": _outbox_data(m)}
    for x in _pages(lambda page: tx.list_access(AccessQuery(), page)):
        yield {"kind": "access", "data": _access_data(x)}


def _line(record: Record) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _open_write(path: Path, compress: bool) -> IO[bytes]:
    if compress:
        return cast(IO[bytes], gzip.open(path, "wb", compresslevel=6))
    return path.open("wb")


def _write_archive(records: Iterable[Record], unfinished: Path, compress: bool) -> dict[str, int]:
    counts: Counter[str] = Counter()
    digest = hashlib.sha256()
    with _open_write(unfinished, compress) as out:
        for record in records:
            line = _line(record)
            digest.update(line)
            out.write(line)
            counts[record["kind"]] += 1
        counts.pop("header", None)
        out.write(
            _line({"kind": "end", "data": {"counts": dict(counts), "sha256": digest.hexdigest()}})
        )
    return dict(counts)


def export_store(store: Store, out: Path) -> BackupResult:
    """Write every record of ``store`` to the archive ``out`` (one read transaction)."""
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    unfinished = out.with_name(out.name + ".partial")

    def work(tx: Transaction) -> dict[str, int]:
        # Writes the whole file on each run: a store may run the work again.
        records = archive_records(tx, store.name)
        return _write_archive(records, unfinished, out.name.endswith(".gz"))

    try:
        counts = store.read(work)
    except BaseException:
        unfinished.unlink(missing_ok=True)
        raise
    _fsync(unfinished)
    os.replace(unfinished, out)
    _fsync_dir(out.parent)
    return BackupResult(out, out.stat().st_size, _since(started), counts)


# --- archive: reading ----------------------------------------------------------------


def _open_read(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == GZIP_MAGIC:
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _verify_archive(path: Path) -> dict[str, int]:
    """Check the whole archive before anything is written: header, checksum, counts."""
    digest = hashlib.sha256()
    counts: Counter[str] = Counter()
    end: Record | None = None
    try:
        with _open_read(path) as lines:
            for number, raw in enumerate(lines, start=1):
                if end is not None:
                    raise BackupError(f"{path}: line {number} follows the end line.")
                record = _parse(path, number, raw)
                if number == 1:
                    _check_header(path, record)
                if record["kind"] == "end":
                    end = record["data"]
                    continue
                digest.update(raw)
                if number > 1:
                    counts[record["kind"]] += 1
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if end is None:
        raise BackupError(f"{path} has no end line: the archive is incomplete.")
    if end.get("sha256") != digest.hexdigest():
        raise BackupError(f"{path} fails its checksum: the archive is damaged.")
    if dict(counts) != end.get("counts"):
        raise BackupError(f"{path}: its counts do not match its end line.")
    return dict(counts)


def _parse(path: Path, number: int, raw: bytes) -> Record:
    try:
        record = json.loads(raw)
    except ValueError as exc:
        raise BackupError(f"{path}: line {number} is not JSON ({exc}).") from exc
    if not isinstance(record, dict) or "kind" not in record or "data" not in record:
        raise BackupError(f"{path}: line {number} is not an archive record.")
    return record


def _check_header(path: Path, record: Record) -> None:
    data = record["data"]
    if record["kind"] != "header" or data.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{path} is not a referral-graph archive.")
    if data.get("version") != ARCHIVE_VERSION:
        raise BackupError(
            f"{path} is archive version {data.get('version')}; this program reads "
            f"version {ARCHIVE_VERSION}."
        )


def read_archive(path: Path) -> Iterator[Record]:
    """The records of a verified archive (header and end lines left out)."""
    with _open_read(path) as lines:
        for number, raw in enumerate(lines, start=1):
            record = _parse(path, number, raw)
            if record["kind"] not in ("header", "end"):
                yield record


# --- archive: loading into a store ---------------------------------------------------


@dataclass
class _Loader(TrainingLoading, MeetingLoading):
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
            created_at=datetime.fromisoformat(data["created_at"]),
            expires_at=_when(data["expires_at"]),
            revoked_at=_when(data["revoked_at"]),
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
            at=datetime.fromisoformat(data["at"]),
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
            created_at=datetime.fromisoformat(data["created_at"]),
            state=data["state"],
            attempts=int(data["attempts"]),
            next_attempt_at=_when(data["next_attempt_at"]),
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
            at=datetime.fromisoformat(data["at"]),
            user_id=data["user_id"],
            username=data["username"],
            role=data["role"],
            action=data["action"],
            method=data["method"],
            path=data["path"],
            object_id=data["object_id"],
            client=data["client"],
        )
        self._queue(lambda tx: tx.append_access(record))

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


def _store_counts(tx: Transaction) -> dict[str, int]:
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
        **training_archive_counts(tx),
        **meeting_archive_counts(tx),
    }
    return {kind: n for kind, n in counts.items() if n}


def _prepare_target(store: Store, reset: bool) -> None:
    if reset:
        store.reset()
        return
    held = store.read(_store_counts)
    if held:
        what = ", ".join(f"{n} {kind}(s)" for kind, n in sorted(held.items()))
        raise BackupError(
            f"The {store.name} store is not empty ({what}); a restore goes into an empty "
            "store only. Point it at a new database, or pass --reset to delete everything "
            "in it first."
        )


def load_records(store: Store, records: Iterable[Record], *, reset: bool = False) -> dict[str, int]:
    """Write archive records into an empty ``store``; returns the count per kind."""
    _prepare_target(store, reset)
    loader = _Loader(store)
    for record in records:
        loader.add(record)
    loader.finish()
    counts = {
        k: n for k, n in loader.counts.items() if k not in ("meta", "sla_policy", "capacity_policy")
    }
    found = store.read(_store_counts)
    expected = {k: n for k, n in counts.items() if k in _COUNTED and n}
    if found != expected:
        raise BackupError(f"The restored store holds {found}; the archive held {expected}.")
    return counts


#: What :func:`_store_counts` counts.
_COUNTED = (
    "provider",
    "pathway",
    "user",
    "case",
    "referral",
    "alert",
    "outbox",
    "access",
    "person",
    "training_session",
    "coaching",
    "awareness",
    "meeting",
    "meeting_action",
)


def import_store(store: Store, archive: Path, *, reset: bool = False) -> BackupResult:
    """Restore an archive written by :func:`export_store` into an empty ``store``."""
    started = time.perf_counter()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No archive at {archive}.")
    _verify_archive(archive)
    counts = load_records(store, read_archive(archive), reset=reset)
    return BackupResult(archive, archive.stat().st_size, _since(started), counts)


def copy_store(source: Store, target: Store, *, reset: bool = False) -> dict[str, int]:
    """Copy everything from ``source`` into an empty ``target`` through the port.

    The source is read in one read transaction into a temporary archive first (a
    consistent snapshot, and no transaction of the source held open while writing)."""
    with tempfile.TemporaryDirectory(prefix="referral-graph-copy-") as folder:
        path = Path(folder) / "copy.jsonl"
        export_store(source, path)
        return import_store(target, path, reset=reset).counts


def archive_kind(path: Path) -> str:
    """``sqlite`` for a SQLite file, ``jsonl`` for anything else (an archive)."""
    with Path(path).open("rb") as handle:
        return "sqlite" if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC else "jsonl"


def restore(path: Path, store: Store, *, reset: bool = False) -> BackupResult:
    """Restore a SQLite backup file or an archive, whichever ``path`` is."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if archive_kind(path) == "sqlite":
        return restore_sqlite(path, store, reset=reset)
    return import_store(store, path, reset=reset)

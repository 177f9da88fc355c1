"""Backups and restores: a consistent copy of the SQLite file, and a store-neutral archive.

The parts: :mod:`~referral_graph.archive.sqlite_file` (the SQLite file),
:mod:`~referral_graph.archive.writer` (the archive, written),
:mod:`~referral_graph.archive.reader` (read and verified),
:mod:`~referral_graph.archive.loader` (loaded into a store),
:mod:`~referral_graph.archive.training` (its capacity-building records),
:mod:`~referral_graph.archive.meetings` (network meetings and their actions) and
:mod:`~referral_graph.archive.intake` (identifications). This module is the one the
command line and the tests use.

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
    case         gap         identification
    referral     followed at once by its events, oldest first: event event ...
    alert        alert_seen  outbox      access
    idempotency  the answers kept for Idempotency-Keys still inside their window
    end          counts per kind, and the SHA-256 of every line before it

Import refuses an archive whose ``end`` line is missing or whose checksum or counts do
not match, before writing anything, and refuses a store that holds any provider, case,
referral or user. Each referral is restored with ``Transaction.restore_referral``: the
referral as it stands (version, step times, deadlines, next look) and its events as
they were, ids and times included. Replaying the events through ``save_referral``
would need every intermediate state, which the store does not keep; inserting the
final state with the whole history reproduces exactly what the store held.

Not in the archive: sign-in failure counts (throttling state that expires in minutes)
and the ids of revoked *access* tokens and token families (the port cannot list them;
the tokens expire within ``access_token_minutes``, and a revoked family's refresh
tokens are in the archive, revoked). A SQLite file backup keeps them all.

**Checksums.** An archive's ``end`` line holds the SHA-256 of every line before it: a
changed byte anywhere (a child's age in a case line) fails it, and nothing is written.
A SQLite backup file carries the SHA-256 of every row of every table, taken when it
was made (table ``backup_seal``); restore recomputes it before anything is written, so
a changed byte inside a record is refused too (``PRAGMA integrity_check`` sees only the
file's structure).
"""

from __future__ import annotations

from pathlib import Path

from referral_graph.archive.common import (
    ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
    SQLITE_MAGIC,
    BackupError,
    BackupResult,
)
from referral_graph.archive.loader import copy_store, import_store, load_records
from referral_graph.archive.reader import read_archive
from referral_graph.archive.sqlite_file import backup_sqlite, restore_sqlite
from referral_graph.archive.writer import archive_records, export_store
from referral_graph.store.port import Store

__all__ = [
    "ARCHIVE_FORMAT",
    "ARCHIVE_VERSION",
    "BackupError",
    "BackupResult",
    "archive_kind",
    "archive_records",
    "backup_sqlite",
    "copy_store",
    "export_store",
    "import_store",
    "load_records",
    "read_archive",
    "restore",
    "restore_sqlite",
]


def archive_kind(path: Path) -> str:
    """``sqlite`` for a SQLite file, ``jsonl`` for anything else (an archive)."""
    with Path(path).open("rb") as handle:
        return "sqlite" if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC else "jsonl"


def restore(
    path: Path, store: Store, *, reset: bool = False, unsealed: bool = False
) -> BackupResult:
    """Restore a SQLite backup file or an archive, whichever ``path`` is (``unsealed``:
    a SQLite file without a content checksum too)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if archive_kind(path) == "sqlite":
        return restore_sqlite(path, store, reset=reset, unsealed=unsealed)
    return import_store(store, path, reset=reset)

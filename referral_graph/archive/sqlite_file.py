"""A SQLite store's backup as a file, and its restore.

SQLite's online backup API copies the database in one step inside one read
transaction: the copy is the database as of one instant, and the server keeps writing
meanwhile (WAL: readers never block writers). The copy is checked (``PRAGMA
integrity_check``), sealed with the SHA-256 of its content (every row of every table,
in table ``backup_seal``), made self-contained (rollback journal, no ``-wal`` file) and
moved into place only when complete. :func:`restore_sqlite` checks the structure and
the seal before anything is written (a changed byte inside a record passes the first,
never the second), then copies the file back into an empty SQLite store, or reads it
into any other store through the archive path.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

from referral_graph.adapters.sqlite.schema import latest_version
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.archive.common import (
    BackupError,
    BackupResult,
    fsync_dir,
    fsync_file,
    seconds_since,
)
from referral_graph.archive.loader import copy_store, prepare_target, store_counts
from referral_graph.store.port import Store

#: The table a backup file's seal lives in (made by the backup, dropped by the restore).
SEAL_TABLE = "backup_seal"


def content_digest(conn: sqlite3.Connection) -> str:
    """The SHA-256 of everything a database holds: the schema version, and every row of
    every table (in a fixed order: tables by name, rows by all their columns), the
    seal's own table left out."""
    digest = hashlib.sha256()
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    digest.update(f"user_version {version}\n".encode())
    tables = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name != ? ORDER BY name",
            (SEAL_TABLE,),
        )
    ]
    for table in tables:
        columns = [str(c[1]) for c in conn.execute(f'PRAGMA table_info("{table}")')]
        digest.update(f"table {table} {columns}\n".encode())
        order = ", ".join(str(n + 1) for n in range(len(columns)))
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):  # noqa: S608
            digest.update(repr(row).encode() + b"\n")
    return digest.hexdigest()


def _seal(conn: sqlite3.Connection) -> None:
    sealed = content_digest(conn)
    conn.execute(f"CREATE TABLE {SEAL_TABLE} (sha256 TEXT NOT NULL, made_at TEXT NOT NULL)")
    conn.execute(
        f"INSERT INTO {SEAL_TABLE} (sha256, made_at) VALUES (?, datetime('now'))",  # noqa: S608
        (sealed,),
    )


def _check_seal(path: Path, conn: sqlite3.Connection, *, unsealed_ok: bool) -> None:
    has_seal = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (SEAL_TABLE,)
    ).fetchone()
    if has_seal is None:
        if unsealed_ok:
            return
        raise BackupError(
            f"{path} carries no content checksum (it was made before backups were sealed, "
            "or is not a backup): nothing shows it is unchanged. Restore a newer backup, "
            "or pass --unsealed to restore it anyway."
        )
    row = conn.execute(f"SELECT sha256 FROM {SEAL_TABLE}").fetchone()  # noqa: S608
    if row is None or content_digest(conn) != row[0]:
        raise BackupError(
            f"{path} fails its content checksum: a record changed after the backup was "
            "made (a damaged disk or an edit). Nothing was restored; restore another backup."
        )


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
            if problem == "ok":
                _seal(target)
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
    fsync_file(unfinished)
    os.replace(unfinished, dest)
    fsync_dir(dest.parent)
    return BackupResult(dest, dest.stat().st_size, time.perf_counter() - started)


def restore_sqlite(
    backup: Path, store: Store, *, reset: bool = False, unsealed: bool = False
) -> BackupResult:
    """Restore a SQLite backup file into ``store``, which must be empty (or ``reset``),
    once its structure and its content checksum hold (``unsealed``: also a file without
    one, made before backups were sealed).

    Into a SQLite store the file is copied back page by page (everything, sign-in
    failures and revoked access tokens included) and migrated to this program's schema;
    into any other store it is read through the archive path (:func:`copy_store`).
    """
    started = time.perf_counter()
    backup = Path(backup)
    _check_sqlite_backup(backup, unsealed=unsealed)
    with tempfile.TemporaryDirectory(prefix="referral-graph-restore-") as folder:
        # Work on a copy: opening a store migrates it and switches it to WAL.
        copy = Path(folder) / "backup.sqlite3"
        _copy_sqlite(backup, copy)
        with closing(sqlite3.connect(copy, isolation_level=None)) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {SEAL_TABLE}")  # the store never holds it
        source = SqliteStore(copy)
        try:
            source.initialise()
            if not isinstance(store, SqliteStore):
                counts = copy_store(source, store, reset=reset)
                return BackupResult(backup, backup.stat().st_size, seconds_since(started), counts)
        finally:
            source.close()
        prepare_target(store, reset)
        store.close()
        try:
            _copy_sqlite(copy, store.path)
        except sqlite3.Error as exc:
            raise BackupError(f"Could not write {store.path}: {exc}") from exc
    store.initialise()
    counts = store.read(store_counts)
    return BackupResult(backup, backup.stat().st_size, seconds_since(started), counts)


def _check_sqlite_backup(path: Path, *, unsealed: bool = False) -> None:
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    try:
        with closing(sqlite3.connect(_read_only(path), uri=True)) as conn:
            problem = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if problem == "ok" and 0 < version <= latest_version():
                _check_seal(path, conn, unsealed_ok=unsealed)
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

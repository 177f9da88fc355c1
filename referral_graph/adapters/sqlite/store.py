"""The embedded default store: one SQLite file, WAL, ``synchronous=FULL``."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from referral_graph.adapters.sqlite.schema import migrate
from referral_graph.adapters.sqlite.transaction import SqliteTransaction
from referral_graph.domain.errors import StoreFull, StoreUnavailable
from referral_graph.store.port import Store, Transaction

T = TypeVar("T")

_FULL = (
    "The disk of the SQLite store at {path} is full: nothing was written. Reads go on; "
    "try again once space is freed."
)


def _full(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite gave up for want of space (``SQLITE_FULL``: the disk, or the
    database's ``max_page_count``)."""
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back what is left of the transaction. After some errors (``SQLITE_FULL``,
    ``SQLITE_IOERR``, ``SQLITE_NOMEM``) SQLite has already rolled it back itself, and a
    ``ROLLBACK`` would then raise "no transaction is active" over the real error."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


class SqliteStore(Store):
    """Thread-safe: each thread gets its own connection to the same file.

    Writes start with ``BEGIN IMMEDIATE`` so two writers never deadlock on a lock
    upgrade; the loser waits up to ``busy_timeout_ms`` for the winner to commit.

    Writers of one process also queue on a lock before ``BEGIN IMMEDIATE``: SQLite's
    busy handler polls with growing sleeps, so under many concurrent writers some waited
    seconds while others went straight in (load test p99 3.2 s; 280 ms with the lock).
    Against writers in other processes (``serve --workers N``) ``BEGIN IMMEDIATE`` is
    tried every millisecond or two instead of by that handler (see ``_begin_write``).
    """

    name = "sqlite"
    embedded = True  # reads in WAL mode never wait for a writer

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = 10_000) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writer = threading.RLock()

    def _connect(self) -> sqlite3.Connection:
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a folder that cannot be made (permissions, a file there)
            raise StoreUnavailable(f"Cannot open the SQLite store at {self.path}: {exc}") from exc
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=0
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(f"Cannot open the SQLite store at {self.path}: {exc}") from exc
        with self._lock:
            self._all.append(conn)
        return conn

    @property
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def initialise(self) -> None:
        try:
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(
                f"The SQLite store at {self.path} cannot be opened ({exc}). "
                "Is it a referral-graph database, and is no other program holding a lock?"
            ) from exc

    def _run(self, work: Callable[[Transaction], T], write: bool) -> T:
        conn = self._conn
        try:
            if write:
                self._begin_write(conn)
            else:
                conn.execute("BEGIN")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"The SQLite store at {self.path} is busy: {exc}") from exc
        try:
            result = work(SqliteTransaction(conn))
        except sqlite3.OperationalError as exc:
            _rollback(conn)
            if _full(exc):
                raise StoreFull(_FULL.format(path=self.path)) from exc
            raise
        except BaseException:
            _rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            _rollback(conn)
            if _full(exc):
                raise StoreFull(_FULL.format(path=self.path)) from exc
            raise StoreUnavailable(f"The SQLite store could not commit: {exc}") from exc
        return result

    def read(self, work: Callable[[Transaction], T]) -> T:
        return self._run(work, write=False)

    def write(self, work: Callable[[Transaction], T]) -> T:
        with self._writer:
            return self._run(work, write=True)

    def _begin_write(self, conn: sqlite3.Connection) -> None:
        """``BEGIN IMMEDIATE``, tried again every millisecond or two until the busy
        timeout. SQLite's own busy handler sleeps longer and longer between tries (up to
        100 ms), so against another process that holds the write lock most of the time
        it waited seconds for the moments the lock is free (3.8 s against a writer that
        lets go for 1 ms in every 21; 58 ms trying this way)."""
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            deadline = time.monotonic() + self.busy_timeout_ms / 1000
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    busy = getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
                    if not busy or time.monotonic() >= deadline:
                        raise
                time.sleep(random.uniform(0.0005, 0.002))  # noqa: S311 - not a secret
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")

    def ping(self) -> None:
        try:
            self._conn.execute("SELECT 1").fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store unreachable: {exc}") from exc

    def reset(self) -> None:
        conn = self._conn
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.execute("BEGIN IMMEDIATE")
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                conn.execute(f'DROP TABLE IF EXISTS "{table}"')
            conn.execute("PRAGMA user_version = 0")
            conn.execute("COMMIT")
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

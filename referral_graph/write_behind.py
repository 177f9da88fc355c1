"""Bookkeeping that may trail an answer by a few milliseconds, written off the request's
path: the access records of reads of case data, and the service gaps routing finds.

Such a write needs no transaction of its own: it is queued and a background thread
writes the queue in one transaction every few milliseconds (one fsync for many). A
request therefore never waits for the store's write lock for them: with several worker
processes on one SQLite file a recommendation that recorded its gap itself once waited
10 s for the lock and answered 503. ``flush()`` writes what is queued now; the listings
of the access log and of gaps, and shutdown, call it, so what they show is complete.
A write a person makes is different: its access record is appended in the transaction of
the change (``referral_graph.services.recorded.RecordedStore``).

The thread also settles the store's access journal (``Transaction.settle_access``) every
``settle_rows`` records it wrote and every ``settle_seconds`` while it wrote any, and
shutdown settles what is left.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from referral_graph.domain.errors import ReferralGraphError, StoreUnavailable
from referral_graph.security.model import AccessRecord
from referral_graph.store.port import Store, Transaction


def settle_journal(store: Store, slice_rows: int = 10_000) -> int:
    """Settle everything in the store's access journal, ``slice_rows`` to a transaction
    so that other writers wait for one slice at most; how many records moved."""
    moved = 0
    while True:
        n = store.write(lambda tx: tx.settle_access(slice_rows))
        moved += n
        if n < slice_rows:
            return moved


#: One deferred write: what to do in the batch's transaction.
Work = Callable[[Transaction], None]

log = logging.getLogger("referral_graph.write_behind")


class WriteBehind:
    def __init__(
        self,
        store: Store,
        *,
        batch: int = 500,
        linger_seconds: float = 0.05,
        settle_rows: int = 10_000,
        settle_seconds: float = 30.0,
    ) -> None:
        self.store = store
        self.batch = batch
        self.linger = linger_seconds
        self.settle_rows = settle_rows
        self.settle_seconds = settle_seconds
        self._unsettled = 0  # records written since the journal was last settled
        self._settled_at = time.monotonic()
        self._queue: queue.Queue[Work] = queue.Queue()
        self._lock = threading.Lock()  # one writer at a time: the thread or a flush
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def append_access(self, record: AccessRecord) -> None:
        """Queue the access record of a read."""
        self.defer(lambda tx: tx.append_access(record))

    def defer(self, work: Work) -> None:
        """Queue ``work`` for the next batch (it must be safe to run again after a failed
        batch: an insert that ignores a row already there, say)."""
        self._queue.put(work)
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="write-behind", daemon=True
                    )
                    self._thread.start()

    def flush(self) -> int:
        """Write everything queued so far; how many records."""
        written = 0
        with self._lock:
            while True:
                records = self._drain()
                if not records:
                    return written
                self._write(records)
                written += len(records)
                self._unsettled += len(records)

    def close(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()
        self._settle_logged(everything=True)

    def settle(self, *, everything: bool = False) -> int:
        """Settle the journal when it is due (or ``everything`` in it); how many moved."""
        due = self._unsettled >= self.settle_rows or (
            self._unsettled and time.monotonic() - self._settled_at >= self.settle_seconds
        )
        if not (due or everything):
            return 0
        moved = settle_journal(self.store, self.settle_rows)
        self._unsettled, self._settled_at = 0, time.monotonic()
        return moved

    def _drain(self) -> list[Work]:
        records: list[Work] = []
        while len(records) < self.batch:
            try:
                records.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return records

    def _write(self, records: list[Work]) -> None:
        def work(tx: Transaction) -> None:
            for write in records:
                write(tx)

        try:
            self.store.write(work)
        except ReferralGraphError as exc:
            if isinstance(exc, StoreUnavailable):  # down, or its disk is full: no trace
                log.warning(
                    "could not write %d deferred records (%s); will retry", len(records), exc.detail
                )
                self._keep(records, logged=True)
                raise
            self._one_by_one(records)  # one of them cannot be written, the others can
        except Exception:
            self._keep(records)
            raise

    def _keep(self, records: list[Work], *, logged: bool = False) -> None:
        """The store failed: keep them all; the next round tries again."""
        if not logged:
            log.exception("could not write %d deferred records; will retry", len(records))
        for r in records:
            self._queue.put(r)

    def _one_by_one(self, records: list[Work]) -> None:
        """Write each on its own; drop (and log) only one the store refuses by itself,
        such as a gap of a case purged meanwhile, so that it never holds back the rest."""
        for n, write in enumerate(records):
            try:
                self.store.write(write)
            except StoreUnavailable:
                self._keep(records[n:])
                raise
            except ReferralGraphError:
                log.exception("dropped a deferred record the store refuses")

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                first = self._queue.get(timeout=0.5)
            except queue.Empty:
                self._settle_logged()
                continue
            self._queue.put(first)
            self._stopping.wait(self.linger)  # let a few more reads join this batch
            try:
                self.flush()
            except Exception:  # logged in _write
                self._stopping.wait(1.0)
                continue
            self._settle_logged()

    def _settle_logged(self, *, everything: bool = False) -> None:
        try:
            self.settle(everything=everything)
        except Exception:  # the journal stays readable; the next round tries again
            log.exception("could not settle the access journal; will retry")

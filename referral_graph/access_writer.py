"""Reads of case data go to the access log in batches, off the request's path.

A read needs no transaction of its own: its access record is queued and a background
thread appends the queue in one transaction every few milliseconds (one fsync for many
reads). ``flush()`` writes what is queued now; the access-log listing and shutdown call
it, so the log is complete whenever it is read. Writes are different: their record is
appended in the transaction of the change (``api.access_log.LoggedStore``).
"""

from __future__ import annotations

import logging
import queue
import threading

from referral_graph.security.model import AccessRecord
from referral_graph.store.port import Store, Transaction

log = logging.getLogger("referral_graph.access")


class AccessLogWriter:
    def __init__(self, store: Store, *, batch: int = 500, linger_seconds: float = 0.05) -> None:
        self.store = store
        self.batch = batch
        self.linger = linger_seconds
        self._queue: queue.Queue[AccessRecord] = queue.Queue()
        self._lock = threading.Lock()  # one writer at a time: the thread or a flush
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def submit(self, record: AccessRecord) -> None:
        self._queue.put(record)
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="access-log", daemon=True
                    )
                    self._thread.start()

    def flush(self) -> int:
        """Append everything queued so far; how many records."""
        written = 0
        with self._lock:
            while True:
                records = self._drain()
                if not records:
                    return written
                self._write(records)
                written += len(records)

    def close(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()

    def _drain(self) -> list[AccessRecord]:
        records: list[AccessRecord] = []
        while len(records) < self.batch:
            try:
                records.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return records

    def _write(self, records: list[AccessRecord]) -> None:
        def work(tx: Transaction) -> None:
            for r in records:
                tx.append_access(r)

        try:
            self.store.write(work)
        except Exception:  # keep them: the next round tries again
            log.exception("could not append %d access records; will retry", len(records))
            for r in records:
                self._queue.put(r)
            raise

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                first = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            self._queue.put(first)
            self._stopping.wait(self.linger)  # let a few more reads join this batch
            try:
                self.flush()
            except Exception:  # logged in _write
                self._stopping.wait(1.0)

"""Reads are appended to the access log in batches, and nothing queued is lost."""

from __future__ import annotations

import time
from datetime import timedelta

from referral_graph.access_writer import AccessLogWriter
from referral_graph.security.model import AccessRecord
from referral_graph.store.port import AccessQuery, Page, Store
from tests.factories import T0


def entry(n: int) -> AccessRecord:
    return AccessRecord(
        id=f"acc_{n}",
        at=T0 + timedelta(seconds=n),
        user_id="u",
        username="reader",
        role="provider",
        action="read",
        method="GET",
        path="/api/v1/cases/{case_id}",
        object_id="case_1",
        client="127.0.0.1",
    )


def logged(store: Store) -> int:
    return store.read(lambda tx: tx.list_access(AccessQuery(object_id="case_1"), Page())).count


def test_the_background_writer_appends_what_is_queued(store: Store) -> None:
    writer = AccessLogWriter(store, linger_seconds=0.01)
    for n in range(120):
        writer.submit(entry(n))
    deadline = time.monotonic() + 5
    while logged(store) < 120 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert logged(store) == 120
    writer.close()


def test_flush_and_close_leave_nothing_behind(store: Store) -> None:
    writer = AccessLogWriter(store, linger_seconds=10)  # the thread would wait long
    for n in range(7):
        writer.submit(entry(n))
    writer.flush()
    assert logged(store) == 7
    writer.submit(entry(99))
    writer.close()
    assert logged(store) == 8

"""Deferred writes (access records of reads, service gaps) go in batches; nothing
queued is lost, and one the store refuses never holds back the rest."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from referral_graph.domain.errors import StoreUnavailable
from referral_graph.domain.vocabulary import Service
from referral_graph.security.model import AccessRecord
from referral_graph.store.port import AccessQuery, Page, ServiceGap, Store
from referral_graph.write_behind import WriteBehind
from tests.factories import T0, VILLAGE, load_small_network


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


def append_and_wait(writer: WriteBehind, store: Store, count: int) -> None:
    """Queue ``count`` records and wait (up to 5 s) until the thread has written them."""
    for n in range(count):
        writer.append_access(entry(n))
    deadline = time.monotonic() + 5
    while logged(store) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert logged(store) == count


def stop_thread(writer: WriteBehind, after: float) -> None:
    """Let the thread run ``after`` seconds more, then stop it without close()'s final
    settling."""
    time.sleep(after)
    writer._stopping.set()
    assert writer._thread is not None
    writer._thread.join(timeout=5)


def test_the_background_writer_appends_what_is_queued(store: Store) -> None:
    writer = WriteBehind(store, linger_seconds=0.01)
    append_and_wait(writer, store, 120)
    writer.close()


def test_flush_and_close_leave_nothing_behind(store: Store) -> None:
    writer = WriteBehind(store, linger_seconds=10)  # the thread would wait long
    for n in range(7):
        writer.append_access(entry(n))
    writer.flush()
    assert logged(store) == 7
    writer.append_access(entry(99))
    writer.close()
    assert logged(store) == 8


def test_a_record_the_store_refuses_is_dropped_alone(store: Store) -> None:
    load_small_network(store)
    writer = WriteBehind(store, linger_seconds=10)
    orphan = ServiceGap(
        id="gap_none",
        case_id="case_gone",  # purged meanwhile, say
        service=Service.COUNSELLING,
        village_code=VILLAGE,
        reachable_by=(),
        at=T0,
    )
    writer.append_access(entry(1))
    writer.defer(lambda tx: tx.record_service_gap(orphan))
    writer.append_access(entry(2))
    assert writer.flush() == 3
    assert logged(store) == 2
    assert store.read(lambda tx: tx.service_gaps("17", Page())).count == 0
    assert writer.flush() == 0  # nothing left queued to fail again
    writer.close()


def unsettled(store: Store) -> int:
    """How many records the journal still held (settling them to find out)."""
    return store.write(lambda tx: tx.settle_access(1_000_000))


def test_the_writer_settles_the_journal_every_so_many_records(store: Store) -> None:
    writer = WriteBehind(store, linger_seconds=0.01, settle_rows=50, settle_seconds=3600)
    append_and_wait(writer, store, 120)
    stop_thread(writer, after=0.2)  # the round that wrote them settles right after
    assert unsettled(store) == 0
    assert logged(store) == 120


def test_the_writer_settles_a_few_records_once_enough_time_has_passed(store: Store) -> None:
    writer = WriteBehind(store, linger_seconds=0.01, settle_rows=10_000, settle_seconds=0.1)
    append_and_wait(writer, store, 3)
    stop_thread(writer, after=1.0)  # the idle thread looks every half second
    assert unsettled(store) == 0


def test_records_written_without_settling_stay_listed_until_close_settles_them(
    store: Store,
) -> None:
    writer = WriteBehind(store, linger_seconds=10, settle_rows=10_000, settle_seconds=3600)
    for n in range(7):
        writer.append_access(entry(n))
    writer.flush()
    assert logged(store) == 7  # listed from the journal
    writer.close()
    assert unsettled(store) == 0
    assert logged(store) == 7


def test_a_settling_the_store_refuses_is_still_due_next_time(store: Store) -> None:
    writer = WriteBehind(store, linger_seconds=10, settle_rows=5, settle_seconds=3600)
    for n in range(6):
        writer.append_access(entry(n))
    writer.flush()
    real_write = store.write
    failing = {"left": 1}

    def write_failing_once(work):  # type: ignore[no-untyped-def]
        if failing["left"]:
            failing["left"] -= 1
            raise StoreUnavailable("the disk is full")
        return real_write(work)

    store.write = write_failing_once  # type: ignore[method-assign]
    try:
        with pytest.raises(StoreUnavailable):
            writer.settle()
        assert writer.settle() == 6  # still due: 6 written, 5 a slice
        assert writer.settle() == 0  # and now not
    finally:
        store.write = real_write  # type: ignore[method-assign]
    writer.close()
    assert logged(store) == 6

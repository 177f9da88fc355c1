"""SQLite appends access records to a journal and settles them into the indexed log in
batches; readers see one log either way, and neither table lets a record change or go."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.security.model import AccessRecord
from referral_graph.store.port import AccessQuery, Page, Transaction
from tests.factories import T0


def entry(n: int, object_id: str = "case_1") -> AccessRecord:
    return AccessRecord(
        id=f"acc_{n:04d}",
        at=T0 + timedelta(seconds=n),
        user_id=f"u{n % 3}",
        username="reader",
        role="provider",
        action="read",
        method="GET",
        path="/api/v1/cases/{case_id}",
        object_id=object_id,
        client="127.0.0.1",
    )


def append(store: SqliteStore, records: list[AccessRecord]) -> None:
    def work(tx: Transaction) -> None:
        for r in records:
            tx.append_access(r)

    store.write(work)


def listed(store: SqliteStore, **filters: str) -> list[str]:
    query = AccessQuery(**filters)
    return [r.id for r in store.read(lambda tx: tx.list_access(query, Page(limit=500))).items]


def rows(store: SqliteStore, table: str) -> int:
    conn = sqlite3.connect(store.path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_settling_moves_the_oldest_records_in_slices_and_the_listing_does_not_change(
    sqlite_store: SqliteStore,
) -> None:
    append(sqlite_store, [entry(n, f"case_{n % 4}") for n in range(25)])
    before = listed(sqlite_store)
    by_case = listed(sqlite_store, object_id="case_2")
    assert (rows(sqlite_store, "access_journal"), rows(sqlite_store, "access_log")) == (25, 0)

    assert sqlite_store.write(lambda tx: tx.settle_access(10)) == 10
    assert (rows(sqlite_store, "access_journal"), rows(sqlite_store, "access_log")) == (15, 10)
    assert listed(sqlite_store) == before  # half settled, half not: the same log
    assert listed(sqlite_store, object_id="case_2") == by_case
    assert sqlite_store.write(lambda tx: tx.settle_access(100)) == 15
    assert sqlite_store.write(lambda tx: tx.settle_access(100)) == 0
    assert listed(sqlite_store) == before
    assert listed(sqlite_store, object_id="case_2", user_id="u1") == ["acc_0022", "acc_0010"]
    count = sqlite_store.read(lambda tx: tx.list_access(AccessQuery(), Page(limit=1))).count
    assert count == 25


def test_the_oldest_are_settled_first(sqlite_store: SqliteStore) -> None:
    append(sqlite_store, [entry(n) for n in range(5)])
    sqlite_store.write(lambda tx: tx.settle_access(2))
    conn = sqlite3.connect(sqlite_store.path)
    settled = sorted(r[0] for r in conn.execute("SELECT id FROM access_log"))
    conn.close()
    assert settled == ["acc_0000", "acc_0001"]


def test_the_same_record_appended_twice_is_settled_once(sqlite_store: SqliteStore) -> None:
    append(sqlite_store, [entry(1)])
    sqlite_store.write(lambda tx: tx.settle_access(10))
    append(sqlite_store, [entry(1)])  # a retried batch, say
    assert sqlite_store.write(lambda tx: tx.settle_access(10)) == 1
    assert listed(sqlite_store) == ["acc_0001"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE access_journal SET username = 'someone else'",
        "DELETE FROM access_journal",
        "UPDATE access_log SET username = 'someone else'",
        "DELETE FROM access_log",
    ],
)
def test_no_record_changes_or_goes_unless_it_moves_into_the_log(
    sqlite_store: SqliteStore, statement: str
) -> None:
    append(sqlite_store, [entry(1), entry(2)])
    sqlite_store.write(lambda tx: tx.settle_access(1))  # one in each table
    conn = sqlite3.connect(sqlite_store.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    finally:
        conn.close()
    assert listed(sqlite_store) == ["acc_0002", "acc_0001"]
    assert (rows(sqlite_store, "access_journal"), rows(sqlite_store, "access_log")) == (1, 1)


def test_appending_and_settling_at_once_from_two_connections_loses_and_doubles_nothing(
    sqlite_store: SqliteStore,
) -> None:
    """As two worker processes do: one appends in batches while another settles."""
    other = SqliteStore(sqlite_store.path)
    done = threading.Event()
    settled: list[int] = []

    def settle_until_done() -> None:
        while not done.is_set():
            settled.append(other.write(lambda tx: tx.settle_access(7)))
        settled.append(other.write(lambda tx: tx.settle_access(1_000_000)))

    settler = threading.Thread(target=settle_until_done)
    settler.start()
    try:
        for batch in range(40):
            append(sqlite_store, [entry(batch * 50 + n, f"case_{n % 5}") for n in range(50)])
    finally:
        done.set()
        settler.join(timeout=30)
        other.close()
    assert sum(settled) == 2_000
    assert (rows(sqlite_store, "access_journal"), rows(sqlite_store, "access_log")) == (0, 2_000)
    ids = listed_all(sqlite_store)
    assert len(ids) == len(set(ids)) == 2_000


def listed_all(store: SqliteStore) -> list[str]:
    found: list[str] = []
    while True:
        page = Page(limit=500, offset=len(found))

        def read(tx: Transaction, page: Page = page) -> list[AccessRecord]:
            return tx.list_access(AccessQuery(), page).items

        items = store.read(read)
        if not items:
            return found
        found += [r.id for r in items]

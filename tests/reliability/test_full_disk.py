"""A full disk (#20 item 16): a write answers 503 with ``Retry-After`` (problem details,
nothing half-written), reads go on, and writes work again once space returns.

Filled for real twice: a small tmpfs the SQLite file lives on, filled with a file until
the kernel answers "no space left" (needs root, as CI runs; skipped elsewhere), and
SQLite's own ``max_page_count``, which SQLite answers exactly as a full disk
(``SQLITE_FULL``). Before, the commit's failure surfaced as a 500 and the adapter's own
``ROLLBACK`` raised "no transaction is active" over it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import StoreFull
from referral_graph.domain.queries import Page
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from tests.factories import T0, FakeClock, load_small_network, opening

PASSWORD = "correct horse battery"


class LimitedStore(SqliteStore):
    """A SQLite store whose database may grow to ``max_pages`` pages (None: no limit).
    ``PRAGMA max_page_count`` is per connection: it is set on each one, the open ones
    included."""

    max_pages: int | None = None

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        if self.max_pages is not None:
            conn.execute(f"PRAGMA max_page_count = {self.max_pages}")
        return conn

    def limit(self, pages: int | None) -> None:
        self.max_pages = pages
        with self._lock:
            for conn in self._all:
                conn.execute(f"PRAGMA max_page_count = {pages or 1073741823}")

    def pages(self) -> int:
        return int(self._conn.execute("PRAGMA page_count").fetchone()[0])


@dataclass
class Served:
    client: TestClient
    store: SqliteStore
    headers: dict[str, str]
    case_id: str

    def open_case(self) -> Any:
        body = opening().model_dump(mode="json")
        return self.client.post("/api/v1/cases", json=body, headers=self.headers)


def serve(store: SqliteStore) -> Iterator[Served]:
    store.initialise()
    clock = FakeClock()
    load_small_network(store)
    create_user(
        Caller.system(store, clock()),
        NewUser(username="ccwc", password=PASSWORD, role=Role.CCWC, provider_id="ccwc-a"),
    )
    settings = Settings(seed_on_start=False, rate_limit_per_minute=0, tick_seconds=0)
    runtime = Runtime(settings=settings, store=store, clock=clock)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        signed = client.post("/api/v1/auth/token", data={"username": "ccwc", "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        first = client.post(
            "/api/v1/cases", json=opening().model_dump(mode="json"), headers=headers
        )
        assert first.status_code == 201, first.text
        yield Served(client, store, headers, first.json()["id"])
    store.close()


def refused_for_space(served: Served, attempts: int = 200) -> Any:
    """Open cases until one is refused; every answer before it is a 201."""
    for _ in range(attempts):
        answer = served.open_case()
        if answer.status_code != 201:
            return answer
    raise AssertionError(f"{attempts} cases were written to a full store")


def assert_full_answer(answer: Any) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert int(answer.headers["retry-after"]) > 0
    body = answer.json()
    assert body["title"] == "Store full"
    assert "nothing was written" in body["detail"]


def assert_reads_go_on(served: Served) -> None:
    read = served.client.get(f"/api/v1/cases/{served.case_id}", headers=served.headers)
    assert read.status_code == 200, read.text
    listing = served.client.get("/api/v1/providers", headers=served.headers)
    assert listing.status_code == 200


def case_count(store: SqliteStore) -> int:
    return store.read(lambda tx: tx.all_cases(Page(limit=1)).count)


# --- SQLite's max_page_count ---------------------------------------------------------------
@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Served]:
    yield from serve(LimitedStore(tmp_path / "limited.sqlite3"))


def test_a_store_at_its_size_limit_answers_503_keeps_reading_and_recovers(
    limited: Served,
) -> None:
    store = limited.store
    assert isinstance(store, LimitedStore)
    store.limit(store.pages())
    before = case_count(store)
    answer = refused_for_space(limited)
    assert_full_answer(answer)
    written = case_count(store)
    assert_reads_go_on(limited)
    assert case_count(store) == written >= before  # the refused one left nothing behind
    store.limit(None)
    assert limited.open_case().status_code == 201
    assert case_count(store) == written + 1


def test_the_adapter_reports_a_full_store_not_its_own_rollback(tmp_path: Path) -> None:
    store = LimitedStore(tmp_path / "s.sqlite3")
    store.initialise()
    store.limit(store.pages())

    def fill(tx: Any) -> None:
        for n in range(10_000):
            tx.record_login_failure(f"someone-{n}" * 8, T0)

    with pytest.raises(StoreFull):
        store.write(fill)
    assert store.read(lambda tx: tx.login_failures_since("someone-0" * 8, T0)) == 0
    store.close()


# --- a real full disk -------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 32 MiB tmpfs (root only; skipped where mounting is not allowed)."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk has no space left."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 4096, 1):  # big blocks first, then what is left
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_answers_503_keeps_reading_and_recovers(small_disk: Path) -> None:
    for served in serve(SqliteStore(small_disk / "store.sqlite3")):
        conn = sqlite3.connect(served.store.path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write needs new space
        conn.close()
        filler = fill(small_disk)
        written = case_count(served.store)
        assert_full_answer(refused_for_space(served))
        assert_reads_go_on(served)
        assert case_count(served.store) >= written
        filler.unlink()  # space returns
        assert served.open_case().status_code == 201

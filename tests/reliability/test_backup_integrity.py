# ruff: noqa: F811  (the fixtures of test_backup, imported, are asked for by name)
"""What a backup proves and keeps (#20 items 17, 18).

17: a SQLite backup file carries the SHA-256 of its content, which restore checks
before writing anything: a changed byte inside a record (a child's age, 15 → 14) passes
SQLite's integrity check but not the seal. The JSON Lines archive's end-line checksum
refuses the same change.

18: archives carry the Idempotency-Keys still inside their window, so a field worker's
retry after a restore, or after a SQLite → Neo4j migration, replays the first answer
instead of writing twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.archive.backup import (
    BackupError,
    backup_sqlite,
    copy_store,
    export_store,
    import_store,
    restore,
)
from referral_graph.archive.loader import store_counts
from referral_graph.bootstrap import Runtime
from referral_graph.domain.queries import Page
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import FakeClock, load_small_network, opening
from tests.reliability.test_backup import (  # noqa: F401  (fixtures)
    History,
    history,
    neo4j_target,
    snapshot,
    source,
    target,
)

PASSWORD = "correct horse battery"
SETTINGS = Settings(seed_on_start=False, rate_limit_per_minute=0, tick_seconds=0)


# --- 17: content checksums -----------------------------------------------------------------
def edit_age(raw: bytes) -> bytes:
    assert b'"age":15' in raw
    return raw.replace(b'"age":15', b'"age":14', 1)


def test_a_changed_byte_inside_a_record_of_a_sqlite_backup_is_refused(
    source: SqliteStore, target: SqliteStore, history: History, tmp_path: Path
) -> None:
    copy = tmp_path / "nightly.sqlite3"
    backup_sqlite(source, copy)
    copy.write_bytes(edit_age(copy.read_bytes()))
    with closing(sqlite3.connect(copy)) as conn:  # SQLite itself sees nothing wrong
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(BackupError, match="fails its content checksum"):
        restore(copy, target)
    assert target.read(store_counts) == {}  # nothing was written


def test_an_unchanged_sealed_backup_restores_and_the_store_holds_no_seal(
    source: SqliteStore, target: SqliteStore, history: History, tmp_path: Path
) -> None:
    copy = tmp_path / "nightly.sqlite3"
    backup_sqlite(source, copy)
    restore(copy, target)
    assert snapshot(target) == snapshot(source)
    with closing(sqlite3.connect(target.path)) as conn:
        seal = conn.execute("SELECT name FROM sqlite_master WHERE name = 'backup_seal'")
        assert seal.fetchall() == []


def test_a_backup_without_a_checksum_is_refused_unless_asked(
    source: SqliteStore, target: SqliteStore, history: History, tmp_path: Path
) -> None:
    copy = tmp_path / "old.sqlite3"
    backup_sqlite(source, copy)
    with closing(sqlite3.connect(copy, isolation_level=None)) as conn:
        conn.execute("DROP TABLE backup_seal")  # as a backup made before seals
    with pytest.raises(BackupError, match="no content checksum"):
        restore(copy, target)
    restore(copy, target, unsealed=True)
    assert target.read(store_counts)["case"] == len(history.cases)


def test_the_archive_checksum_refuses_the_same_change(
    source: SqliteStore, target: SqliteStore, history: History, tmp_path: Path
) -> None:
    archive = tmp_path / "nightly.jsonl"
    export_store(source, archive)
    archive.write_bytes(edit_age(archive.read_bytes()))
    with pytest.raises(BackupError, match="fails its checksum"):
        import_store(target, archive)
    assert target.read(store_counts) == {}


# --- 18: Idempotency-Keys across a restore ---------------------------------------------------
@contextmanager
def served(store: Store, clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(create_app(Runtime(settings=SETTINGS, store=store, clock=clock))) as client:
        yield client


def open_case_with_key(client: TestClient, key: str) -> Any:
    signed = client.post("/api/v1/auth/token", data={"username": "ccwc", "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    headers = {"Authorization": f"Bearer {signed.json()['access_token']}", "Idempotency-Key": key}
    return client.post("/api/v1/cases", json=opening().model_dump(mode="json"), headers=headers)


def first_write(store: Store, clock: FakeClock) -> Any:
    load_small_network(store)
    create_user(
        Caller.system(store, clock()),
        NewUser(username="ccwc", password=PASSWORD, role=Role.CCWC, provider_id="ccwc-a"),
    )
    with served(store, clock) as client:
        first = open_case_with_key(client, "open-case-7f3a")
    assert first.status_code == 201, first.text
    return first


def cases_in(store: Store) -> int:
    return store.read(lambda tx: tx.all_cases(Page(limit=1)).count)


def assert_retry_replays(store: Store, clock: FakeClock, first: Any) -> None:
    with served(store, clock) as client:
        retry = open_case_with_key(client, "open-case-7f3a")
    assert retry.status_code == 201
    assert retry.headers.get("idempotency-replayed") == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert cases_in(store) == 1  # not written twice


def test_a_retry_after_a_restore_replays(
    source: SqliteStore, target: SqliteStore, tmp_path: Path
) -> None:
    clock = FakeClock()
    first = first_write(source, clock)
    archive = tmp_path / "nightly.jsonl"
    made = export_store(source, archive, keys_since=clock() - timedelta(hours=24))
    assert made.counts["idempotency"] == 1
    import_store(target, archive)
    assert_retry_replays(target, clock, first)


def test_keys_past_their_window_are_left_out(source: SqliteStore, tmp_path: Path) -> None:
    clock = FakeClock()
    first_write(source, clock)
    archive = tmp_path / "nightly.jsonl"
    made = export_store(source, archive, keys_since=clock() + timedelta(minutes=1))
    assert "idempotency" not in made.counts


@pytest.mark.neo4j
def test_a_retry_after_moving_to_neo4j_replays(source: SqliteStore, neo4j_target: Store) -> None:
    clock = FakeClock()
    first = first_write(source, clock)
    copy_store(source, neo4j_target, keys_since=clock() - timedelta(hours=24))
    assert_retry_replays(neo4j_target, clock, first)

"""Shared fixtures. Stores are real: SQLite in a temporary file, Neo4j when reachable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.store.port import Store
from tests.factories import FakeClock

REQUIRE_NEO4J = os.environ.get("REQUIRE_NEO4J") == "1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "test.sqlite3")
    store.initialise()
    yield store
    store.close()


@pytest.fixture
def store(sqlite_store: SqliteStore) -> Store:
    return sqlite_store

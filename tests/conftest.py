"""Shared fixtures. Stores are real: SQLite in a temporary file, Neo4j when reachable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.store.port import Store
from tests.factories import FakeClock
from tests.neo4j_server import open_neo4j


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


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jStore]:
    """One driver on the configured Neo4j for the whole session, schema created once
    (skip without it, or fail with REQUIRE_NEO4J=1; see ``tests/neo4j_server.py``)."""
    store = open_neo4j()
    yield store
    store.close()

"""The store contract: every test here runs unchanged against each store.

``any_store`` is parameterised over ``sqlite`` (a temporary file) and ``neo4j`` (the
server named by NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE, defaults as in
``referral_graph.settings``). Without a reachable Neo4j the ``neo4j`` cases are skipped,
or fail when REQUIRE_NEO4J=1. The Neo4j database is wiped before every test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.errors import StoreUnavailable
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import load_small_network

REQUIRE_NEO4J = os.environ.get("REQUIRE_NEO4J") == "1"


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jStore]:
    """One driver for the whole session, schema created once."""
    settings = Settings()  # NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE
    store = Neo4jStore(
        settings.neo4j_uri,
        settings.neo4j_user,
        settings.neo4j_password.get_secret_value(),
        database=settings.neo4j_database,
    )
    try:
        store.ping()
        store.initialise()
    except StoreUnavailable as exc:
        store.close()
        message = f"Neo4j not reachable at {settings.neo4j_uri} ({exc.detail})"
        if REQUIRE_NEO4J:
            pytest.fail(f"{message}; REQUIRE_NEO4J=1")
        pytest.skip(f"{message}; start it with `make neo4j`")
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "contract.sqlite3")
        sqlite.initialise()
        yield sqlite
        sqlite.close()
        return
    neo4j: Neo4jStore = request.getfixturevalue("neo4j_server")
    neo4j.reset()
    yield neo4j


@pytest.fixture
def network(any_store: Store) -> Store:
    """A store holding ``tests.factories.small_network``."""
    load_small_network(any_store)
    return any_store

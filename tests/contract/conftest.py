"""The store contract: every test here runs unchanged against each store.

``any_store`` is parameterised over ``sqlite`` (a temporary file) and ``neo4j`` (the
server named by NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE, defaults as in
``referral_graph.settings``) through the shared ``neo4j_server`` fixture: without a
reachable Neo4j the ``neo4j`` cases are skipped, or fail when REQUIRE_NEO4J=1. The Neo4j
database is wiped before every test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.store.port import Store
from tests.contract.helpers import case
from tests.factories import load_small_network


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


@pytest.fixture
def with_case(network: Store) -> Store:
    network.write(lambda tx: tx.add_case(case("case-1")))
    return network


@pytest.fixture
def with_cases(network: Store) -> Store:
    network.write(lambda tx: tx.add_case(case("case-1")))
    network.write(lambda tx: tx.add_case(case("case-2", village_code="17020101")))
    # 04061700 lies in commune 040614 though its code does not start with it
    network.write(lambda tx: tx.add_case(case("case-3", village_code="04061700")))
    return network

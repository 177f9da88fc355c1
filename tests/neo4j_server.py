"""The one "Neo4j or skip": a store on the Neo4j the settings name, or a skipped test.

The server is the one named by NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE
(defaults as in ``referral_graph.settings``). Without a reachable one, a test that needs
it is skipped, or fails when REQUIRE_NEO4J=1 (CI, where a missing Neo4j is a broken
build, not a reason to pass). ``tests/conftest.py`` offers it as the session fixture
``neo4j_server``; a suite that needs other options (a longer retry budget) calls
:func:`open_neo4j` itself.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.domain.errors import StoreUnavailable
from referral_graph.settings import Settings

REQUIRE_NEO4J = os.environ.get("REQUIRE_NEO4J") == "1"


def open_neo4j(**options: Any) -> Neo4jStore:
    """A store on the configured Neo4j, answering and with its schema in place (extra
    ``options`` go to :class:`Neo4jStore`); skip, or fail with REQUIRE_NEO4J=1."""
    settings = Settings()
    store = Neo4jStore(
        settings.neo4j_uri,
        settings.neo4j_user,
        settings.neo4j_password.get_secret_value(),
        database=settings.neo4j_database,
        **options,
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
    return store

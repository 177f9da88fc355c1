from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.services.routing import Routing
from seed.seeding import seed_programme

#: The day the programme seed describes in these scenarios (its YAML's ``as_of``).
SEEDED_ON = date(2026, 11, 25)


@pytest.fixture(scope="module")
def programme_store(tmp_path_factory: pytest.TempPathFactory) -> SqliteStore:
    """The programme network, seeded once per module (tests that change it copy it)."""
    path: Path = tmp_path_factory.mktemp("programme") / "programme.sqlite3"
    store = SqliteStore(path)
    store.initialise()
    seed_programme(store, today=SEEDED_ON)
    return store


@pytest.fixture
def routing(programme_store: SqliteStore) -> Routing:
    return Routing(programme_store, "Asia/Phnom_Penh", activity_ttl=0)

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.bootstrap import Runtime
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import FakeClock, acting_as_system, load_small_network


@pytest.fixture
def runtime(store: Store, clock: FakeClock) -> Runtime:
    load_small_network(store)
    return Runtime(settings=Settings(seed_on_start=False), store=store, clock=clock)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    app = acting_as_system(create_app(runtime))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c

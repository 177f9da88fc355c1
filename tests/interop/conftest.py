"""Fixtures for the interop tests: the app with the interop routers included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers import directory_io, fhir
from referral_graph.bootstrap import Runtime
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import FakeClock, acting_as_system, load_small_network


def _with_interop_routers(app: FastAPI) -> FastAPI:
    """Include the interop routers unless ``create_app`` already does."""
    paths = {getattr(route, "path", "") for route in app.routes}
    for module in (fhir, directory_io):
        if not any(getattr(r, "path", "") in paths for r in module.router.routes):
            app.include_router(module.router)
    return app


@pytest.fixture
def runtime(store: Store, clock: FakeClock) -> Runtime:
    load_small_network(store)
    return Runtime(settings=Settings(seed_on_start=False), store=store, clock=clock)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    app = acting_as_system(_with_interop_routers(create_app(runtime)))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c

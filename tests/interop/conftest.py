"""Fixtures for the interop tests: the app with the interop routers included."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers import directory_io, fhir
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_api_token, create_user
from referral_graph.services.caller import Caller
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


PASSWORD = "partner password long enough"

#: The accounts of the partner tests: username → (role, provider, area).
PARTNERS: dict[str, tuple[Role, str | None, str | None]] = {
    "ccwc": (Role.CCWC, "ccwc-a", None),
    "hc": (Role.PROVIDER, "hc-a", None),
    "tpo": (Role.PROVIDER, "tpo-a", None),
    "coordinator": (Role.COORDINATOR, None, "17"),
    "admin": (Role.ADMIN, None, None),
}


@dataclass
class Partners:
    """The app signed in for real as each partner account (no overrides)."""

    client: TestClient
    store: Store
    clock: FakeClock
    tokens: dict[str, str]

    def headers(self, who: str | None, **extra: str) -> dict[str, str]:
        auth = {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}
        return auth | extra


@pytest.fixture(scope="module")
def partner_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A store file with the small network and one account per partner, each with an
    API token (how a partner system signs in), made once per module: hashing the
    passwords costs about a second per account."""
    folder = tmp_path_factory.mktemp("partners")
    store = SqliteStore(folder / "template.sqlite3")
    store.initialise()
    load_small_network(store)
    tokens = {}
    for name, (role, provider_id, area) in PARTNERS.items():
        user = create_user(
            Caller.system(store, FakeClock()()),
            NewUser(
                username=f"partner-{name}",
                password=PASSWORD,
                role=role,
                provider_id=provider_id,
                area_code=area,
            ),
        )
        tokens[name] = create_api_token(
            Caller.system(store, FakeClock()()), user.id, "partner system", None
        )[1]
    store.close()
    return folder / "template.sqlite3", tokens


@pytest.fixture
def partners(
    partner_template: tuple[Path, dict[str, str]], tmp_path: Path, clock: FakeClock
) -> Iterator[Partners]:
    """The app over a fresh copy of the template store, signed in for real."""
    template, tokens = partner_template
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, tmp_path / f"partners.sqlite3{suffix}")
    store = SqliteStore(tmp_path / "partners.sqlite3")
    store.initialise()
    settings = Settings(seed_on_start=False, rate_limit_per_minute=0)
    runtime = Runtime(settings=settings, store=store, clock=clock)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield Partners(client, store, clock, dict(tokens))
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def both_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """SQLite and, when reachable (REQUIRE_NEO4J=1 makes it required), Neo4j."""
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "both.sqlite3")
        sqlite.initialise()
        yield sqlite
        sqlite.close()
        return
    neo4j: Store = request.getfixturevalue("neo4j_server")
    neo4j.reset()
    yield neo4j

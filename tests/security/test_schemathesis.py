"""Schemathesis over the whole OpenAPI, signed in as each role: no 5xx, no undocumented
status code, no response that breaks its schema or content type."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.security.model import Role
from referral_graph.services import cases
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from tests.factories import FakeClock, load_small_network, opening, provider

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)
ROLES = {
    "ccwc": (Role.CCWC, "ccwc-a", None),
    "provider": (Role.PROVIDER, "hc-a", None),
    "supervisor": (Role.SUPERVISOR, "sup", None),
    "coordinator": (Role.COORDINATOR, None, "17"),
    "admin": (Role.ADMIN, None, None),
}
PASSWORD = "schemathesis password"


def _app() -> tuple[Any, dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="rg-schemathesis-"))
    store = SqliteStore(folder / "s.sqlite3")
    store.initialise()
    clock = FakeClock()
    load_small_network(store)
    store.write(
        lambda tx: tx.load_directory(
            [provider("sup", ProviderKind.CLINICAL_SUPERVISOR, {Service.SUPERVISION})], []
        )
    )
    cases.open_case(Caller.system(store, clock(), "seed"), opening())
    for name, (role, provider_id, area) in ROLES.items():
        create_user(
            Caller.system(store, clock()),
            NewUser(
                username=name, password=PASSWORD, role=role, provider_id=provider_id, area_code=area
            ),
        )
    runtime = Runtime(
        settings=Settings(
            seed_on_start=False, rate_limit_per_minute=0, access_token_minutes=24 * 60
        ),
        store=store,
        clock=clock,
    )
    app = create_app(runtime)
    tokens = {}
    with TestClient(app) as client:
        for name in ROLES:
            response = client.post(
                "/api/v1/auth/token", data={"username": name, "password": PASSWORD}
            )
            tokens[name] = response.json()["access_token"]
    return app, tokens


APP, TOKENS = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ROLES))
@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: Any, role: str) -> None:
    if case.path == "/api/v1/auth/logout":
        return  # it would revoke the token the other examples use; tested elsewhere
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS[role]}"}, checks=CHECKS)

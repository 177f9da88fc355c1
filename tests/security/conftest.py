"""A small network with one account per role, signed in for real (no overrides)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.bootstrap import Runtime
from referral_graph.domain.models import Referral, utc_now
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.security.model import Role
from referral_graph.services import cases, directory, referrals
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralRequest
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import FakeClock, load_small_network, opening, provider

PASSWORD = "correct horse battery"
FOREIGN_VILLAGE = "19010101"


@dataclass
class World:
    client: TestClient
    store: Store
    clock: FakeClock
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str | None) -> dict[str, str]:
        return {} if role is None else {"Authorization": f"Bearer {self.tokens[role]}"}

    def referral(self, *, foreign: bool = False) -> Referral:
        """A fresh case with one referral: ours (Angkor Chum) or foreign (Stung Treng)."""
        now = self.clock()
        if foreign:
            case = cases.open_case(
                Caller.system(self.store, now, "other"),
                opening(opened_by_provider_id="ccwc-b", village_code=FOREIGN_VILLAGE),
            )
            request = ReferralRequest(
                case_id=case.id,
                from_provider_id="ccwc-b",
                to_provider_id="hc-b",
                service=Service.MEDICAL_CARE,
                reason="secret-foreign-reason",
            )
        else:
            case = cases.open_case(Caller.system(self.store, now, "ours"), opening())
            request = ReferralRequest(
                case_id=case.id,
                from_provider_id="ccwc-a",
                to_provider_id="hc-a",
                service=Service.MEDICAL_CARE,
                reason="our reason",
            )
        return referrals.make_referral(Caller.system(self.store, now, "t"), request)

    def sign_in_all(self) -> None:
        for name in ROLE_USERS:
            response = sign_in(self.client, name)
            assert response.status_code == 200, response.text
            self.tokens[name] = response.json()["access_token"]

    def case_code(self, case_id: str) -> str:
        return cases.get_case(Caller.system(self.store, utc_now()), case_id).code


ROLE_USERS: dict[str, tuple[Role, str | None, str | None]] = {
    "ccwc": (Role.CCWC, "ccwc-a", None),
    "provider": (Role.PROVIDER, "hc-a", None),
    "supervisor": (Role.SUPERVISOR, "sup", None),
    "coordinator": (Role.COORDINATOR, None, "17"),
    "admin": (Role.ADMIN, None, None),
}


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One signed-in world per module; cells make their own fresh cases and referrals."""
    from referral_graph.adapters.sqlite.store import SqliteStore

    store = SqliteStore(tmp_path_factory.mktemp("security") / "s.sqlite3")
    store.initialise()
    clock = FakeClock()
    load_small_network(store)
    extra = [
        provider("sup", ProviderKind.CLINICAL_SUPERVISOR, {Service.SUPERVISION}),
        provider("ccwc-b", ProviderKind.CCWC, {Service.REGISTRATION}, area_code="190101"),
        provider("hc-b", ProviderKind.HEALTH_CENTRE, {Service.MEDICAL_CARE}, area_code="190101"),
    ]
    store.write(lambda tx: tx.load_directory(extra, []))
    directory.update_provider(Caller.system(store, utc_now()), "hc-a", {"overseen_by": ("sup",)})
    for name, (role, provider_id, area) in ROLE_USERS.items():
        create_user(
            Caller.system(store, clock()),
            NewUser(
                username=name, password=PASSWORD, role=role, provider_id=provider_id, area_code=area
            ),
        )
    runtime = Runtime(
        settings=Settings(seed_on_start=False, rate_limit_per_minute=0), store=store, clock=clock
    )
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        w = World(client, store, clock)
        w.sign_in_all()
        yield w
    store.close()


Builder = Callable[[World, str, bool], tuple[str, str, dict[str, Any]]]


def as_json(model: Any) -> Any:
    return json.loads(model.model_dump_json())

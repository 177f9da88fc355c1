"""Access tokens (issue #20, item 3): a token whose lifetime exceeds the configured one is
refused even when its signature holds (a 10-year token signed with the development
secret was accepted), and production refuses the development secret outright."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from api.app import create_app
from referral_graph.bootstrap import Runtime
from referral_graph.security.model import User
from referral_graph.settings import DEV_SECRET, Settings
from tests.security.conftest import PASSWORD, World, sign_in


def _admin(world: World) -> User:
    user = world.store.read(lambda tx: tx.get_user_by_username("admin"))
    assert user is not None
    return user


def forge(world: World, lifetime: timedelta, secret: str = DEV_SECRET, **claims: Any) -> str:
    """An access token for the admin as the server would sign it, living ``lifetime``."""
    user = _admin(world)
    now: datetime = world.clock()
    body: dict[str, Any] = {
        "sub": user.id,
        "name": user.username,
        "role": user.role.value,
        "pid": None,
        "area": None,
        "jti": secrets.token_hex(16),
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "typ": "access",
        **claims,
    }
    return jwt.encode(body, secret, algorithm="HS256")


def users(client: TestClient, token: str) -> int:
    return client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_token_within_the_configured_lifetime_is_accepted(world: World) -> None:
    assert users(world.client, forge(world, timedelta(minutes=15))) == 200


@pytest.mark.parametrize(
    "lifetime",
    [timedelta(days=3650), timedelta(hours=2), timedelta(minutes=16)],
    ids=["ten-years", "two-hours", "a-minute-too-long"],
)
def test_a_token_living_longer_than_configured_is_refused(
    world: World, lifetime: timedelta
) -> None:
    answer = world.client.get(
        "/api/v1/users", headers={"Authorization": f"Bearer {forge(world, lifetime)}"}
    )
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "longer than allowed" in answer.json()["detail"]


def test_a_token_backdated_to_look_short_lived_still_expires(world: World) -> None:
    """``iat`` set long ago keeps the lifetime short, but the token is then expired."""
    now = world.clock()
    token = forge(
        world,
        timedelta(minutes=15),
        iat=int((now - timedelta(days=1)).timestamp()),
        exp=int((now - timedelta(days=1) + timedelta(minutes=15)).timestamp()),
    )
    assert users(world.client, token) == 401


def test_production_refuses_the_development_secret_at_start() -> None:
    with pytest.raises(ValidationError, match="REFERRAL_GRAPH_SECRET_KEY"):
        Settings(mode="production", secret_key=DEV_SECRET)


def test_production_refuses_the_development_secret_even_past_validation(world: World) -> None:
    """Settings changed after validation (``model_copy``) still cannot sign or accept
    tokens with the development secret in production."""
    good = Settings(
        mode="production", secret_key="p" * 40, seed_on_start=False, allowed_hosts=["testserver"]
    )
    unsafe = good.model_copy(update={"secret_key": SecretStr(DEV_SECRET)})
    runtime = Runtime(settings=unsafe, store=world.store, clock=world.clock)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        assert users(client, forge(world, timedelta(minutes=15))) == 401
        signed_in = sign_in(client, "admin", PASSWORD)
        assert signed_in.status_code == 401
        assert "development secret" in signed_in.json()["detail"]
    # the same secret in development, and a production secret in production, work
    dev = Runtime(settings=Settings(seed_on_start=False), store=world.store, clock=world.clock)
    with TestClient(create_app(dev), raise_server_exceptions=False) as client:
        assert users(client, forge(world, timedelta(minutes=15))) == 200
    prod = Runtime(settings=good, store=world.store, clock=world.clock)
    with TestClient(create_app(prod), raise_server_exceptions=False) as client:
        assert users(client, forge(world, timedelta(minutes=15), secret="p" * 40)) == 200
        assert users(client, forge(world, timedelta(minutes=15))) == 401

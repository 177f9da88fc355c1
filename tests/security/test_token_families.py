"""Token families (#20 item 11, OAuth 2.0 Security BCP): every refresh token rotated from
one sign-in, and every access token issued with them, is one family. Signing out
revokes the whole family, with or without the refresh token; a rotated refresh token
used again revokes its successor and the family; other sign-ins of the same person
keep working."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.conftest import World, sign_in


@pytest.fixture(autouse=True)
def fresh_tokens(world: World) -> None:
    world.sign_in_all()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def me(world: World, access: str) -> int:
    return int(world.client.get("/api/v1/auth/me", headers=bearer(access)).status_code)


def refresh(world: World, refresh_token: str) -> Any:
    return world.client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})


def test_logout_without_the_refresh_token_revokes_the_family(world: World) -> None:
    first = sign_in(world.client, "ccwc").json()
    rotated = refresh(world, first["refresh_token"]).json()  # same family, rotated once
    other = sign_in(world.client, "ccwc").json()  # another phone of the same person

    out = world.client.post("/api/v1/auth/logout", headers=bearer(rotated["access_token"]), json={})
    assert out.status_code == 204
    assert refresh(world, rotated["refresh_token"]).status_code == 401
    assert me(world, first["access_token"]) == 401  # an earlier access token of the family
    assert me(world, rotated["access_token"]) == 401
    assert me(world, other["access_token"]) == 200
    assert refresh(world, other["refresh_token"]).status_code == 200


def test_a_replayed_rotated_refresh_token_revokes_its_successor_and_the_family(
    world: World,
) -> None:
    stolen = sign_in(world.client, "provider").json()
    successor = refresh(world, stolen["refresh_token"]).json()  # the user rotates it
    other = sign_in(world.client, "provider").json()
    assert me(world, successor["access_token"]) == 200

    replay = refresh(world, stolen["refresh_token"])  # the thief tries the old one
    assert replay.status_code == 401
    assert "used already" in replay.json()["detail"]
    assert refresh(world, successor["refresh_token"]).status_code == 401
    assert me(world, successor["access_token"]) == 401
    assert me(world, stolen["access_token"]) == 401
    assert me(world, other["access_token"]) == 200  # another sign-in is not this family
    assert refresh(world, other["refresh_token"]).status_code == 200


def test_a_replay_after_sign_out_changes_nothing_more(world: World) -> None:
    tokens = sign_in(world.client, "supervisor").json()
    successor = refresh(world, tokens["refresh_token"]).json()
    out = world.client.post(
        "/api/v1/auth/logout",
        headers=bearer(successor["access_token"]),
        json={"refresh_token": successor["refresh_token"]},
    )
    assert out.status_code == 204
    assert refresh(world, tokens["refresh_token"]).status_code == 401
    assert refresh(world, successor["refresh_token"]).status_code == 401

"""Tokens expire, rotate and can be revoked; sign-in is throttled; every access is on
record; settings refuse unsafe secrets in production."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from referral_graph.bootstrap import Runtime
from referral_graph.settings import Settings
from tests.security.conftest import PASSWORD, World, sign_in


@pytest.fixture(autouse=True)
def fresh_tokens(world: World) -> None:
    """Tests here move the clock: every test starts signed in afresh."""
    world.sign_in_all()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_access_token_expires_and_a_refresh_token_rotates(world: World) -> None:
    tokens = sign_in(world.client, "provider").json()
    me = world.client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))
    assert me.json()["role"] == "provider"
    assert me.json()["provider_id"] == "hc-a"
    world.clock.advance(minutes=16)
    expired = world.client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]
    fresh = world.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert fresh.status_code == 200
    ok = world.client.get("/api/v1/auth/me", headers=bearer(fresh.json()["access_token"]))
    assert ok.status_code == 200
    again = world.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert again.status_code == 401, "a refresh token works once"
    world.sign_in_all()


def test_logout_revokes_both_tokens(world: World) -> None:
    tokens = sign_in(world.client, "ccwc").json()
    out = world.client.post(
        "/api/v1/auth/logout",
        headers=bearer(tokens["access_token"]),
        json={"refresh_token": tokens["refresh_token"]},
    )
    assert out.status_code == 204
    assert (
        world.client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).status_code
        == 401
    )
    assert (
        world.client.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        ).status_code
        == 401
    )


def test_sign_in_is_throttled_after_repeated_failures(world: World) -> None:
    for _ in range(5):
        assert sign_in(world.client, "supervisor", "wrong password").status_code == 401
    blocked = sign_in(world.client, "supervisor")
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    world.clock.advance(minutes=16)
    assert sign_in(world.client, "supervisor").status_code == 200
    unknown = sign_in(world.client, "nobody-here", "whatever password")
    assert unknown.status_code == 401
    assert unknown.json()["detail"] == "Wrong username or password."


def test_api_tokens_act_as_their_user_until_revoked(world: World) -> None:
    admin = bearer(world.tokens["admin"])
    users = world.client.get("/api/v1/users", headers=admin).json()["data"]
    coordinator = next(u for u in users if u["username"] == "coordinator")
    made = world.client.post(
        f"/api/v1/users/{coordinator['id']}/api-tokens",
        headers=admin,
        json={"name": "monthly report export"},
    )
    assert made.status_code == 201
    secret = made.json()["token"]
    assert secret.startswith("rgk_")
    me = world.client.get("/api/v1/auth/me", headers=bearer(secret))
    assert me.json()["role"] == "coordinator"
    listed = world.client.get(f"/api/v1/users/{coordinator['id']}/api-tokens", headers=admin).json()
    assert secret not in str(listed), "only the hash is kept"
    gone = world.client.delete(
        f"/api/v1/users/{coordinator['id']}/api-tokens/{made.json()['id']}", headers=admin
    )
    assert gone.status_code == 204
    assert world.client.get("/api/v1/auth/me", headers=bearer(secret)).status_code == 401


def test_a_deactivated_account_loses_access_at_once(world: World) -> None:
    admin = bearer(world.tokens["admin"])
    made = world.client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "leaving-staff",
            "password": PASSWORD,
            "role": "provider",
            "provider_id": "hc-a",
        },
    )
    assert made.status_code == 201
    token = sign_in(world.client, "leaving-staff").json()["access_token"]
    assert world.client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    world.client.post(f"/api/v1/users/{made.json()['id']}/deactivate", headers=admin)
    assert world.client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    assert sign_in(world.client, "leaving-staff").status_code == 401


def test_accounts_name_their_scope(world: World) -> None:
    admin = bearer(world.tokens["admin"])
    no_provider = world.client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "half-set", "password": PASSWORD, "role": "ccwc"},
    )
    assert no_provider.status_code == 422
    bad_area = world.client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "far-away",
            "password": PASSWORD,
            "role": "coordinator",
            "area_code": "99",
        },
    )
    assert bad_area.status_code == 422
    assert bad_area.json()["field"] == "area_code"
    short = world.client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "shorty", "password": "short", "role": "admin"},
    )
    assert short.status_code == 422
    assert short.json()["field"] == "password"
    taken = world.client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "ccwc", "password": PASSWORD, "role": "admin"},
    )
    assert taken.status_code == 409


def test_the_access_log_answers_who_looked_at_a_case(world: World) -> None:
    referral = world.referral()
    case_id = referral.case_id
    for role in ("ccwc", "provider", "coordinator"):
        assert (
            world.client.get(f"/api/v1/cases/{case_id}", headers=world.headers(role)).status_code
            == 200
        )
    world.client.get(f"/api/v1/cases/{case_id}", headers=world.headers("supervisor"))
    refused = world.client.get("/api/v1/cases/nope", headers=world.headers("ccwc"))
    assert refused.status_code == 404
    log = world.client.get(
        f"/api/v1/access-log?object_id={case_id}", headers=world.headers("admin")
    ).json()
    readers = {r["username"] for r in log["data"] if r["action"] == "read"}
    assert readers == {"ccwc", "provider", "coordinator", "supervisor"}
    assert all(r["client"] for r in log["data"])
    assert world.client.get("/api/v1/access-log", headers=world.headers("ccwc")).status_code == 403


def test_a_write_and_its_access_record_commit_together(world: World) -> None:
    referral = world.referral()
    ok = world.client.post(
        f"/api/v1/referrals/{referral.id}/transitions",
        headers=world.headers("provider"),
        json={"status": "received"},
    )
    assert ok.status_code == 200
    refused = world.client.post(
        f"/api/v1/referrals/{referral.id}/transitions",
        headers=world.headers("provider"),
        json={"status": "completed", "outcome": "x"},
    )
    assert refused.status_code == 409
    log = world.client.get(
        f"/api/v1/access-log?object_id={referral.id}", headers=world.headers("admin")
    ).json()
    writes = [r for r in log["data"] if r["action"] == "write"]
    assert len(writes) == 1, "the refused step left no record, the accepted one did"
    assert writes[0]["username"] == "provider"
    detail = world.client.get(
        f"/api/v1/referrals/{referral.id}", headers=world.headers("provider")
    ).json()
    assert detail["events"][-1]["actor"] == "provider"


def test_only_the_receiver_accepts_and_coordinators_see_no_free_text(world: World) -> None:
    referral = world.referral()
    by_sender = world.client.post(
        f"/api/v1/referrals/{referral.id}/transitions",
        headers=world.headers("ccwc"),
        json={"status": "received"},
    )
    assert by_sender.status_code == 403
    assert by_sender.json()["field"] == "status"
    seen = world.client.get(
        f"/api/v1/referrals/{referral.id}", headers=world.headers("coordinator")
    ).json()
    assert seen["referral"]["reason"] == "(withheld)"
    handoff = world.client.get(
        f"/api/v1/cases/{referral.case_id}", headers=world.headers("provider")
    ).json()
    assert "note" not in handoff
    assert "consent" not in handoff


def test_responses_carry_security_headers_and_no_cors(world: World) -> None:
    response = world.client.get("/health", headers={"Origin": "https://evil.example"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "access-control-allow-origin" not in response.headers
    docs = world.client.get("/docs").text
    assert "cdn" not in docs.lower()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs


def test_rate_limit_answers_429(world: World) -> None:
    runtime = Runtime(
        settings=Settings(seed_on_start=False, rate_limit_per_minute=5),
        store=world.store,
        clock=world.clock,
    )
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        codes = [client.get("/api/v1/sla-policy").status_code for _ in range(8)]
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429] * 3


def test_production_refuses_a_default_or_short_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(mode="production")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(mode="production", secret_key="short")
    ok = Settings(mode="production", secret_key="x" * 40)
    assert ok.demo_users is False

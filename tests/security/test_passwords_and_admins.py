"""Passwords (issue #20, item 7): common and breached passwords, the username and easily
guessed ones are refused, wherever a password is set (API, web, command line, reset);
length stays. Administrators (item 8): nobody deactivates their own account and the last
active administrator stays, with a 409 naming why."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import AccountProtected, InvalidInput
from referral_graph.domain.models import utc_now
from referral_graph.security.model import Role
from referral_graph.security.passwords import breached, password_problem
from referral_graph.services.accounts import NewUser, create_user, reset_password, set_active
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from tests.factories import FakeClock, load_small_network
from tests.security.conftest import PASSWORD, World, sign_in

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(client: TestClient, path: str = "/app/signin") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, path
    return found.group(1)


REFUSED = [
    ("aaaaaaaaaa", "easy to guess"),
    ("1234567890", "most common passwords"),
    ("password123", "most common passwords"),
    ("qwertyuiop", "most common passwords"),
    ("iloveyou12", "most common passwords"),
    ("abcdefghij", "easy to guess"),
    ("new-coordinator", "contains the username"),
    ("NEW-COORDINATOR-2026", "contains the username"),
    ("short", "at least 10 characters"),
]


def test_the_list_is_the_breached_passwords_zxcvbn_ships() -> None:
    assert len(breached()) >= 29_000
    assert {"123456", "password", "qwerty", "iloveyou"} <= breached()


@pytest.mark.parametrize(("password", "reason"), REFUSED)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    problem = password_problem(password, "new-coordinator")
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    "password", ["correct horse battery", "Char-Chhuk-river-2026", "kd8Fj2-pqZ!x"]
)
def test_good_passwords_pass(password: str) -> None:
    assert password_problem(password, "new-coordinator") is None


@pytest.mark.parametrize(("password", "reason"), REFUSED)
def test_the_api_refuses_a_weak_password_naming_the_field(
    world: World, password: str, reason: str
) -> None:
    answer = world.client.post(
        "/api/v1/users",
        headers=world.headers("admin"),
        json={
            "username": "new-coordinator",
            "password": password,
            "role": "coordinator",
            "area_code": "17",
        },
    )
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "password" in str(body)
    if reason != "at least 10 characters":
        assert reason in str(body)


def test_reset_password_checks_the_new_password(world: World) -> None:
    with pytest.raises(InvalidInput, match="most common passwords") as refused:
        reset_password(Caller.system(world.store, world.clock()), "coordinator", "1234567890")
    assert refused.value.field == "password"
    with pytest.raises(InvalidInput, match="contains the username"):
        reset_password(Caller.system(world.store, world.clock()), "coordinator", "coordinator-2026")


# --- administrators ------------------------------------------------------------------


@pytest.fixture
def admins(tmp_path: Any) -> Any:
    """A fresh store with two administrators, both signed in."""
    store = SqliteStore(tmp_path / "admins.sqlite3")
    store.initialise()
    load_small_network(store)
    clock = FakeClock()
    made = {}
    for name in ("admin-one", "admin-two"):
        made[name] = create_user(
            Caller.system(store, clock()),
            NewUser(username=name, password=PASSWORD, role=Role.ADMIN),
        )
    runtime = Runtime(
        settings=Settings(seed_on_start=False, rate_limit_per_minute=0), store=store, clock=clock
    )
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        tokens = {
            name: sign_in(client, name).json()["access_token"]
            for name in ("admin-one", "admin-two")
        }
        yield client, store, made, tokens
    store.close()


def _deactivate(client: TestClient, token: str, user_id: str) -> Any:
    return client.post(
        f"/api/v1/users/{user_id}/deactivate", headers={"Authorization": f"Bearer {token}"}
    )


def test_an_admin_cannot_deactivate_their_own_account(admins: Any) -> None:
    client, store, made, tokens = admins
    answer = _deactivate(client, tokens["admin-one"], made["admin-one"].id)
    assert answer.status_code == 409
    body = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert body["title"] == "Account cannot be deactivated"
    assert "your own account" in body["detail"]
    assert body.get("field") == "user_id"
    assert store.read(lambda tx: tx.get_user(made["admin-one"].id)).active


def test_the_last_active_admin_cannot_be_deactivated(admins: Any) -> None:
    client, store, made, tokens = admins
    # one admin deactivates the other: allowed while another active admin remains
    first = _deactivate(client, tokens["admin-one"], made["admin-two"].id)
    assert first.status_code == 200, first.text
    assert first.json()["active"] is False
    # now admin-one is the last: nobody may deactivate it (nor may it itself)
    with pytest.raises(AccountProtected, match="last active administrator"):
        set_active(Caller.system(store, utc_now()), made["admin-one"].id, active=False)
    with pytest.raises(AccountProtected):
        set_active(
            Caller.system(store, utc_now(), "someone-else"), made["admin-one"].id, active=False
        )
    assert store.read(lambda tx: tx.get_user(made["admin-one"].id)).active
    # another user may still be deactivated, and the deactivated admin reactivated
    set_active(Caller.system(store, utc_now()), made["admin-two"].id, active=True)
    assert _deactivate(client, tokens["admin-one"], made["admin-two"].id).status_code == 200


def test_the_web_admin_page_refuses_too(admins: Any) -> None:
    """The same rule through the web app: an error page with 409, nothing changed."""
    client, store, made, _tokens = admins
    client.headers.pop("Authorization", None)
    token = csrf_of(client)
    signed_in = client.post(
        "/app/signin",
        data={"csrf": token, "username": "admin-one", "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text
    answer = client.post(
        f"/app/admin/users/{made['admin-one'].id}/deactivate",
        data={"csrf": csrf_of(client, "/app/admin/users")},
        follow_redirects=False,
    )
    assert answer.status_code == 409
    assert store.read(lambda tx: tx.get_user(made["admin-one"].id)).active


def test_the_web_form_says_why_a_password_is_refused(admins: Any) -> None:
    client, store, _made, _tokens = admins
    client.headers.pop("Authorization", None)
    signed_in = client.post(
        "/app/signin",
        data={"csrf": csrf_of(client), "username": "admin-two", "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    form = {
        "csrf": csrf_of(client, "/app/admin/users"),
        "username": "new-coordinator",
        "password": "1234567890",
        "role": "coordinator",
        "area_code": "17",
    }
    answer = client.post("/app/admin/users", data=form, follow_redirects=False)
    assert answer.status_code == 422
    assert 'id="password-error">Too common or easy to guess' in answer.text
    assert store.read(lambda tx: tx.get_user_by_username("new-coordinator")) is None

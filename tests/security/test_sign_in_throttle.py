"""Sign-in throttling (#20 item 6), for real: twenty wrong passwords sent at once reach
the password check at most ``login_max_failures`` times (each attempt is counted before
its password is checked); an account is locked for one source address only, so five
anonymous guesses do not lock its owner out; one address is throttled across accounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from threading import Lock
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import TooManyAttempts, Unauthenticated
from referral_graph.security import credentials
from referral_graph.security.model import Role
from referral_graph.services import accounts
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.contract.helpers import race
from tests.factories import FakeClock

PASSWORD = "correct horse battery"
ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"
SETTINGS = Settings(seed_on_start=False, rate_limit_per_minute=0, tick_seconds=0)


class CountedChecks:
    """Counts the password checks the sign-in makes (each still runs argon2 for real)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = Lock()
        self._real = credentials.verify_password

    def __call__(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.count += 1
        return self._real(password_hash, password)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "throttle.sqlite3")
        sqlite.initialise()
        chosen: Store = sqlite
    else:
        chosen = request.getfixturevalue("neo4j_server")
        chosen.reset()
    clock = FakeClock()
    for name, role in (("admin", Role.ADMIN), ("admin2", Role.ADMIN)):
        accounts.create_user(
            Caller.system(chosen, clock()),
            accounts.NewUser(username=name, password=PASSWORD, role=role),
        )
    yield chosen
    if request.param == "sqlite":
        chosen.close()


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> CountedChecks:
    counted = CountedChecks()
    monkeypatch.setattr(accounts, "verify_password", counted)
    return counted


def attempt(store: Store, username: str, password: str, source: str) -> str:
    try:
        accounts.sign_in(store, FakeClock()(), username, password, SETTINGS, source)
    except TooManyAttempts:
        return "throttled"
    except Unauthenticated:
        return "wrong"
    return "signed in"


def test_twenty_parallel_wrong_passwords_get_at_most_the_limit_of_checks(
    store: Store, checks: CountedChecks
) -> None:
    results = race(20, lambda i: attempt(store, "admin", f"guess number {i}", ATTACKER))
    assert set(results) <= {"wrong", "throttled"}, results
    assert results.count("wrong") == checks.count == SETTINGS.login_max_failures
    assert attempt(store, "admin", PASSWORD, ATTACKER) == "throttled"  # even the right one


def test_five_anonymous_guesses_do_not_lock_the_owner_out(
    store: Store, checks: CountedChecks
) -> None:
    for n in range(SETTINGS.login_max_failures):
        assert attempt(store, "admin", f"guess {n}", ATTACKER) == "wrong"
    assert attempt(store, "admin", "one more", ATTACKER) == "throttled"
    assert attempt(store, "admin", PASSWORD, OWNER) == "signed in"  # the owner's own address
    assert attempt(store, "admin2", PASSWORD, ATTACKER) == "signed in"  # another account


def test_one_address_is_throttled_across_accounts(store: Store, checks: CountedChecks) -> None:
    names = [f"nobody{n}" for n in range(SETTINGS.login_max_failures_per_source)]
    assert {attempt(store, name, "whatever it is", ATTACKER) for name in names} == {"wrong"}
    assert attempt(store, "admin", PASSWORD, ATTACKER) == "throttled"
    assert checks.count == len(names)
    assert attempt(store, "admin", PASSWORD, OWNER) == "signed in"


def test_the_api_throttles_by_the_client_address(tmp_path: Path) -> None:
    sqlite = SqliteStore(tmp_path / "api.sqlite3")
    sqlite.initialise()
    clock = FakeClock()
    accounts.create_user(
        Caller.system(sqlite, clock()),
        accounts.NewUser(username="admin", password=PASSWORD, role=Role.ADMIN),
    )
    app = create_app(Runtime(settings=SETTINGS, store=sqlite, clock=clock))

    def sign_in(client: TestClient, password: str) -> Any:
        form = {"username": "admin", "password": password}
        return client.post("/api/v1/auth/token", data=form)

    with (
        TestClient(app, client=(ATTACKER, 40000)) as attacker,
        TestClient(app, client=(OWNER, 40000)) as owner,
    ):
        for n in range(SETTINGS.login_max_failures):
            assert sign_in(attacker, f"guess {n}").status_code == 401
        locked = sign_in(attacker, PASSWORD)
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) == SETTINGS.login_window_minutes * 60
        assert sign_in(owner, PASSWORD).status_code == 200
    sqlite.close()

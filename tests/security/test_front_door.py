"""The front door (#20 item 13): a Content-Security-Policy without inline scripts or
``unsafe-inline`` (and templates that need none), only the configured host names
answered (a forged ``Host`` never reaches a redirect), and ``X-Forwarded-For`` believed
only from configured proxies."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.domain.queries import AccessQuery, Page
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from tests.factories import FakeClock, load_small_network

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "web" / "templates"
PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    made = SqliteStore(tmp_path / "door.sqlite3")
    made.initialise()
    load_small_network(made)
    create_user(
        Caller.system(made, FakeClock()()),
        NewUser(username="admin", password=PASSWORD, role=Role.ADMIN),
    )
    yield made
    made.close()


def client_for(store: SqliteStore, address: str = "testclient", **settings: object) -> TestClient:
    chosen = Settings(seed_on_start=False, rate_limit_per_minute=0, tick_seconds=0, **settings)
    app = create_app(Runtime(settings=chosen, store=store, clock=FakeClock()))
    return TestClient(app, client=(address, 50000), raise_server_exceptions=False)


# --- Content-Security-Policy ------------------------------------------------------------
def test_the_policy_allows_no_inline_script_or_style(store: SqliteStore) -> None:
    with client_for(store) as client:
        for url in ("/health", "/docs", "/app/signin"):
            policy = client.get(url).headers["content-security-policy"]
            directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
            assert directives["script-src"] == "'self'"
            assert directives["style-src"] == "'self'"
        docs = client.get("/docs").text
        assert re.search(r"<script>", docs) is None, "the docs page starts Swagger UI inline"
        assert client.get("/static/docs.js").status_code == 200


def test_no_template_has_an_inline_script_handler_or_style() -> None:
    found = []
    for template in sorted(TEMPLATES.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"<style\b",
            r"\son[a-z]+\s*=",
            r"\sstyle\s*=",
        ):
            found += [f"{template.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert not found, found


def test_a_printable_page_may_run_only_its_own_style_sheet(store: SqliteStore) -> None:
    """The report downloaded as HTML is a page of its own: its CSP names its <style> by
    SHA-256, so it prints styled, and still allows no other inline style or script."""
    create_user(
        Caller.system(store, FakeClock()()),
        NewUser(username="coord", password=PASSWORD, role=Role.COORDINATOR, area_code="17"),
    )
    with client_for(store) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": "coord", "password": PASSWORD}
        ).json()["access_token"]
        r = client.get(
            "/api/v1/audit/report?area=17&month=2026-03&format=html",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 200, r.text
        styles = re.findall(r"<style>(.*?)</style>", r.text, re.S)
        assert styles
        policy = r.headers["content-security-policy"]
        wanted = [
            "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
            for css in styles
        ]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["style-src"] == " ".join(["'self'", *wanted])
        assert directives["script-src"] == "'self'" and "unsafe-inline" not in policy


# --- allowed hosts -------------------------------------------------------------------------
def test_a_forged_host_is_refused_and_never_copied_into_a_redirect(store: SqliteStore) -> None:
    with client_for(store, allowed_hosts=["referrals.example.org"]) as client:
        forged = client.get(
            "/api/v1/providers/", headers={"Host": "evil.example"}, follow_redirects=False
        )
        assert forged.status_code == 400
        assert forged.headers["content-type"].startswith("application/problem+json")
        assert forged.json()["field"] == "Host"
        assert "evil.example" not in forged.headers.get("location", "")
        ours = client.get(
            "/api/v1/providers/", headers={"Host": "referrals.example.org"}, follow_redirects=False
        )
        assert ours.status_code == 307
        assert ours.headers["location"].startswith("http://referrals.example.org/")
        probe = client.get("/health", headers={"Host": "10.1.2.3:8000"})
        assert probe.status_code == 200  # probes name the container's address


def test_production_answers_only_local_host_names_unless_told_more(store: SqliteStore) -> None:
    secret = "s" * 40
    with client_for(store, mode="production", secret_key=secret) as client:
        local = client.get("/api/v1/sla-policy", headers={"Host": "127.0.0.1:8000"})
        assert local.status_code == 401  # through the door, then asked to sign in
        assert client.get("/api/v1/sla-policy", headers={"Host": "evil.example"}).status_code == 400
    wider = {"mode": "production", "secret_key": secret, "allowed_hosts": ["*.example.org"]}
    with client_for(store, **wider) as client:
        assert client.get("/health", headers={"Host": "referrals.example.org"}).status_code == 200
        sub = client.get("/api/v1/sla-policy", headers={"Host": "a.referrals.example.org"})
        assert sub.status_code == 401
        assert (
            client.get("/api/v1/sla-policy", headers={"Host": "example.org.evil"}).status_code
            == 400
        )


# --- forwarded headers ---------------------------------------------------------------------
def signed_in_client_address(client: TestClient, store: SqliteStore, forwarded: str) -> str | None:
    answer = client.post(
        "/api/v1/auth/token",
        data={"username": "admin", "password": PASSWORD},
        headers={"X-Forwarded-For": forwarded},
    )
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    made = client.post(
        "/api/v1/users",
        json={"username": "someone.new", "password": "another good pass 9", "role": "admin"},
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": forwarded},
    )
    assert made.status_code == 201, made.text
    log = store.read(lambda tx: tx.list_access(AccessQuery(object_id=made.json()["id"]), Page()))
    return log.items[0].client


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(store: SqliteStore) -> None:
    with client_for(store, address="10.0.0.5") as client:  # no proxy configured
        assert signed_in_client_address(client, store, "203.0.113.66") == "10.0.0.5"


def test_a_trusted_proxy_names_the_client(store: SqliteStore) -> None:
    with client_for(store, address="10.0.0.5", trusted_proxies=["10.0.0.0/24"]) as client:
        assert signed_in_client_address(client, store, "203.0.113.66") == "203.0.113.66"

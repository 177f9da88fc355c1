"""Error pages keep the menu and name the field in the reader's language; an expired
form comes back filled with a fresh token; signing out by a plain link asks once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from referral_graph.bootstrap import Runtime
from tests.e2e.server_app import ShiftableClock, build
from tests.e2e.test_web_pages import CSRF, csrf_of, sign_in


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, Runtime, ShiftableClock]:
    return build(Path(tmp_path_factory.mktemp("web-errors")))


@pytest.fixture
def client(site: tuple[FastAPI, Runtime, ShiftableClock]) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as c:
        yield c


def _note(html: str) -> str:
    found = re.search(r'<p class="note error" role="alert">(.*?)</p>', html, re.S)
    assert found, html[:2000]
    return found.group(1)


def test_an_error_page_keeps_the_menu_and_names_the_field(client: TestClient) -> None:
    sign_in(client, "e2e-hc")
    r = client.post(
        "/app/referrals/ref_missing/step",
        data={"csrf": csrf_of(client, "/app/inbox"), "status": "flying"},
    )
    assert r.status_code == 422
    assert _note(r.text) == "Not valid: Status. Unknown step."
    assert 'nav class="menu"' in r.text and 'href="/app/inbox"' in r.text


def test_a_malformed_address_names_the_field_in_khmer(client: TestClient) -> None:
    sign_in(client, "e2e-hc")
    client.cookies.set("rg_lang", "km")
    r = client.post(
        "/app/referrals/ref_missing/step",
        data={"csrf": csrf_of(client, "/app/inbox"), "status": "received", "expected_version": "x"},
    )
    assert r.status_code == 422
    assert _note(r.text) == "មិនត្រឹមត្រូវ៖ កំណែនៃកំណត់ត្រាដែលអ្នកបានឃើញ។ ត្រូវតែជាចំនួនគត់។"
    assert 'nav class="menu"' in r.text


def test_a_page_not_found_keeps_the_menu(client: TestClient) -> None:
    sign_in(client, "e2e-coord")
    r = client.get("/app/no-such-page")
    assert r.status_code == 404
    assert 'nav class="menu"' in r.text and 'href="/app/dashboard"' in r.text


def test_an_expired_case_form_comes_back_filled_with_a_fresh_token(client: TestClient) -> None:
    sign_in(client, "e2e-ccwc")
    old = csrf_of(client, "/app/cases")
    typed = {
        "consent_given_by": "caregiver",
        "consent_recorded_by": "Sokha",
        "consent_confirm": "yes",
        "age": "13",
        "gender": "female",
        "risk": "high",
        "needs": ["counselling", "legal_aid"],
        "village_code": "17010102",
        "contact_arrangement": "Call the aunt after 5 pm",
        "note": "Met at school",
    }
    client.cookies.delete("rg_csrf")  # it expired: the browser no longer sends it
    r = client.post("/app/cases", data={"csrf": old, **typed}, follow_redirects=False)
    assert r.status_code == 200  # the form again, nothing written
    html = r.text
    assert "This form had expired, so nothing was saved." in html
    assert 'value="Sokha"' in html and 'value="13"' in html
    assert ">Call the aunt after 5 pm</textarea>" in html and ">Met at school</textarea>" in html
    for need in typed["needs"]:
        assert re.search(rf'value="{need}"[^>]*checked', html), need
    assert re.search(r'value="caregiver"[^>]*checked', html)
    fresh = CSRF.search(html)
    assert fresh and fresh.group(1) != old
    assert client.cookies.get("rg_csrf") == fresh.group(1)
    again = client.post(
        "/app/cases", data={"csrf": fresh.group(1), **typed}, follow_redirects=False
    )
    assert again.status_code == 303 and "done=opened" in again.headers["location"]


def test_a_post_from_another_site_is_not_refilled(client: TestClient) -> None:
    sign_in(client, "e2e-ccwc")
    r = client.post(
        "/app/cases",
        data={"csrf": "x" * 43, "age": "13"},
        headers={"origin": "https://elsewhere.example"},
    )
    assert r.status_code == 403
    assert 'value="13"' not in r.text and "This form has expired" in r.text


def test_signing_out_by_a_link_asks_once(client: TestClient) -> None:
    r = client.get("/app/signout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/app/signin?out=1"
    sign_in(client, "e2e-hc")
    r = client.get("/app/signout")
    assert r.status_code == 200
    assert 'id="signout-confirm"' in r.text
    assert client.get("/app/inbox", follow_redirects=False).status_code == 200  # still in
    token = CSRF.search(r.text)
    assert token
    r = client.post("/app/signout", data={"csrf": token.group(1)}, follow_redirects=False)
    assert r.headers["location"] == "/app/signin?out=1"
    assert client.get("/app/inbox", follow_redirects=False).status_code == 303

"""The web app over HTTP, in process (no browser needed): sessions, CSRF, the same
access rules as the API, the access log, and the Khmer catalogue."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import api_routes
from api.web.i18n import MESSAGES, STATUSES, STEPS, t
from referral_graph.bootstrap import Runtime
from referral_graph.store.port import AccessQuery, Page
from tests.e2e.server_app import PASSWORD, ShiftableClock, build

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
KHMER = re.compile(r"[\u1780-\u17FF]")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, Runtime, ShiftableClock]:
    return build(Path(tmp_path_factory.mktemp("web")))


@pytest.fixture
def anon(site: tuple[FastAPI, Runtime, ShiftableClock]) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as client:
        yield client


def csrf_of(client: TestClient, path: str = "/app/signin") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, path
    return found.group(1)


def sign_in(client: TestClient, username: str) -> TestClient:
    token = csrf_of(client)
    r = client.post(
        "/app/signin",
        data={"csrf": token, "username": username, "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


def open_case(client: TestClient, **overrides: object) -> str:
    form: dict[str, object] = {
        "csrf": csrf_of(client, "/app/cases"),
        "consent_given_by": "child",
        "consent_recorded_by": "e2e-ccwc",
        "consent_confirm": "yes",
        "age": "16",
        "gender": "male",
        "risk": "medium",
        "needs": ["psychological_first_aid"],
        "language": "khm",
        "village_code": "17010102",
        **overrides,
    }
    r = client.post("/app/cases", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    found = re.search(r"/app/cases/(case_\w+)", r.headers["location"])
    assert found
    return found.group(1)


def refer(client: TestClient, case_id: str, to: str = "hc-170101") -> None:
    page = client.get(f"/app/cases/{case_id}").text
    pick = re.search(rf'name="pick" value="(\d+\|\w+\|{re.escape(to)})"', page)
    assert pick, f"{to} is not recommended"
    token = CSRF.search(page)
    assert token
    r = client.post(
        f"/app/cases/{case_id}/referrals",
        data={"csrf": token.group(1), "pick": pick.group(1), "reason": ""},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def test_sign_in_sets_a_strict_http_only_session(anon: TestClient) -> None:
    token = csrf_of(anon)
    r = anon.post(
        "/app/signin",
        data={"csrf": token, "username": "e2e-hc", "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/app/queue"  # the first screen: who waits on me (#17)
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("rg_session="))
    assert "HttpOnly" in session
    assert "SameSite=Strict" in session
    assert "Path=/app" in session
    assert anon.get("/app/inbox").status_code == 200


def test_wrong_password_is_refused(anon: TestClient) -> None:
    r = anon.post(
        "/app/signin",
        data={"csrf": csrf_of(anon), "username": "e2e-hc", "password": "not-it-at-all"},
    )
    assert r.status_code == 401
    assert "Wrong username or password." in r.text


def test_pages_need_a_session(anon: TestClient) -> None:
    r = anon.get("/app/inbox", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/app/signin?next=/app/inbox"


def test_a_post_without_the_csrf_token_is_refused(anon: TestClient) -> None:
    sign_in(anon, "e2e-ccwc")
    r = anon.post("/app/cases", data={"age": "12"}, follow_redirects=False)
    assert r.status_code == 200  # the form again, refilled: nothing written
    assert "This form had expired, so nothing was saved." in r.text  # the form, refilled
    assert 'name="age" type="number" inputmode="numeric" min="0" max="24" value="12"' in r.text
    # a token that is not the cookie's is refused the same way: the form again, unsent
    r = anon.post("/app/cases", data={"csrf": "x" * 43, "age": "12"}, follow_redirects=False)
    assert r.status_code == 200 and "This form had expired, so nothing was saved." in r.text


def test_a_post_from_another_site_is_refused(anon: TestClient) -> None:
    sign_in(anon, "e2e-ccwc")
    token = csrf_of(anon, "/app/cases")
    r = anon.post(
        "/app/signout",
        data={"csrf": token},
        headers={"origin": "https://elsewhere.example"},
        follow_redirects=False,
    )
    assert r.status_code == 403


def test_consent_is_required_to_open_a_case(anon: TestClient) -> None:
    sign_in(anon, "e2e-ccwc")
    r = anon.post(
        "/app/cases",
        data={
            "csrf": csrf_of(anon, "/app/cases"),
            "age": "12",
            "gender": "female",
            "risk": "low",
            "needs": ["counselling"],
            "village_code": "17010101",
        },
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert "Please correct the marked fields." in r.text
    assert r.text.count('aria-invalid="true"') >= 2


def test_another_communes_case_is_not_found(
    site: tuple[FastAPI, Runtime, ShiftableClock],
) -> None:
    with TestClient(site[0]) as mine, TestClient(site[0]) as theirs:
        case_id = open_case(sign_in(mine, "e2e-ccwc"))
        sign_in(theirs, "e2e-ccwc-other")
        assert theirs.get(f"/app/cases/{case_id}").status_code == 404
        token = csrf_of(theirs, "/app/cases")
        r = theirs.post(
            f"/app/cases/{case_id}/referrals",
            data={"csrf": token, "pick": "1|counselling|hc-170101"},
        )
        assert r.status_code == 404
        # the health centre sees it only once it is referred there
        with TestClient(site[0]) as hc:
            sign_in(hc, "e2e-hc")
            assert hc.get(f"/app/cases/{case_id}").status_code == 404
            refer(mine, case_id)
            assert hc.get(f"/app/cases/{case_id}").status_code == 200


def test_the_ccwc_home_lists_its_open_cases_referred_or_not(
    site: tuple[FastAPI, Runtime, ShiftableClock],
) -> None:
    with TestClient(site[0]) as mine, TestClient(site[0]) as theirs:
        case_id = open_case(sign_in(mine, "e2e-ccwc"))
        opened = site[1].store.read(lambda tx: tx.get_case(case_id))
        assert opened is not None
        code = opened.code
        home = mine.get("/app/cases").text
        assert f"/app/cases/{case_id}" in home and code in home
        listed = home[home.index(f"/app/cases/{case_id}") :]
        assert "Not referred yet." in listed[: listed.index("</li>")]
        refer(mine, case_id)
        listed = mine.get("/app/cases").text
        listed = listed[listed.index(f"/app/cases/{case_id}") :]
        assert "Waiting for acknowledgement" in listed[: listed.index("</li>")]
        assert (
            f"/app/cases/{case_id}" not in sign_in(theirs, "e2e-ccwc-other").get("/app/cases").text
        )


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("e2e-hc", "/app/dashboard"),
        ("e2e-hc", "/app/cases"),
        ("e2e-coord", "/app/cases"),
        ("e2e-coord", "/app/inbox"),
        ("e2e-admin", "/app/inbox"),
        ("e2e-ccwc", "/app/report?area=17&month=2026-01"),
    ],
)
def test_roles_are_those_of_the_api(anon: TestClient, username: str, path: str) -> None:
    sign_in(anon, username)
    r = anon.get(path)
    assert r.status_code == 403
    assert "Your account may not do this." in r.text


def test_only_the_receiver_takes_the_receivers_steps(
    site: tuple[FastAPI, Runtime, ShiftableClock],
) -> None:
    app, runtime, _ = site
    with TestClient(app) as ccwc, TestClient(app) as hc:
        case_id = open_case(sign_in(ccwc, "e2e-ccwc"))
        refer(ccwc, case_id)
        referral = runtime.store.read(lambda tx: tx.case_referrals(case_id))[0]
        token = csrf_of(ccwc, "/app/cases")
        r = ccwc.post(
            f"/app/referrals/{referral.id}/step", data={"csrf": token, "status": "received"}
        )
        assert r.status_code == 403
        sign_in(hc, "e2e-hc")
        token = csrf_of(hc, "/app/inbox")
        r = hc.post(
            f"/app/referrals/{referral.id}/step",
            data={"csrf": token, "status": "received", "expected_version": "1"},
            headers={"hx-request": "true"},
        )
        assert r.status_code == 200
        assert r.text.lstrip().startswith(f'<li id="ref-{referral.id}"')
        assert "Saved: Acknowledged." in r.text
        # the same step again, on a stale version: told someone else was first
        r = hc.post(
            f"/app/referrals/{referral.id}/step",
            data={"csrf": token, "status": "received", "expected_version": "1"},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert "err=err_conflict" in r.headers["location"]
        # declining needs a reason
        r = hc.post(
            f"/app/referrals/{referral.id}/step",
            data={"csrf": token, "status": "rejected", "reason": "  "},
            follow_redirects=False,
        )
        assert "err=err_reason" in r.headers["location"]


def test_reads_and_writes_are_in_the_access_log(
    site: tuple[FastAPI, Runtime, ShiftableClock],
) -> None:
    app, runtime, _ = site
    with TestClient(app) as ccwc:
        case_id = open_case(sign_in(ccwc, "e2e-ccwc"))
        ccwc.get(f"/app/cases/{case_id}")
    runtime.write_behind.flush()  # reads are appended in batches, off the request's path
    log = runtime.store.read(
        lambda tx: tx.list_access(AccessQuery(object_id=case_id), Page(limit=50))
    ).items
    actions = {(a.action, a.username) for a in log}
    assert ("write", "e2e-ccwc") in actions
    assert ("read", "e2e-ccwc") in actions


def test_the_session_is_renewed_with_the_refresh_token(
    site: tuple[FastAPI, Runtime, ShiftableClock],
) -> None:
    app, runtime, clock = site
    with TestClient(app) as hc:
        # signed in long enough ago for the access token to have expired by now
        clock.offset = -timedelta(minutes=runtime.settings.access_token_minutes + 5)
        try:
            sign_in(hc, "e2e-hc")
        finally:
            clock.offset = timedelta()
        r = hc.get("/app/inbox", follow_redirects=False)
        assert r.status_code == 200
        assert any(c.startswith("rg_session=") for c in r.headers.get_list("set-cookie"))


def test_signing_out_ends_the_session(site: tuple[FastAPI, Runtime, ShiftableClock]) -> None:
    with TestClient(site[0]) as hc:
        sign_in(hc, "e2e-hc")
        session = hc.cookies.get("rg_session")
        r = hc.post("/app/signout", data={"csrf": csrf_of(hc, "/app/inbox")})
        assert "You are signed out." in r.text
        assert session
        hc.cookies.set("rg_session", session, path="/app")
        assert hc.get("/app/inbox", follow_redirects=False).status_code == 303


def test_redirects_after_sign_in_stay_in_the_app(anon: TestClient) -> None:
    token = csrf_of(anon)
    r = anon.post(
        "/app/signin",
        data={
            "csrf": token,
            "username": "e2e-hc",
            "password": PASSWORD,
            "next": "//elsewhere.example/app/x",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/app/queue"


def test_pages_in_khmer(anon: TestClient) -> None:
    anon.get("/app/lang/km?next=/app/signin")
    page = anon.get("/app/signin").text
    assert '<html lang="km">' in page
    assert "ចូលប្រើបណ្ដាញបញ្ជូនករណី" in page
    sign_in(anon, "e2e-coord")
    page = anon.get("/app/dashboard").text
    assert "ការបញ្ជូនហួសកាលកំណត់" in page
    assert "<svg" in page


def test_coordinators_report_stays_in_their_area(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord-rtk")
    assert anon.get("/app/report?area=17&month=2026-01").status_code == 403
    r = anon.get("/app/report?area=16&month=2026-01")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")


def test_the_web_app_adds_nothing_to_the_api_route_table(
    site: tuple[FastAPI, Runtime, ShiftableClock],
) -> None:
    paths = {route.path for route in api_routes(site[0].routes)}
    assert not any(p.startswith("/app") for p in paths)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_khmer_with_the_same_fields() -> None:
    for key, (en, km) in MESSAGES.items():
        assert KHMER.search(km), key
        assert _fields(en) == _fields(km), key
        assert t(key, "km", **dict.fromkeys(_fields(km), 1)), key


def test_every_status_has_khmer() -> None:
    for table in (STATUSES, STEPS):
        assert all(KHMER.search(km) for _, km in table.values())


def test_the_sender_cancels_from_the_case_page(
    site: tuple[FastAPI, Runtime, ShiftableClock],
) -> None:
    with TestClient(site[0]) as ccwc:
        case_id = open_case(sign_in(ccwc, "e2e-ccwc"))
        refer(ccwc, case_id)
        page = ccwc.get(f"/app/cases/{case_id}").text
        assert 'data-step="cancelled"' in page
        assert "hx-post" not in page  # the case page posts plain forms
        found = re.search(r'action="/app/referrals/(ref_\w+)/step"', page)
        token = CSRF.search(page)
        assert found and token
        r = ccwc.post(
            f"/app/referrals/{found.group(1)}/step",
            data={
                "csrf": token.group(1),
                "status": "cancelled",
                "reason_code": "child_moved",
                "reason": "The family moved away",
                "next": f"/app/cases/{case_id}",
            },
        )
        assert r.status_code == 200
        assert "Saved: Cancelled." in r.text
        assert "Cancelled: the child moved away · The family moved away" in r.text

"""The administrator's directory and account pages, and the coordinator's network graph
and coverage pages, in process: the API's access rules, CSRF, forms that come back
with their mistakes marked (never a 500), and the graph's JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from referral_graph.bootstrap import Runtime
from referral_graph.store.port import Page, PathwayQuery
from tests.e2e.server_app import HEALTH_CENTRE, ShiftableClock, build
from tests.e2e.test_web_pages import KHMER, csrf_of, sign_in

Site = tuple[FastAPI, Runtime, ShiftableClock]

PROVIDER_FORM: dict[str, object] = {
    "name": "E2E Counselling Point",
    "name_km": "ចំណុចប្រឹក្សា",
    "kind": "ngo_counsellor",
    "area_code": "170101",
    "services": ["counselling", "phone_counselling"],
    "modes": ["in_person", "phone"],
    "min_age": "10",
    "max_age": "24",
    "genders": ["female", "male"],
    "lgbtiq_affirming": "yes",
    "languages": ["khm", "eng"],
    "weekly_capacity": "12",
    "always_open": "yes",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(Path(tmp_path_factory.mktemp("web-admin")))


@pytest.fixture
def anon(site: Site) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as client:
        yield client


def _post(client: TestClient, path: str, form: Mapping[str, object], page: str = "") -> object:
    data = {"csrf": csrf_of(client, page or path), **form}
    return client.post(path, data=data, follow_redirects=False)


# --- who may ---------------------------------------------------------------------------
ADMIN_PAGES = ("/app/admin/providers", "/app/admin/providers/new", "/app/admin/users")
COORDINATOR_PAGES = ("/app/network", "/app/network/data", "/app/coverage")


@pytest.mark.parametrize("username", ["e2e-ccwc", "e2e-hc", "e2e-coord"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(anon: TestClient, username: str, path: str) -> None:
    sign_in(anon, username)
    assert anon.get(path).status_code == 403


@pytest.mark.parametrize("username", ["e2e-ccwc", "e2e-hc", "e2e-admin"])
@pytest.mark.parametrize("path", COORDINATOR_PAGES)
def test_network_pages_are_for_coordinators(anon: TestClient, username: str, path: str) -> None:
    sign_in(anon, username)
    assert anon.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES + COORDINATOR_PAGES)
def test_the_new_pages_need_a_session(anon: TestClient, path: str) -> None:
    r = anon.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/app/signin?next=")


def test_admin_writes_need_the_csrf_token(anon: TestClient) -> None:
    sign_in(anon, "e2e-admin")
    r = anon.post("/app/admin/providers/new", data=PROVIDER_FORM, follow_redirects=False)
    assert r.status_code == 403
    r = anon.post("/app/admin/users", data={"username": "x"}, follow_redirects=False)
    assert r.status_code == 403


# --- providers -------------------------------------------------------------------------
def test_admin_lists_and_searches_providers(anon: TestClient) -> None:
    sign_in(anon, "e2e-admin")
    r = anon.get("/app/admin/providers", params={"q": HEALTH_CENTRE})
    assert r.status_code == 200
    assert f"/app/admin/providers/{HEALTH_CENTRE}" in r.text
    r = anon.get("/app/admin/providers", params={"area": "16", "q": HEALTH_CENTRE})
    assert f"/app/admin/providers/{HEALTH_CENTRE}" not in r.text


def test_admin_creates_edits_and_deactivates_a_provider(anon: TestClient, site: Site) -> None:
    sign_in(anon, "e2e-admin")
    r = _post(anon, "/app/admin/providers/new", PROVIDER_FORM)
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    location = r.headers["location"]  # type: ignore[attr-defined]
    pid = re.search(r"/app/admin/providers/(prv_\w+)", location)
    assert pid
    provider = site[1].store.read(lambda tx: tx.get_provider(pid.group(1)))
    assert provider is not None
    assert provider.hours.always_open
    assert provider.eligibility.lgbtiq_affirming
    assert provider.eligibility.min_age == 10
    assert provider.weekly_capacity == 12
    page = anon.get(location).text
    assert "E2E Counselling Point" in page
    version = re.search(r'name="expected_version" value="(\d+)"', page)
    assert version
    edited = {**PROVIDER_FORM, "name": "E2E Counselling Point 2", "always_open": ""}
    path = f"/app/admin/providers/{pid.group(1)}"
    r = _post(anon, path, {**edited, "expected_version": version.group(1)})
    assert r.status_code == 303  # type: ignore[attr-defined]
    provider = site[1].store.read(lambda tx: tx.get_provider(pid.group(1)))
    assert provider is not None
    assert provider.name == "E2E Counselling Point 2"
    assert not provider.hours.always_open
    # a stale version comes back with the form as it stands now
    r = _post(anon, path, {**edited, "expected_version": version.group(1)})
    assert r.status_code == 409  # type: ignore[attr-defined]
    assert "Someone changed this provider first" in r.text  # type: ignore[attr-defined]
    r = _post(anon, path + "/deactivate", {}, page=path)
    assert r.status_code == 303  # type: ignore[attr-defined]
    provider = site[1].store.read(lambda tx: tx.get_provider(pid.group(1)))
    assert provider is not None
    assert not provider.active


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Required."),
        ({"services": []}, "services", "Tick at least one."),
        ({"area_code": "99"}, "area_code", "Not valid."),
        ({"area_code": "1x"}, "area_code", "Not a known area code."),
        ({"min_age": "abc"}, "min_age", "A whole number."),
        ({"min_age": "20", "max_age": "12"}, "max_age", "Not valid."),
        ({"min_age": "130"}, "min_age", "Not valid."),
        ({"kind": "wizard"}, "kind", "Not valid."),
        ({"services": ["counselling", "nonsense"]}, "services", "Not valid."),
        ({"weekly_capacity": "9999999"}, "weekly_capacity", "Not valid."),
    ],
)
def test_provider_form_errors_are_shown_next_to_the_field(
    anon: TestClient, change: dict[str, object], field: str, message: str
) -> None:
    sign_in(anon, "e2e-admin")
    r = _post(anon, "/app/admin/providers/new", {**PROVIDER_FORM, **change})
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    text: str = r.text  # type: ignore[attr-defined]
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in text
    assert f'aria-describedby="{field}-error"' in text


def test_admin_lists_and_adds_pathways(anon: TestClient, site: Site) -> None:
    sign_in(anon, "e2e-admin")
    path = "/app/admin/providers/ccwc-170101"
    page = anon.get(path).text
    assert "Refers to" in page
    add = path + "/pathways"
    r = _post(anon, add, {"to_provider_id": "nobody", "service": "counselling"}, page=path)
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "No provider has this id." in r.text  # type: ignore[attr-defined]
    # the health centre does not offer legal aid
    r = _post(anon, add, {"to_provider_id": HEALTH_CENTRE, "service": "legal_aid"}, page=path)
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert 'id="service-error"' in r.text  # type: ignore[attr-defined]
    r = _post(anon, add, {"to_provider_id": "", "service": ""}, page=path)
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert 'id="to_provider_id-error">Required.' in r.text  # type: ignore[attr-defined]
    before = site[1].store.read(
        lambda tx: tx.list_pathways(PathwayQuery(from_provider_id="ccwc-170101"), Page()).count
    )
    r = _post(anon, add, {"to_provider_id": HEALTH_CENTRE, "service": "medical_care"}, page=path)
    assert r.status_code == 303  # type: ignore[attr-defined]
    after = site[1].store.read(
        lambda tx: tx.list_pathways(PathwayQuery(from_provider_id="ccwc-170101"), Page()).count
    )
    assert after == before + 1


# --- users -----------------------------------------------------------------------------
def test_admin_creates_and_deactivates_a_user(anon: TestClient, site: Site) -> None:
    sign_in(anon, "e2e-admin")
    page = anon.get("/app/admin/users")
    assert page.status_code == 200
    assert "e2e-coord" in page.text
    form = {
        "username": "new-coord",
        "password": "long-enough-1",
        "role": "coordinator",
        "area_code": "1701",
    }
    r = _post(anon, "/app/admin/users", form)
    assert r.status_code == 303  # type: ignore[attr-defined]
    user = site[1].store.read(lambda tx: tx.get_user_by_username("new-coord"))
    assert user is not None
    assert user.area_code == "1701"
    assert user.active
    r = _post(anon, "/app/admin/users", form)
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert 'id="username-error">This username is taken.' in r.text  # type: ignore[attr-defined]
    r = _post(anon, f"/app/admin/users/{user.id}/deactivate", {}, page="/app/admin/users")
    assert r.status_code == 303  # type: ignore[attr-defined]
    user = site[1].store.read(lambda tx: tx.get_user_by_username("new-coord"))
    assert user is not None
    assert not user.active


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password": "short"}, "password", "At least 10 characters."),
        ({"role": ""}, "role", "Required."),
        ({"role": "provider", "provider_id": ""}, "provider_id", "This role needs a provider."),
        ({"role": "provider", "provider_id": "nobody"}, "provider_id", "No provider has this id."),
        ({"area_code": ""}, "area_code", "A coordinator needs an area."),
        ({"area_code": "179999"}, "area_code", "Not a known area code."),
        ({"area_code": "17x"}, "area_code", "Not valid."),
        ({"username": "Bad Name!"}, "username", "Not valid."),
    ],
)
def test_user_form_errors_are_shown_next_to_the_field(
    anon: TestClient, change: dict[str, object], field: str, message: str
) -> None:
    sign_in(anon, "e2e-admin")
    form = {
        "username": "err-user",
        "password": "long-enough-1",
        "role": "coordinator",
        "area_code": "17",
        **change,
    }
    r = _post(anon, "/app/admin/users", form)
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    text: str = r.text  # type: ignore[attr-defined]
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in text


def test_admin_pages_in_khmer(anon: TestClient) -> None:
    sign_in(anon, "e2e-admin")
    anon.get("/app/lang/km")
    for path in ("/app/admin/providers", "/app/admin/providers/hc-170101", "/app/admin/users"):
        r = anon.get(path)
        assert r.status_code == 200
        assert 'lang="km"' in r.text
        assert KHMER.search(r.text)


# --- network and coverage -----------------------------------------------------------------
def test_coordinator_sees_the_network_of_their_area(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    r = anon.get("/app/network")
    assert r.status_code == 200
    assert 'id="network-graph"' in r.text
    assert "cytoscape" not in r.text  # drawn from the page itself: no graph library
    assert '<table class="edges">' in r.text
    assert 'class="net-district"' in r.text and 'class="net-commune"' in r.text
    data = anon.get("/app/network/data", params={"area": "17"}).json()
    ids = {n["id"] for n in data["nodes"]}
    assert "ccwc-170101" in ids
    assert HEALTH_CENTRE in ids
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    assert len(ids) <= 300
    measured = [
        e for e in data["edges"] if e["source"] == "ccwc-170101" and e["target"] == HEALTH_CENTRE
    ]
    assert measured, "the seeded hop's edge"
    assert measured[0]["band"] in ("ok", "soon", "late")
    assert measured[0]["median_hours"] == pytest.approx(2.0, abs=0.01)
    assert measured[0]["referrals"] >= 1
    later = anon.get("/app/network/data", params={"area": "17", "step": "first_contact"}).json()
    first = next(e for e in later["edges"] if e["id"] == measured[0]["id"])
    assert first["median_hours"] == pytest.approx(20.0, abs=0.01)


def test_the_network_filters_by_district_and_service(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    whole = anon.get("/app/network/data", params={"area": "17"}).json()
    one = anon.get("/app/network/data", params={"area": "17", "district": "1701"}).json()
    assert 0 < len(one["nodes"]) < len(whole["nodes"])
    ids = {n["id"] for n in one["nodes"]}
    assert {"ccwc-170101", "rh-1701", "police-1701"} <= ids
    assert not ids & {"ccwc-170201", "prh-17", "dosvy-1702"}
    r = anon.get("/app/network", params={"area": "17", "district": "1701"})
    assert r.status_code == 200
    assert 'data-area="1702"' not in r.text and 'data-area="1701"' in r.text
    pfa = anon.get(
        "/app/network/data", params={"area": "17", "service": "psychological_first_aid"}
    ).json()
    assert pfa["edges"] and len(pfa["edges"]) < len(whole["edges"])
    assert all(len(e["services"]) == 1 for e in pfa["edges"] if e["pathway"])
    assert len({e["services"][0] for e in pfa["edges"] if e["pathway"]}) == 1
    bad = anon.get("/app/network", params={"area": "17", "service": "magic"})
    assert bad.status_code == 422
    assert anon.get("/app/network", params={"area": "17", "district": "1601"}).status_code == 422


def test_a_provider_and_a_link_have_their_details(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    r = anon.get(f"/app/network/provider/{HEALTH_CENTRE}", params={"area": "17"})
    assert r.status_code == 200
    assert "Char Chhuk Health Centre" in r.text
    assert "Open handoffs" in r.text and "Refers to" in r.text
    assert 'class="menu"' in r.text  # a whole page without JavaScript
    panel = anon.get(f"/app/network/provider/{HEALTH_CENTRE}", params={"area": "17", "panel": "1"})
    assert panel.status_code == 200
    assert "<html" not in panel.text and "Open handoffs" in panel.text
    link = anon.get(
        "/app/network/link",
        params={"area": "17", "source": "ccwc-170101", "target": HEALTH_CENTRE},
    )
    assert link.status_code == 200
    assert "Within the deadline" in link.text
    # the seeded hop: acknowledged after 2 h, first contact after 20 h
    assert "2 h" in link.text and "20 h" in link.text
    assert anon.get("/app/network/provider/hc-160201", params={"area": "17"}).status_code == 404
    gone = anon.get("/app/network/link", params={"area": "17", "source": "x", "target": "y"})
    assert gone.status_code == 404
    anon.get("/app/lang/km")
    km = anon.get(f"/app/network/provider/{HEALTH_CENTRE}", params={"area": "17"})
    assert "មណ្ឌលសុខភាពចារឈូក" in km.text and "ការបញ្ជូនកំពុងរង់ចាំ" in km.text


def test_a_coordinator_outside_their_area_is_refused(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord-rtk")  # Ratanakiri (16)
    assert anon.get("/app/network", params={"area": "17"}).status_code == 403
    assert anon.get("/app/network/data", params={"area": "1701"}).status_code == 403
    assert anon.get("/app/coverage", params={"area": "17"}).status_code == 403
    r = anon.get("/app/network")
    assert r.status_code == 200
    data = anon.get("/app/network/data").json()
    assert data["area"] == "16"
    assert all(not n["id"].endswith("170101") for n in data["nodes"])


def test_bad_area_codes_are_not_a_500(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    assert anon.get("/app/network", params={"area": "abc"}).status_code == 422
    assert anon.get("/app/coverage", params={"area": "1799"}).status_code in (403, 422)


def test_coverage_by_commune(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    r = anon.get("/app/coverage", params={"area": "1701"})
    assert r.status_code == 200
    assert "170101" in r.text
    assert re.search(r'class="r-cell r-(in_person|phone|online|none)"', r.text)
    anon.get("/app/lang/km")
    r = anon.get("/app/coverage", params={"area": "1701"})
    assert "ឃុំ/សង្កាត់" in r.text
    r = anon.get("/app/network", params={"area": "1701"})
    assert "បណ្ដាញ" in r.text

"""Meetings over HTTP, signed in for real: a coordinator plans, edits, runs and closes a
meeting; its owner reports an action done; an administrator confirms an agreed pathway;
the pack in every format; and every refusal is a problem naming the field."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from tests.api.test_referral_journey import assert_problem
from tests.audit.conftest import NOW, build_history
from tests.factories import FakeClock

PASSWORD = "correct horse battery"
ACCOUNTS = {
    "coord": (Role.COORDINATOR, None, "17"),
    "coord19": (Role.COORDINATOR, None, "19"),
    "nurse": (Role.PROVIDER, "hc-a", None),
    "ccwc": (Role.CCWC, "ccwc-a", None),
    "tpo": (Role.PROVIDER, "tpo-a", None),
    "admin": (Role.ADMIN, None, None),
}


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def as_(self, who: str) -> dict[str, str]:
        if who not in self.tokens:
            r = self.client.post("/api/v1/auth/token", data={"username": who, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[who] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, who: str, url: str) -> Any:
        return self.client.get(url, headers=self.as_(who))

    def post(self, who: str, url: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(url, json=body, headers={**self.as_(who), **headers})

    def put(self, who: str, url: str, body: Any) -> Any:
        return self.client.put(url, json=body, headers=self.as_(who))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One history and its accounts for the module (each test opens its own meetings)."""
    store = SqliteStore(tmp_path_factory.mktemp("meetings-api") / "api.sqlite3")
    store.initialise()
    build_history(store)
    for name, (role, provider, area) in ACCOUNTS.items():
        new = NewUser(
            username=name, password=PASSWORD, role=role, provider_id=provider, area_code=area
        )
        create_user(Caller.system(store, NOW), new)
    settings = Settings(seed_on_start=False, rate_limit_per_minute=0, tick_seconds=0)
    runtime = Runtime(settings=settings, store=store, clock=FakeClock(NOW))
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield Api(client)
    store.close()


def _open(api: Api, **extra: Any) -> dict[str, Any]:
    body = {"area_code": "1701", "held_on": "2026-03-20", "place": "District hall", **extra}
    r = api.post("coord", "/api/v1/meetings", body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_a_meeting_from_plan_to_pack(api: Api) -> None:
    preview = api.get("coord", "/api/v1/meetings/agenda?area=1701&date=2026-03-20")
    assert preview.status_code == 200, preview.text
    previewed = [i["id"] for i in preview.json()["items"]]
    assert previewed[:2] == ["overdue:ccwc-a", "overdue:hc-a"]
    assert "gap:legal_aid" in previewed, "coverage comes through the routing engine"

    meeting = _open(api)
    assert [i["id"] for i in meeting["agenda"]] == previewed
    url = f"/api/v1/meetings/{meeting['id']}"
    assert api.get("coord", url).json() == meeting
    listed = api.get("coord", "/api/v1/meetings?area=1701").json()
    assert meeting["id"] in [m["id"] for m in listed["data"]] and listed["count"] >= 1
    assert api.get("coord19", "/api/v1/meetings").json()["count"] == 0

    keep = [{"id": i} for i in previewed[:3]] + [{"text": "Welcome the new DoSVY social worker"}]
    edited = api.put("coord", f"{url}/agenda", {"version": 1, "items": keep})
    assert edited.status_code == 200, edited.text
    assert sum(not i["dropped"] for i in edited.json()["agenda"]) == 4
    refreshed = api.post("coord", f"{url}/agenda/refresh", {"version": 2})
    assert refreshed.status_code == 200 and refreshed.json()["version"] == 3
    patched = api.client.patch(
        url, json={"version": 3, "chaired_by": "Ms Sophea"}, headers=api.as_("coord")
    )
    assert patched.status_code == 200 and patched.json()["chaired_by"] == "Ms Sophea"
    present = api.put("coord", f"{url}/attendance", {"version": 4, "present": ["hc-a", "tpo-a"]})
    assert {p["provider_id"]: p["present"] for p in present.json()["participants"]} == {
        "ccwc-a": False,
        "girls-only": False,
        "hc-a": True,
        "tpo-a": True,
    }
    added = api.post(
        "coord",
        f"{url}/actions",
        {
            "actions": [
                {
                    "item_id": "overdue:hc-a",
                    "text": "Decide on F's referral today",
                    "owner_provider_id": "hc-a",
                    "due_on": "2026-03-21",
                }
            ]
        },
    )
    assert added.status_code == 201, added.text
    closing = {
        "version": 5,
        "actions": [
            {
                "item_id": "pathway:hc-a>ccwc-a:case_management",
                "text": "Agree case management back to the CCWC",
                "owner_provider_id": "ccwc-a",
                "due_on": "2026-04-20",
                "pathway": {
                    "from_provider_id": "hc-a",
                    "to_provider_id": "ccwc-a",
                    "service": "case_management",
                },
            }
        ],
    }
    closed = api.post("coord", f"{url}/close", closing, **{"Idempotency-Key": "close-1"})
    assert closed.status_code == 200, closed.text
    again = api.post("coord", f"{url}/close", closing, **{"Idempotency-Key": "close-1"})
    assert again.json() == closed.json() and again.headers["Idempotency-Replayed"] == "true"
    assert closed.json()["status"] == "closed"

    # The owner sees its action and reports it done; the coordinator's list has both.
    mine = api.get("nurse", "/api/v1/meeting-actions/mine").json()
    assert [m["action"]["text"] for m in mine] == ["Decide on F's referral today"]
    assert mine[0]["overdue"] and mine[0]["owner"] == "Test hc-a"  # due 21 March
    action_id = mine[0]["action"]["id"]
    done = api.post("nurse", f"/api/v1/meeting-actions/{action_id}/status", {"status": "done"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api.get("tpo", f"/api/v1/meeting-actions/{action_id}").status_code == 404
    assert (
        api.get("coord", f"/api/v1/meeting-actions?meeting_id={meeting['id']}").json()["count"] == 2
    )

    # The administrator confirms the agreed pathway into the directory.
    (waiting,) = api.get("admin", "/api/v1/meeting-actions/mine").json()
    confirmed = api.post(
        "admin", f"/api/v1/meeting-actions/{waiting['action']['id']}/confirm-pathway"
    )
    assert confirmed.status_code == 200, confirmed.text
    pathway_id = confirmed.json()["pathway"]["pathway_id"]
    assert api.get("admin", f"/api/v1/pathways/{pathway_id}").json()["service"] == "case_management"

    # The pack: JSON, CSV and a printable page, in both languages.
    pack = api.get("coord", f"{url}/pack").json()
    assert pack["report"]["month"] == "2026-02" and pack["status"] == "closed"
    assert [len(e["actions"]) for e in pack["agenda"] if e["actions"]] == [1]
    table = api.get("coord", f"{url}/pack?format=csv&lang=km")
    assert table.headers["content-type"].startswith("text/csv")
    assert "meeting-pack-1701-2026-03-20-km.csv" in table.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert any(r["section"] == "actions" for r in rows)
    page = api.get("coord", f"{url}/pack?format=html&lang=km&month=2026-03")
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="km">' in page.text and "របៀបវារៈ" in page.text


@pytest.mark.parametrize(
    ("who", "method", "url", "body", "status", "field"),
    [
        (
            "coord",
            "POST",
            "/api/v1/meetings",
            {"area_code": "1", "held_on": "2026-03-20"},
            422,
            "area_code",
        ),
        (
            "coord",
            "POST",
            "/api/v1/meetings",
            {"area_code": "1701", "held_on": "someday"},
            422,
            "held_on",
        ),
        (
            "coord",
            "POST",
            "/api/v1/meetings",
            {"area_code": "1701", "held_on": "2026-03-20", "level": "commune"},
            422,
            "level",
        ),
        (
            "coord",
            "POST",
            "/api/v1/meetings",
            {"area_code": "1701", "held_on": "2026-03-20", "colour": "red"},
            422,
            "colour",
        ),
        (
            "coord",
            "POST",
            "/api/v1/meetings",
            {"area_code": "1901", "held_on": "2026-03-20"},
            403,
            "area",
        ),
        ("coord19", "GET", "/api/v1/meetings/agenda?area=1701&date=2026-03-20", None, 403, "area"),
        ("coord", "GET", "/api/v1/meetings/agenda?area=1701", None, 422, "date"),
        (
            "coord",
            "GET",
            "/api/v1/meetings/agenda?area=1701&date=2026-03-20&level=weekly",
            None,
            422,
            "level",
        ),
        ("coord", "GET", "/api/v1/meetings/nope", None, 404, None),
        ("coord", "GET", "/api/v1/meeting-actions?status=maybe", None, 422, "status"),
        ("nurse", "GET", "/api/v1/meeting-actions?area=1701", None, 403, "area"),
    ],
)
def test_bad_requests_are_problems_naming_the_field(
    api: Api, who: str, method: str, url: str, body: Any, status: int, field: str | None
) -> None:
    response = api.client.request(method, url, json=body, headers=api.as_(who))
    assert_problem(response, status, field)


def test_bad_changes_to_a_meeting_name_the_field(api: Api) -> None:
    meeting = _open(api)
    url = f"/api/v1/meetings/{meeting['id']}"
    assert_problem(
        api.put("coord", f"{url}/agenda", {"version": 1, "items": [{"id": "x:1"}]}),
        422,
        "items[0].id",
    )
    assert_problem(api.put("coord", f"{url}/agenda", {"version": 1, "items": [{}]}), 422, "items.0")
    assert_problem(api.put("coord", f"{url}/agenda", {"version": 9, "items": []}), 409, "version")
    bad = {
        "version": 1,
        "actions": [{"text": "x", "owner_provider_id": "hc-a", "due_on": "2026-03-01"}],
    }
    assert_problem(api.post("coord", f"{url}/close", bad), 422, "actions[0].due_on")
    assert api.get("coord", url).json()["status"] == "planned", "nothing of it was written"
    drop = {"version": 1, "updates": [{"action_id": "nope", "status": "dropped"}]}
    assert_problem(api.post("coord", f"{url}/close", drop), 404, None)
    assert_problem(api.post("coord19", f"{url}/close", {"version": 1}), 404, None)
    assert_problem(api.get("coord", f"{url}/pack?format=pdf"), 422, "format")


def test_the_routes_are_documented(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    for path, methods in paths.items():
        if "/meeting" not in path:
            continue
        for method, spec in methods.items():
            assert {"401", "403", "422", "503"} <= set(spec["responses"]), (method, path)
    assert (
        "text/csv"
        in paths["/api/v1/meetings/{meeting_id}/pack"]["get"]["responses"]["200"]["content"]
    )

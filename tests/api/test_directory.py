"""The directory over HTTP: filters, pagination, changes, the inbox and pathways."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_referral_journey import assert_problem, open_case, refer
from tests.factories import FakeClock


def ids(response: object) -> list[str]:
    return [p["id"] for p in response.json()["data"]]  # type: ignore[attr-defined]


def test_filters_by_area_at_any_level_service_kind_and_eligibility(client: TestClient) -> None:
    everything = client.get("/api/v1/providers").json()
    assert everything["count"] == 6 and everything["limit"] == 50
    assert "tpo-a" in ids(client.get("/api/v1/providers?area=17010101"))
    assert "helpline" in ids(client.get("/api/v1/providers?area=19"))
    assert ids(client.get("/api/v1/providers?area=19")) == ["helpline"]
    assert ids(client.get("/api/v1/providers?service=shelter")) == ["girls-only"]
    assert ids(client.get("/api/v1/providers?kind=ccwc")) == ["ccwc-a"]
    assert "girls-only" not in ids(client.get("/api/v1/providers?age=15&gender=male"))
    assert "girls-only" in ids(client.get("/api/v1/providers?age=15&gender=female"))
    assert "closed-hc" not in ids(client.get("/api/v1/providers?active=true"))


def test_pagination(client: TestClient) -> None:
    page1 = client.get("/api/v1/providers?limit=4").json()
    page2 = client.get("/api/v1/providers?limit=4&offset=4").json()
    assert page1["count"] == page2["count"] == 6
    assert len(page1["data"]) == 4 and len(page2["data"]) == 2
    assert not {p["id"] for p in page1["data"]} & {p["id"] for p in page2["data"]}
    assert_problem(client.get("/api/v1/providers?limit=0"), 422, "limit")
    assert_problem(client.get("/api/v1/providers?limit=501"), 422, "limit")


def test_create_update_and_deactivate_a_provider(client: TestClient) -> None:
    body = {
        "name": "Srei Snam youth counselling",
        "kind": "ngo_counsellor",
        "area_code": "1712",
        "services": ["counselling"],
        "eligibility": {"min_age": 12, "max_age": 24, "lgbtiq_affirming": True},
        "languages": ["khm"],
    }
    created = client.post("/api/v1/providers", json=body)
    assert created.status_code == 201, created.text
    provider = created.json()
    assert provider["id"].startswith("prv_") and provider["version"] == 1
    changed = client.patch(f"/api/v1/providers/{provider['id']}", json={"weekly_capacity": 12})
    assert changed.json()["weekly_capacity"] == 12 and changed.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/providers/{provider['id']}", json={"weekly_capacity": 3, "expected_version": 1}
    )
    assert_problem(stale, 409)
    bad = client.patch(
        f"/api/v1/providers/{provider['id']}", json={"eligibility": {"min_age": 20, "max_age": 10}}
    )
    assert_problem(bad, 422)
    gone = client.delete(f"/api/v1/providers/{provider['id']}")
    assert gone.status_code == 200 and gone.json()["active"] is False
    assert client.get(f"/api/v1/providers/{provider['id']}").json()["active"] is False
    assert_problem(client.post("/api/v1/providers", json=body | {"id": "hc-a"}), 409, "id")


def test_inbox_lists_waiting_referrals_oldest_first(client: TestClient, clock: FakeClock) -> None:
    made = []
    for _ in range(3):  # three children (one case, one service, one receiver: once, #17)
        made.append(refer(client, open_case(client)["id"]).json()["id"])
        clock.advance(minutes=5)
    client.post(
        f"/api/v1/referrals/{made[1]}/transitions",
        json={"status": "cancelled", "reason": "sent twice"},
    )
    inbox = client.get("/api/v1/providers/hc-a/inbox").json()
    assert [r["id"] for r in inbox["data"]] == [made[0], made[2]]
    closed = client.get("/api/v1/providers/hc-a/inbox?status=cancelled").json()
    assert [r["id"] for r in closed["data"]] == [made[1]]


def test_pathways(client: TestClient) -> None:
    listed = client.get("/api/v1/pathways?from_provider_id=ccwc-a").json()
    assert {p["to_provider_id"] for p in listed["data"]} == {"hc-a", "helpline"}
    new = {"from_provider_id": "ccwc-a", "to_provider_id": "tpo-a", "service": "counselling"}
    created = client.post("/api/v1/pathways", json=new)
    assert created.status_code == 201
    assert client.get(f"/api/v1/pathways/{created.json()['id']}").status_code == 200
    wrong = new | {"service": "shelter"}
    assert_problem(client.post("/api/v1/pathways", json=wrong), 422, "service")
    assert_problem(client.post("/api/v1/pathways", json=new | {"to_provider_id": "zz"}), 404)
    same = new | {"to_provider_id": "ccwc-a"}
    assert_problem(client.post("/api/v1/pathways", json=same), 422)


def test_health_and_openapi_document_problems(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert "422" in operation["responses"], (method, path)
    assert client.get("/docs").status_code == 200


def test_openapi_says_which_operations_need_a_bearer_token(client: TestClient) -> None:
    from api.policy import rule_for

    spec = client.get("/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    secured = public = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            rule = rule_for(method.upper(), path)
            assert rule is not None, (method, path)
            if rule.public:
                public += 1
                assert "security" not in operation, (method, path)
            else:
                secured += 1
                assert operation["security"] == [{"OAuth2PasswordBearer": []}], (method, path)
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
    assert public >= 3 and secured >= 60

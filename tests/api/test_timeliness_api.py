"""Deadlines over HTTP: the policy, overdue lists, alerts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_referral_journey import assert_problem, open_case, refer
from tests.factories import FakeClock


def test_policy_change_applies_to_new_referrals_only(client: TestClient) -> None:
    policy = client.get("/api/v1/sla-policy").json()
    assert policy["deadlines"]["emergency"]["acknowledge"] == {"amount": 1, "unit": "hours"}
    assert "Primero" in policy["sources"]["emergency"]
    case = open_case(client)
    before = refer(client, case["id"]).json()
    policy["deadlines"]["high"]["acknowledge"] = {"amount": 2, "unit": "hours"}
    changed = client.put("/api/v1/sla-policy", json=policy)
    assert changed.status_code == 200, changed.text
    assert changed.json()["policy"]["version"] == policy["version"] + 1
    assert "from now on" in changed.json()["applies_to"]
    after = refer(client, open_case(client)["id"]).json()  # another child (#17: no duplicate)
    assert before["due"]["acknowledge"] == "2026-03-02T05:00:00Z"
    assert after["due"]["acknowledge"] == "2026-03-02T03:00:00Z"
    assert (
        client.get(f"/api/v1/referrals/{before['id']}").json()["referral"]["due"] == before["due"]
    )
    bad = policy | {"deadlines": {"low": policy["deadlines"]["low"]}}
    assert_problem(client.put("/api/v1/sla-policy", json=bad), 422)


def test_overdue_due_soon_and_alerts(client: TestClient, clock: FakeClock) -> None:
    case = open_case(client)
    referral = refer(client, case["id"]).json()
    assert client.get("/api/v1/audit/overdue").json()["count"] == 0
    soon = client.get("/api/v1/audit/due-soon?within_hours=5").json()
    assert [r["id"] for r in soon["data"]] == [referral["id"]]
    clock.advance(hours=4, minutes=1)
    overdue = client.get("/api/v1/audit/overdue?area=1701&risk=high").json()
    assert [r["id"] for r in overdue["data"]] == [referral["id"]]
    assert client.get("/api/v1/audit/overdue?area=19").json()["count"] == 0
    fired = client.post("/api/v1/timeliness/tick").json()["fired"]
    assert sorted(a["kind"] for a in fired) == ["escalation", "reminder"]
    assert client.post("/api/v1/timeliness/tick").json()["fired"] == []
    listed = client.get(f"/api/v1/alerts?referral_id={referral['id']}").json()
    assert listed["count"] == 2
    assert client.get("/api/v1/outbox/dead-letters").json()["count"] == 0
    assert_problem(client.post("/api/v1/outbox/nope/requeue"), 404)
    assert_problem(client.get("/api/v1/audit/overdue?risk=urgent"), 422, "risk")

"""A case's life over HTTP (#17): risk and needs changed with an event on the timeline
and sooner deadlines for open hops; follow-ups; closing with a coded reason, refused
while a need is unmet (409 listing them) unless overridden; reopening; the duplicate
guard (409 naming the open referral) and parallel referrals (422 naming
``parallel_reason``); the reason codes. Every refusal is problem details naming the
field, and leaves nothing half-written."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api.test_referral_journey import assert_problem, open_case, refer, step
from tests.factories import FakeClock


def _close(client: TestClient, case_id: str, **body: Any) -> Any:
    return client.post(f"/api/v1/cases/{case_id}/close", json=body)


def test_risk_rise_brings_open_deadlines_forward_and_is_on_the_timeline(
    client: TestClient, clock: FakeClock
) -> None:
    case = open_case(client, risk="low", needs=["medical_care"])
    made = refer(client, case["id"]).json()
    before = datetime.fromisoformat(made["due"]["acknowledge"])
    changed_at = clock.advance(hours=2)
    response = client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"risk": "emergency", "note": "Threatened by the uncle again"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["risk"] == "emergency"
    event = response.json()["history"][-1]
    assert event["kind"] == "risk_changed" and event["previous_risk"] == "low"

    after = client.get(f"/api/v1/referrals/{made['id']}").json()["referral"]
    acknowledge = datetime.fromisoformat(after["due"]["acknowledge"])
    assert acknowledge == changed_at + timedelta(hours=1) < before
    assert after["risk"] == "emergency"

    timeline = client.get(f"/api/v1/cases/{case['id']}/timeline").json()
    kinds = [e["kind"] for e in timeline["entries"]]
    assert kinds == ["opened", "consent_recorded", "step", "risk_changed"] or kinds == [
        "consent_recorded",
        "opened",
        "step",
        "risk_changed",
    ]
    assert timeline["entries"][-1]["text"] == "Threatened by the uncle again"


def test_changing_needs_asks_why_and_refuses_while_a_referral_waits(client: TestClient) -> None:
    case = open_case(client, needs=["medical_care", "counselling"])
    made = refer(client, case["id"]).json()  # medical care, open
    url = f"/api/v1/cases/{case['id']}"
    assert_problem(client.patch(url, json={"needs": ["medical_care"]}), 422, "set_aside_reason")
    body = {"needs": ["counselling"], "set_aside_reason": "child_declined"}
    conflict = assert_problem(client.patch(url, json=body), 409, "needs")
    assert made["id"] in conflict["detail"]
    assert_problem(client.patch(url, json={"needs": []}), 422, "needs")
    assert_problem(client.patch(url, json={"colour": "red"}), 422, "colour")
    assert_problem(client.patch(url, json={"expected_version": 7, "risk": "low"}), 409)
    assert client.get(url).json()["version"] == case["version"]  # nothing half-written

    ok = client.patch(
        url,
        json={"needs": ["medical_care"], "set_aside_reason": "other", "note": "Met at school"},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["needs"] == ["medical_care"]
    assert ok.json()["history"][-1]["closure_reason"] == "other"
    assert client.patch(url, json={}).json()["version"] == ok.json()["version"]


def test_follow_ups_are_planned_and_recorded(client: TestClient, clock: FakeClock) -> None:
    case = open_case(client)
    url = f"/api/v1/cases/{case['id']}"
    today = (clock() + timedelta(hours=7)).date()  # Phnom Penh
    past = assert_problem(
        client.put(f"{url}/follow-up", json={"on": str(today - timedelta(days=1))}),
        422,
        "follow_up_on",
    )
    assert "today or later" in past["detail"]
    planned = client.put(f"{url}/follow-up", json={"on": str(today + timedelta(days=7))})
    assert planned.status_code == 200 and planned.json()["follow_up_on"] == str(
        today + timedelta(days=7)
    )
    assert_problem(client.post(f"{url}/follow-ups", json={"note": ""}), 422, "note")
    made = client.post(
        f"{url}/follow-ups",
        json={"note": "Back at school, sleeping better", "next_on": str(today + timedelta(30))},
    )
    assert made.status_code == 200, made.text
    assert made.json()["follow_up_on"] == str(today + timedelta(days=30))
    assert [e["kind"] for e in made.json()["history"]] == ["follow_up_set", "followed_up"]


def test_closing_needs_a_reason_and_is_refused_while_a_need_is_unmet(
    client: TestClient, clock: FakeClock
) -> None:
    case = open_case(client, needs=["medical_care", "counselling"])
    made = refer(client, case["id"]).json()
    url = f"/api/v1/cases/{case['id']}"
    assert_problem(_close(client, case["id"]), 422, "reason")
    assert_problem(_close(client, case["id"], reason="lost", outcome="x"), 422, "reason")
    still = assert_problem(
        _close(client, case["id"], reason="needs_met", outcome="Treated"), 409, "status"
    )
    assert "still open" in still["detail"]
    for status, extra in [
        ("received", {}),
        ("accepted", {}),
        ("in_progress", {}),
        ("completed", {"outcome": "Treated"}),
    ]:
        assert step(client, made["id"], status, **extra).status_code == 200

    unmet = assert_problem(
        _close(client, case["id"], reason="needs_met", outcome="Treated"), 409, "override"
    )
    assert unmet["unmet_needs"] == ["counselling"]
    assert client.get(url).json()["status"] == "open"  # nothing half-written
    assert_problem(
        _close(client, case["id"], reason="needs_met", outcome="Treated", override="Why"),
        422,
        "reason",
    )
    clock.advance(hours=1)
    closed = _close(
        client,
        case["id"],
        reason="child_declined",
        outcome="Treated; the family refused counselling",
        override="The family refused counselling twice",
    )
    assert closed.status_code == 200, closed.text
    closure = closed.json()["closure"]
    assert closure["reason"] == "child_declined" and closure["unmet_needs"] == ["counselling"]
    assert_problem(
        _close(client, case["id"], reason="other", outcome="again", override="x"), 409, "status"
    )
    # a closed case takes no referral, no change, no follow-up
    assert_problem(refer(client, case["id"], service="counselling"), 422, "case_id")
    assert_problem(client.patch(url, json={"risk": "low"}), 409, "status")

    assert_problem(client.post(f"{url}/reopen", json={"reason": ""}), 422, "reason")
    clock.advance(days=3)
    reopened = client.post(f"{url}/reopen", json={"reason": "The family asked for help"})
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open" and reopened.json()["closure"] is None
    assert_problem(client.post(f"{url}/reopen", json={"reason": "twice"}), 409, "status")
    kinds = [e["kind"] for e in client.get(f"{url}/timeline").json()["entries"]]
    assert kinds[-2:] == ["closed", "reopened"]


def test_a_duplicate_is_refused_naming_the_open_referral(client: TestClient) -> None:
    case = open_case(client, needs=["counselling"])
    first = refer(client, case["id"], service="counselling").json()
    twice = assert_problem(refer(client, case["id"], service="counselling"), 409, "to_provider_id")
    assert twice["referral_id"] == first["id"] and "waiting since" in twice["detail"]
    parallel = assert_problem(
        refer(client, case["id"], service="counselling", to_provider_id="tpo-a"),
        422,
        "parallel_reason",
    )
    assert first["id"] in parallel["detail"]
    made = refer(
        client,
        case["id"],
        service="counselling",
        to_provider_id="tpo-a",
        parallel_reason="The health centre may take weeks",
    )
    assert made.status_code == 201, made.text
    assert made.json()["parallel_reason"] == "The health centre may take weeks"
    path = client.get(f"/api/v1/cases/{case['id']}/path").json()
    assert len(path["hops"]) == 2  # nothing more was written


def test_reason_codes_name_each_code_in_both_languages(client: TestClient) -> None:
    codes = client.get("/api/v1/reason-codes").json()
    assert set(codes["steps"]) == {"rejected", "failed", "cancelled"}
    rejected = {c["code"]: c for c in codes["steps"]["rejected"]}
    assert rejected["no_capacity"]["en"] == "no counsellor or staff available"
    assert rejected["no_capacity"]["km"] and rejected["no_capacity"]["km"] != "no_capacity"
    assert "other" in rejected
    closure = [c["code"] for c in codes["closure"]]
    assert "needs_met" in closure and "other" in closure
    assert all(c["km"] != c["code"] for c in codes["closure"])


def test_a_decline_takes_a_code_from_the_pick_list(client: TestClient) -> None:
    case = open_case(client)
    made = refer(client, case["id"]).json()
    step(client, made["id"], "received")
    wrong = step(client, made["id"], "rejected", reason_code="child_moved")
    assert_problem(wrong, 422, "reason_code")
    other = step(client, made["id"], "rejected", reason_code="other")
    assert_problem(other, 422, "reason")
    declined = step(client, made["id"], "rejected", reason_code="no_capacity")
    assert declined.status_code == 200, declined.text
    assert declined.json()["referral"]["status_reason_code"] == "no_capacity"

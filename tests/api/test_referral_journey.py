"""A case travels through the network over HTTP, and every wrong turn is refused."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import FakeClock, opening

PROBLEM = "application/problem+json"


def open_case(client: TestClient, **extra: Any) -> dict[str, Any]:
    body = json.loads(opening(**extra).model_dump_json())
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def refer(client: TestClient, case_id: str, **extra: Any) -> Any:
    body = {
        "case_id": case_id,
        "from_provider_id": "ccwc-a",
        "to_provider_id": "hc-a",
        "service": "medical_care",
        "reason": "Injuries; needs a health check.",
    } | extra
    return client.post("/api/v1/referrals", json=body)


def step(client: TestClient, referral_id: str, status: str, **extra: Any) -> Any:
    return client.post(
        f"/api/v1/referrals/{referral_id}/transitions", json={"status": status} | extra
    )


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = dict(response.json())
    assert body["status"] == status and body["title"] and body["detail"]
    if field is not None:
        assert body["field"] == field, body
    return body


def test_a_case_is_referred_onward_and_its_path_shows_every_hop(
    client: TestClient, clock: FakeClock
) -> None:
    case = open_case(client)
    assert case["code"].startswith("KH1701-")
    first = refer(client, case["id"]).json()
    for status, extra, hours in [
        ("received", {}, 0.5),
        ("accepted", {}, 1),
        ("in_progress", {"note": "Seen at the health centre"}, 2),
    ]:
        clock.advance(hours=hours)
        assert step(client, first["id"], status, **extra).status_code == 200
    clock.advance(hours=1)
    onward = refer(
        client,
        case["id"],
        from_provider_id="hc-a",
        to_provider_id="tpo-a",
        service="counselling",
        reason="Needs counselling",
        continues_referral_id=first["id"],
    )
    assert onward.status_code == 201, onward.text
    assert onward.json()["hop"] == 2
    clock.advance(hours=3)
    step(client, first["id"], "completed", outcome="Treated")
    for status in ("received", "accepted"):
        clock.advance(hours=4)
        assert step(client, onward.json()["id"], status).status_code == 200

    path = client.get(f"/api/v1/cases/{case['id']}/path").json()
    hops = path["hops"]
    assert [h["hop"] for h in hops] == [1, 2]
    assert hops[0]["step_seconds"] == {
        "to_acknowledge": 1800.0,
        "to_decide": 3600.0,
        "to_first_contact": 7200.0,
        "to_complete": 4 * 3600.0,
    }
    assert hops[1]["continues_referral_id"] == first["id"]
    assert hops[1]["step_seconds"] == {"to_acknowledge": 7 * 3600.0, "to_decide": 4 * 3600.0}
    assert hops[1]["status"] == "accepted"

    detail = client.get(f"/api/v1/referrals/{first['id']}").json()
    assert [e["to_status"] for e in detail["events"]] == [
        "requested",
        "received",
        "accepted",
        "in_progress",
        "completed",
    ]
    assert detail["events"][3]["note"] == "Seen at the health centre"
    assert all(e["actor"] == "tester" for e in detail["events"])


def test_an_illegal_step_answers_409_with_current_and_allowed(client: TestClient) -> None:
    case = open_case(client)
    referral = refer(client, case["id"]).json()
    body = assert_problem(step(client, referral["id"], "completed", outcome="x"), 409, "status")
    assert body["current_status"] == "requested"
    assert body["allowed"] == ["received", "cancelled"]


def test_decline_needs_a_reason_and_keeps_it(client: TestClient) -> None:
    case = open_case(client)
    referral = refer(client, case["id"]).json()
    step(client, referral["id"], "received")
    assert_problem(step(client, referral["id"], "rejected"), 422, "reason")
    declined = step(client, referral["id"], "rejected", reason="No capacity this month")
    assert declined.json()["referral"]["status_reason"] == "No capacity this month"


def test_referral_without_consent_is_refused(client: TestClient) -> None:
    case = open_case(client, consent=None)
    assert_problem(refer(client, case["id"]), 409, "case_id")
    consent = {"given_by": "child", "recorded_by": "ccwc", "recorded_at": "2026-03-02T02:00:00Z"}
    assert client.put(f"/api/v1/cases/{case['id']}/consent", json=consent).status_code == 200
    assert refer(client, case["id"]).status_code == 201


def test_referral_rules(client: TestClient) -> None:
    case = open_case(client)
    assert_problem(refer(client, case["id"], to_provider_id="nope"), 422, "to_provider_id")
    assert_problem(
        refer(client, case["id"], to_provider_id="closed-hc", service="counselling"),
        422,
        "to_provider_id",
    )
    assert_problem(refer(client, case["id"], service="shelter"), 422, "service")
    boy = open_case(client, gender="male")
    assert_problem(
        refer(client, boy["id"], to_provider_id="girls-only", service="shelter"),
        422,
        "to_provider_id",
    )
    assert_problem(
        refer(
            client,
            case["id"],
            from_provider_id="hc-a",
            to_provider_id="tpo-a",
            service="counselling",
        ),
        422,
        "continues_referral_id",
    )
    assert_problem(refer(client, "case_missing"), 404)
    assert_problem(
        refer(client, case["id"], to_provider_id="ccwc-a", service="registration"),
        422,
        "to_provider_id",
    )


def test_onward_referral_needs_the_sender_to_hold_the_case(client: TestClient) -> None:
    case = open_case(client)
    first = refer(client, case["id"]).json()
    onward = {
        "from_provider_id": "hc-a",
        "to_provider_id": "tpo-a",
        "service": "counselling",
        "continues_referral_id": first["id"],
    }
    assert_problem(refer(client, case["id"], **onward), 422, "continues_referral_id")
    step(client, first["id"], "received")
    step(client, first["id"], "accepted")
    assert refer(client, case["id"], **onward).status_code == 201


def test_unknown_ids_answer_404(client: TestClient) -> None:
    for url in (
        "/api/v1/cases/x",
        "/api/v1/cases/x/path",
        "/api/v1/referrals/x",
        "/api/v1/providers/x",
        "/api/v1/providers/x/inbox",
        "/api/v1/pathways/x",
    ):
        assert_problem(client.get(url), 404)
    assert_problem(step(client, "x", "received"), 404)


def test_invalid_area_codes_are_refused(client: TestClient) -> None:
    body = json.loads(opening().model_dump_json()) | {"village_code": "99999999"}
    problem = assert_problem(client.post("/api/v1/cases", json=body), 422, "village_code")
    assert "gazetteer" in problem["detail"]
    commune = json.loads(opening().model_dump_json()) | {"village_code": "17010100"}
    assert_problem(client.post("/api/v1/cases", json=commune), 422, "village_code")
    provider = {"name": "X", "kind": "ngo", "area_code": "1799", "services": ["counselling"]}
    assert_problem(client.post("/api/v1/providers", json=provider), 422, "area_code")
    assert_problem(client.get("/api/v1/providers?area=17x"), 422, "area")


def test_oversized_and_malformed_bodies_are_refused(client: TestClient) -> None:
    big = b'{"x": "' + b"a" * 70_000 + b'"}'
    response = client.post(
        "/api/v1/cases", content=big, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "body")

    def chunks() -> Iterator[bytes]:  # no content-length: sent chunked, counted as read
        yield b'{"x": "'
        for _ in range(8):
            yield b"a" * 10_000
        yield b'"}'

    chunked = client.post(
        "/api/v1/cases", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(chunked, 413, "body")
    assert_problem(
        client.post(
            "/api/v1/cases", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
    )
    body = json.loads(opening().model_dump_json()) | {"child_name": "Sokha"}
    assert_problem(client.post("/api/v1/cases", json=body), 422, "child_name")


def test_a_refused_request_writes_nothing(client: TestClient) -> None:
    case = open_case(client)
    before = client.get("/api/v1/providers/hc-a/inbox").json()["count"]
    assert_problem(refer(client, case["id"], service="shelter"), 422)
    assert client.get("/api/v1/providers/hc-a/inbox").json()["count"] == before


def test_concurrent_accepts_have_exactly_one_winner(client: TestClient) -> None:
    case = open_case(client)
    referral = refer(client, case["id"]).json()
    step(client, referral["id"], "received")
    codes: list[int] = []
    barrier = threading.Barrier(8)

    def accept() -> None:
        barrier.wait()
        codes.append(step(client, referral["id"], "accepted").status_code)

    threads = [threading.Thread(target=accept) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [409] * 7


def test_stale_expected_version_is_refused(client: TestClient) -> None:
    case = open_case(client)
    referral = refer(client, case["id"]).json()
    body = assert_problem(step(client, referral["id"], "received", expected_version=5), 409)
    assert body["current_status"] == "requested"
    assert step(client, referral["id"], "received", expected_version=1).status_code == 200

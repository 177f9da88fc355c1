"""A retry with the same Idempotency-Key gets the first answer and changes nothing."""

from __future__ import annotations

import json
import threading

from fastapi.testclient import TestClient

from tests.api.test_referral_journey import assert_problem, open_case, refer
from tests.factories import opening


def test_a_retried_case_opening_returns_the_first_case(client: TestClient) -> None:
    body = json.loads(opening().model_dump_json())
    first = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "open-1"})
    again = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "open-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"
    other = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "open-2"})
    assert other.json()["id"] != first.json()["id"]


def test_the_same_key_for_another_request_is_refused(client: TestClient) -> None:
    body = json.loads(opening().model_dump_json())
    client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "k"})
    changed = client.post(
        "/api/v1/cases", json=body | {"age": 12}, headers={"Idempotency-Key": "k"}
    )
    assert_problem(changed, 422, "Idempotency-Key")


def test_a_retried_step_appends_one_event(client: TestClient) -> None:
    case = open_case(client)
    referral = refer(client, case["id"]).json()
    url = f"/api/v1/referrals/{referral['id']}/transitions"
    first = client.post(url, json={"status": "received"}, headers={"Idempotency-Key": "ack"})
    again = client.post(url, json={"status": "received"}, headers={"Idempotency-Key": "ack"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    events = client.get(f"/api/v1/referrals/{referral['id']}").json()["events"]
    assert [e["to_status"] for e in events] == ["requested", "received"]
    no_key = client.post(url, json={"status": "received"})
    assert no_key.status_code == 409, "without a key a repeat is just an illegal step"


def test_concurrent_retries_make_one_referral(client: TestClient) -> None:
    case = open_case(client)
    body = {
        "case_id": case["id"],
        "from_provider_id": "ccwc-a",
        "to_provider_id": "hc-a",
        "service": "medical_care",
        "reason": "retried on a bad link",
    }
    answers: list[tuple[int, str]] = []
    barrier = threading.Barrier(6)

    def send() -> None:
        barrier.wait()
        r = client.post("/api/v1/referrals", json=body, headers={"Idempotency-Key": "net-1"})
        answers.append((r.status_code, r.json()["id"]))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {code for code, _ in answers} == {201}
    assert len({ident for _, ident in answers}) == 1
    inbox = client.get("/api/v1/providers/hc-a/inbox").json()
    assert inbox["count"] == 1

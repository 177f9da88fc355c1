"""A retry sent while the first request is still in flight replays it (#20 item 15).

A field worker on a bad link sends a step, gets no answer in time and sends it again
with the same ``Idempotency-Key`` while the first is still being written. Against the
real server in a process (SQLite; Neo4j when it answers), 40 such pairs, each released
together by a barrier on connections opened beforehand: both get the first answer
(200, the same body; one marked ``Idempotency-Replayed``), never a 409 about the state
the other left, and the referral holds the step once. The same for pairs of new
referrals (one referral made) and of case openings (one case). Before the key was
claimed inside the write, the second got a 409 in 38 of 40 trials on SQLite and 12–49
of 50 on Neo4j.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.reliability.test_conflicts import Served, new_referral, served  # noqa: F401
from tests.reliability.test_crash import CCWC, RECEIVER, SERVICE, VILLAGE

pytestmark = pytest.mark.timeout(600)

PAIRS = 40


def pair(at: Served, user: str, path: str, body: dict[str, Any], key: str) -> list[Any]:
    """Two requests with one key, sent at the same moment; their (status, body, replayed)."""
    barrier = threading.Barrier(2, timeout=60)
    answers: list[Any] = []
    lock = threading.Lock()
    headers = {**at.headers(user), "Idempotency-Key": key}

    def send() -> None:
        with httpx.Client(base_url=at.url, timeout=60) as http:
            try:
                assert http.get("/health").status_code == 200  # the connection is open
                barrier.wait()
                r = http.post(path, headers=headers, json=body)
                found: Any = (r.status_code, r.json(), r.headers.get("idempotency-replayed"))
            except Exception as exc:  # reported by the assertions
                found = (None, repr(exc), None)
        with lock:
            answers.append(found)

    threads = [threading.Thread(target=send, daemon=True) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(answers) == 2, "a request hung"
    return answers


def same_answer_once_replayed(answers: list[Any], status: int) -> None:
    (first, body, _), (second, again, _) = answers
    assert (first, second) == (status, status), answers
    assert body == again
    assert sorted(str(r) for _, _, r in answers) == ["None", "true"], answers


def test_retries_in_flight_replay_the_first_answer(served: Served) -> None:  # noqa: F811
    """One server start (most of the time) for both kinds: steps, then creations."""
    forty_retries_of_a_step(served)
    retries_of_new_cases_and_referrals(served)


def forty_retries_of_a_step(served: Served) -> None:  # noqa: F811
    referral_ids = [new_referral(served) for _ in range(PAIRS)]
    pairs = []
    for n, referral_id in enumerate(referral_ids):
        path = f"/api/v1/referrals/{referral_id}/transitions"
        pairs.append(pair(served, "receiver", path, {"status": "received"}, f"ack-{n}"))
    statuses = Counter(status for answers in pairs for status, _, _ in answers)
    assert statuses == Counter({200: 2 * PAIRS}), f"no state conflict, no other answer: {statuses}"
    for answers in pairs:
        same_answer_once_replayed(answers, 200)
        assert answers[0][1]["referral"]["status"] == "received"
    with httpx.Client(base_url=served.url, timeout=30) as http:
        for referral_id in referral_ids:
            got = http.get(f"/api/v1/referrals/{referral_id}", headers=served.headers("receiver"))
            events = [e["to_status"] for e in got.json()["events"]]
            assert events == ["requested", "received"], (referral_id, events)


def retries_of_new_cases_and_referrals(served: Served) -> None:  # noqa: F811
    opening = {
        "opened_by_provider_id": CCWC,
        "age": 12,
        "gender": "female",
        "risk": "high",
        "needs": [SERVICE],
        "village_code": VILLAGE,
        "consent": {
            "given_by": "caregiver",
            "recorded_by": "retry-test",
            "recorded_at": datetime.now(UTC).isoformat(),
        },
    }
    case_ids = []
    for n in range(PAIRS // 4):
        answers = pair(served, "ccwc", "/api/v1/cases", opening, f"open-{n}")
        same_answer_once_replayed(answers, 201)
        case_ids.append(answers[0][1]["id"])
    assert len(set(case_ids)) == len(case_ids)
    for n, case_id in enumerate(case_ids):
        body = {
            "case_id": case_id,
            "from_provider_id": CCWC,
            "to_provider_id": RECEIVER,
            "service": SERVICE,
            "reason": "Needs a medical check (retry test).",
        }
        answers = pair(served, "ccwc", "/api/v1/referrals", body, f"refer-{n}")
        same_answer_once_replayed(answers, 201)
        path = httpx.get(
            f"{served.url}/api/v1/cases/{case_id}/path", headers=served.headers("ccwc")
        )
        assert len(path.json()["hops"]) == 1, path.text

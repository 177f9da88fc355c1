"""Fifty people take the same step on one referral at once: exactly one wins.

Against the real server in a process (SQLite; Neo4j when it answers): 50 clients, each
on its own connection, released together by a barrier, ask to move one referral to the
same next status. Exactly one gets 2xx; the 49 others get 409 problem details naming
the status the referral is in now (``current_status``), and the referral's history holds
that step once.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.adapters.sqlite.store import SqliteStore
from tests.reliability.conftest import free_port
from tests.reliability.test_crash import (
    CCWC,
    RECEIVER,
    SERVICE,
    VILLAGE,
    ApiProcess,
    neo4j_env,
    prepare,
    sign_in,
)
from tests.reliability.test_lifecycle import server_env

pytestmark = pytest.mark.timeout(300)

ATTEMPTS = 50


@dataclass
class Served:
    url: str
    tokens: dict[str, str]

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    """The real server on a fresh store holding the programme network and two accounts."""
    port = free_port()
    if request.param == "neo4j":
        store: Neo4jStore = request.getfixturevalue("neo4j_store")  # skips without Neo4j
        store.reset()
        prepare(store)
        env = neo4j_env(port)
    else:
        db = tmp_path / "store.sqlite3"
        sqlite = SqliteStore(db)
        sqlite.initialise()
        prepare(sqlite)
        sqlite.close()
        env = server_env(db, port)
    api = ApiProcess(env, tmp_path / "server.log")
    api.start()
    try:
        yield Served(api.url, sign_in(api.url))
    finally:
        api.stop()


def new_referral(served: Served) -> str:
    """A case opened and referred by the CCWC: a referral in status ``requested``."""
    with httpx.Client(base_url=served.url, timeout=30) as http:
        case = http.post(
            "/api/v1/cases",
            headers=served.headers("ccwc"),
            json={
                "opened_by_provider_id": CCWC,
                "age": 12,
                "gender": "female",
                "risk": "high",
                "needs": [SERVICE],
                "village_code": VILLAGE,
                "consent": {
                    "given_by": "caregiver",
                    "recorded_by": "conflict-test",
                    "recorded_at": datetime.now(UTC).isoformat(),
                },
            },
        )
        assert case.status_code == 201, case.text
        referral = http.post(
            "/api/v1/referrals",
            headers=served.headers("ccwc"),
            json={
                "case_id": case.json()["id"],
                "from_provider_id": CCWC,
                "to_provider_id": RECEIVER,
                "service": SERVICE,
                "reason": "Needs a medical check (conflict test).",
            },
        )
        assert referral.status_code == 201, referral.text
        return str(referral.json()["id"])


@dataclass
class Attempt:
    status: int | None
    content_type: str
    body: Any
    error: str | None = None


def race(served: Served, referral_id: str, step: str) -> list[Attempt]:
    """``ATTEMPTS`` receivers ask for ``step`` at the same moment, each on a connection
    opened beforehand."""
    barrier = threading.Barrier(ATTEMPTS, timeout=60)
    attempts: list[Attempt] = []
    lock = threading.Lock()

    def attempt() -> None:
        with httpx.Client(base_url=served.url, timeout=60) as http:
            try:
                assert http.get("/health").status_code == 200  # the connection is open
                barrier.wait()
                r = http.post(
                    f"/api/v1/referrals/{referral_id}/transitions",
                    headers=served.headers("receiver"),
                    json={"status": step},
                )
                try:
                    body: Any = r.json()
                except ValueError:
                    body = r.text
                found = Attempt(r.status_code, r.headers.get("content-type", ""), body)
            except Exception as exc:  # reported by the assertions below
                found = Attempt(None, "", None, repr(exc))
        with lock:
            attempts.append(found)

    threads = [threading.Thread(target=attempt, daemon=True) for _ in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an attempt hung"
    return attempts


def exactly_one_wins(served: Served, referral_id: str, step: str, version: int) -> None:
    """One 2xx, 49 × 409 naming ``step`` as the current status, one event for it."""
    attempts = race(served, referral_id, step)
    statuses = Counter(a.status for a in attempts)
    assert statuses == Counter({200: 1, 409: ATTEMPTS - 1}), (
        statuses,
        [a for a in attempts if a.status not in (200, 409)][:3],
    )
    winner = next(a for a in attempts if a.status == 200)
    assert winner.body["referral"]["status"] == step
    assert winner.body["referral"]["version"] == version
    for lost in (a for a in attempts if a.status == 409):
        assert lost.content_type.startswith("application/problem+json"), lost
        assert lost.body["status"] == 409, lost
        assert lost.body["current_status"] == step, lost
        assert lost.body["detail"], lost

    got = httpx.get(
        f"{served.url}/api/v1/referrals/{referral_id}", headers=served.headers("receiver")
    )
    assert got.status_code == 200, got.text
    events = got.json()["events"]
    assert [e["sequence"] for e in events] == list(range(1, version + 1))
    assert [e["to_status"] for e in events].count(step) == 1
    assert got.json()["referral"]["version"] == version
    assert got.json()["referral"]["status"] == step


def test_fifty_acceptances_of_one_received_referral_one_wins(served: Served) -> None:
    referral_id = new_referral(served)
    acknowledged = httpx.post(
        f"{served.url}/api/v1/referrals/{referral_id}/transitions",
        headers=served.headers("receiver"),
        json={"status": "received"},
    )
    assert acknowledged.status_code == 200, acknowledged.text
    exactly_one_wins(served, referral_id, "accepted", version=3)


def test_fifty_acknowledgements_of_one_requested_referral_one_wins(served: Served) -> None:
    referral_id = new_referral(served)
    exactly_one_wins(served, referral_id, "received", version=2)

"""The recommendation route: the same answer cold (worker thread) and warm (event loop),
a directory change in the next answer, and gaps still recorded."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any, cast

import anyio
from fastapi.testclient import TestClient

from api.deps import quickly
from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.domain.models import utc_now
from referral_graph.domain.vocabulary import Gender, RiskLevel, Service
from referral_graph.services import cases, directory
from referral_graph.services.caller import Caller, WouldWait
from referral_graph.store.port import Page, Store
from tests.factories import FakeClock, opening


def ids(answer: Any) -> list[str]:
    return [i["provider_id"] for i in answer.json()["items"]]


def test_cold_and_warm_answers_agree_and_follow_the_directory(
    client: TestClient, runtime: Runtime, clock: FakeClock
) -> None:
    case = cases.open_case(Caller.system(runtime.store, clock(), "t"), opening())
    url = f"/api/v1/cases/{case.id}/recommendations"
    cold = client.get(url)
    assert cold.status_code == 200 and "tpo-a" in ids(cold)
    warm = client.get(url)
    assert warm.json() == cold.json()
    directory.update_provider(Caller.system(runtime.store, utc_now()), "tpo-a", {"active": False})
    after = client.get(url)
    assert after.status_code == 200 and "tpo-a" not in ids(after)
    assert after.json()["directory_version"] > cold.json()["directory_version"]


def test_a_warm_route_records_a_new_gap_behind_its_answer(
    client: TestClient, runtime: Runtime, clock: FakeClock
) -> None:
    warm_up = cases.open_case(Caller.system(runtime.store, clock(), "t"), opening())
    assert client.get(f"/api/v1/cases/{warm_up.id}/recommendations").status_code == 200
    case = cases.open_case(  # the only shelter takes girls: a gap for a boy
        Caller.system(runtime.store, clock(), "t"),
        opening(needs=[Service.SHELTER], gender=Gender.MALE, risk=RiskLevel.LOW),
    )
    answer = client.get(f"/api/v1/cases/{case.id}/recommendations")
    assert [g["service"] for g in answer.json()["gaps"]] == ["shelter"]
    # Written behind the answer; the listing flushes what is queued before reading.
    listed = client.get("/api/v1/coverage/gaps", params={"area": "17"}).json()
    assert [(g["case_id"], g["service"]) for g in listed["data"]] == [(case.id, "shelter")]
    gaps = runtime.store.read(lambda tx: tx.service_gaps("17", Page()))
    assert [(g.case_id, g.service) for g in gaps.items] == [(case.id, Service.SHELTER)]


def test_only_an_embedded_store_is_read_on_the_event_loop() -> None:
    assert SqliteStore.embedded and not Neo4jStore.embedded
    calls: list[tuple[bool, bool]] = []  # (quick, on the event loop's thread)

    def call(value: int, *, quick: bool = False, ready: bool = True) -> int:
        calls.append((quick, threading.current_thread() is loop_thread))
        if quick and not ready:
            raise WouldWait("not built yet")
        return value * 2

    async def main() -> list[int]:
        nonlocal loop_thread
        loop_thread = threading.current_thread()
        embedded = cast(Store, SimpleNamespace(embedded=True))
        remote = cast(Store, SimpleNamespace(embedded=False))
        return [
            await quickly(embedded, call, 1),
            await quickly(embedded, call, 2, ready=False),
            await quickly(remote, call, 3),
        ]

    loop_thread = threading.current_thread()
    assert anyio.run(main) == [2, 4, 6]
    assert calls == [
        (True, True),  # embedded and ready: on the loop
        (True, True),  # embedded, would wait: tried on the loop ...
        (False, False),  # ... then asked again on a worker thread
        (False, False),  # remote: straight to a worker thread
    ]

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
from referral_graph.domain.vocabulary import Gender, Language, RiskLevel, Service
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


# --- why not, coverage filters and bad input (issue 21) --------------------------------


def test_explain_all_lists_who_was_left_out_and_why(
    client: TestClient, runtime: Runtime, clock: FakeClock
) -> None:
    case = cases.open_case(Caller.system(runtime.store, clock(), "t"), opening())
    url = f"/api/v1/cases/{case.id}/recommendations"
    plain = client.get(url).json()
    assert plain["excluded"] is None
    answer = client.get(url, params={"explain": "all"})
    assert answer.status_code == 200
    excluded = {e["provider_id"]: e for e in answer.json()["excluded"]}
    closed = excluded["closed-hc"]
    assert (closed["rule"], closed["rules"], closed["service"]) == (
        "inactive",
        ["inactive", "untrained"],  # a health centre's counselling needs trained staff too
        "counselling",
    )
    assert closed["reason"]["en"] == "Marked inactive in the directory."
    assert closed["reason"]["km"] and closed["reason"]["key"] == "excluded.inactive"
    for item in answer.json()["items"]:
        assert round(sum(r["points"] for r in item["reasons"]), 2) == item["score"]
    refused = client.get(url, params={"explain": "some"})
    assert refused.status_code == 422 and refused.json()["field"] == "explain"


def test_unknown_codes_in_queries_are_refused_naming_the_parameter(
    client: TestClient, runtime: Runtime, clock: FakeClock
) -> None:
    case = cases.open_case(Caller.system(runtime.store, clock(), "t"), opening())
    cases_url = f"/api/v1/cases/{case.id}/recommendations"
    for url, params, field in [
        (cases_url, {"service": "massage"}, "service"),
        ("/api/v1/coverage", {"area": "1701", "language": "xyz"}, "language"),
        ("/api/v1/coverage", {"area": "1701", "language": "km"}, "language"),
        ("/api/v1/coverage", {"area": "1701", "service": "massage"}, "service"),
        ("/api/v1/coverage", {"area": "1701", "service": "supervision"}, "service"),
        ("/api/v1/coverage", {"area": "9999"}, "area"),
        ("/api/v1/coverage", {"area": "1701", "in_programme": "maybe"}, "in_programme"),
    ]:
        answer = client.get(url, params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        # a list parameter is named with the position of the wrong item (service.0)
        assert answer.json()["field"].split(".")[0] == field, (params, answer.json())


def test_coverage_honours_each_filter_over_http(client: TestClient) -> None:
    def shelter(**params: object) -> str:
        rows = client.get("/api/v1/coverage", params={"area": "170101", **params}).json()
        return str(next(s["reach"] for s in rows[0]["services"] if s["service"] == "shelter"))

    assert shelter() == "in_person"
    assert shelter(gender="male", service="shelter") == "none"
    assert shelter(age=9) == "none"
    assert shelter(gender="female") == "in_person"
    assert shelter(age=12, gender="female") == "in_person"
    rows = client.get("/api/v1/coverage", params={"area": "170101"}).json()
    assert "supervision" not in {s["service"] for s in rows[0]["services"]}
    assert rows[0]["in_programme"] is True and rows[0]["district_code"] == "1701"
    outside = client.get("/api/v1/coverage", params={"area": "19", "in_programme": "false"})
    assert outside.status_code == 200 and outside.json() == [], "Stung Treng is all programme"


def test_a_persons_languages_are_recorded_and_spoken_in_the_next_recommendation(
    client: TestClient, runtime: Runtime, clock: FakeClock
) -> None:
    case = cases.open_case(
        Caller.system(runtime.store, clock(), "t"), opening(language=Language.TAMPUAN)
    )
    url = f"/api/v1/cases/{case.id}/recommendations"
    before = {i["provider_id"]: i for i in client.get(url).json()["items"]}
    assert not any(r["key"] == "language.people" for r in before["hc-a"]["reasons"])
    bad = client.post(
        "/api/v1/providers/hc-a/people",
        json={"name": "Srey Mom", "role": "health_staff", "languages": ["tampuan"]},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "languages.0"
    made = client.post(
        "/api/v1/providers/hc-a/people",
        json={"name": "Srey Mom", "role": "health_staff", "languages": ["khm", "tpu"]},
    )
    assert made.status_code == 201 and sorted(made.json()["languages"]) == ["khm", "tpu"]
    after = {i["provider_id"]: i for i in client.get(url).json()["items"]}
    spoken = [r for r in after["hc-a"]["reasons"] if r["key"] == "language.people"]
    assert [r["en"] for r in spoken] == ["Speaks Tampuan (1 of its people)."]
    changed = client.patch(f"/api/v1/people/{made.json()['id']}", json={"interprets": True})
    assert changed.status_code == 200 and changed.json()["interprets"] is True

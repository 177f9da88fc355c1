"""The capacity-building API, acting with every permission: each route's answer, bad
input as a 422 problem naming the field, unknown ids as 404."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.training.conftest import COMMUNE_1, THUM, VILLAGE_1

API = "/api/v1"


def problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    if field is not None:
        assert body["field"] == field, body
    return body


def new_person(client: TestClient, provider_id: str = "vhsg-t1", **extra: Any) -> dict[str, Any]:
    body = {"name": "Sok Dara", "role": "vhsg_volunteer"} | extra
    response = client.post(f"{API}/providers/{provider_id}/people", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def new_training(client: TestClient, **extra: Any) -> dict[str, Any]:
    body = {
        "topic": "psychological_first_aid",
        "starts_on": "2026-02-10",
        "ends_on": "2026-02-12",
        "area_code": THUM,
        "trainer": "TPO Cambodia",
    } | extra
    response = client.post(f"{API}/trainings", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# --- people ---------------------------------------------------------------------------------
def test_people_are_added_listed_read_and_changed(client: TestClient) -> None:
    sup = new_person(client, "tpo-sr", id="sup-1", role="clinical_supervisor", name="Supervisor")
    made = new_person(client, supervised_by=["sup-1"], contact="012 345 678", gender="female")
    assert made["id"].startswith("per_")
    assert (made["provider_id"], made["version"], made["active"]) == ("vhsg-t1", 1, True)

    listing = client.get(f"{API}/providers/vhsg-t1/people").json()
    assert (listing["count"], listing["data"][0]["id"]) == (1, made["id"])
    assert client.get(f"{API}/providers/vhsg-t1/people?active=false").json()["count"] == 0
    assert client.get(f"{API}/people/{made['id']}").json()["name"] == "Sok Dara"
    under = client.get(f"{API}/people/{sup['id']}/supervisees").json()
    assert [p["id"] for p in under["data"]] == [made["id"]]

    changed = client.patch(f"{API}/people/{made['id']}", json={"name": "Sok Dara Chan"})
    assert (changed.status_code, changed.json()["version"]) == (200, 2)
    stale = client.patch(
        f"{API}/people/{made['id']}", json={"active": False, "expected_version": 1}
    )
    problem(stale, 409)
    left = client.patch(f"{API}/people/{made['id']}", json={"active": False, "gender": None})
    assert (left.json()["active"], left.json()["gender"]) == (False, None)


def test_bad_people_input_names_the_field(client: TestClient) -> None:
    new_person(client, id="p1")
    url = f"{API}/providers/vhsg-t1/people"
    for body, field in (
        ({"name": "X", "role": "wizard"}, "role"),
        ({"name": "", "role": "other"}, "name"),
        ({"role": "other"}, "name"),
        ({"name": "X", "role": "other", "supervised_by": ["ghost"]}, "supervised_by"),
        ({"id": "me", "name": "X", "role": "other", "supervised_by": ["me"]}, "supervised_by"),
        ({"name": "X", "role": "other", "id": "bad id!"}, "id"),
        ({"name": "X", "role": "other", "salary": 3}, "salary"),
        ({"name": "X", "role": "other", "contact": "9" * 201}, "contact"),
    ):
        problem(client.post(url, json=body), 422, field)
    problem(client.post(url, json={"id": "p1", "name": "Again", "role": "other"}), 409)
    for body, field in (
        ({"provider_id": "nowhere"}, "provider_id"),
        ({"supervised_by": ["p1"]}, "supervised_by"),
        ({"role": "wizard"}, "role"),
        ({"expected_version": 0}, "expected_version"),
    ):
        problem(client.patch(f"{API}/people/p1", json=body), 422, field)


def test_unknown_people_and_providers_are_404(client: TestClient) -> None:
    body = {"name": "X", "role": "other"}
    problem(client.post(f"{API}/providers/nowhere/people", json=body), 404)
    problem(client.get(f"{API}/providers/nowhere/people"), 404)
    for suffix in ("", "/competencies", "/supervisees"):
        problem(client.get(f"{API}/people/ghost{suffix}"), 404)
    problem(client.patch(f"{API}/people/ghost", json={"name": "X"}), 404)


def test_a_persons_competencies_follow_attendance(client: TestClient) -> None:
    made = new_person(client)
    session = new_training(client)
    url = f"{API}/trainings/{session['id']}/attendance"
    recorded = client.post(url, json={"attendance": [{"person_id": made["id"]}]}).json()
    assert (recorded["recorded"], recorded["already"]) == (1, 0)
    found = client.get(f"{API}/people/{made['id']}/competencies").json()
    assert found["as_of"] == "2026-03-02"
    (competency,) = found["competencies"]
    assert competency == {
        "topic": "psychological_first_aid",
        "earned_on": "2026-02-12",
        "valid_until": "2028-02-11",
        "status": "valid",
        "refresher_due": False,
    }
    assert (found["coaching_due_on"], found["coaching_overdue"]) == ("2026-05-13", False)


# --- trainings ------------------------------------------------------------------------------
def test_trainings_are_recorded_listed_and_attended(client: TestClient) -> None:
    before = client.get(f"{API}/trainings").json()["count"]  # the small network's
    first = new_training(client, id="pfa-feb")
    one_day = new_training(client, topic="gbv", ends_on=None, mode="online", area_code=None)
    assert one_day["ends_on"] == one_day["starts_on"]
    assert one_day["id"].startswith("trn_")
    problem(client.post(f"{API}/trainings", json={**first, "created_at": None}), 422)
    again = {k: v for k, v in first.items() if k not in ("created_at", "synthetic")}
    problem(client.post(f"{API}/trainings", json=again), 409)

    assert client.get(f"{API}/trainings").json()["count"] == before + 2
    assert client.get(f"{API}/trainings?topic=gbv").json()["data"][0]["id"] == one_day["id"]
    assert [s["id"] for s in client.get(f"{API}/trainings?area={THUM}").json()["data"]] == [
        "pfa-feb"
    ]
    assert client.get(f"{API}/trainings/pfa-feb").json()["trainer"] == "TPO Cambodia"

    p1, p2 = new_person(client, id="p1"), new_person(client, id="p2", name="Chan")
    url = f"{API}/trainings/pfa-feb/attendance"
    client.post(url, json={"attendance": [{"person_id": p1["id"]}]})
    both = client.post(
        url, json={"attendance": [{"person_id": "p1"}, {"person_id": "p2", "completed": False}]}
    ).json()
    assert (both["recorded"], both["already"]) == (1, 1)
    attended = client.get(url).json()
    assert attended["count"] == 2
    assert [(a["person_id"], a["completed"]) for a in attended["data"]] == [
        (p1["id"], True),
        (p2["id"], False),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2026-02-01"}, "ends_on"),
        ({"area_code": None}, "area_code"),
        ({"area_code": "1799"}, "area_code"),
        ({"area_code": "17x"}, "area_code"),
        ({"starts_on": "9999-12-31", "ends_on": "9999-12-31"}, "starts_on"),
        ({"starts_on": "not a date"}, "starts_on"),
        ({"topic": "yoga"}, "topic"),
        ({"mode": "carrier pigeon"}, "mode"),
        ({"trainer": ""}, "trainer"),
    ],
)
def test_bad_training_input_names_the_field(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    body = {
        "topic": "gbv",
        "starts_on": "2026-02-10",
        "ends_on": "2026-02-12",
        "area_code": THUM,
        "trainer": "TPO",
    } | change
    problem(client.post(f"{API}/trainings", json=body), 422, field)


def test_bad_attendance_names_the_field(client: TestClient) -> None:
    new_person(client, id="p1")
    new_training(client, id="pfa-feb")
    new_training(client, id="later", starts_on="2026-03-10", ends_on="2026-03-11")
    url = f"{API}/trainings/pfa-feb/attendance"
    for body, field in (
        ({"attendance": []}, "attendance"),
        ({"attendance": [{"person_id": "p1"}, {"person_id": "ghost"}]}, "attendance.1.person_id"),
        ({"attendance": [{"person_id": "p1"}, {"person_id": "p1"}]}, "attendance.1.person_id"),
        ({"attendance": [{"person_id": "p1", "completed": "maybe"}]}, "attendance.0.completed"),
    ):
        problem(client.post(url, json=body), 422, field)
    early = {"attendance": [{"person_id": "p1"}]}
    problem(
        client.post(f"{API}/trainings/later/attendance", json=early), 422, "attendance.0.completed"
    )
    problem(client.post(f"{API}/trainings/ghost/attendance", json=early), 404)
    problem(client.get(f"{API}/trainings/ghost/attendance"), 404)
    problem(client.get(f"{API}/trainings/ghost"), 404)


def sheet(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["session_id", "person_id", "provider_id", "name"])
    writer.writerows(rows)
    return out.getvalue().encode()


def test_attendance_sheets_are_imported_all_or_nothing(client: TestClient) -> None:
    new_person(client, id="p1")
    new_training(client, id="pfa-feb")
    url = f"{API}/trainings/attendance-import"
    good = sheet([["pfa-feb", "p1", "", ""], ["pfa-feb", "", "vhsg-t1", "Chan Lina"]])
    bad = sheet([["pfa-feb", "p1", "", ""], ["pfa-feb", "ghost", "", ""]])

    dry = client.post(f"{url}?dry_run=true", files={"file": ("a.csv", bad, "text/csv")})
    assert dry.status_code == 200
    assert [(e["row"], e["column"]) for e in dry.json()["errors"]] == [(3, "person_id")]
    failed = client.post(url, files={"file": ("a.csv", bad, "text/csv")})
    body = problem(failed, 422, "file")
    assert body["errors"][0]["field"] == "attendance[3].person_id"
    assert client.get(f"{API}/trainings/pfa-feb/attendance").json()["count"] == 0

    done = client.post(url, files={"file": ("a.csv", good, "text/csv")}).json()
    assert (done["written"], done["attendance_new"], len(done["people_created"])) == (True, 2, 1)
    assert client.get(f"{API}/trainings/pfa-feb/attendance").json()["count"] == 2
    garbled = "session_id\n".encode("utf-16")
    problem(client.post(url, files={"file": ("a.csv", garbled, "text/csv")}), 422, "file")
    problem(client.post(url), 422, "file")


# --- coaching -------------------------------------------------------------------------------
def test_coaching_is_recorded_and_overdue_people_listed(client: TestClient) -> None:
    new_person(client, "tpo-sr", id="sup", name="Supervisor", role="clinical_supervisor")
    new_person(client, id="p1")
    new_person(client, "hc-t2", id="p2", name="Nurse", role="health_staff")
    new_training(client, id="old", starts_on="2025-06-01", ends_on="2025-06-01")
    client.post(
        f"{API}/trainings/old/attendance",
        json={"attendance": [{"person_id": "p1"}, {"person_id": "p2"}]},
    )
    body = {"person_id": "p1", "coach_id": "sup", "held_on": "2026-02-01", "mode": "phone"}
    made = client.post(f"{API}/coaching", json=body | {"note": "Went through PFA steps"})
    assert made.status_code == 201, made.text
    assert made.json()["id"].startswith("cch_")
    listing = client.get(f"{API}/coaching?person_id=p1").json()
    assert [c["id"] for c in listing["data"]] == [made.json()["id"]]
    assert client.get(f"{API}/coaching?area={THUM}").json()["count"] == 1
    overdue = client.get(f"{API}/coaching/overdue?area={THUM}").json()
    assert [(r["person_id"], r["last_coached_on"]) for r in overdue["data"]] == [("p2", None)]
    for change, field in (
        ({"coach_id": "p1"}, "coach_id"),
        ({"person_id": "ghost"}, "person_id"),
        ({"coach_id": "ghost"}, "coach_id"),
        ({"held_on": "2026-03-03"}, "held_on"),
        ({"held_on": "1900-01-01"}, "held_on"),
        ({"mode": "telepathy"}, "mode"),
        ({"note": "x" * 501}, "note"),
    ):
        problem(client.post(f"{API}/coaching", json=body | change), 422, field)
    problem(client.get(f"{API}/coaching/overdue?area={VILLAGE_1}"), 422, "area")
    problem(client.get(f"{API}/coaching/overdue?area=9999"), 422, "area")


# --- awareness ------------------------------------------------------------------------------
AWARENESS = {
    "provider_id": "vhsg-t1",
    "held_on": "2026-02-14",
    "area_code": VILLAGE_1,
    "topic": "where_to_get_help",
    "participants": [
        {"age_group": "12_17", "gender": "female", "count": 12},
        {"age_group": "12_17", "gender": "male", "count": 9},
        {"age_group": "25_plus", "gender": "female", "count": 6},
    ],
}


def test_awareness_sessions_are_recorded_and_summarised(client: TestClient) -> None:
    new_person(client, id="p1")
    made = client.post(f"{API}/awareness-sessions", json=AWARENESS | {"facilitator_id": "p1"})
    assert made.status_code == 201, made.text
    client.post(f"{API}/awareness-sessions", json=AWARENESS | {"area_code": COMMUNE_1})
    listing = client.get(f"{API}/awareness-sessions?area={THUM}").json()
    assert listing["count"] == 2
    assert client.get(f"{API}/awareness-sessions?provider_id=vhsg-t1").json()["count"] == 2
    assert client.get(f"{API}/awareness-sessions?since=2026-03-01").json()["count"] == 0
    summary = client.get(f"{API}/awareness-sessions/summary?area={THUM}&month=2026-02").json()
    (row,) = summary["rows"]
    assert (row["area_code"], row["month"], row["sessions"], row["participants"]) == (
        COMMUNE_1,
        "2026-02",
        2,
        54,
    )
    assert row["by_age_group"]["12_17"] == 42
    assert row["by_gender"] == {"female": 36, "male": 18, "non_binary": 0, "undisclosed": 0}
    assert summary["totals"]["participants"] == 54
    year = client.get(f"{API}/awareness-sessions/summary?area=17").json()
    assert (year["grouped_by"], len(year["months"])) == ("district", 12)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"area_code": "17"}, "area_code"),
        ({"area_code": "1702"}, "area_code"),
        ({"area_code": "17029999"}, "area_code"),
        ({"provider_id": "nowhere"}, "provider_id"),
        ({"facilitator_id": "ghost"}, "facilitator_id"),
        ({"held_on": "2026-03-03"}, "held_on"),
        ({"topic": "football"}, "topic"),
        ({"participants": []}, "participants"),
        (
            {"participants": [{"age_group": "12_17", "gender": "female", "count": 1}] * 2},
            "participants",
        ),
        (
            {"participants": [{"age_group": "12_17", "gender": "female", "count": -1}]},
            "participants.0.count",
        ),
        (
            {"participants": [{"age_group": "teen", "gender": "female", "count": 1}]},
            "participants.0.age_group",
        ),
    ],
)
def test_bad_awareness_input_names_the_field(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    problem(client.post(f"{API}/awareness-sessions", json=AWARENESS | change), 422, field)


def test_summary_and_listing_refuse_bad_queries(client: TestClient) -> None:
    url = f"{API}/awareness-sessions/summary"
    problem(client.get(f"{url}?area={THUM}&month=2026-13"), 422, "month")
    problem(client.get(f"{url}?area={VILLAGE_1}"), 422, "area")
    problem(client.get(f"{API}/awareness-sessions?provider_id=nowhere"), 404)
    problem(client.get(f"{API}/awareness-sessions?since=yesterday"), 422, "since")


# --- what coordinators see ------------------------------------------------------------------
def test_the_overview_lapsing_and_competency_lists(client: TestClient) -> None:
    new_person(client, id="v1")
    new_person(client, "hc-t2", id="n1", name="Nurse", role="health_staff")
    new_training(client, id="pfa-old", starts_on="2024-03-20", ends_on="2024-03-20")
    new_training(client, id="pfa-new", starts_on="2026-01-20", ends_on="2026-01-20")
    for session, who in (("pfa-old", "v1"), ("pfa-new", "n1")):
        client.post(
            f"{API}/trainings/{session}/attendance", json={"attendance": [{"person_id": who}]}
        )
    overview = client.get(f"{API}/capacity?area={THUM}").json()
    assert overview["grouped_by"] == "commune"
    first = overview["rows"][0]
    assert (first["area_code"], first["people"], first["coaching_overdue"]) == (
        COMMUNE_1,
        1,
        1,
    )
    pfa = next(t for t in first["topics"] if t["topic"] == "psychological_first_aid")
    assert pfa == {
        "topic": "psychological_first_aid",
        "valid": 0,
        "expiring": 1,
        "lapsed": 0,
        "refresher_due": 1,
    }
    lapsing = client.get(f"{API}/capacity/lapsing?area={THUM}").json()
    assert [(r["person_id"], r["valid_until"]) for r in lapsing["data"]] == [("v1", "2026-03-19")]
    valid = client.get(f"{API}/capacity/competencies?area={THUM}&status=valid").json()
    assert [r["person_id"] for r in valid["data"]] == ["n1"]
    paged = client.get(f"{API}/capacity/competencies?area={THUM}&limit=1&offset=1").json()
    assert (paged["count"], len(paged["data"])) == (2, 1)
    national = client.get(f"{API}/capacity").json()
    assert (national["grouped_by"], national["totals"]["area_code"]) == ("province", "KH")
    problem(client.get(f"{API}/capacity?area=99"), 422, "area")
    problem(client.get(f"{API}/capacity?area={VILLAGE_1}"), 422, "area")
    problem(client.get(f"{API}/capacity/competencies?status=great"), 422, "status")


def test_the_policy_is_read_and_replaced(client: TestClient) -> None:
    policy = client.get(f"{API}/capacity-policy").json()
    assert policy["valid_months"]["psychological_first_aid"] == 24
    policy["valid_months"]["psychological_first_aid"] = 12
    replaced = client.put(f"{API}/capacity-policy", json=policy).json()
    assert replaced["policy"]["version"] == policy["version"] + 1
    assert (
        client.get(f"{API}/capacity-policy").json()["valid_months"]["psychological_first_aid"] == 12
    )
    del policy["valid_months"]["gbv"]
    problem(client.put(f"{API}/capacity-policy", json=policy), 422)
    policy["valid_months"]["gbv"] = 0
    problem(client.put(f"{API}/capacity-policy", json=policy), 422, "valid_months.gbv")


def test_every_capacity_route_documents_its_problems(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    capacity_paths = [
        p
        for p in spec["paths"]
        if p.startswith(
            (
                f"{API}/people",
                f"{API}/providers/{{provider_id}}/people",
                f"{API}/trainings",
                f"{API}/coaching",
                f"{API}/awareness-sessions",
                f"{API}/capacity",
            )
        )
    ]
    assert len(capacity_paths) == 16  # 23 routes
    for path in capacity_paths:
        for method, operation in spec["paths"][path].items():
            assert {"401", "403", "422"} <= set(operation["responses"]), (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)


# --- retries --------------------------------------------------------------------------------
def test_a_retried_capacity_write_gets_the_first_answer_and_writes_once(
    client: TestClient,
) -> None:
    """Awareness sessions and attendance are recorded from the field on weak links: a retry
    with the same Idempotency-Key changes nothing."""
    new_person(client, id="p-retry")
    key = {"Idempotency-Key": "aw-retry-1"}
    first = client.post(f"{API}/awareness-sessions", json=AWARENESS, headers=key)
    again = client.post(f"{API}/awareness-sessions", json=AWARENESS, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotency-replayed"] == "true"
    listed = client.get(f"{API}/awareness-sessions?provider_id={AWARENESS['provider_id']}")
    assert listed.json()["count"] == 1
    other = client.post(f"{API}/awareness-sessions", json=AWARENESS | {"topic": "gbv"}, headers=key)
    problem(other, 422, "Idempotency-Key")

    session = new_training(client)
    url = f"{API}/trainings/{session['id']}/attendance"
    body = {"attendance": [{"person_id": "p-retry"}]}
    first = client.post(url, json=body, headers={"Idempotency-Key": "att-1"})
    again = client.post(url, json=body, headers={"Idempotency-Key": "att-1"})
    assert first.json() == again.json() and first.json()["recorded"] == 1
    assert again.headers["idempotency-replayed"] == "true"

"""Who sees and changes whose people, trainings, coaching and awareness sessions, signed
in for real (the route-level matrix is in tests/security/test_matrix.py)."""

from __future__ import annotations

import uuid
from typing import Any

from referral_graph.domain.training import Person, PersonRole
from referral_graph.services import capacity_building
from referral_graph.services.caller import Caller
from tests.security.conftest import World

API = "/api/v1"


def someone(w: World, provider_id: str, **extra: Any) -> str:
    ident = f"per-{uuid.uuid4().hex[:10]}"
    fields = {"id": ident, "provider_id": provider_id, "name": "Someone", "role": "other"}
    capacity_building.add_person(
        Caller.system(w.store, w.clock()), Person.model_validate(fields | extra)
    )
    return ident


def call(w: World, role: str, method: str, url: str, **kwargs: Any) -> Any:
    return w.client.request(method, url, headers=w.headers(role), **kwargs)


def test_a_ccwc_manages_its_own_people_only(world: World) -> None:
    made = call(
        world,
        "ccwc",
        "POST",
        f"{API}/providers/ccwc-a/people",
        json={"name": "Member", "role": "ccwc_member"},
    )
    assert made.status_code == 201
    ident = made.json()["id"]
    assert (
        call(world, "ccwc", "PATCH", f"{API}/people/{ident}", json={"contact": "097"}).status_code
        == 200
    )
    moved = call(world, "ccwc", "PATCH", f"{API}/people/{ident}", json={"provider_id": "hc-a"})
    assert (moved.status_code, moved.json()["field"]) == (422, "provider_id")
    theirs = someone(world, "hc-a")
    assert call(world, "ccwc", "GET", f"{API}/people/{theirs}").status_code == 404
    assert call(world, "ccwc", "GET", f"{API}/providers/hc-a/people").status_code == 404
    assert call(world, "ccwc", "GET", f"{API}/capacity?area=1701").status_code == 403


def test_supervisees_show_only_the_people_one_may_see(world: World) -> None:
    lead = someone(world, "ccwc-a", role=PersonRole.CCWC_MEMBER)
    mine = someone(world, "ccwc-a", supervised_by=(lead,))
    someone(world, "hc-a", supervised_by=(lead,))
    seen = call(world, "ccwc", "GET", f"{API}/people/{lead}/supervisees").json()
    assert [p["id"] for p in seen["data"]] == [mine]
    everyone = call(world, "supervisor", "GET", f"{API}/people/{lead}/supervisees").json()
    assert everyone["count"] == 2


def test_a_coordinator_sees_and_writes_within_their_area(world: World) -> None:
    overview = call(world, "coordinator", "GET", f"{API}/capacity").json()
    assert (overview["area"], overview["grouped_by"]) == ("17", "district")
    assert call(world, "coordinator", "GET", f"{API}/capacity?area=19").status_code == 403
    online = {"topic": "gbv", "starts_on": "2026-02-02", "mode": "online", "trainer": "TPO"}
    assert call(world, "coordinator", "POST", f"{API}/trainings", json=online).status_code == 201
    far = someone(world, "hc-b")
    sheet = f"session_id,person_id\ntraining-gbv-x,{far}\n".encode()
    report = call(
        world,
        "coordinator",
        "POST",
        f"{API}/trainings/attendance-import?dry_run=true",
        files={"file": ("a.csv", sheet, "text/csv")},
    ).json()
    assert {e["column"] for e in report["errors"]} == {"session_id", "person_id"}
    assert call(world, "coordinator", "PUT", f"{API}/capacity-policy", json={}).status_code == 403


def test_a_provider_lists_its_own_awareness_sessions(world: World) -> None:
    body = {
        "provider_id": "hc-a",
        "held_on": "2026-03-01",
        "area_code": "17010101",
        "topic": "mental_health",
        "participants": [{"age_group": "18_24", "gender": "male", "count": 5}],
    }
    assert (
        call(world, "provider", "POST", f"{API}/awareness-sessions", json=body).status_code == 201
    )
    theirs = body | {"provider_id": "ccwc-a"}
    assert (
        call(world, "supervisor", "POST", f"{API}/awareness-sessions", json=theirs).status_code
        == 201
    )
    listed = call(world, "provider", "GET", f"{API}/awareness-sessions").json()
    assert listed["count"] >= 1
    assert {s["provider_id"] for s in listed["data"]} == {"hc-a"}
    other = call(world, "provider", "GET", f"{API}/awareness-sessions?provider_id=ccwc-a")
    assert other.status_code == 404


def test_only_admins_replace_the_policy_and_only_coaches_record_coaching(world: World) -> None:
    policy = call(world, "ccwc", "GET", f"{API}/capacity-policy").json()
    for role in ("ccwc", "provider", "supervisor", "coordinator"):
        assert call(world, role, "PUT", f"{API}/capacity-policy", json=policy).status_code == 403
    assert call(world, "admin", "PUT", f"{API}/capacity-policy", json=policy).status_code == 200
    body = {
        "person_id": someone(world, "hc-b"),  # TPO's supervisor coaches programme-wide
        "coach_id": someone(world, "sup"),
        "held_on": "2026-03-01",
    }
    assert call(world, "admin", "POST", f"{API}/coaching", json=body).status_code == 403
    assert call(world, "supervisor", "POST", f"{API}/coaching", json=body).status_code == 201


def test_a_supervisor_reads_everyone_s_people_but_changes_only_those_it_oversees(
    world: World,
) -> None:
    """#20 item 9: a provincial department's account moved a health centre's nurse of
    another province elsewhere, which can drop a service from routing."""
    overseen = someone(world, "hc-a")  # hc-a is overseen by the supervisor's "sup"
    elsewhere = someone(world, "hc-b")  # Stung Treng: overseen by nobody it knows
    for person in (overseen, elsewhere):  # reads stay as they are
        assert call(world, "supervisor", "GET", f"{API}/people/{person}").status_code == 200
    assert call(world, "supervisor", "GET", f"{API}/providers/hc-b/people").status_code == 200

    move = {"provider_id": "hc-a"}
    refused = call(world, "supervisor", "PATCH", f"{API}/people/{elsewhere}", json=move)
    assert refused.status_code == 404, refused.text
    deactivate = call(
        world, "supervisor", "PATCH", f"{API}/people/{elsewhere}", json={"active": False}
    )
    assert deactivate.status_code == 404
    added = call(
        world,
        "supervisor",
        "POST",
        f"{API}/providers/hc-b/people",
        json={"name": "X", "role": "other"},
    )
    assert added.status_code == 404
    away = call(
        world, "supervisor", "PATCH", f"{API}/people/{overseen}", json={"provider_id": "hc-b"}
    )
    assert (away.status_code, away.json()["field"]) == (422, "provider_id")
    sheet = (
        b"session_id,topic,starts_on,trainer,mode,provider_id,name\n"
        b"t-x,gbv,2026-02-02,TPO,online,hc-b,New\n"
    )
    imported = call(
        world,
        "supervisor",
        "POST",
        f"{API}/trainings/attendance-import?dry_run=true",
        files={"file": ("a.csv", sheet, "text/csv")},
    ).json()
    assert [(e["column"], e["reason"]) for e in imported["errors"]] == [
        ("provider_id", "you may not add people to 'hc-b'")
    ]
    unchanged = call(world, "admin", "GET", f"{API}/people/{elsewhere}").json()
    assert (unchanged["provider_id"], unchanged["active"]) == ("hc-b", True)

    fine = call(world, "supervisor", "PATCH", f"{API}/people/{overseen}", json={"contact": "097"})
    assert fine.status_code == 200
    own = call(
        world,
        "supervisor",
        "POST",
        f"{API}/providers/sup/people",
        json={"name": "Y", "role": "other"},
    )
    assert own.status_code == 201

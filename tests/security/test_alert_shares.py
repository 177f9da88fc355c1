"""Each role's share of alerts over HTTP, signed in for real: the receiver, the sender,
the receiver's supervisor and the coordinators of the child's area see a handoff's
reminders and escalations, nobody else does; "seen" is on record per person; each
person sets their own channels (administrators anyone's), and bad settings are
refused naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from referral_graph.security.model import Role
from referral_graph.services import timeliness
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from tests.api.test_referral_journey import assert_problem
from tests.security.conftest import PASSWORD, World, sign_in

EXTRA = {
    "counsellor": (Role.PROVIDER, "tpo-a", None),  # no part in the handoff
    "stung-treng": (Role.COORDINATOR, None, "19"),
}


@pytest.fixture(scope="module")
def shares(world: World) -> dict[str, Any]:
    """One referral of ours and one foreign, each reminded and escalated."""
    for name, (role, provider_id, area) in EXTRA.items():
        create_user(
            Caller.system(world.store, world.clock()),
            NewUser(
                username=name, password=PASSWORD, role=role, provider_id=provider_id, area_code=area
            ),
        )
        world.tokens[name] = sign_in(world.client, name).json()["access_token"]
    ours, foreign = world.referral(), world.referral(foreign=True)
    world.clock.advance(hours=5)
    fired = timeliness.tick(world.store, world.clock())
    assert len(fired) == 4
    world.sign_in_all()  # the tokens of five hours ago have expired
    for name in EXTRA:
        world.tokens[name] = sign_in(world.client, name).json()["access_token"]
    return {"ours": ours, "foreign": foreign, "code": world.case_code(ours.case_id)}


def listed(world: World, role: str, query: str = "") -> list[tuple[str, str]]:
    response = world.client.get(f"/api/v1/alerts{query}", headers=world.headers(role))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["data"])
    return [(a["referral_id"], a["kind"]) for a in body["data"]]


def test_each_role_sees_its_share(world: World, shares: dict[str, Any]) -> None:
    ours, foreign = shares["ours"].id, shares["foreign"].id
    both = [(ours, "escalation"), (ours, "reminder")]
    assert listed(world, "ccwc") == both, "the sender"
    assert listed(world, "provider") == both, "the receiver"
    assert listed(world, "supervisor") == both, "the receiver's supervisor"
    assert listed(world, "coordinator") == both, "the coordinator of the child's province"
    assert listed(world, "stung-treng") == [(foreign, "escalation"), (foreign, "reminder")]
    assert listed(world, "counsellor") == [], "no part in the handoff"
    assert listed(world, "coordinator", "?area=1701&kind=escalation") == both[:1]
    assert listed(world, "coordinator", "?provider_id=hc-b") == []
    assert listed(world, "supervisor", "?provider_id=hc-a") == both
    item = world.client.get("/api/v1/alerts", headers=world.headers("ccwc")).json()["data"][0]
    assert item["case_code"] == shares["code"]
    assert item["from_provider_id"] == "ccwc-a" and item["provider_id"] == "hc-a"
    assert item["seen_at"] is None and item["seen_by"] == []
    refused = world.client.get("/api/v1/alerts?area=19", headers=world.headers("coordinator"))
    assert_problem(refused, 403, "area")
    assert_problem(
        world.client.get("/api/v1/alerts?provider_id=hc-b", headers=world.headers("provider")),
        404,
    )
    assert_problem(world.client.get("/api/v1/alerts", headers=world.headers("admin")), 403)


def test_seen_is_on_record_per_person(world: World, shares: dict[str, Any]) -> None:
    ours = shares["ours"].id
    escalation = f"alert:{ours}:acknowledge:escalation"
    first = world.client.post(
        f"/api/v1/alerts/{escalation}/seen", headers=world.headers("provider")
    )
    assert first.status_code == 200, first.text
    seen = first.json()
    assert seen["username"] == "provider" and seen["at"].startswith("2026-03-02T06:00")
    world.clock.advance(minutes=10)
    again = world.client.post(
        f"/api/v1/alerts/{escalation}/seen", headers=world.headers("provider")
    )
    assert again.json() == seen, "the first time counts"

    assert listed(world, "provider", "?unseen=true") == [(ours, "reminder")]
    assert listed(world, "ccwc", "?unseen=true") == [(ours, "escalation"), (ours, "reminder")]
    for_ccwc = world.client.get("/api/v1/alerts", headers=world.headers("ccwc")).json()["data"]
    assert for_ccwc[0]["seen_at"] is None
    assert [(s["username"], s["at"]) for s in for_ccwc[0]["seen_by"]] == [("provider", seen["at"])]
    mine = world.client.get("/api/v1/alerts", headers=world.headers("provider")).json()["data"]
    assert mine[0]["seen_at"] == seen["at"]

    foreign = f"alert:{shares['foreign'].id}:acknowledge:escalation"
    assert_problem(
        world.client.post(f"/api/v1/alerts/{foreign}/seen", headers=world.headers("ccwc")), 404
    )
    assert_problem(
        world.client.post(f"/api/v1/alerts/{escalation}/seen", headers=world.headers("counsellor")),
        404,
    )
    log = world.client.get(
        f"/api/v1/access-log?object_id={escalation}", headers=world.headers("admin")
    ).json()["data"]
    assert {(r["username"], r["action"], r["method"]) for r in log} == {
        ("provider", "write", "POST")
    }


def test_people_set_their_own_channels_and_admins_anyones(world: World) -> None:
    url = "/api/v1/me/notification-settings"
    headers = world.headers("ccwc")
    assert world.client.get(url, headers=headers).json()["channels"] == []
    assert_problem(world.client.put(url, headers=headers, json={"channels": ["sms"]}), 422, "phone")
    bad_phone = {"channels": ["sms"], "phone": "012 345 678"}
    assert_problem(world.client.put(url, headers=headers, json=bad_phone), 422, "phone")
    quiet = {"starts": "21:00", "ends": "21:00"}
    assert_problem(
        world.client.put(url, headers=headers, json={"quiet_hours": quiet}), 422, "quiet_hours"
    )
    wanted = {
        "channels": ["sms", "telegram"],
        "language": "km",
        "phone": "+85512345678",
        "telegram_chat_id": "123456789",
        "quiet_hours": {"starts": "21:00:00", "ends": "06:00:00"},
    }
    saved = world.client.put(url, headers=headers, json=wanted)
    assert saved.status_code == 200, saved.text
    assert world.client.get(url, headers=headers).json() == saved.json()
    assert sorted(saved.json()["channels"]) == ["sms", "telegram"]

    me = world.client.get("/api/v1/auth/me", headers=world.headers("provider")).json()
    admin_url = f"/api/v1/users/{me['user_id']}/notification-settings"
    chosen = {"channels": ["email"], "email": "nurse@example.org", "language": "en"}
    assert (
        world.client.put(admin_url, headers=world.headers("admin"), json=chosen).status_code == 200
    )
    mine = world.client.get(url, headers=world.headers("provider")).json()
    assert mine["email"] == "nurse@example.org" and mine["channels"] == ["email"]
    assert_problem(world.client.get(admin_url, headers=world.headers("ccwc")), 403)
    assert_problem(
        world.client.get(
            "/api/v1/users/nobody/notification-settings", headers=world.headers("admin")
        ),
        404,
    )

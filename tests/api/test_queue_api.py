"""``GET /api/v1/queue`` with real accounts (#17): each holder sees the children waiting
on it, scoped as the access rules scope it — the CCWC its cases, a provider its own
handoffs, a supervisor the providers it oversees, a coordinator its area without free
text — each item with what happened, since when and the next steps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.bootstrap import Runtime
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.security.model import Role
from referral_graph.services import directory
from referral_graph.services.accounts import NewUser, create_api_token, create_user
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import FakeClock, load_small_network, opening, provider

PASSWORD = "correct horse battery"
USERS: dict[str, tuple[Role, str | None, str | None]] = {
    "ccwc": (Role.CCWC, "ccwc-a", None),
    "nurse": (Role.PROVIDER, "hc-a", None),
    "tpo": (Role.PROVIDER, "tpo-a", None),
    "sup": (Role.SUPERVISOR, "sup", None),
    "coord": (Role.COORDINATOR, None, "17"),
    "coord-far": (Role.COORDINATOR, None, "19"),
    "admin": (Role.ADMIN, None, None),
}


@dataclass
class Net:
    client: TestClient
    clock: FakeClock
    tokens: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def queue(self, who: str, **params: Any) -> list[dict[str, Any]]:
        response = self.client.get("/api/v1/queue", params=params, headers=self.as_(who))
        assert response.status_code == 200, response.text
        return list(response.json()["data"])

    def post(self, who: str, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(path, json=body, headers=self.as_(who))
        assert response.status_code in (200, 201), response.text
        return response.json()

    def open_case(self, **extra: Any) -> dict[str, Any]:
        body = opening(**extra).model_dump(mode="json")
        return dict(self.post("ccwc", "/api/v1/cases", body))

    def refer(self, who: str, case_id: str, to: str, service: str, **extra: Any) -> str:
        sender = {"ccwc": "ccwc-a", "nurse": "hc-a", "tpo": "tpo-a"}[who]
        body = {
            "case_id": case_id,
            "from_provider_id": sender,
            "to_provider_id": to,
            "service": service,
            "reason": "Needs support.",
            **extra,
        }
        return str(self.post(who, "/api/v1/referrals", body)["id"])

    def step(self, who: str, referral_id: str, status: str, **extra: Any) -> None:
        self.clock.advance(minutes=10)
        self.post(who, f"/api/v1/referrals/{referral_id}/transitions", {"status": status, **extra})


@pytest.fixture
def net(store: Store, clock: FakeClock) -> Iterator[Net]:
    load_small_network(store)
    extra = [provider("sup", ProviderKind.CLINICAL_SUPERVISOR, {Service.SUPERVISION})]
    store.write(lambda tx: tx.load_directory(extra, []))
    directory.update_provider(Caller.system(store, clock()), "hc-a", {"overseen_by": ("sup",)})
    tokens = {}
    for name, (role, provider_id, area) in USERS.items():
        user = create_user(
            Caller.system(store, clock()),
            NewUser(
                username=name,
                password=PASSWORD,
                role=role,
                provider_id=provider_id,
                area_code=area,
            ),
        )
        # API tokens (as an integration would hold): the tests move the clock by days
        _, tokens[name] = create_api_token(Caller.system(store, clock()), user.id, "t", 90)
    settings = Settings(seed_on_start=False, rate_limit_per_minute=0)
    runtime = Runtime(settings=settings, store=store, clock=clock)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield Net(client, clock, tokens)


def _kinds(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(i["case_code"], i["kind"]) for i in items]


def test_a_decline_reaches_the_ccwc_with_its_reason_and_the_next_step(net: Net) -> None:
    case = net.open_case(needs=["medical_care"])
    ref = net.refer("ccwc", case["id"], "hc-a", "medical_care")
    assert _kinds(net.queue("nurse")) == [(case["code"], "to_answer")]
    assert net.queue("ccwc") == []  # waiting, not late

    net.step("nurse", ref, "received")
    net.step("nurse", ref, "rejected", reason_code="no_capacity", reason="Our nurse is on leave")
    [item] = net.queue("ccwc")
    assert item["kind"] == "left_waiting" and item["case_code"] == case["code"]
    assert item["referral_id"] == ref and item["provider_id"] == "hc-a"
    assert item["service"] == "medical_care" and item["status"] == "rejected"
    assert item["reason_code"] == "no_capacity"
    assert item["reason_name"]["en"] == "no counsellor or staff available"
    assert item["reason_name"]["km"] == "គ្មានអ្នកប្រឹក្សា ឬបុគ្គលិកទំនេរ"
    assert item["reason_text"] == "Our nurse is on leave"  # the case's own CCWC
    assert item["since"] == net.clock().isoformat().replace("+00:00", "Z")
    actions = {s["action"]: s for s in item["next_steps"]}
    assert actions["refer_again"]["href"] == (
        f"/api/v1/cases/{case['id']}/recommendations?service=medical_care"
    )
    assert actions["set_need_aside"]["method"] == "PATCH"
    assert net.queue("nurse") == []  # the decliner has nothing left to do

    # the coordinator of the area sees it without free text; another area does not
    [seen] = net.queue("coord")
    assert seen["kind"] == "left_waiting" and seen["reason_code"] == "no_capacity"
    assert seen["reason_text"] is None
    assert [s["action"] for s in seen["next_steps"]] == ["open_case"]
    assert net.queue("coord-far") == []

    # referred again: nobody is left waiting any more
    net.refer("ccwc", case["id"], "hc-a", "medical_care")
    assert net.queue("ccwc") == [] and net.queue("coord") == []


def test_a_providers_onward_decline_is_its_own_to_follow_up(net: Net) -> None:
    case = net.open_case(needs=["medical_care", "counselling"])
    ref = net.refer("ccwc", case["id"], "hc-a", "medical_care")
    for status in ("received", "accepted"):
        net.step("nurse", ref, status)
    onward = net.refer("nurse", case["id"], "tpo-a", "counselling", continues_referral_id=ref)
    net.step("tpo", onward, "received")
    net.step("tpo", onward, "rejected", reason_code="other", reason="Full until April")
    [mine] = [i for i in net.queue("nurse") if i["kind"] == "left_waiting"]
    assert mine["referral_id"] == onward and mine["reason_text"] == "Full until April"
    assert "refer_again" in {s["action"] for s in mine["next_steps"]}  # it holds the case
    assert "set_need_aside" not in {s["action"] for s in mine["next_steps"]}
    assert [i for i in net.queue("tpo") if i["kind"] == "left_waiting"] == []
    # the case's CCWC sees it too (the child's need is unmet), and the supervisor of hc-a
    assert ("left_waiting", onward) in {(i["kind"], i["referral_id"]) for i in net.queue("ccwc")}
    assert ("left_waiting", onward) in {(i["kind"], i["referral_id"]) for i in net.queue("sup")}


def test_late_handoffs_reach_the_sender_the_supervisor_and_the_coordinator(net: Net) -> None:
    case = net.open_case(risk="high", needs=["medical_care"])
    ref = net.refer("ccwc", case["id"], "hc-a", "medical_care")
    net.clock.advance(hours=5)  # high risk: acknowledge within 4 h
    [late] = net.queue("ccwc")
    assert late["kind"] == "overdue" and late["due_at"] and late["late"] is True
    assert {s["action"] for s in late["next_steps"]} >= {"cancel", "open_case"}
    [own] = net.queue("nurse")
    assert own["kind"] == "to_answer" and own["late"] is True and own["referral_id"] == ref
    assert _kinds(net.queue("sup")) == [(case["code"], "overdue")]
    assert _kinds(net.queue("coord")) == [(case["code"], "overdue")]
    net.step("nurse", ref, "received")  # acknowledged: the decision window runs to 12 h
    assert net.queue("ccwc") == [] and net.queue("sup") == []


def test_unmet_needs_and_follow_ups_due_are_the_ccwcs(net: Net) -> None:
    case = net.open_case(needs=["counselling", "legal_aid"])
    items = net.queue("ccwc")
    assert sorted(i["service"] for i in items) == ["counselling", "legal_aid"]
    assert {i["kind"] for i in items} == {"unmet_need"}
    assert net.queue("coord") == []  # never referred: the CCWC's to act on

    today = (net.clock() + timedelta(hours=7)).date()
    url = f"/api/v1/cases/{case['id']}/follow-up"
    body = {"on": str(today + timedelta(days=2))}
    assert net.client.put(url, json=body, headers=net.as_("ccwc")).status_code == 200
    assert "follow_up_due" not in {i["kind"] for i in net.queue("ccwc")}
    net.clock.advance(days=2)
    [due] = [i for i in net.queue("ccwc") if i["kind"] == "follow_up_due"]
    assert due["follow_up_on"] == str(today + timedelta(days=2))
    assert due["next_steps"][0]["href"] == f"/api/v1/cases/{case['id']}/follow-ups"


def test_the_most_urgent_come_first_and_pages_are_counted(net: Net) -> None:
    low = net.open_case(risk="low", needs=["counselling"])
    emergency = net.open_case(risk="emergency", needs=["counselling"])
    high = net.open_case(risk="high", needs=["counselling"])
    codes = [i["case_code"] for i in net.queue("ccwc")]
    assert codes == [emergency["code"], high["code"], low["code"]]
    page = net.client.get(
        "/api/v1/queue", params={"limit": 1, "offset": 1}, headers=net.as_("ccwc")
    ).json()
    assert page["count"] == 3 and [i["case_code"] for i in page["data"]] == [high["code"]]


def test_an_administrator_has_no_queue(net: Net) -> None:
    response = net.client.get("/api/v1/queue", headers=net.as_("admin"))
    assert response.status_code == 403
    assert net.client.get("/api/v1/queue").status_code == 401

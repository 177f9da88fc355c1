"""Issue 18 over HTTP, each person signed in for real: a VHSG volunteer sends an
identification and the CCWC makes it a case; the CCWC relays the health centre's
acknowledgement with the phone call's time and the health centre disputes it; the CCWC
records the incident time and everyone on the case sees the post-rape care clocks; the
monthly report counts sources and relayed steps. Bad input gets problem details naming
the field, and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.bootstrap import Runtime
from referral_graph.domain.models import Pathway
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import FakeClock, load_small_network, provider

PASSWORD = "correct horse battery"
USERS = {
    "vhsg": (Role.PROVIDER, "vhsg-a", None),
    "ccwc": (Role.CCWC, "ccwc-a", None),
    "nurse": (Role.PROVIDER, "hc-a", None),
    "coordinator": (Role.COORDINATOR, None, "17"),
}


@dataclass
class Field:
    client: TestClient
    clock: FakeClock
    store: Store
    tokens: dict[str, str]

    def sign_in(self) -> None:
        for name in USERS:
            answer = self.client.post(
                "/api/v1/auth/token", data={"username": name, "password": PASSWORD}
            )
            self.tokens[name] = answer.json()["access_token"]

    def advance(self, **delta: float) -> None:
        """Move the clock (and sign in again: access tokens live 15 minutes)."""
        self.clock.advance(**delta)
        self.sign_in()

    def call(self, who: str, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}", **kwargs.pop("headers", {})}
        return self.client.request(method, f"/api/v1{url}", headers=headers, **kwargs)


@pytest.fixture
def field(store: Store, clock: FakeClock) -> Iterator[Field]:
    load_small_network(store)
    vhsg = provider("vhsg-a", ProviderKind.VHSG, {Service.IDENTIFICATION})
    pathway = Pathway(
        id="pw-vhsg", from_provider_id="vhsg-a", to_provider_id="ccwc-a", service="registration"
    )
    store.write(lambda tx: tx.load_directory([vhsg], [pathway]))
    for name, (role, provider_id, area) in USERS.items():
        create_user(
            Caller.system(store, clock()),
            NewUser(
                username=name, password=PASSWORD, role=role, provider_id=provider_id, area_code=area
            ),
        )
    runtime = Runtime(
        settings=Settings(seed_on_start=False, rate_limit_per_minute=0), store=store, clock=clock
    )
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        tokens = {}
        for name in USERS:
            answer = client.post(
                "/api/v1/auth/token", data={"username": name, "password": PASSWORD}
            )
            tokens[name] = answer.json()["access_token"]
        yield Field(client, clock, store, tokens)


def problem(response: Any, status: int, field: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    if field is not None:
        assert body.get("field") == field, body
    return body


IDENTIFICATION = {
    "identified_by_provider_id": "vhsg-a",
    "age_band": "15_17",
    "gender": "female",
    "risk": "emergency",
    "needs": ["post_rape_care", "counselling"],
    "village_code": "17010101",
    "incident_at": "2026-03-01T22:00:00+07:00",
    "note": "Told her aunt; no name written here.",
}


def test_a_vhsg_identification_becomes_a_ccwc_case(field: Field) -> None:
    sent = field.call("vhsg", "POST", "/identifications", json=IDENTIFICATION)
    assert sent.status_code == 201, sent.text
    ident = sent.json()
    assert (ident["to_provider_id"], ident["pathway_id"], ident["source"]) == (
        "ccwc-a",
        "pw-vhsg",
        "vhsg",
    )
    assert ident["due"]["acknowledge"] == "2026-03-02T02:00:00Z"  # emergency: 1 h
    mine = field.call("vhsg", "GET", "/identifications").json()
    assert [i["id"] for i in mine["data"]] == [ident["id"]]
    waiting = field.call("ccwc", "GET", "/identifications?status=sent").json()
    assert waiting["count"] == 1

    field.advance(minutes=20)
    opened = field.call("ccwc", "GET", f"/identifications/{ident['id']}").json()
    assert opened["status"] == "acknowledged"
    assert opened["acknowledged_at"] == "2026-03-02T01:20:00Z"
    coordinator = field.call("coordinator", "GET", f"/identifications/{ident['id']}").json()
    assert coordinator["note"] is None
    assert field.call("nurse", "GET", f"/identifications/{ident['id']}").status_code == 404

    no_age = field.call("ccwc", "POST", f"/identifications/{ident['id']}/accept", json={})
    problem(no_age, 422, "age")
    consent = {"given_by": "child", "recorded_by": "ccwc", "recorded_at": "2026-03-02T01:25:00Z"}
    made = field.call(
        "ccwc",
        "POST",
        f"/identifications/{ident['id']}/accept",
        json={"age": 16, "consent": consent},
    )
    assert made.status_code == 201, made.text
    case = made.json()
    assert case["identified_by_provider_id"] == "vhsg-a"
    assert case["identification_source"] == "vhsg"
    assert case["incident_at"] == "2026-03-01T15:00:00Z"
    twice = field.call("ccwc", "POST", f"/identifications/{ident['id']}/accept", json={"age": 16})
    problem(twice, 409, None)
    windows = field.call("nurse", "GET", f"/cases/{case['id']}/care-windows")
    assert windows.status_code == 404  # not on any of the health centre's hops yet
    windows = field.call("ccwc", "GET", f"/cases/{case['id']}/care-windows").json()
    assert [(w["window"], w["hours_left"]) for w in windows["windows"]] == [
        ("pep", 61.67),
        ("emergency_contraception", 109.67),
    ]


def test_nobody_to_send_to_and_bad_input_write_nothing(field: Field) -> None:
    far = {**IDENTIFICATION, "village_code": "19010101"}  # Stung Treng: no CCWC, no pathway
    body = problem(field.call("vhsg", "POST", "/identifications", json=far), 422, "village_code")
    assert "nobody to send" in body["detail"]
    neither = {k: v for k, v in IDENTIFICATION.items() if k != "age_band"}
    problem(field.call("vhsg", "POST", "/identifications", json=neither), 422, None)
    future = {**IDENTIFICATION, "incident_at": "2026-03-03T08:00:00+07:00"}
    problem(field.call("vhsg", "POST", "/identifications", json=future), 422, "incident_at")
    not_mine = {**IDENTIFICATION, "identified_by_provider_id": "hc-a"}
    problem(field.call("vhsg", "POST", "/identifications", json=not_mine), 422, None)
    assert field.call("vhsg", "GET", "/identifications").json()["count"] == 0
    assert (
        field.call("coordinator", "POST", "/identifications", json=IDENTIFICATION).status_code
        == 403
    )


def _case_and_referral(field: Field, needs: list[str] | None = None) -> tuple[str, str]:
    consent = {
        "given_by": "caregiver",
        "recorded_by": "ccwc",
        "recorded_at": "2026-03-02T00:00:00Z",
    }
    case = field.call(
        "ccwc",
        "POST",
        "/cases",
        json={
            "opened_by_provider_id": "ccwc-a",
            "age": 14,
            "gender": "female",
            "risk": "high",
            "needs": needs or ["medical_care"],
            "village_code": "17010101",
            "consent": consent,
        },
    ).json()
    ref = field.call(
        "ccwc",
        "POST",
        "/referrals",
        json={
            "case_id": case["id"],
            "from_provider_id": "ccwc-a",
            "to_provider_id": "hc-a",
            "service": "medical_care",
            "reason": "Check-up",
        },
    ).json()
    return case["id"], ref["id"]


def test_the_ccwc_relays_the_health_centres_acknowledgement(field: Field) -> None:
    _, ref = _case_and_referral(field)
    field.advance(hours=26)  # the link was down; the nurse phoned at 09:30
    url = f"/referrals/{ref}/transitions"
    own = field.call("ccwc", "POST", url, json={"status": "received"})
    problem(own, 403, "status")
    future = {"status": "received", "relay": "phone", "occurred_at": "2026-03-04T09:30:00+07:00"}
    problem(field.call("ccwc", "POST", url, json=future), 422, "occurred_at")
    early = {"status": "received", "relay": "phone", "occurred_at": "2026-03-02T07:00:00+07:00"}
    problem(field.call("ccwc", "POST", url, json=early), 422, "occurred_at")
    naive = {"status": "received", "relay": "phone", "occurred_at": "2026-03-02T09:30:00"}
    problem(field.call("ccwc", "POST", url, json=naive), 422, None)
    by_sms = {"status": "received", "relay": "sms", "occurred_at": "2026-03-03T09:00:00+07:00"}
    relayed = field.call("coordinator", "POST", url, json=by_sms)
    assert relayed.status_code == 200, relayed.text  # a coordinator of the area relays it
    assert relayed.json()["referral"]["step_times"]["received"] == "2026-03-03T02:00:00Z"
    field.advance(minutes=5)
    moved = field.call(
        "ccwc",
        "POST",
        url,
        json={"status": "accepted", "relay": "phone", "occurred_at": "2026-03-03T09:30:00+07:00"},
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["referral"]["step_times"]["accepted"] == "2026-03-03T02:30:00Z"
    assert body["referral"]["relayed"]["accepted"]["by"] == "ccwc"
    event = body["events"][-1]
    assert (event["actor"], event["relayed_for"], event["relay_channel"]) == (
        "ccwc",
        "hc-a",
        "phone",
    )
    assert event["at"] == "2026-03-03T03:05:00Z" and event["occurred_at"] == "2026-03-03T02:30:00Z"

    dispute = {"status": "accepted", "note": "We said we would call back, not that we accept."}
    problem(field.call("ccwc", "POST", f"/referrals/{ref}/disputes", json=dispute), 403, "status")
    made = field.call("nurse", "POST", f"/referrals/{ref}/disputes", json=dispute)
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "step_disputed"
    problem(field.call("nurse", "POST", f"/referrals/{ref}/disputes", json=dispute), 409, None)
    seen = field.call("coordinator", "GET", f"/referrals/{ref}").json()
    assert [(d["step"], d["note"]) for d in seen["disputes"]] == [("accepted", None)]


def test_incident_time_and_clocks_on_every_hop(field: Field) -> None:
    case_id, _ = _case_and_referral(field, ["post_rape_care", "medical_care"])
    url = f"/cases/{case_id}/incident"
    problem(
        field.call("ccwc", "PUT", url, json={"incident_at": "2026-03-05T00:00:00+07:00"}),
        422,
        "incident_at",
    )
    assert (
        field.call(
            "nurse", "PUT", url, json={"incident_at": "2026-03-01T20:00:00+07:00"}
        ).status_code
        == 403
    )
    recorded = field.call("ccwc", "PUT", url, json={"incident_at": "2026-03-01T20:00:00+07:00"})
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["history"][-1]["kind"] == "incident_recorded"
    for who in ("ccwc", "nurse", "coordinator"):
        clocks = field.call(who, "GET", f"/cases/{case_id}/care-windows").json()
        assert clocks["sexual_violence"] and not clocks["health_hop_accepted"]
        assert [w["hours_left"] for w in clocks["windows"]] == [60.0, 108.0]
    handoff = field.call("nurse", "GET", f"/cases/{case_id}").json()
    assert handoff["incident_at"] == "2026-03-01T13:00:00Z"


def test_the_monthly_report_counts_relayed_steps(field: Field) -> None:
    _, ref = _case_and_referral(field)
    field.advance(hours=1)
    field.call(
        "ccwc", "POST", f"/referrals/{ref}/transitions", json={"status": "received", "relay": "sms"}
    )
    report = field.call(
        "coordinator", "GET", "/audit/report?area=1701&month=2026-03&min_cell=0"
    ).json()
    assert report["relayed"]["relayed_referrals"] == 1
    assert report["relayed"]["steps"]["received"] == 1
    assert [r["source"] for r in report["sources"]["rows"]] == ["ccwc"]
    page = field.call(
        "coordinator", "GET", "/audit/report?area=1701&month=2026-03&format=html&lang=km"
    )
    assert "ជំហានដែលបានកត់ត្រាជំនួសអ្នកទទួល" in page.text


def _identifications_in_queue(field: Field, who: str) -> list[dict[str, Any]]:
    listing = field.call(who, "GET", "/queue").json()
    return [i for i in listing["data"] if i["kind"] == "identification"]


def test_an_identification_waits_in_the_ccwcs_queue_until_it_is_decided(field: Field) -> None:
    """#17 and #18: the child a VHSG identified lands in the commune CCWC's work queue
    (the coordinators' only once late) and leaves it when the CCWC accepts it."""
    sent = field.call("vhsg", "POST", "/identifications", json=IDENTIFICATION).json()
    (item,) = _identifications_in_queue(field, "ccwc")
    assert (item["identification_id"], item["case_code"], item["risk"]) == (
        sent["id"],
        None,
        "emergency",
    )
    assert item["provider_id"] == "vhsg-a" and item["due_at"] == "2026-03-02T02:00:00Z"
    assert not item["late"]
    assert item["next_steps"][0]["href"] == f"/api/v1/identifications/{sent['id']}"
    assert _identifications_in_queue(field, "coordinator") == []
    assert _identifications_in_queue(field, "nurse") == []
    field.advance(hours=2)  # past the hour an emergency's identification is opened in
    (late,) = _identifications_in_queue(field, "coordinator")
    assert late["late"] and late["identification_id"] == sent["id"]
    assert _identifications_in_queue(field, "ccwc")[0]["late"]
    made = field.call("ccwc", "POST", f"/identifications/{sent['id']}/accept", json={"age": 16})
    assert made.status_code == 201, made.text
    assert _identifications_in_queue(field, "ccwc") == []
    assert _identifications_in_queue(field, "coordinator") == []

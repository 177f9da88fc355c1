"""FHIR R4 export: every resource parses with the R4B models and keeps the invariants."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from hypothesis import given, settings
from hypothesis import strategies as st

from referral_graph.domain.lifecycle import TRANSITIONS, ReferralStatus
from referral_graph.domain.models import Case, Referral, utc_now
from referral_graph.domain.vocabulary import Gender, RiskLevel, Service
from referral_graph.interop import fhir
from referral_graph.interop.codes import NS_CASE_CODE
from referral_graph.services import cases, referrals
from referral_graph.services import fhir as fhir_use
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralRequest, Step
from referral_graph.store.port import Store
from tests.factories import T0, FakeClock, load_small_network, opening, refer_to_health_centre

S = ReferralStatus
PARSERS: dict[str, Any] = {
    "Patient": Patient,
    "Organization": Organization,
    "ServiceRequest": ServiceRequest,
    "Task": Task,
}
TASK_STATUSES = {
    "draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
    "in-progress", "on-hold", "failed", "completed", "entered-in-error",
}  # fmt: skip
SECRET_NOTE = "Lives with her aunt behind the pagoda"


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _referral(status: S = S.REQUESTED, **extra: Any) -> Referral:
    fields: dict[str, Any] = {
        "id": "ref_0123456789abcdef0123456789abcdef",
        "case_id": "case_00000000000000000000000000000001",
        "from_provider_id": "ccwc-a",
        "to_provider_id": "hc-a",
        "service": Service.MEDICAL_CARE,
        "reason": "Injuries; needs a health check.",
        "risk": RiskLevel.HIGH,
        "status": status,
        "created_by": "tester",
        "created_at": T0,
        "updated_at": T0,
        "step_times": {S.REQUESTED: T0},
    }
    fields.update(extra)
    return Referral.model_validate(fields)


def _walk(
    store: Store, clock: FakeClock, referral_id: str, *steps: tuple[S, dict[str, str]]
) -> None:
    for status, extra in steps:
        clock.advance(hours=1)
        referrals.move_referral(
            Caller.system(store, clock(), "t"), referral_id, Step(status=status, **extra)
        )


def _journey(store: Store, clock: FakeClock) -> tuple[Case, Referral, Referral]:
    """A case referred CCWC → health centre (completed) → counsellor (onward, accepted)."""
    load_small_network(store)
    case = cases.open_case(Caller.system(store, clock(), "tester"), opening(note=SECRET_NOTE))
    first = refer_to_health_centre(
        store, clock(), case.id, reason="Injuries; needs a health check."
    )
    _walk(store, clock, first.id, (S.RECEIVED, {}), (S.ACCEPTED, {}), (S.IN_PROGRESS, {}))
    clock.advance(hours=1)
    onward = referrals.make_referral(
        Caller.system(store, clock(), "t"),
        ReferralRequest(
            case_id=case.id,
            from_provider_id="hc-a",
            to_provider_id="tpo-a",
            service=Service.COUNSELLING,
            reason="Needs counselling",
            continues_referral_id=first.id,
        ),
    )
    _walk(store, clock, first.id, (S.COMPLETED, {"outcome": "Treated"}))
    _walk(store, clock, onward.id, (S.RECEIVED, {}), (S.ACCEPTED, {}))
    latest = [
        referrals.get_referral(Caller.system(store, utc_now()), r.id).referral
        for r in (first, onward)
    ]
    return case, latest[0], latest[1]


def _parse_bundle(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Parse the Bundle and each entry with its own R4B model; resources by type."""
    Bundle.model_validate(data)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for entry in data["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        PARSERS[kind].model_validate(resource)
        assert entry["fullUrl"].endswith(f"/{kind}/{resource['id']}")
        by_type.setdefault(kind, []).append(resource)
    return by_type


def _keys(value: Any) -> set[str]:
    """Every key at any depth of a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _check_task(task: dict[str, Any]) -> None:
    parsed = Task.model_validate(task)
    assert parsed.intent == "order"
    assert _time(task["lastModified"]) >= _time(task["authoredOn"])
    period = task.get("executionPeriod")
    if period and "end" in period:
        assert _time(period["end"]) >= _time(period["start"])


# --- mapping -------------------------------------------------------------------------------


def test_statuses_map_one_to_one_for_all_nine() -> None:
    task_codes = {s: fhir.task(_referral(s)).status for s in S}
    assert len(set(task_codes.values())) == len(S) == 9
    assert set(task_codes.values()) <= TASK_STATUSES
    assert all(code == s.value.replace("_", "-") for s, code in task_codes.items())
    expected_requests = {
        S.REQUESTED: "active",
        S.RECEIVED: "active",
        S.ACCEPTED: "active",
        S.IN_PROGRESS: "active",
        S.ON_HOLD: "on-hold",
        S.COMPLETED: "completed",
        S.REJECTED: "revoked",
        S.FAILED: "revoked",
        S.CANCELLED: "revoked",
    }
    assert {s: fhir.service_request(_referral(s)).status for s in S} == expected_requests


def test_service_request_carries_service_parties_and_reason() -> None:
    data = fhir.as_json(fhir.service_request(_referral()))
    ServiceRequest.model_validate(data)
    assert data["id"] == "ref-0123456789abcdef0123456789abcdef.x1"
    assert data["identifier"][0]["value"] == "ref_0123456789abcdef0123456789abcdef"
    assert data["intent"] == "order"
    assert data["subject"] == {"reference": "Patient/case-00000000000000000000000000000001.x1"}
    assert data["requester"] == {"reference": "Organization/ccwc-a"}
    assert data["performer"] == [{"reference": "Organization/hc-a"}]
    assert data["code"]["coding"][0] == {
        "system": "https://referral-graph.org/fhir/CodeSystem/service",
        "code": "medical_care",
        "display": "Medical care",
    }
    assert data["reasonCode"] == [{"text": "Injuries; needs a health check."}]
    assert _time(data["authoredOn"]) == T0


@pytest.mark.parametrize("status", [S.REJECTED, S.FAILED, S.CANCELLED])
def test_declines_and_failures_carry_their_reason(status: S) -> None:
    data = fhir.as_json(fhir.task(_referral(status, status_reason="No capacity this month")))
    assert data["statusReason"] == {"text": "No capacity this month"}
    assert data["businessStatus"]["coding"][0]["code"] == status.value


def test_an_old_reason_is_not_shown_once_the_referral_moved_on() -> None:
    data = fhir.as_json(fhir.task(_referral(S.IN_PROGRESS, status_reason="waiting for a room")))
    assert "statusReason" not in data


def test_deadlines_fill_restriction_period_when_the_referral_has_them() -> None:
    base = _referral()
    due = {"acknowledge": T0 + timedelta(hours=4), "decide": T0 + timedelta(days=1)}
    data = fhir.as_json(fhir.task(base.model_copy(update={"due": due})))
    assert _time(data["restriction"]["period"]["start"]) == T0
    assert _time(data["restriction"]["period"]["end"]) == T0 + timedelta(days=1)
    urls = {e["url"].rsplit("/", 1)[1] for e in data["restriction"]["extension"]}
    assert urls == {"deadline-acknowledge", "deadline-decide"}
    assert "restriction" not in fhir.as_json(fhir.task(base.model_copy(update={"due": None})))


def test_patient_has_no_name_and_no_birth_date() -> None:
    for gender, code in [
        (Gender.FEMALE, "female"),
        (Gender.MALE, "male"),
        (Gender.NON_BINARY, "other"),
        (Gender.UNDISCLOSED, "unknown"),
    ]:
        case = Case.model_validate(
            opening(gender=gender).model_dump()
            | {"id": "case_1", "code": "KH1701-7K3M9Q", "opened_by": "x", "opened_at": T0}
        )
        data = fhir.as_json(fhir.patient(case))
        Patient.model_validate(data)
        assert not {"name", "birthDate", "address", "telecom", "photo"} & _keys(data)
        assert data["gender"] == code
        assert data["identifier"] == [{"system": NS_CASE_CODE, "value": "KH1701-7K3M9Q"}]
        assert data["extension"][0]["valueAge"]["value"] == 15


def _random_history(draw: st.DrawFn) -> Referral:
    """A referral after a random legal walk through the lifecycle, with random gaps."""
    status, at = S.REQUESTED, T0
    step_times = {S.REQUESTED: T0}
    for _ in range(draw(st.integers(0, 6))):
        options = TRANSITIONS[status]
        if not options:
            break
        status = draw(st.sampled_from(options))
        at += timedelta(minutes=draw(st.integers(0, 10_000)))
        step_times.setdefault(status, at)
    reason = "a reason" if status in (S.REJECTED, S.FAILED, S.CANCELLED) else None
    outcome = "an outcome" if status == S.COMPLETED else None
    return _referral(
        status, updated_at=at, step_times=step_times, status_reason=reason, outcome=outcome
    )


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_history_exports_a_valid_task(data: st.DataObject) -> None:
    referral = data.draw(st.composite(lambda draw: _random_history(draw))())
    task = fhir.as_json(fhir.task(referral))
    _check_task(task)
    assert task["status"] == referral.status.fhir_code
    period = task.get("executionPeriod")
    assert (period is not None) == (S.IN_PROGRESS in referral.step_times)
    ServiceRequest.model_validate(fhir.as_json(fhir.service_request(referral)))


# --- through the store ---------------------------------------------------------------------


def test_case_bundle_holds_every_resource_and_the_part_of_chain(
    store: Store, clock: FakeClock
) -> None:
    case, first, onward = _journey(store, clock)
    bundle = fhir_use.case_bundle(
        Caller.system(store, clock()), case.id, base="https://x.test/fhir/"
    )
    assert bundle["type"] == "collection"
    by_type = _parse_bundle(bundle)
    assert len(by_type["Patient"]) == 1
    assert {o["id"] for o in by_type["Organization"]} == {"ccwc-a", "hc-a", "tpo-a"}
    assert len(by_type["ServiceRequest"]) == len(by_type["Task"]) == 2
    assert bundle["entry"][0]["fullUrl"].startswith("https://x.test/fhir/Patient/")

    tasks = {t["identifier"][0]["value"]: t for t in by_type["Task"]}
    for t in tasks.values():
        _check_task(t)
        assert t["for"] == {"reference": f"Patient/{by_type['Patient'][0]['id']}"}
        assert t["focus"] == {"reference": f"ServiceRequest/{t['id']}"}
    for referral in (first, onward):
        t = tasks[referral.id]
        parent = referral.continues_referral_id
        expected = [{"reference": f"Task/{fhir.fhir_id(parent)}"}] if parent else None
        assert t.get("partOf") == expected
        assert t["status"] == referral.status.fhir_code
    done = tasks[first.id]
    assert _time(done["executionPeriod"]["start"]) == first.step_times[S.IN_PROGRESS]
    assert _time(done["executionPeriod"]["end"]) == first.step_times[S.COMPLETED]
    assert done["output"] == [{"type": {"text": "outcome"}, "valueString": "Treated"}]
    assert "executionPeriod" not in tasks[onward.id]
    requests = {r["identifier"][0]["value"]: r for r in by_type["ServiceRequest"]}
    assert requests[first.id]["status"] == "completed"
    assert requests[onward.id]["status"] == "active"


def test_case_bundle_leaks_no_name_note_or_village(store: Store, clock: FakeClock) -> None:
    case, _, _ = _journey(store, clock)
    bundle = fhir_use.case_bundle(Caller.system(store, clock()), case.id)
    patient = _parse_bundle(bundle)["Patient"][0]
    assert not {"name", "birthDate", "address", "telecom"} & _keys(patient)
    assert patient["identifier"][0]["value"] == case.code
    text = json.dumps(bundle)
    assert SECRET_NOTE not in text
    assert case.village_code not in text


def test_restriction_follows_the_referral_deadlines(store: Store, clock: FakeClock) -> None:
    _, first, _ = _journey(store, clock)
    named = fhir.deadlines(first)
    task = fhir.as_json(fhir.task(first))
    if "due" in Referral.model_fields:  # the timeliness policy sets deadlines
        assert getattr(first, "due", None) is not None and named
    if not named:
        assert "restriction" not in task
    else:
        assert _time(task["restriction"]["period"]["end"]) == max(named.values())


def test_referred_case_ids_finds_every_referred_case(store: Store, clock: FakeClock) -> None:
    case, _, _ = _journey(store, clock)
    cases.open_case(Caller.system(store, clock(), "tester"), opening())  # never referred
    assert fhir_use.referred_case_ids(Caller.system(store, clock())) == [case.id]
    bundles = list(fhir_use.all_bundles(Caller.system(store, clock())))
    assert [b["id"] for b in bundles] == [fhir.fhir_id(case.id)]


# --- over HTTP -------------------------------------------------------------------------------


def test_fhir_routes_answer_fhir_json(client: TestClient, store: Store, clock: FakeClock) -> None:
    case = cases.open_case(Caller.system(store, clock(), "tester"), opening())
    referral = refer_to_health_centre(store, clock(), case.id, reason="Needs a check")
    for ident in (referral.id, fhir.fhir_id(referral.id)):
        task = client.get(f"/fhir/Task/{ident}")
        assert task.status_code == 200, task.text
        assert task.headers["content-type"].startswith("application/fhir+json")
        _check_task(task.json())
        request = client.get(f"/fhir/ServiceRequest/{ident}")
        assert request.status_code == 200
        ServiceRequest.model_validate(request.json())
    bundle = client.get("/fhir/Bundle", params={"case": fhir.fhir_id(case.id)})
    assert bundle.status_code == 200
    assert bundle.headers["content-type"].startswith("application/fhir+json")
    _parse_bundle(bundle.json())
    assert bundle.json()["entry"][0]["fullUrl"].startswith("http://testserver/fhir/Patient/")


def test_fhir_routes_answer_404_as_operation_outcome(client: TestClient) -> None:
    for url in ("/fhir/Task/ref-missing", "/fhir/ServiceRequest/x", "/fhir/Bundle?case=x"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/fhir+json")
        assert response.json()["resourceType"] == "OperationOutcome"
        assert response.json()["issue"][0]["code"] == "not-found"
    missing = client.get("/fhir/Bundle")
    assert missing.status_code == 400
    assert missing.json()["issue"][0]["expression"] == ["case"]

"""The access log answers "who looked at this case" whichever way the case was reached
(#20 item 10): its own routes, its referrals, the FHIR Task, ServiceRequest and case
Bundle, an inbox and a search; and refused attempts at someone else's case or referral
are on record as ``denied``."""

from __future__ import annotations

from typing import Any

from tests.security.conftest import World


def log_of(world: World, case_id: str) -> list[dict[str, Any]]:
    answer = world.client.get(
        f"/api/v1/access-log?case_id={case_id}&limit=500", headers=world.headers("admin")
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["data"])


def get(world: World, role: str, url: str) -> int:
    return int(world.client.get(url, headers=world.headers(role)).status_code)


def test_every_read_of_a_case_is_found_by_its_case_id(world: World) -> None:
    referral = world.referral()
    case_id, ref = referral.case_id, referral.id
    reads = [
        ("ccwc", f"/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}"),
        ("ccwc", f"/api/v1/cases/{case_id}/path", "/api/v1/cases/{case_id}/path"),
        ("provider", f"/api/v1/referrals/{ref}", "/api/v1/referrals/{referral_id}"),
        ("provider", f"/fhir/Task/{ref}", "/fhir/Task/{task_id}"),
        ("provider", f"/fhir/ServiceRequest/{ref}", "/fhir/ServiceRequest/{request_id}"),
        ("ccwc", f"/fhir/Bundle?case={case_id}", "/fhir/Bundle"),
        ("provider", "/fhir/Task?owner=Organization/hc-a&_count=500", "/fhir/Task"),
        (
            "provider",
            "/api/v1/providers/hc-a/inbox?limit=500",
            "/api/v1/providers/{provider_id}/inbox",
        ),
    ]
    for role, url, _ in reads:
        assert get(world, role, url) == 200, url
    found = log_of(world, case_id)
    read = {(r["username"], r["path"]) for r in found if r["action"] == "read"}
    for role, _, route in reads:
        assert (role, route) in read, f"{route} read by {role} is not filed under the case"
    assert all(r["case_id"] == case_id for r in found)
    by_ref = [r for r in found if r["path"] == "/api/v1/referrals/{referral_id}"]
    assert by_ref[0]["object_id"] == ref  # what was asked for stays on record too


def test_a_write_is_found_by_its_case_id(world: World) -> None:
    referral = world.referral()
    step = world.client.post(
        f"/api/v1/referrals/{referral.id}/transitions",
        json={"status": "received"},
        headers=world.headers("provider"),
    )
    assert step.status_code == 200, step.text
    writes = [r for r in log_of(world, referral.case_id) if r["action"] == "write"]
    assert [(w["username"], w["object_id"]) for w in writes] == [("provider", referral.id)]


def test_refused_attempts_at_foreign_objects_are_logged_as_denied(world: World) -> None:
    theirs = world.referral(foreign=True)
    case_id, ref = theirs.case_id, theirs.id
    attempts = [
        ("provider", "GET", f"/api/v1/referrals/{ref}", None),
        ("provider", "GET", f"/fhir/Task/{ref}", None),
        ("ccwc", "GET", f"/fhir/Bundle?case={case_id}", None),
        ("ccwc", "GET", f"/api/v1/cases/{case_id}", None),
        ("provider", "POST", f"/api/v1/referrals/{ref}/transitions", {"status": "received"}),
        ("coordinator", "GET", f"/api/v1/referrals/{ref}", None),
    ]
    for role, method, url, body in attempts:
        kwargs = {} if body is None else {"json": body}
        answer = world.client.request(method, url, headers=world.headers(role), **kwargs)
        assert answer.status_code == 404, (url, answer.text)
    denied = [r for r in log_of(world, case_id) if r["action"] == "denied"]
    assert len(denied) == len(attempts)
    assert {(d["username"], d["method"]) for d in denied} == {
        (role, method) for role, method, _, _ in attempts
    }
    assert not [r for r in log_of(world, case_id) if r["action"] == "read"]
    # an inbox that is not theirs is refused and on record under the provider
    assert get(world, "provider", "/api/v1/providers/hc-b/inbox") == 404
    by_object = world.client.get(
        "/api/v1/access-log?object_id=hc-b", headers=world.headers("admin")
    ).json()["data"]
    assert [(r["action"], r["username"]) for r in by_object] == [("denied", "provider")]


def test_a_missing_object_is_not_a_denial(world: World) -> None:
    assert get(world, "provider", "/api/v1/referrals/ref_does_not_exist") == 404
    found = world.client.get(
        "/api/v1/access-log?object_id=ref_does_not_exist", headers=world.headers("admin")
    ).json()["data"]
    assert found == []

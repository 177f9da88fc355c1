"""Free text about a child (#20 item 14): every such field says what not to write (the
API schema, and the web form in English and Khmer); phone numbers and dates of birth are
refused in reasons and notes (422 naming the field; the contact arrangement is the one
place for contact details); a provider that declined no longer reads the contact
arrangement, which only the holder of the case sees."""

from __future__ import annotations

import re
from typing import Any

import pytest

from referral_graph.domain.free_text import personal_details
from referral_graph.interop import fhir as fhir_map
from referral_graph.services import referrals
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import Step
from tests.factories import opening
from tests.security.conftest import PASSWORD, World, as_json

PHONE = "Her mother answers on 012 345 678 after six"
BIRTH = "Born 12/03/2011, lives with an aunt"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call 097 123 4567", "a phone number"),
        ("+855 12 345 678", "a phone number"),
        ("លេខ ០១២ ៣៤៥ ៦៧៨", "a phone number"),
        ("DOB: 3 March 2011", "a date of birth"),
        ("កើតឆ្នាំ ២០១១", "a date of birth"),
        ("Distress after violence at home", None),
        ("Seen on 2026-03-02, village 17010101, Child Helpline 1280", None),
    ],
)
def test_what_is_recognised(text: str, found: str | None) -> None:
    assert personal_details(text) == found


def post(world: World, role: str, url: str, body: Any) -> Any:
    return world.client.post(url, json=body, headers=world.headers(role))


def assert_refused(answer: Any, field: str) -> None:
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["field"] == field
    assert "phone number" in problem["detail"] or "date of birth" in problem["detail"]


def test_reasons_and_notes_refuse_phone_numbers_and_dates_of_birth(world: World) -> None:
    case_body = as_json(opening())
    assert_refused(post(world, "ccwc", "/api/v1/cases", case_body | {"note": BIRTH}), "note")
    contact = case_body | {"contact_arrangement": "Through the focal point: 012 345 678"}
    assert post(world, "ccwc", "/api/v1/cases", contact).status_code == 201  # its one place

    ours = world.referral()
    refer = {
        "case_id": ours.case_id,
        "from_provider_id": "ccwc-a",
        "to_provider_id": "hc-a",
        "service": "medical_care",
        "reason": PHONE,
    }
    assert_refused(post(world, "ccwc", "/api/v1/referrals", refer), "reason")
    step = f"/api/v1/referrals/{ours.id}/transitions"
    cancel = {"status": "cancelled", "reason": PHONE}
    assert_refused(post(world, "ccwc", step, cancel), "reason")
    assert_refused(post(world, "provider", step, {"status": "received", "note": BIRTH}), "note")

    task = fhir_map.as_json(fhir_map.task(world.referral()))
    task |= {"status": "cancelled", "statusReason": {"text": PHONE}}
    answer = world.client.put(f"/fhir/Task/{task['id']}", json=task, headers=world.headers("ccwc"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["issue"][0]["expression"] == ["Task.statusReason"]


def test_the_api_schema_says_what_not_to_write(world: World) -> None:
    schemas = world.client.get("/openapi.json").json()["components"]["schemas"]
    for model, fields in {
        "CaseOpening": ("note", "contact_arrangement"),
        "ReferralRequest": ("reason",),
        "Step": ("reason", "outcome", "note"),
        "Consent": ("recorded_by", "given_by"),
    }.items():
        for name in fields:
            described = schemas[model]["properties"][name].get("description", "")
            assert re.search(r"never|no name", described, re.IGNORECASE), (model, name)


def case_seen_by(world: World, role: str, case_id: str) -> dict[str, Any]:
    answer = world.client.get(f"/api/v1/cases/{case_id}", headers=world.headers(role))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def with_contact(world: World) -> Any:
    from referral_graph.domain.vocabulary import Service
    from referral_graph.services import cases
    from referral_graph.services.referrals import ReferralRequest

    now = world.clock()
    case = cases.open_case(
        Caller.system(world.store, now, "ours"),
        opening(contact_arrangement="Through the CCWC focal point, never at home"),
    )
    request = ReferralRequest(
        case_id=case.id,
        from_provider_id="ccwc-a",
        to_provider_id="hc-a",
        service=Service.MEDICAL_CARE,
        reason="Needs care",
    )
    return referrals.make_referral(Caller.system(world.store, now, "t"), request)


def move(world: World, referral_id: str, *steps: Step) -> None:
    for step in steps:
        referrals.move_referral(Caller.system(world.store, world.clock(), "t"), referral_id, step)


def test_only_the_holder_reads_the_contact_arrangement(world: World) -> None:
    held = with_contact(world)
    assert case_seen_by(world, "provider", held.case_id)["contact_arrangement"] is None  # asked
    move(world, held.id, Step(status="received"), Step(status="accepted"))
    holding = case_seen_by(world, "provider", held.case_id)
    assert holding["contact_arrangement"] == "Through the CCWC focal point, never at home"
    assert case_seen_by(world, "supervisor", held.case_id)["contact_arrangement"] is None
    assert case_seen_by(world, "ccwc", held.case_id)["contact_arrangement"]  # its own CCWC

    declined = with_contact(world)
    move(world, declined.id, Step(status="received"), Step(status="rejected", reason="Full"))
    after = case_seen_by(world, "provider", declined.case_id)
    assert after["contact_arrangement"] is None  # it declined: no longer its to read


def test_the_web_form_says_what_not_to_write_in_both_languages(world: World) -> None:
    client = world.client
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/app/signin").text)
    assert csrf
    signed = client.post(
        "/app/signin",
        data={"csrf": csrf.group(1), "username": "ccwc", "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    english = client.get("/app/cases").text
    assert "the one place for contact details" in english
    assert "Never write a name, an address, a phone number or a date of birth" in english
    client.get("/app/lang/km?next=/app/cases")
    khmer = client.get("/app/cases").text
    assert "កន្លែងតែមួយគត់សម្រាប់ព័ត៌មានទំនាក់ទំនង" in khmer
    assert "កុំសរសេរឈ្មោះ អាសយដ្ឋាន លេខទូរស័ព្ទ ឬថ្ងៃខែឆ្នាំកំណើត" in khmer
    client.get("/app/lang/en?next=/app/cases")
    client.cookies.clear()

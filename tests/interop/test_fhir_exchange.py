"""FHIR both ways, signed in for real: the CapabilityStatement, the extensions'
StructureDefinitions, OperationOutcome errors, narratives, search with paging, and a
partner moving a referral by updating its Task (defect 2 and the issue's inbound part)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.structuredefinition import StructureDefinition
from fhir.resources.R4B.task import Task

from api.routers import fhir as fhir_router
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Referral
from referral_graph.domain.queries import AccessQuery, Page
from referral_graph.domain.vocabulary import Service
from referral_graph.interop import fhir_definitions
from referral_graph.interop.fhir_ids import fhir_id
from referral_graph.services import cases, referrals
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralRequest, Step
from tests.factories import refer_to_health_centre
from tests.interop.conftest import Partners

S = ReferralStatus
FHIR_JSON = "application/fhir+json"
KHMER = re.compile(r"[\u1780-\u17ff]")


def _case_with_referral(p: Partners, reason: str = "Injuries; needs a check") -> Referral:
    case = cases.open_case(Caller.system(p.store, p.clock(), "ccwc"), _opening())
    return refer_to_health_centre(p.store, p.clock(), case.id, reason=reason)


def _opening() -> Any:
    from tests.factories import opening

    return opening()


def _outcome(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    body = response.json()
    OperationOutcome.model_validate(body)
    if code is not None:
        assert body["issue"][0]["code"] == code, body
    return body


def _task(p: Partners, referral: Referral, who: str = "hc") -> dict[str, Any]:
    answer = p.client.get(f"/fhir/Task/{fhir_id(referral.id)}", headers=p.headers(who))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _put(p: Partners, task: dict[str, Any], who: str = "hc", **headers: str) -> Any:
    return p.client.put(
        f"/fhir/Task/{task['id']}",
        json=task,
        headers=p.headers(who, **{"content-type": FHIR_JSON, **headers}),
    )


# --- what the server says about itself ---------------------------------------------------


def test_metadata_is_a_capability_statement_of_exactly_the_routes(partners: Partners) -> None:
    answer = partners.client.get("/fhir/metadata")  # no token: the statement is public
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(FHIR_JSON)
    statement = answer.json()
    CapabilityStatement.model_validate(statement)
    assert statement["fhirVersion"] == "4.0.1" and statement["format"] == ["json"]
    declared = {
        (r["type"], i["code"])
        for r in statement["rest"][0]["resource"]
        for i in r.get("interaction", [])
    }
    served: set[tuple[str, str]] = set()
    for route in fhir_router.router.routes:
        path = route.path.removeprefix("/fhir/")  # type: ignore[attr-defined]
        kind, _, rest = path.partition("/")
        if kind in ("metadata", "Bundle", "{resource_type}"):
            continue
        for method in route.methods:  # type: ignore[attr-defined]
            code = {"PUT": "update"}.get(method, "read" if rest else "search-type")
            served.add((kind, code))
    assert declared == served
    for resource in statement["rest"][0]["resource"]:
        names = {p["name"] for p in resource.get("searchParam", [])}
        if resource["type"] in fhir_definitions.SEARCHES:
            assert names == {p.name for p in fhir_definitions.SEARCHES[resource["type"]]}


def test_extensions_are_published_at_their_canonical_paths(partners: Partners) -> None:
    for ext in fhir_definitions.EXTENSIONS:
        path = ext.url.removeprefix("https://referral-graph.org")
        answer = partners.client.get(path)
        assert answer.status_code == 200, path
        definition = answer.json()
        StructureDefinition.model_validate(definition)
        assert definition["url"] == ext.url and definition["type"] == "Extension"
        found = partners.client.get("/fhir/StructureDefinition", params={"url": ext.url})
        assert [e["resource"]["id"] for e in found.json()["entry"]] == [ext.id]
    _outcome(partners.client.get("/fhir/StructureDefinition/nope"), 404, "not-found")


def test_every_extension_a_bundle_uses_is_defined_for_where_it_sits(partners: Partners) -> None:
    referral = _case_with_referral(partners)
    answer = partners.client.get(
        "/fhir/Bundle", params={"case": referral.case_id}, headers=partners.headers("ccwc")
    )
    assert answer.status_code == 200, answer.text
    used: list[tuple[str, dict[str, Any]]] = []

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict):
            for e in value.get("extension", []):
                used.append((path, e))
            for k, v in value.items():
                walk(f"{path}.{k}" if k != "extension" else path, v)
        elif isinstance(value, list):
            for v in value:
                walk(path, v)

    for entry in answer.json()["entry"]:
        walk(entry["resource"]["resourceType"], entry["resource"])
    assert {e["url"] for _, e in used} == {x.url for x in fhir_definitions.EXTENSIONS}
    for path, extension in used:
        ext = fhir_definitions.BY_URL[extension["url"]]
        assert path == ext.context
        value_keys = [k for k in extension if k.startswith("value")]
        assert value_keys == ["value" + ext.value_type[0].upper() + ext.value_type[1:]]


def test_every_resource_has_a_narrative_in_english_and_khmer(partners: Partners) -> None:
    referral = _case_with_referral(partners, reason="SECRET-REASON behind the pagoda")
    bundle = partners.client.get(
        "/fhir/Bundle", params={"case": referral.case_id}, headers=partners.headers("ccwc")
    ).json()
    for entry in bundle["entry"]:
        text = entry["resource"]["text"]
        assert text["status"] == "generated"
        assert '<p lang="en">' in text["div"] and '<p lang="km">' in text["div"]
        assert KHMER.search(text["div"])
        assert "SECRET-REASON" not in text["div"]  # the narrative carries no free text


# --- errors ------------------------------------------------------------------------------


def test_errors_under_fhir_are_operation_outcomes(partners: Partners) -> None:
    referral = _case_with_referral(partners)
    url = f"/fhir/Task/{fhir_id(referral.id)}"
    c = partners.client
    unsigned = c.get(url)
    _outcome(unsigned, 401, "login")
    assert unsigned.headers["www-authenticate"] == "Bearer"
    _outcome(c.get(url, headers=partners.headers("admin")), 403, "forbidden")
    _outcome(c.get(url, headers=partners.headers("tpo")), 404, "not-found")  # not its handoff
    _outcome(c.get(url, headers=partners.headers("coordinator")), 403, "forbidden")
    _outcome(c.get("/fhir/Patient/x", headers=partners.headers("hc")), 404, "not-supported")
    _outcome(c.get("/fhir/Task?status=nonsense", headers=partners.headers("hc")), 400, "invalid")


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({}, {"accept": "application/fhir+xml"}),
        ({}, {"accept": "application/xml, text/xml"}),
        ({"_format": "xml"}, {}),
        ({"_format": "application/fhir+xml"}, {"accept": "application/fhir+json"}),
    ],
)
def test_a_request_for_xml_gets_406(
    partners: Partners, params: dict[str, str], headers: dict[str, str]
) -> None:
    referral = _case_with_referral(partners)
    for url in ("/fhir/metadata", f"/fhir/Task/{fhir_id(referral.id)}"):
        answer = partners.client.get(url, params=params, headers=partners.headers("hc", **headers))
        _outcome(answer, 406, "not-supported")
    ok = partners.client.get("/fhir/metadata", headers={"accept": "application/fhir+json"})
    assert ok.status_code == 200


# --- search ------------------------------------------------------------------------------


def _search(p: Partners, kind: str, who: str = "hc", **params: Any) -> dict[str, Any]:
    answer = p.client.get(f"/fhir/{kind}", params=params, headers=p.headers(who))
    assert answer.status_code == 200, answer.text
    bundle: dict[str, Any] = answer.json()
    Bundle.model_validate(bundle)
    assert bundle["type"] == "searchset"
    return bundle


def _ids(bundle: dict[str, Any]) -> list[str]:
    return [e["resource"]["identifier"][0]["value"] for e in bundle.get("entry", [])]


def test_search_by_owner_status_and_paging_walks_every_match(partners: Partners) -> None:
    made = []
    for _ in range(5):
        made.append(_case_with_referral(partners).id)
        partners.clock.advance(minutes=1)  # search pages in creation order
    partners.clock.advance(hours=1)
    referrals.move_referral(
        Caller.system(partners.store, partners.clock(), "t"), made[0], Step(status=S.RECEIVED)
    )
    bundle = _search(partners, "Task", owner="Organization/hc-a", status="requested", _count=2)
    assert bundle["total"] == 4
    seen = _ids(bundle)
    links = {link["relation"]: link["url"] for link in bundle["link"]}
    assert {"self", "first", "next", "last"} <= links.keys() and "previous" not in links
    while "next" in links:
        page = partners.client.get(links["next"], headers=partners.headers("hc")).json()
        seen += _ids(page)
        links = {link["relation"]: link["url"] for link in page["link"]}
    assert seen == made[1:] and "previous" in links
    assert _ids(_search(partners, "Task", status="received,requested")) == made
    assert _ids(_search(partners, "Task", owner="Organization/tpo-a")) == []


def test_search_by_requester_part_of_and_last_updated(partners: Partners) -> None:
    first = _case_with_referral(partners)
    system = Caller.system(partners.store, partners.clock(), "t")
    for status in (S.RECEIVED, S.ACCEPTED):
        referrals.move_referral(system, first.id, Step(status=status))
    partners.clock.advance(days=2)
    onward = referrals.make_referral(
        Caller.system(partners.store, partners.clock(), "t"),
        ReferralRequest(
            case_id=first.case_id,
            from_provider_id="hc-a",
            to_provider_id="tpo-a",
            service=Service.COUNSELLING,
            reason="counselling",
            continues_referral_id=first.id,
        ),
    )
    part_of = f"Task/{fhir_id(first.id)}"
    assert _ids(_search(partners, "Task", **{"part-of": part_of})) == [onward.id]
    assert _ids(_search(partners, "Task", requester="Organization/hc-a")) == [onward.id]
    assert _ids(_search(partners, "Task", "tpo", **{"part-of": part_of})) == [onward.id]
    day = partners.clock().date().isoformat()
    assert _ids(_search(partners, "Task", _lastUpdated=f"ge{day}")) == [onward.id]
    assert _ids(_search(partners, "Task", _lastUpdated=f"lt{day}")) == [first.id]
    requests = _search(partners, "ServiceRequest", performer="Organization/tpo-a")
    assert _ids(requests) == [onward.id]
    assert _ids(_search(partners, "ServiceRequest", status="active")) == [first.id, onward.id]


def test_search_shows_only_the_callers_handoffs(partners: Partners) -> None:
    mine = _case_with_referral(partners)
    assert _ids(_search(partners, "Task", "tpo")) == []
    assert _ids(_search(partners, "Task", "hc")) == [mine.id]
    assert _ids(_search(partners, "Task", "ccwc")) == [mine.id]
    coordinator = partners.client.get("/fhir/Task", headers=partners.headers("coordinator"))
    _outcome(coordinator, 403, "forbidden")


def test_strict_handling_refuses_unknown_parameters(partners: Partners) -> None:
    lenient = _search(partners, "Task", colour="blue")
    assert "colour" not in lenient["link"][0]["url"]
    strict = partners.client.get(
        "/fhir/Task",
        params={"colour": "blue"},
        headers=partners.headers("hc", prefer="handling=strict"),
    )
    _outcome(strict, 400, "invalid")


# --- inbound: a partner moves the referral -------------------------------------------------


def test_a_partner_acknowledges_accepts_and_completes_over_fhir(partners: Partners) -> None:
    referral = _case_with_referral(partners)
    task = _task(partners, referral)
    for status in ("received", "accepted", "in-progress"):
        task["status"] = status
        answer = _put(partners, task)
        assert answer.status_code == 200, answer.text
        task = answer.json()
        Task.model_validate(task)
        assert task["status"] == status
        assert answer.headers["etag"] == f'W/"{task["meta"]["versionId"]}"'
    task["status"] = "completed"
    task["output"] = [{"type": {"text": "outcome"}, "valueString": "First aid given"}]
    done = _put(partners, task)
    assert done.status_code == 200, done.text
    stored = referrals.get_referral(Caller.system(partners.store, partners.clock()), referral.id)
    assert stored.referral.status is S.COMPLETED
    assert stored.referral.outcome == "First aid given"
    assert [e.actor for e in stored.events[1:]] == ["partner-hc"] * 4  # as the partner
    written = partners.store.read(
        lambda tx: tx.list_access(AccessQuery(), Page(limit=500, offset=0))
    )
    updates = [
        a
        for a in written.items
        if a.username == "partner-hc" and a.method == "PUT" and a.action == "write"
    ]
    assert len(updates) == 4 and {a.path for a in updates} == {"/fhir/Task/{task_id}"}


def test_illegal_and_incomplete_moves_answer_operation_outcomes(partners: Partners) -> None:
    referral = _case_with_referral(partners)
    task = _task(partners, referral)
    output = [{"type": {"text": "outcome"}, "valueString": "x"}]
    illegal = _put(partners, {**task, "status": "completed", "output": output})
    body = _outcome(illegal, 409, "business-rule")
    assert body["issue"][0]["expression"] == ["Task.status"]
    _put(partners, {**task, "status": "received"})
    task = _task(partners, referral)
    no_reason = _outcome(_put(partners, {**task, "status": "rejected"}), 422, "invalid")
    assert no_reason["issue"][0]["expression"] == ["Task.statusReason"]
    draft = _outcome(_put(partners, {**task, "status": "draft"}), 422)
    assert draft["issue"][0]["expression"] == ["Task.status"]
    moved = _outcome(_put(partners, {**task, "owner": {"reference": "Organization/tpo-a"}}), 422)
    assert moved["issue"][0]["expression"] == ["Task.owner"]
    elsewhere = partners.client.put(
        f"/fhir/Task/{task['id']}",
        json={**task, "id": "other"},
        headers=partners.headers("hc", **{"content-type": FHIR_JSON}),
    )
    _outcome(elsewhere, 400, "structure")
    declined = _put(
        partners, {**task, "status": "rejected", "statusReason": {"text": "No room this week"}}
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["statusReason"] == {"text": "No room this week"}


def test_only_the_receiver_moves_and_a_stranger_finds_nothing(partners: Partners) -> None:
    referral = _case_with_referral(partners)
    task = _task(partners, referral)
    sender = _outcome(_put(partners, {**task, "status": "received"}, "ccwc"), 403, "forbidden")
    assert "receiver" in sender["issue"][0]["diagnostics"]
    _outcome(_put(partners, {**task, "status": "received"}, "tpo"), 404, "not-found")
    cancel = {**task, "status": "cancelled", "statusReason": {"text": "Sent by mistake"}}
    assert _put(partners, cancel, "ccwc").status_code == 200  # the sender cancels


def test_retries_change_nothing_twice(partners: Partners) -> None:
    referral = _case_with_referral(partners)
    task = {**_task(partners, referral), "status": "received"}
    first = _put(partners, task, **{"idempotency-key": "ack-1"})
    again = _put(partners, task, **{"idempotency-key": "ack-1"})
    assert first.status_code == again.status_code == 200
    assert again.headers.get("idempotency-replayed") == "true"
    assert again.headers["content-type"].startswith(FHIR_JSON)
    assert again.json()["status"] == "received" and again.json()["id"] == task["id"]
    same = _put(partners, task)  # no key: an update to the status it has changes nothing
    assert same.status_code == 200
    events = referrals.get_referral(Caller.system(partners.store, partners.clock()), referral.id)
    assert [e.to_status for e in events.events] == [S.REQUESTED, S.RECEIVED]


def test_a_stale_if_match_is_refused_with_412(partners: Partners) -> None:
    referral = _case_with_referral(partners)
    task = _task(partners, referral)
    _put(partners, {**task, "status": "received"})
    stale = _put(partners, {**task, "status": "accepted"}, **{"if-match": 'W/"1"'})
    _outcome(stale, 412, "conflict")
    fresh = _put(partners, {**task, "status": "accepted"}, **{"if-match": 'W/"2"'})
    assert fresh.status_code == 200, fresh.text


def test_an_xml_body_is_refused_with_415(partners: Partners) -> None:
    referral = _case_with_referral(partners)
    answer = partners.client.put(
        f"/fhir/Task/{fhir_id(referral.id)}",
        content=b"<Task xmlns='http://hl7.org/fhir'/>",
        headers=partners.headers("hc", **{"content-type": "application/fhir+xml"}),
    )
    _outcome(answer, 415, "not-supported")

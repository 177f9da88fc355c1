"""The authorisation matrix, generated from the route table: every role × every route ×
own object / foreign object, plus no token, an expired token and a tampered token.

A route added to the app without an entry here fails ``test_every_route_has_an_entry``.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import jwt
import pytest

from api.policy import RULES, Rule
from referral_graph.domain.models import utc_now
from referral_graph.security.model import Role
from referral_graph.services.caller import Caller
from tests.factories import opening
from tests.security.conftest import ROLE_USERS, World, as_json

OK = {200, 201, 204}
ROLES = list(ROLE_USERS)

#: For a role, the provider whose inbox or alerts are "own".
OWN_PROVIDER = {"ccwc": "ccwc-a", "provider": "hc-a", "supervisor": "hc-a"}


def _provider(role: str, own: bool) -> str:
    return OWN_PROVIDER.get(role, "hc-a") if own else "hc-b"


def _area(own: bool) -> str:
    return "1701" if own else "19"


def referral_url(suffix: str = "") -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        r = w.referral(foreign=not own)
        return "GET", f"/api/v1/referrals/{r.id}{suffix}", {}

    return build


def case_url(suffix: str) -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        r = w.referral(foreign=not own)
        if own and role == "provider" and suffix == "/recommendations":
            hold(w, r.id)  # a provider asks for recommendations for a case it holds
        return "GET", f"/api/v1/cases/{r.case_id}{suffix}", {}

    return build


def transition(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    r = w.referral(foreign=not own)
    body: dict[str, Any] = (
        {"status": "received"}
        if role == "provider"
        else {"status": "cancelled", "reason": "sent to the wrong place"}
    )
    if role == "supervisor":  # an overseer relays the receiver's step (#18)
        body = {"status": "received", "relay": "phone"}
    return "POST", f"/api/v1/referrals/{r.id}/transitions", {"json": body}


def hold(w: World, referral_id: str) -> None:
    from referral_graph.services import referrals
    from referral_graph.services.referrals import Step

    for status in ("received", "accepted"):
        referrals.move_referral(
            Caller.system(w.store, w.clock(), "t"), referral_id, Step(status=status)
        )


def make_referral(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    if role == "provider":
        base = w.referral(foreign=not own)
        from referral_graph.services import referrals
        from referral_graph.services.referrals import Step

        if own:
            for status in ("received", "accepted"):
                referrals.move_referral(
                    Caller.system(w.store, w.clock(), "t"), base.id, Step(status=status)
                )
        body = {
            "case_id": base.case_id,
            "from_provider_id": "hc-a",
            "to_provider_id": "tpo-a",
            "service": "counselling",
            "reason": "onward",
            "continues_referral_id": base.id,
        }
    else:
        base = w.referral(foreign=not own)
        body = {  # not the open medical referral again (a duplicate: 409)
            "case_id": base.case_id,
            "from_provider_id": "ccwc-a",
            "to_provider_id": "tpo-a",
            "service": "counselling",
            "reason": "again",
        }
    return "POST", "/api/v1/referrals", {"json": body}


def open_case(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    opener = "ccwc-a" if own else "ccwc-b"
    village = "17010101" if own else "19010101"
    body = as_json(opening(opened_by_provider_id=opener, village_code=village))
    return "POST", "/api/v1/cases", {"json": body}


def consent(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    r = w.referral(foreign=not own)
    body = {"given_by": "child", "recorded_by": "ccwc", "recorded_at": "2026-03-02T02:00:00Z"}
    return "PUT", f"/api/v1/cases/{r.case_id}/consent", {"json": body}


#: Closing a case whose counselling need was never met (its referral was cancelled).
CLOSING = {"reason": "opened_in_error", "outcome": "Opened twice", "override": "A twin case"}


def close(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    from referral_graph.services import referrals
    from referral_graph.services.referrals import Step

    r = w.referral(foreign=not own)
    step = Step(status="cancelled", reason="opened by mistake")
    referrals.move_referral(Caller.system(w.store, w.clock(), "t"), r.id, step)
    return "POST", f"/api/v1/cases/{r.case_id}/close", {"json": CLOSING}


def reopen(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    from referral_graph.services import case_life

    _, url, _ = close(w, role, own)
    case_id = url.split("/")[-2]
    closing = case_life.CaseClosing.model_validate(CLOSING)
    case_life.close_case(Caller.system(w.store, w.clock(), "t"), case_id, closing)
    return "POST", f"/api/v1/cases/{case_id}/reopen", {"json": {"reason": "Back home"}}


def case_write(method: str, suffix: str, body: dict[str, Any]) -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        r = w.referral(foreign=not own)
        return method, f"/api/v1/cases/{r.case_id}{suffix}", {"json": body}

    return build


def fhir(kind: str) -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        r = w.referral(foreign=not own)
        if kind == "Bundle":
            return "GET", f"/fhir/Bundle?case={r.case_id}", {}
        return "GET", f"/fhir/{kind}/{r.id}", {}

    return build


def fhir_update(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    from referral_graph.interop import fhir as fhir_map

    r = w.referral(foreign=not own)
    task = fhir_map.as_json(fhir_map.task(r))
    if role == "provider":
        task["status"] = "received"
    else:
        task |= {"status": "cancelled", "statusReason": {"text": "sent to the wrong place"}}
    return "PUT", f"/fhir/Task/{task['id']}", {"json": task}


def get(url: str) -> Any:
    return lambda w, role, own: ("GET", url, {})


def scoped_get(template: str, value: Any) -> Any:
    return lambda w, role, own: ("GET", template.format(value(role, own)), {})


def throwaway_user(w: World) -> str:
    from referral_graph.security.model import Role as R
    from referral_graph.services.accounts import NewUser, create_user

    name = f"tmp-{uuid.uuid4().hex[:12]}"
    user = create_user(
        Caller.system(w.store, w.clock()),
        NewUser(username=name, password="long enough pw", role=R.ADMIN),
    )
    return user.id


def users_route(method: str, suffix: str = "", body: Any = None) -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        target = throwaway_user(w)
        kwargs = {} if body is None else {"json": body}
        return method, f"/api/v1/users/{target}{suffix}", kwargs

    return build


def new_user(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    body = {"username": f"new-{role}-{int(own)}", "password": "long enough pw", "role": "admin"}
    return "POST", "/api/v1/users", {"json": body}


def revoke_token(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    from referral_graph.services.accounts import create_api_token

    target = throwaway_user(w)
    record, _ = create_api_token(Caller.system(w.store, w.clock()), target, "x", None)
    return "DELETE", f"/api/v1/users/{target}/api-tokens/{record.id}", {}


def provider_create(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    body = {
        "name": f"New {role} {own}",
        "kind": "ngo",
        "area_code": "1701",
        "services": ["counselling"],
    }
    return "POST", "/api/v1/providers", {"json": body}


def pathway_create(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    body = {"from_provider_id": "ccwc-a", "to_provider_id": "tpo-a", "service": "counselling"}
    return "POST", "/api/v1/pathways", {"json": body}


def policy_put(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    policy = w.client.get("/api/v1/sla-policy", headers=w.headers("admin")).json()
    return "PUT", "/api/v1/sla-policy", {"json": policy}


def spreadsheet(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    csv = b"id,name,kind,area_code,services\nimp-1,Imported,ngo,1701,counselling\n"
    return (
        "POST",
        "/api/v1/directory/import?dry_run=true",
        {"files": {"file": ("providers.csv", csv, "text/csv")}},
    )


def hsds_import(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    doc = w.client.get("/api/v1/directory/hsds?per_page=1", headers=w.headers("admin")).content
    return (
        "POST",
        "/api/v1/directory/hsds-import?dry_run=true",
        {"files": {"file": ("directory.json", doc, "application/json")}},
    )


def requeue(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    import uuid

    from referral_graph.store.port import OutboxMessage

    about = w.referral(foreign=not own)  # a coordinator requeues those of their area
    dead = OutboxMessage(
        id=f"msg_{uuid.uuid4().hex}",
        topic="t",
        payload={"case_id": about.case_id, "referral_id": about.id},
        created_at=w.clock(),
        state="dead",
        attempts=8,
    )
    w.store.write(lambda tx: tx.enqueue(dead))
    return "POST", f"/api/v1/outbox/{dead.id}/requeue", {}


# --- capacity building -------------------------------------------------------------------
def fresh_person(w: World, provider_id: str) -> str:
    from referral_graph.domain.training import Person, PersonRole
    from referral_graph.services import capacity_building

    ident = f"per-{uuid.uuid4().hex[:12]}"
    made = Person(id=ident, provider_id=provider_id, name="Matrix", role=PersonRole.OTHER)
    capacity_building.add_person(Caller.system(w.store, w.clock()), made)
    return ident


def fresh_training(w: World) -> str:
    from datetime import date

    from referral_graph.domain.training import TrainingSession, TrainingTopic
    from referral_graph.services import capacity_building

    ident = f"trn-{uuid.uuid4().hex[:12]}"
    session = TrainingSession(
        id=ident,
        topic=TrainingTopic.PSYCHOLOGICAL_FIRST_AID,
        starts_on=date(2026, 2, 2),
        ends_on=date(2026, 2, 2),
        area_code="1701",
        trainer="TPO",
    )
    capacity_building.create_training_session(Caller.system(w.store, utc_now()), session)
    return ident


def provider_people(method: str) -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        kwargs = {"json": {"name": "New", "role": "other"}} if method == "POST" else {}
        return method, f"/api/v1/providers/{_provider(role, own)}/people", kwargs

    return build


def person_route(method: str, suffix: str = "", body: Any = None) -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        ident = fresh_person(w, _provider(role, own))
        kwargs = {} if body is None else {"json": body}
        return method, f"/api/v1/people/{ident}{suffix}", kwargs

    return build


def training_route(suffix: str = "") -> Any:
    return lambda w, role, own: ("GET", f"/api/v1/trainings/{fresh_training(w)}{suffix}", {})


def training_create(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    body = {"topic": "gbv", "starts_on": "2026-02-02", "area_code": _area(own), "trainer": "T"}
    return "POST", "/api/v1/trainings", {"json": body}


def attendance_post(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    body = {"attendance": [{"person_id": fresh_person(w, _provider(role, own))}]}
    return "POST", f"/api/v1/trainings/{fresh_training(w)}/attendance", {"json": body}


def attendance_sheet(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    row = f"{fresh_training(w)},{fresh_person(w, _provider(role, own))}"
    csv = f"session_id,person_id\n{row}\n".encode()
    return (
        "POST",
        "/api/v1/trainings/attendance-import?dry_run=true",
        {"files": {"file": ("attendance.csv", csv, "text/csv")}},
    )


def coaching_post(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    body = {
        "person_id": fresh_person(w, _provider(role, own)),
        "coach_id": fresh_person(w, "sup"),
        "held_on": "2026-03-01",
    }
    return "POST", "/api/v1/coaching", {"json": body}


def awareness_post(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    body = {
        "provider_id": _provider(role, own),
        "held_on": "2026-03-01",
        "area_code": "17010101",
        "topic": "gbv",
        "participants": [{"age_group": "12_17", "gender": "female", "count": 4}],
    }
    return "POST", "/api/v1/awareness-sessions", {"json": body}


def capacity_policy_put(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    policy = w.client.get("/api/v1/capacity-policy", headers=w.headers("admin")).json()
    return "PUT", "/api/v1/capacity-policy", {"json": policy}


def fired_alert(w: World, own: bool) -> str:
    """An escalation about a fresh referral: ours (sent by ccwc-a to hc-a, which sup
    oversees, for a child in Angkor Chum) or foreign (Stung Treng)."""
    from referral_graph.domain.models import TimelinessAlert
    from referral_graph.domain.sla import AlertKind, Window

    r = w.referral(foreign=not own)
    alert = TimelinessAlert(
        id=f"alert:{r.id}:acknowledge:escalation",
        referral_id=r.id,
        case_id=r.case_id,
        provider_id=r.to_provider_id,
        window=Window.ACKNOWLEDGE,
        kind=AlertKind.ESCALATION,
        risk=r.risk,
        due_at=w.clock(),
        fired_at=w.clock(),
        notify=(r.from_provider_id,),
    )
    w.store.write(lambda tx: tx.add_alert(alert))
    return alert.id


def alert_seen(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    return "POST", f"/api/v1/alerts/{fired_alert(w, own)}/seen", {}


def my_settings(method: str) -> Any:
    body = {"channels": ["email"], "email": "me@example.org", "language": "en"}

    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        kwargs = {"json": body} if method == "PUT" else {}
        return method, "/api/v1/me/notification-settings", kwargs

    return build


# --- field realities (#18) ----------------------------------------------------------------
def fresh_identification(w: World, own: bool) -> str:
    """Sent by the health centre to the CCWC (ours), or in Stung Treng (foreign)."""
    from referral_graph.services import identifications
    from referral_graph.services.identifications import IdentificationRequest

    body = IdentificationRequest(
        identified_by_provider_id="hc-a" if own else "hc-b",
        age=13,
        gender="female",
        risk="high",
        needs=["counselling"],
        village_code="17010101" if own else "19010101",
    )
    return identifications.register(Caller.system(w.store, w.clock(), "t"), body).id


def identify(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    mine = OWN_PROVIDER.get(role, "hc-a")
    # a CCWC identifies a child of another commune; a provider one of its own commune
    village = "19010101" if role == "ccwc" else "17010101"
    body = {
        "identified_by_provider_id": mine if own else "hc-b",
        "age_band": "12_14",
        "gender": "male",
        "risk": "medium",
        "needs": ["counselling"],
        "village_code": village,
    }
    return "POST", "/api/v1/identifications", {"json": body}


def identification_route(method: str, suffix: str = "", body: Any = None) -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        ident = fresh_identification(w, own)
        kwargs = {} if body is None else {"json": body}
        return method, f"/api/v1/identifications/{ident}{suffix}", kwargs

    return build


# --- network meetings --------------------------------------------------------------------
#: The provider each role's own action belongs to (a coordinator's and an admin's: in
#: their area; an admin's agrees a pathway, which is what admins see).
ACTION_OWNER = {"ccwc": "ccwc-a", "provider": "hc-a", "supervisor": "sup"}
#: Senders of the pathways admins' actions agree (each a new one: a confirmed pathway
#: cannot be agreed twice).
PATHWAY_SENDERS = itertools.cycle(["ccwc-a", "hc-a", "girls-only", "sup", "ccwc-b", "hc-b"])


def fresh_meeting(w: World, own: bool) -> Any:
    from datetime import date

    from referral_graph.services.meetings import meetings
    from referral_graph.services.meetings.meetings import NewMeeting

    new = NewMeeting(
        area_code="1701" if own else "19",
        held_on=date(2026, 3, 5),
        participants=["hc-a"] if own else ["hc-b"],
    )
    return meetings.create_meeting(Caller.system(w.store, w.clock()), None, new)


def fresh_action(w: World, role: str, own: bool) -> str:
    from datetime import date

    from referral_graph.domain.vocabulary import Service
    from referral_graph.services.meetings import actions
    from referral_graph.services.meetings.actions import ActionDraft, PathwayDraft

    meeting = fresh_meeting(w, own)
    owner = ACTION_OWNER.get(role, "hc-a") if own else "hc-b"
    pathway = None
    if own and role == "admin":
        pathway = PathwayDraft(
            from_provider_id=next(PATHWAY_SENDERS),
            to_provider_id="tpo-a",
            service=Service.GROUP_THERAPY,
        )
    draft = ActionDraft(
        text="Matrix action", owner_provider_id=owner, due_on=date(2026, 3, 20), pathway=pathway
    )
    (made,) = actions.add_actions(Caller.system(w.store, w.clock()), meeting.id, [draft])
    return str(made.id)


def meeting_route(method: str, suffix: str = "", body: Any = None) -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        meeting = fresh_meeting(w, own)
        kwargs = {} if body is None else {"json": body(meeting, own)}
        return method, f"/api/v1/meetings/{meeting.id}{suffix}", kwargs

    return build


def dispute(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    """The receiver disputes an acknowledgement someone relayed for it: the health
    centre's from the CCWC; a CCWC's, on a referral the health centre sent back to it."""
    from referral_graph.services import referrals
    from referral_graph.services.referrals import ReferralRequest, Step

    r = w.referral(foreign=not own)
    system = Caller.system(w.store, w.clock(), "t")
    if own and role == "ccwc":
        for status in ("received", "accepted"):
            referrals.move_referral(system, r.id, Step(status=status))
        back = ReferralRequest(
            case_id=r.case_id,
            from_provider_id="hc-a",
            to_provider_id="ccwc-a",
            service="registration",
            reason="Back for case management",
            continues_referral_id=r.id,
        )
        r = referrals.make_referral(system, back)
    referrals.move_referral(system, r.id, Step(status="received", relay="phone"))
    body = {"status": "received", "note": "Nobody here took that call."}
    return "POST", f"/api/v1/referrals/{r.id}/disputes", {"json": body}


def incident_put(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    r = w.referral(foreign=not own)
    body = {"incident_at": "2026-02-28T20:00:00+07:00"}
    return "PUT", f"/api/v1/cases/{r.case_id}/incident", {"json": body}


def meeting_create(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    body = {"area_code": "1701" if own else "19", "held_on": "2026-03-05"}
    return "POST", "/api/v1/meetings", {"json": body}


def action_draft(meeting: Any, own: bool) -> dict[str, Any]:
    owner = "hc-a" if own else "hc-b"
    return {"text": "Call back", "owner_provider_id": owner, "due_on": "2026-03-20"}


def action_route(method: str, suffix: str = "", body: Any = None) -> Any:
    def build(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
        ident = fresh_action(w, role, own)
        kwargs = {} if body is None else {"json": body}
        return method, f"/api/v1/meeting-actions/{ident}{suffix}", kwargs

    return build


def actions_list(w: World, role: str, own: bool) -> tuple[str, str, dict[str, Any]]:
    query = ("?area=1701" if own else "?area=19") if role == "coordinator" else ""
    return "GET", f"/api/v1/meeting-actions{query}", {}


#: route → how to build a request for (role, own object?); objects are fresh per cell.
MATRIX: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/auth/logout"): lambda w, r, o: ("POST", "/api/v1/auth/logout", {"json": {}}),
    ("GET", "/api/v1/auth/me"): get("/api/v1/auth/me"),
    ("GET", "/metrics"): get("/metrics"),
    ("GET", "/api/v1/users"): get("/api/v1/users"),
    ("POST", "/api/v1/users"): new_user,
    ("GET", "/api/v1/users/{user_id}"): users_route("GET"),
    ("POST", "/api/v1/users/{user_id}/deactivate"): users_route("POST", "/deactivate"),
    ("POST", "/api/v1/users/{user_id}/api-tokens"): users_route(
        "POST", "/api-tokens", {"name": "integration"}
    ),
    ("GET", "/api/v1/users/{user_id}/api-tokens"): users_route("GET", "/api-tokens"),
    ("DELETE", "/api/v1/users/{user_id}/api-tokens/{token_id}"): revoke_token,
    ("GET", "/api/v1/access-log"): get("/api/v1/access-log"),
    ("GET", "/api/v1/providers"): get("/api/v1/providers"),
    ("POST", "/api/v1/providers"): provider_create,
    ("GET", "/api/v1/providers/{provider_id}"): get("/api/v1/providers/hc-a"),
    ("PATCH", "/api/v1/providers/{provider_id}"): lambda w, r, o: (
        "PATCH",
        "/api/v1/providers/tpo-a",
        {"json": {"weekly_capacity": 9}},
    ),
    ("DELETE", "/api/v1/providers/{provider_id}"): lambda w, r, o: (
        "DELETE",
        "/api/v1/providers/girls-only",
        {},
    ),
    ("GET", "/api/v1/providers/{provider_id}/inbox"): scoped_get(
        "/api/v1/providers/{}/inbox", _provider
    ),
    ("GET", "/api/v1/pathways"): get("/api/v1/pathways"),
    ("POST", "/api/v1/pathways"): pathway_create,
    ("GET", "/api/v1/pathways/{pathway_id}"): get("/api/v1/pathways/pw-2"),
    ("GET", "/api/v1/directory/hsds"): get("/api/v1/directory/hsds"),
    ("POST", "/api/v1/directory/import"): spreadsheet,
    ("POST", "/api/v1/directory/hsds-import"): hsds_import,
    ("GET", "/api/v1/coverage"): get("/api/v1/coverage?area=1701&service=counselling"),
    ("GET", "/api/v1/coverage/gaps"): scoped_get(
        "/api/v1/coverage/gaps?area={}", lambda r, o: _area(o)
    ),
    ("POST", "/api/v1/cases"): open_case,
    ("GET", "/api/v1/cases/{case_id}"): case_url(""),
    ("PUT", "/api/v1/cases/{case_id}/consent"): consent,
    ("POST", "/api/v1/cases/{case_id}/close"): close,
    ("PATCH", "/api/v1/cases/{case_id}"): case_write("PATCH", "", {"risk": "emergency"}),
    ("PUT", "/api/v1/cases/{case_id}/follow-up"): case_write(
        "PUT", "/follow-up", {"on": "2026-12-31"}
    ),
    ("POST", "/api/v1/cases/{case_id}/follow-ups"): case_write(
        "POST", "/follow-ups", {"note": "Back at school"}
    ),
    ("POST", "/api/v1/cases/{case_id}/reopen"): reopen,
    ("GET", "/api/v1/cases/{case_id}/timeline"): case_url("/timeline"),
    ("GET", "/api/v1/queue"): get("/api/v1/queue"),
    ("GET", "/api/v1/reason-codes"): get("/api/v1/reason-codes"),
    ("GET", "/api/v1/cases/{case_id}/path"): case_url("/path"),
    ("GET", "/api/v1/cases/{case_id}/recommendations"): case_url("/recommendations"),
    ("POST", "/api/v1/referrals"): make_referral,
    ("GET", "/api/v1/referrals/{referral_id}"): referral_url(),
    ("POST", "/api/v1/referrals/{referral_id}/transitions"): transition,
    ("GET", "/fhir/Task/{task_id}"): fhir("Task"),
    ("GET", "/fhir/ServiceRequest/{request_id}"): fhir("ServiceRequest"),
    ("GET", "/fhir/Bundle"): fhir("Bundle"),
    ("GET", "/fhir/Task"): get("/fhir/Task?status=requested"),
    ("GET", "/fhir/ServiceRequest"): get("/fhir/ServiceRequest"),
    ("PUT", "/fhir/Task/{task_id}"): fhir_update,
    ("GET", "/api/v1/sla-policy"): get("/api/v1/sla-policy"),
    ("PUT", "/api/v1/sla-policy"): policy_put,
    ("GET", "/api/v1/audit/overdue"): scoped_get(
        "/api/v1/audit/overdue?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/audit/due-soon"): scoped_get(
        "/api/v1/audit/due-soon?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/alerts"): scoped_get("/api/v1/alerts?provider_id={}", _provider),
    ("POST", "/api/v1/alerts/{alert_id}/seen"): alert_seen,
    ("GET", "/api/v1/me/notification-settings"): my_settings("GET"),
    ("PUT", "/api/v1/me/notification-settings"): my_settings("PUT"),
    ("GET", "/api/v1/users/{user_id}/notification-settings"): users_route(
        "GET", "/notification-settings"
    ),
    ("PUT", "/api/v1/users/{user_id}/notification-settings"): users_route(
        "PUT", "/notification-settings", {"channels": ["sms"], "phone": "+85512345678"}
    ),
    ("POST", "/api/v1/timeliness/tick"): lambda w, r, o: ("POST", "/api/v1/timeliness/tick", {}),
    ("GET", "/api/v1/outbox/dead-letters"): get("/api/v1/outbox/dead-letters"),
    ("POST", "/api/v1/outbox/{message_id}/requeue"): requeue,
    ("GET", "/api/v1/audit/delays"): scoped_get(
        "/api/v1/audit/delays?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/audit/bottlenecks"): scoped_get(
        "/api/v1/audit/bottlenecks?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/audit/loops"): scoped_get(
        "/api/v1/audit/loops?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/audit/declines"): scoped_get(
        "/api/v1/audit/declines?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/audit/measures"): scoped_get(
        "/api/v1/audit/measures?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/audit/report"): scoped_get(
        "/api/v1/audit/report?area={}&month=2026-03", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/providers/{provider_id}/people"): provider_people("GET"),
    ("POST", "/api/v1/providers/{provider_id}/people"): provider_people("POST"),
    ("GET", "/api/v1/people/{person_id}"): person_route("GET"),
    ("PATCH", "/api/v1/people/{person_id}"): person_route("PATCH", body={"contact": "012"}),
    ("GET", "/api/v1/people/{person_id}/competencies"): person_route("GET", "/competencies"),
    ("GET", "/api/v1/people/{person_id}/supervisees"): person_route("GET", "/supervisees"),
    ("GET", "/api/v1/trainings"): get("/api/v1/trainings"),
    ("POST", "/api/v1/trainings"): training_create,
    ("GET", "/api/v1/trainings/{session_id}"): training_route(),
    ("GET", "/api/v1/trainings/{session_id}/attendance"): training_route("/attendance"),
    ("POST", "/api/v1/trainings/{session_id}/attendance"): attendance_post,
    ("POST", "/api/v1/trainings/attendance-import"): attendance_sheet,
    ("GET", "/api/v1/coaching"): scoped_get("/api/v1/coaching?area={}", lambda r, o: _area(o)),
    ("POST", "/api/v1/coaching"): coaching_post,
    ("GET", "/api/v1/coaching/overdue"): scoped_get(
        "/api/v1/coaching/overdue?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/awareness-sessions"): scoped_get(
        "/api/v1/awareness-sessions?provider_id={}", _provider
    ),
    ("POST", "/api/v1/awareness-sessions"): awareness_post,
    ("GET", "/api/v1/awareness-sessions/summary"): scoped_get(
        "/api/v1/awareness-sessions/summary?area={}&month=2026-02", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/capacity"): scoped_get("/api/v1/capacity?area={}", lambda r, o: _area(o)),
    ("GET", "/api/v1/capacity/competencies"): scoped_get(
        "/api/v1/capacity/competencies?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/capacity/lapsing"): scoped_get(
        "/api/v1/capacity/lapsing?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/capacity-policy"): get("/api/v1/capacity-policy"),
    ("PUT", "/api/v1/capacity-policy"): capacity_policy_put,
    ("POST", "/api/v1/identifications"): identify,
    ("GET", "/api/v1/identifications"): scoped_get(
        "/api/v1/identifications?area={}", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/identifications/{identification_id}"): identification_route("GET"),
    ("POST", "/api/v1/identifications/{identification_id}/accept"): identification_route(
        "POST", "/accept", {}
    ),
    ("POST", "/api/v1/identifications/{identification_id}/decline"): identification_route(
        "POST", "/decline", {"reason": "already_a_case"}
    ),
    ("POST", "/api/v1/referrals/{referral_id}/disputes"): dispute,
    ("PUT", "/api/v1/cases/{case_id}/incident"): incident_put,
    ("GET", "/api/v1/cases/{case_id}/care-windows"): case_url("/care-windows"),
    ("GET", "/api/v1/meetings"): scoped_get("/api/v1/meetings?area={}", lambda r, o: _area(o)),
    ("POST", "/api/v1/meetings"): meeting_create,
    ("GET", "/api/v1/meetings/agenda"): scoped_get(
        "/api/v1/meetings/agenda?area={}&date=2026-03-05", lambda r, o: _area(o)
    ),
    ("GET", "/api/v1/meetings/{meeting_id}"): meeting_route("GET"),
    ("PATCH", "/api/v1/meetings/{meeting_id}"): meeting_route(
        "PATCH", body=lambda m, o: {"version": m.version, "place": "Commune hall"}
    ),
    ("PUT", "/api/v1/meetings/{meeting_id}/agenda"): meeting_route(
        "PUT", "/agenda", lambda m, o: {"version": m.version, "items": []}
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda/refresh"): meeting_route(
        "POST", "/agenda/refresh", lambda m, o: {"version": m.version}
    ),
    ("PUT", "/api/v1/meetings/{meeting_id}/attendance"): meeting_route(
        "PUT", "/attendance", lambda m, o: {"version": m.version, "present": ["hc-a"]}
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/actions"): meeting_route(
        "POST", "/actions", lambda m, o: {"actions": [action_draft(m, o)]}
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/close"): meeting_route(
        "POST", "/close", lambda m, o: {"version": m.version, "actions": [action_draft(m, o)]}
    ),
    ("GET", "/api/v1/meetings/{meeting_id}/pack"): meeting_route("GET", "/pack"),
    ("GET", "/api/v1/meeting-actions"): actions_list,
    ("GET", "/api/v1/meeting-actions/mine"): get("/api/v1/meeting-actions/mine"),
    ("GET", "/api/v1/meeting-actions/{action_id}"): action_route("GET"),
    ("POST", "/api/v1/meeting-actions/{action_id}/status"): action_route(
        "POST", "/status", {"status": "done"}
    ),
    ("POST", "/api/v1/meeting-actions/{action_id}/confirm-pathway"): action_route(
        "POST", "/confirm-pathway"
    ),
}

#: Routes where "foreign" is not an object the role could be denied (the directory,
#: the policy, one's own account): the foreign request behaves like the own one.
UNSCOPED = {
    key
    for key in MATRIX
    if not any(
        token in key[1]
        for token in (
            "{case_id}",
            "{referral_id}",
            "{task_id}",
            "{request_id}",
            "/inbox",
            "/alerts",
            "/Bundle",
            "/audit/",
            "/gaps",
            "/identifications",
        )
    )
} | {("POST", "/api/v1/cases"), ("POST", "/api/v1/referrals")} - {
    ("POST", "/api/v1/cases"),
    ("POST", "/api/v1/referrals"),
}
UNSCOPED -= {("POST", "/api/v1/outbox/{message_id}/requeue")}  # a dead letter of another area

#: What an allowed role gets for a foreign object (404: ids cannot be probed), except
#: where the route takes the foreign thing in the body or a filter.
FOREIGN = {
    ("POST", "/api/v1/auth/logout"): {401},  # the first call revoked the token
    ("POST", "/api/v1/cases"): {422},  # opening a case for another CCWC
    ("POST", "/api/v1/referrals"): {404},
    ("GET", "/api/v1/audit/overdue"): {403},
    ("GET", "/api/v1/audit/due-soon"): {403},
    ("GET", "/api/v1/coverage/gaps"): {403},
    # capacity building: someone else's provider or person in the path is not found; named
    # in the body it is an invalid field; a coordinator's area ends where theirs does
    ("GET", "/api/v1/providers/{provider_id}/people"): {404},
    ("POST", "/api/v1/providers/{provider_id}/people"): {404},
    ("GET", "/api/v1/people/{person_id}"): {404},
    ("PATCH", "/api/v1/people/{person_id}"): {404},
    ("GET", "/api/v1/people/{person_id}/competencies"): {404},
    ("GET", "/api/v1/people/{person_id}/supervisees"): {404},
    ("GET", "/api/v1/awareness-sessions"): {404},
    ("POST", "/api/v1/awareness-sessions"): {422},
    ("POST", "/api/v1/trainings/{session_id}/attendance"): {422},
    ("POST", "/api/v1/coaching"): {422},
    ("POST", "/api/v1/trainings"): {403},
    ("GET", "/api/v1/coaching"): {403},
    ("GET", "/api/v1/coaching/overdue"): {403},
    ("GET", "/api/v1/awareness-sessions/summary"): {403},
    ("GET", "/api/v1/capacity"): {403},
    ("GET", "/api/v1/capacity/competencies"): {403},
    ("GET", "/api/v1/capacity/lapsing"): {403},
    ("POST", "/api/v1/identifications"): {422},  # for a provider that is not yours
}
for _key in [k for k in MATRIX if k[1].startswith("/api/v1/audit/") and k not in FOREIGN]:
    FOREIGN[_key] = {403}
#: Meetings: an area outside a coordinator's is refused, a meeting or action outside it
#: (or another provider's action) is not found.
MEETINGS_BY_AREA = {
    ("GET", "/api/v1/meetings"),
    ("POST", "/api/v1/meetings"),
    ("GET", "/api/v1/meetings/agenda"),
    ("GET", "/api/v1/meeting-actions"),
}
for _key in [k for k in MATRIX if "/meeting" in k[1] and k not in MEETINGS_BY_AREA]:
    if not _key[1].endswith("/mine"):
        FOREIGN[_key] = {404}
for _key in MEETINGS_BY_AREA:
    FOREIGN[_key] = {403}

#: Routes filtered by an area: a coordinator asking outside theirs gets 403.
AREA_SCOPED = {k for k in MATRIX if k[1].startswith("/api/v1/audit/")} | {
    ("GET", "/api/v1/coverage/gaps")
}
AREA_SCOPED |= MEETINGS_BY_AREA | {
    ("GET", "/api/v1/identifications"),
    ("POST", "/api/v1/trainings"),
    ("GET", "/api/v1/coaching"),
    ("GET", "/api/v1/coaching/overdue"),
    ("GET", "/api/v1/awareness-sessions/summary"),
    ("GET", "/api/v1/capacity"),
    ("GET", "/api/v1/capacity/competencies"),
    ("GET", "/api/v1/capacity/lapsing"),
}

#: Roles that reach every object of a route (capacity building: supervisors coach, and
#: admins keep the directory, across the network): their foreign request is like the own.
SEES_ALL: dict[tuple[str, str], set[str]] = {
    # a coordinator may narrow their area's alerts to any provider (a filter, not a reach)
    ("GET", "/api/v1/alerts"): {"coordinator"},
    ("GET", "/api/v1/providers/{provider_id}/people"): {"supervisor", "admin"},
    # a supervisor changes only the people it oversees (reads are everyone's)
    ("POST", "/api/v1/providers/{provider_id}/people"): {"admin"},
    ("GET", "/api/v1/people/{person_id}"): {"supervisor", "admin"},
    ("PATCH", "/api/v1/people/{person_id}"): {"admin"},
    ("GET", "/api/v1/people/{person_id}/competencies"): {"supervisor", "admin"},
    ("GET", "/api/v1/people/{person_id}/supervisees"): {"supervisor", "admin"},
    ("GET", "/api/v1/awareness-sessions"): {"supervisor", "admin"},
    ("POST", "/api/v1/awareness-sessions"): {"supervisor"},
    ("POST", "/api/v1/trainings/{session_id}/attendance"): {"supervisor", "admin"},
    ("POST", "/api/v1/coaching"): {"supervisor"},
    ("POST", "/api/v1/outbox/{message_id}/requeue"): {"admin"},
}

NON_PUBLIC = sorted(k for k, rule in RULES.items() if not rule.public)


def test_every_route_has_an_entry() -> None:
    from api.app import api_routes, create_app

    routes = {(m, r.path) for r in api_routes(create_app().routes) for m in (r.methods or ())}
    assert routes | {("GET", "/openapi.json")} == set(RULES), "api/policy.py and the app differ"
    assert set(NON_PUBLIC) == set(MATRIX), "a route is missing from the matrix"


def expected(rule: Rule, key: tuple[str, str], role: str, own: bool) -> set[int]:
    assert rule.roles is not None
    if Role(role) not in rule.roles:
        return {403}
    if not own and role in SEES_ALL.get(key, set()):
        return OK
    if own or (key in UNSCOPED and key not in FOREIGN):
        return OK
    if key in AREA_SCOPED:
        return {403} if role == "coordinator" else OK
    return FOREIGN.get(key, {404})


@pytest.mark.parametrize("key", NON_PUBLIC, ids=[f"{m} {p}" for m, p in NON_PUBLIC])
@pytest.mark.parametrize("role", ROLES)
def test_matrix(world: World, key: tuple[str, str], role: str) -> None:
    if key == ("POST", "/api/v1/auth/logout"):
        world.sign_in_all()
        try:
            _cells(world, key, role)
        finally:
            world.sign_in_all()  # the cell revoked the token others use
        return
    _cells(world, key, role)


def _cells(world: World, key: tuple[str, str], role: str) -> None:
    rule = RULES[key]
    foreign = world.referral(foreign=True)
    foreign_code = world.case_code(foreign.case_id)
    for own in (True, False):
        method, url, kwargs = MATRIX[key](world, role, own)
        response = world.client.request(method, url, headers=world.headers(role), **kwargs)
        want = expected(rule, key, role, own)
        assert response.status_code in want, (role, own, method, url, response.text[:300])
        if own:
            body = response.text
            assert foreign_code not in body, "another case's code leaked"
            assert "secret-foreign-reason" not in body, "another referral's reason leaked"
        if response.status_code >= 400:  # FHIR answers its errors as OperationOutcome
            kind = (
                "application/fhir+json" if url.startswith("/fhir") else "application/problem+json"
            )
            assert response.headers["content-type"].startswith(kind)


@pytest.mark.parametrize("key", NON_PUBLIC, ids=[f"{m} {p}" for m, p in NON_PUBLIC])
def test_no_expired_or_tampered_token_gets_in(world: World, key: tuple[str, str]) -> None:
    rule = RULES[key]
    assert rule.roles is not None
    role = next(r for r in ROLES if Role(r) in rule.roles)
    method, url, kwargs = MATRIX[key](world, role, True)
    claims = jwt.decode(world.tokens[role], options={"verify_signature": False})
    expired = jwt.encode(
        {**claims, "exp": claims["iat"] - 1}, "development-only-secret-do-not-use-in-production"
    )
    tampered = jwt.encode(
        {**claims, "role": "admin"}, "not the server's secret, but long enough for HS256"
    )
    for headers in (
        {},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": f"Bearer {tampered}"},
        {"Authorization": "Bearer rgk_not-a-real-token"},
    ):
        response = world.client.request(method, url, headers=headers, **kwargs)
        assert response.status_code == 401, (headers, response.text[:200])
        assert response.headers["www-authenticate"] == "Bearer"

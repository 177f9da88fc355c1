"""A provider's own capacity pages (issue 10): "Our people" — the staff and volunteers of
the account's provider, what each is trained in and when their refresher and coaching
fall due, adding a person, deactivating and reactivating one — and its awareness
sessions: recording one (counts by age group and gender, never names) and the list.

Pages stand for the API routes that do the same (``Web.allow``) and call the same use
cases (``services.capacity_building``) the same way, with the signed-in person as their
caller: the use cases decide from the principal whose people it reaches, so a CCWC or
provider sees and changes its own provider's people only (anyone else's: 404). A form
that does not validate comes back with each mistake next to its field (422).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect
from api.web.forms import past_day, posted
from api.web.i18n import day_of
from api.web.places import communes_of, name_of, place_name
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.areas import gazetteer, level_of, lineage_codes
from referral_graph.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    ReferralGraphError,
)
from referral_graph.domain.ids import new_id
from referral_graph.domain.models import Provider
from referral_graph.domain.training import (
    AgeGroup,
    AwarenessSession,
    AwarenessTopic,
    Person,
    PersonRole,
)
from referral_graph.domain.vocabulary import AreaLevel, Gender, Language
from referral_graph.security.model import Role
from referral_graph.services import capacity_building
from referral_graph.services.staff import active_staff, awareness_sessions, provider_in_reach, staff

router = APIRouter()

#: Above this many villages and communes the form asks for a code instead of a list.
MAX_PLACES = 300
#: Largest count of one age group and gender at one session (as the domain).
MAX_COUNT = 100_000
NAME_MAX = 200


def _provider_id(ctx: Web, asked: str) -> str | None:
    """Whose people: a CCWC's or provider's own; others may name one (their reach is
    checked by the use case)."""
    asked = asked.strip()
    if ctx.principal.role in (Role.CCWC, Role.PROVIDER):
        return ctx.principal.provider_id
    return asked or ctx.principal.provider_id


# --- our people ----------------------------------------------------------------------------
class PersonForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = ""
    role: str = ""
    gender: str = ""
    contact: str = ""
    languages: list[str] = []
    interprets: str = ""


def _people_page(
    ctx: Web,
    provider: Provider,
    form: PersonForm,
    errors: Mapping[str, str],
    status: int = 200,
    done: str = "",
) -> Response:
    views = staff(ctx.reader, provider.id, ctx.today)
    return page(
        ctx.request,
        "people.html",
        principal=ctx.principal,
        status=status,
        title="nav_people",
        provider=provider,
        own=provider.id == ctx.principal.provider_id,
        people=views,
        active_count=sum(1 for v in views if v.person.active),
        form=form,
        errors=errors,
        roles=[r.value for r in PersonRole],
        genders=[g.value for g in Gender],
        language_choices=[language.value for language in Language],
        may_add=ctx.may("POST", "/api/v1/providers/{provider_id}/people"),
        may_change=ctx.may("PATCH", "/api/v1/people/{person_id}"),
        done=done,
        day=day_of(ctx.lang),
    )


def _people_url(ctx: Web, provider_id: str, done: str) -> str:
    mine = provider_id == ctx.principal.provider_id
    query = f"done={done}" if mine else f"provider_id={provider_id}&done={done}"
    return f"{ctx.base}/people?{query}"


@router.get("/people", include_in_schema=False)
def people_page(ctx: WebDep, provider_id: str = "", done: str = "") -> Response:
    """The people of the account's provider (others: of the provider named), each with
    their competencies, refresher and coaching due dates."""
    ctx.allow("GET", "/api/v1/providers/{provider_id}/people")
    ctx.allow("GET", "/api/v1/people/{person_id}/competencies")
    pid = _provider_id(ctx, provider_id)
    if pid is None:
        return redirect(f"{ctx.base}/capacity")
    return _people_page(ctx, provider_in_reach(ctx.reader, pid), PersonForm(), {}, done=done)


def _person_errors(form: PersonForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = "err_required"
    elif len(name) > NAME_MAX:
        errors["name"] = "err_too_long"
    if form.role not in {r.value for r in PersonRole}:
        errors["role"] = "err_required"
    if form.gender and form.gender not in {g.value for g in Gender}:
        errors["gender"] = "err_invalid"
    if len(form.contact.strip()) > NAME_MAX:
        errors["contact"] = "err_too_long"
    if not set(form.languages) <= {language.value for language in Language}:
        errors["languages"] = "err_invalid"
    return errors


@router.post("/people", include_in_schema=False, dependencies=[Depends(check_csrf)])
def add_person(ctx: WebDep, form: Annotated[PersonForm, Form()], provider_id: str = "") -> Response:
    """Add a staff member or volunteer (as POST /api/v1/providers/{id}/people)."""
    ctx.allow("POST", "/api/v1/providers/{provider_id}/people")
    pid = _provider_id(ctx, provider_id)
    if pid is None:
        raise Forbidden("This account has no provider of its own.")
    provider = provider_in_reach(ctx.reader, pid)
    errors = _person_errors(form)
    if errors:
        return _people_page(ctx, provider, form, errors, status=422)
    try:
        person = Person.model_validate(
            {
                "id": new_id("per"),
                "provider_id": pid,
                "name": form.name.strip(),
                "role": form.role,
                "gender": form.gender or None,
                "contact": form.contact.strip() or None,
                "languages": sorted(set(form.languages)),
                "interprets": bool(form.interprets),
            }
        )
    except ValidationError as exc:
        fields = {"name", "role", "gender", "contact", "languages"}
        field = next(
            (str(p) for e in exc.errors() for p in e.get("loc", ()) if p in fields), "name"
        )
        return _people_page(ctx, provider, form, {field: "err_invalid"}, status=422)
    capacity_building.add_person(ctx.caller("/app/people", {"provider_id": pid}), person)
    return redirect(_people_url(ctx, pid, "added") + f"#p-{person.id}")


class ActiveForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    active: str = ""
    expected_version: str = ""


@router.post(
    "/people/{person_id}/active", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def set_active(ctx: WebDep, person_id: str, form: Annotated[ActiveForm, Form()]) -> Response:
    """Deactivate ('no') or reactivate ('yes') a person, as PATCH /api/v1/people/{id}
    with ``active`` (never deleted: their trainings stay on record)."""
    ctx.allow("PATCH", "/api/v1/people/{person_id}")
    current = capacity_building.get_person(ctx.reader, person_id)
    if form.active not in ("yes", "no"):
        raise InvalidInput("active must be yes or no.", field="active")
    expected = int(form.expected_version) if form.expected_version.isdigit() else None
    caller = ctx.caller(f"/app/people/{person_id}/active", {"person_id": person_id})
    try:
        capacity_building.update_person(
            caller, person_id, {"active": form.active == "yes"}, expected_version=expected
        )
    except Conflict:
        provider = provider_in_reach(ctx.reader, current.provider_id)
        errors = {"people": "err_person_changed"}
        return _people_page(ctx, provider, PersonForm(), errors, status=409)
    done = "reactivated" if form.active == "yes" else "deactivated"
    return redirect(_people_url(ctx, current.provider_id, done) + f"#p-{person_id}")


# --- awareness sessions --------------------------------------------------------------------
def count_field(age: AgeGroup, gender: Gender) -> str:
    """The form field of one age group and gender ('n_12_17_female')."""
    return f"n_{age.value}_{gender.value}"


def _roots(provider: Provider) -> list[str]:
    """Where the provider may hold sessions: the areas it serves, widened from a village
    to its commune."""
    roots = []
    for code in provider.coverage:
        try:
            village = level_of(code) is AreaLevel.VILLAGE
        except ReferralGraphError:
            continue
        roots.append(code[:6] if village else code)
    return list(dict.fromkeys(roots))


def in_their_area(provider: Provider, code: str) -> bool:
    inside = lineage_codes(code)
    return any(root in inside for root in _roots(provider))


def _places(provider: Provider, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The communes (each first as a whole) and villages the provider may hold sessions
    in: [(commune name, [(code, label)])]; empty when too many for a list."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    total = 0
    for commune, villages in communes_of(_roots(provider)):
        total += len(villages) + 1
        if total > MAX_PLACES:
            return []
        name = name_of(commune, lang)
        groups.append(
            (name, [(commune.code, name), *[(v.code, name_of(v, lang)) for v in villages]])
        )
    return groups


def _check_place(provider: Provider, code: str) -> str | None:
    """The mistake in a session's place, if any."""
    if not code:
        return "err_required"
    try:
        level = level_of(code)
        gazetteer().area(code)
    except ReferralGraphError:
        return "err_place"
    if level not in (AreaLevel.VILLAGE, AreaLevel.COMMUNE) or not in_their_area(provider, code):
        return "err_place"
    return None


@dataclass
class AwarenessInput:
    """What the awareness form holds, checked."""

    values: dict[str, str]
    errors: dict[str, str]
    held_on: date | None = None
    participants: list[dict[str, Any]] | None = None


def _check_awareness(fields: Mapping[str, str], provider: Provider, today: date) -> AwarenessInput:
    values = {k: v.strip() for k, v in fields.items() if k != "csrf"}
    errors: dict[str, str] = {}
    held_on, problem = past_day(values.get("held_on", ""), today)
    if problem:
        errors["held_on"] = problem
    place = _check_place(provider, values.get("area_code", ""))
    if place:
        errors["area_code"] = place
    if values.get("topic", "") not in {t.value for t in AwarenessTopic}:
        errors["topic"] = "err_required"
    participants: list[dict[str, Any]] = []
    for age in AgeGroup:
        for gender in Gender:
            name = count_field(age, gender)
            text = values.get(name, "")
            if not text:
                continue
            if not text.isdigit() or int(text) > MAX_COUNT:
                errors[name] = "err_count"
            elif int(text) > 0:
                participants.append(
                    {"age_group": age.value, "gender": gender.value, "count": int(text)}
                )
    if not participants and not any(k.startswith("n_") for k in errors):
        errors["participants"] = "err_no_participants"
    return AwarenessInput(values, errors, held_on, participants)


def _sessions(ctx: Web, provider_id: str) -> list[dict[str, Any]]:
    return [
        {
            "session": listed.session,
            "place": place_name(listed.session.area_code, ctx.lang),
            "facilitator": listed.facilitator,
        }
        for listed in awareness_sessions(ctx.reader, provider_id)
    ]


def _awareness_page(
    ctx: Web,
    provider: Provider,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
    done: str = "",
) -> Response:
    today = ctx.today
    return page(
        ctx.request,
        "awareness.html",
        principal=ctx.principal,
        status=status,
        title="nav_awareness",
        provider=provider,
        values={"held_on": today.isoformat(), **values},
        errors=errors,
        places=_places(provider, ctx.lang),
        topics=[t.value for t in AwarenessTopic],
        facilitators=active_staff(ctx.reader, provider.id),
        ages=[a.value for a in AgeGroup],
        genders=[g.value for g in Gender],
        today=today.isoformat(),
        sessions=_sessions(ctx, provider.id),
        may_record=ctx.may("POST", "/api/v1/awareness-sessions"),
        done=done,
        day=day_of(ctx.lang),
    )


def _own(ctx: Web) -> Provider:
    pid = ctx.principal.provider_id
    if pid is None:
        raise Forbidden("Awareness sessions are recorded by a provider's own accounts.")
    return provider_in_reach(ctx.reader, pid)


@router.get("/awareness", include_in_schema=False)
def awareness_page(ctx: WebDep, done: str = "") -> Response:
    """The account's provider's awareness sessions, and the form to record one."""
    ctx.allow("GET", "/api/v1/awareness-sessions")
    return _awareness_page(ctx, _own(ctx), {}, {}, done=done)


_AWARENESS_FIELDS = {
    "held_on": ("held_on", "err_future"),
    "area_code": ("area_code", "err_place"),
    "facilitator_id": ("facilitator_id", "err_no_person"),
    "topic": ("topic", "err_required"),
    "participants": ("participants", "err_no_participants"),
    "provider_id": ("held_on", "err_invalid"),
}


@router.post("/awareness", include_in_schema=False, dependencies=[Depends(check_csrf)])
def record_awareness(ctx: WebDep, fields: Annotated[dict[str, str], Depends(posted)]) -> Response:
    """Record an awareness session the account's provider ran (as POST
    /api/v1/awareness-sessions): where, on what, how many came by age group and gender."""
    ctx.allow("POST", "/api/v1/awareness-sessions")
    provider = _own(ctx)
    today = ctx.today
    found = _check_awareness(fields, provider, today)
    if found.errors or found.held_on is None:
        return _awareness_page(ctx, provider, found.values, found.errors, status=422)
    try:
        session = AwarenessSession.model_validate(
            {
                "id": new_id("awr"),
                "provider_id": provider.id,
                "facilitator_id": found.values.get("facilitator_id") or None,
                "held_on": found.held_on,
                "area_code": found.values["area_code"],
                "topic": found.values["topic"],
                "participants": found.participants,
                "created_at": ctx.now,
            }
        )
        capacity_building.record_awareness(ctx.caller("/app/awareness", {}), session, today=today)
    except (InvalidInput, ValidationError) as exc:
        key = "held_on"
        if isinstance(exc, InvalidInput):
            key = exc.field or key
        else:
            names = [str(p) for e in exc.errors() for p in e.get("loc", ())]
            key = next((n for n in names if n in _AWARENESS_FIELDS), key)
        field, message = _AWARENESS_FIELDS.get(key, ("held_on", "err_invalid"))
        return _awareness_page(ctx, provider, found.values, {field: message}, status=422)
    return redirect(f"{ctx.base}/awareness?done=saved#a-{session.id}")

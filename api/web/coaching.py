"""Recording a coaching session (issue 10), for supervisors and coordinators: the form
offers the active people whose coaching the account may record (a coordinator: of
providers located in their area; a supervisor: everyone) and the coaches on record,
beside the latest coaching sessions; it records as POST /api/v1/coaching.

Bad input comes back with the mistake next to its field (422), never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect
from api.web.forms import field_of, past_day
from api.web.i18n import day_of, t
from api.web.render import page, provider_name
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.ids import new_id
from referral_graph.domain.training import CoachingSession, PersonRole
from referral_graph.domain.vocabulary import DeliveryMode
from referral_graph.security.policy import coordinator_area
from referral_graph.services import capacity_building
from referral_graph.services.trainings import people_in_reach, people_named, recent_coaching

router = APIRouter()

#: Roles whose people usually coach others (offered as coaches with everyone's supervisors).
COACHING_ROLES = frozenset(
    {
        PersonRole.COUNSELLOR,
        PersonRole.CLINICAL_SUPERVISOR,
        PersonRole.TRAINER,
        PersonRole.SOCIAL_WORKER,
    }
)
NOTE_MAX = 500


class CoachingForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    person_id: str = ""
    coach_id: str = ""
    held_on: str = ""
    mode: str = DeliveryMode.IN_PERSON.value
    note: str = ""


@dataclass(frozen=True, slots=True)
class Choices:
    """People offered in the coaching form: (provider name, [(id, label)]) groups."""

    people: list[tuple[str, list[tuple[str, str]]]]
    coaches: list[tuple[str, str]]


def _role_label(ctx: Web, role: PersonRole) -> str:
    return t(f"pr_{role.value}", ctx.lang)


def _choices(ctx: Web, area: str | None) -> Choices:
    people = people_in_reach(ctx.reader, area)
    groups: dict[str, list[tuple[str, str]]] = {}
    for p, provider in people:
        name = provider_name(provider, ctx.lang)
        groups.setdefault(name, []).append((p.id, f"{p.name} · {_role_label(ctx, p.role)}"))
    wanted = {s for p, _ in people for s in p.supervised_by}
    wanted |= {p.id for p, _ in people if p.role in COACHING_ROLES}
    found = people_named(ctx.reader, wanted)
    coaches = sorted(
        ((c.id, f"{c.name} · {_role_label(ctx, c.role)}") for c in found.values() if c.active),
        key=lambda item: item[1],
    )
    return Choices(sorted(groups.items()), coaches)


def _coaching_page(
    ctx: Web, form: CoachingForm, errors: dict[str, str], status: int = 200, done: str = ""
) -> Response:
    area = coordinator_area(ctx.principal, None)
    return page(
        ctx.request,
        "coaching.html",
        principal=ctx.principal,
        status=status,
        title="coach_title",
        form=form,
        errors=errors,
        choices=_choices(ctx, area),
        modes=[m.value for m in DeliveryMode],
        recent=recent_coaching(ctx.reader, area),
        today=ctx.today.isoformat(),
        done=done,
        day=day_of(ctx.lang),
    )


@router.get("/coaching", include_in_schema=False)
def coaching_form(ctx: WebDep, person_id: str = "", done: str = "") -> Response:
    ctx.allow("POST", "/api/v1/coaching")
    form = CoachingForm(person_id=person_id.strip(), held_on=ctx.today.isoformat())
    return _coaching_page(ctx, form, {}, done=done)


def _coaching_errors(form: CoachingForm, today: date) -> tuple[date | None, dict[str, str]]:
    errors: dict[str, str] = {}
    if not form.person_id.strip():
        errors["person_id"] = "err_required"
    if not form.coach_id.strip():
        errors["coach_id"] = "err_required"
    elif form.coach_id.strip() == form.person_id.strip():
        errors["coach_id"] = "err_same_person"
    held_on, problem = past_day(form.held_on, today)
    if problem:
        errors["held_on"] = problem
    if form.mode not in {m.value for m in DeliveryMode}:
        errors["mode"] = "err_required"
    if len(form.note.strip()) > NOTE_MAX:
        errors["note"] = "err_too_long"
    return held_on, errors


_COACHING_FIELDS = ("person_id", "coach_id", "held_on", "mode", "note")


@router.post("/coaching", include_in_schema=False, dependencies=[Depends(check_csrf)])
def record_coaching(ctx: WebDep, form: Annotated[CoachingForm, Form()]) -> Response:
    """Record a coaching session (as POST /api/v1/coaching): the person coached must be
    in reach, the coach on record, the day not in the future."""
    ctx.allow("POST", "/api/v1/coaching")
    today = ctx.today
    held_on, errors = _coaching_errors(form, today)
    if errors or held_on is None:
        return _coaching_page(ctx, form, errors, status=422)
    try:
        session = CoachingSession.model_validate(
            {
                "id": new_id("cch"),
                "person_id": form.person_id.strip(),
                "coach_id": form.coach_id.strip(),
                "held_on": held_on,
                "mode": form.mode,
                "note": form.note.strip() or None,
                "created_at": ctx.now,
            }
        )
        capacity_building.record_coaching(ctx.caller("/app/coaching", {}), session, today=today)
    except (InvalidInput, ValidationError) as exc:
        field = field_of(exc, _COACHING_FIELDS, "person_id")
        message = {
            "person_id": "err_no_person",
            "coach_id": "err_no_person",
            "held_on": "err_future",
        }.get(field, "err_invalid")
        return _coaching_page(ctx, form, {field: message}, status=422)
    return redirect(f"{ctx.base}/coaching?done=saved#recent-h")

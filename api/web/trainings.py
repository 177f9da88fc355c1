"""Training sessions (issue 10), for supervisors, coordinators and admins: the
programme's training sessions newest first, filtered by topic and where they were held,
with a form for a new one. One session and its attendance are in
``api/web/training_session.py``, the import of an attendance sheet in
``api/web/training_import.py``.

Every page stands for the API route that does the same (``Web.allow``) and calls the
same use cases (``services.capacity_building``) with the same rules: sessions are
programme-wide records every allowed role reads; a coordinator holds in-person sessions
inside their area (else 403, as the API). Bad input comes back with the mistake next to
its field (422), never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect
from api.web.forms import any_day, field_of, query_string
from api.web.i18n import day_of
from api.web.places import area_name, area_problem, place_name
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.ids import new_id
from referral_graph.domain.queries import Page, TrainingQuery
from referral_graph.domain.training import TrainingSession, TrainingTopic
from referral_graph.domain.vocabulary import DeliveryMode
from referral_graph.security.model import Role
from referral_graph.security.policy import coordinator_area, in_area
from referral_graph.services import capacity_building
from referral_graph.services.trainings import sessions_page

router = APIRouter()

#: Sessions listed per page.
LIST_PAGE = 25
#: An offset past any list (larger ones are clamped before they reach the store).
MAX_OFFSET = 1_000_000
TEXT_MAX = 200


class SessionForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    topic: str = ""
    starts_on: str = ""
    ends_on: str = ""
    mode: str = DeliveryMode.IN_PERSON.value
    area_code: str = ""
    venue: str = ""
    trainer: str = ""
    refresher: str = ""


_SESSION_FIELDS = ("topic", "starts_on", "ends_on", "mode", "area_code", "venue", "trainer")


@dataclass(frozen=True, slots=True)
class Filters:
    topic: str = ""
    area: str = ""
    offset: int = 0
    errors: Mapping[str, str] = field(default_factory=dict)


def _filters(topic: str, area: str, offset: int) -> Filters:
    errors: dict[str, str] = {}
    topic = topic.strip()
    if topic and topic not in {t.value for t in TrainingTopic}:
        errors["f_topic"] = "err_invalid"
        topic = ""
    area = area.strip()
    if area:
        problem = area_problem(area)
        if problem:
            errors["f_area"] = problem
            area = ""
    return Filters(topic, area, min(max(0, offset), MAX_OFFSET), errors)


@dataclass(frozen=True, slots=True)
class SessionRow:
    session: TrainingSession
    place: str
    attended: int
    completed: int


def _session_rows(ctx: Web, filters: Filters) -> tuple[list[SessionRow], int, int]:
    """The sessions of one page (with how many attended), how many match, the offset."""
    found = sessions_page(
        ctx.reader,
        TrainingQuery(
            topic=TrainingTopic(filters.topic) if filters.topic else None,
            area=filters.area or None,
        ),
        Page(limit=LIST_PAGE, offset=filters.offset),
    )
    rows = [
        SessionRow(
            s,
            place_name(s.area_code, ctx.lang) if s.area_code else "",
            len(attended),
            sum(1 for a in attended if a.completed),
        )
        for s, attended in found.sessions
    ]
    return rows, found.count, found.offset


def _trainings_page(
    ctx: Web,
    filters: Filters,
    form: SessionForm,
    errors: Mapping[str, str],
    status: int = 200,
) -> Response:
    rows, count, offset = _session_rows(ctx, filters)
    prev_href = next_href = None
    if offset > 0:
        back = query_string(
            topic=filters.topic, area=filters.area, offset=max(0, offset - LIST_PAGE)
        )
        prev_href = f"{ctx.base}/trainings?{back}"
    if offset + LIST_PAGE < count:
        on = query_string(topic=filters.topic, area=filters.area, offset=offset + LIST_PAGE)
        next_href = f"{ctx.base}/trainings?{on}"
    own = coordinator_area(ctx.principal, None)
    return page(
        ctx.request,
        "trainings.html",
        principal=ctx.principal,
        status=status if not filters.errors else 422,
        title="trn_title",
        filters=filters,
        filter_errors=filters.errors,
        rows=rows,
        count=count,
        first=offset + 1,
        last=offset + len(rows),
        prev_href=prev_href,
        next_href=next_href,
        form=form,
        errors=errors,
        topics=[t.value for t in TrainingTopic],
        modes=[m.value for m in DeliveryMode],
        own_area=own,
        own_area_label=area_name(own, ctx.lang) if own else "",
        may_create=ctx.may("POST", "/api/v1/trainings"),
        may_import=ctx.may("POST", "/api/v1/trainings/attendance-import"),
        day=day_of(ctx.lang),
    )


@router.get("/trainings", include_in_schema=False)
def trainings_page(ctx: WebDep, topic: str = "", area: str = "", offset: int = 0) -> Response:
    """Training sessions newest first, by topic and where they were held; the form for a
    new one."""
    ctx.allow("GET", "/api/v1/trainings")
    return _trainings_page(ctx, _filters(topic, area, offset), SessionForm(), {})


def _check_session(ctx: Web, form: SessionForm) -> tuple[dict[str, Any], dict[str, str], int]:
    """The session's fields, the mistakes by field, and the status to answer them with
    (403 when the only mistake is a coordinator's area outside their own)."""
    errors: dict[str, str] = {}
    topic = form.topic.strip()
    if topic not in {t.value for t in TrainingTopic}:
        errors["topic"] = "err_required"
    starts, problem = any_day(form.starts_on)
    if problem:
        errors["starts_on"] = problem
    ends: date | None = starts
    if form.ends_on.strip():
        ends, problem = any_day(form.ends_on)
        if problem:
            errors["ends_on"] = problem
        elif starts is not None and ends is not None and ends < starts:
            errors["ends_on"] = "err_ends_before"
    mode = form.mode.strip()
    if mode not in {m.value for m in DeliveryMode}:
        errors["mode"] = "err_required"
    area = form.area_code.strip()
    outside = False
    if area:
        problem = area_problem(area)
        if problem:
            errors["area_code"] = problem
        elif ctx.principal.role is Role.COORDINATOR and not in_area(ctx.principal, area):
            errors["area_code"] = "err_outside_area"
            outside = True
    elif mode == DeliveryMode.IN_PERSON.value:
        errors["area_code"] = "err_area_in_person"
    venue, trainer = form.venue.strip(), form.trainer.strip()
    if len(venue) > TEXT_MAX:
        errors["venue"] = "err_too_long"
    if not trainer:
        errors["trainer"] = "err_required"
    elif len(trainer) > TEXT_MAX:
        errors["trainer"] = "err_too_long"
    fields = {
        "topic": topic,
        "starts_on": starts,
        "ends_on": ends,
        "mode": mode,
        "area_code": area or None,
        "venue": venue or None,
        "trainer": trainer,
        "refresher": form.refresher == "yes",
    }
    status = 403 if outside and len(errors) == 1 else 422
    return fields, errors, status


@router.post("/trainings", include_in_schema=False, dependencies=[Depends(check_csrf)])
def create_training(ctx: WebDep, form: Annotated[SessionForm, Form()]) -> Response:
    """Record a training or refresher session (as POST /api/v1/trainings); then its
    page, to record who attended."""
    ctx.allow("POST", "/api/v1/trainings")
    fields, errors, status = _check_session(ctx, form)
    if errors:
        return _trainings_page(ctx, Filters(), form, errors, status=status)
    try:
        session = TrainingSession.model_validate(
            fields | {"id": new_id("trn"), "created_at": ctx.now}
        )
        capacity_building.create_training_session(ctx.caller("/app/trainings", {}), session)
    except (InvalidInput, ValidationError) as exc:
        problem = field_of(exc, _SESSION_FIELDS, "starts_on")
        return _trainings_page(ctx, Filters(), form, {problem: "err_invalid"}, status=422)
    return redirect(f"{ctx.base}/trainings/{session.id}?done=created")

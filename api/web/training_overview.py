"""Capacity building for coordinators, supervisors and admins (issue 10): per commune (or
district, or province) of an area, who is trained in what, whose refresher or coaching is
overdue, and how many people awareness sessions reached in a month; the lists behind
each number; and recording a coaching session (supervisors and coordinators).

Every page stands for the API route that answers the same question (``Web.allow``), and
calls the same use cases (``services.capacity``) with the same area rule: a coordinator
sees their own area by default and nothing outside it (403). Bad input in a filter or a
form comes back with the mistake marked next to its field (422), never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect
from api.web.dashboard import AREA, PROGRAMME_PROVINCES, area_name
from api.web.i18n import Lang, digits, num, t
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from referral_graph.audit.labels import MONTHS
from referral_graph.audit.period import MONTH_PATTERN, month_of
from referral_graph.domain.areas import check_report_area, gazetteer
from referral_graph.domain.errors import InvalidInput, ReferralGraphError
from referral_graph.domain.ids import new_id
from referral_graph.domain.models import Provider
from referral_graph.domain.training import (
    AgeGroup,
    CoachingSession,
    CompetencyStatus,
    Person,
    PersonRole,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import AreaLevel, DeliveryMode, Gender
from referral_graph.security.model import Role
from referral_graph.security.policy import coordinator_area, in_area
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import CompetencyRow
from referral_graph.services.capacity_building.common import EARLIEST, LATEST
from referral_graph.store.port import CoachingQuery, Page, PeopleQuery, Transaction

router = APIRouter()

#: Rows of the "who is trained in what" list per page.
LIST_PAGE = 100
#: At most this many people are offered in a select (the programme has a few hundred).
MAX_CHOICES = 1000
#: The filter of the competency list that means "expiring or lapsed".
REFRESHER_DUE = "refresher_due"
STATUS_FILTERS = (
    CompetencyStatus.VALID.value,
    CompetencyStatus.EXPIRING.value,
    CompetencyStatus.LAPSED.value,
    REFRESHER_DUE,
)
#: Roles whose people usually coach others (offered as coaches with everyone's supervisors).
COACHING_ROLES = frozenset(
    {
        PersonRole.COUNSELLOR,
        PersonRole.CLINICAL_SUPERVISOR,
        PersonRole.TRAINER,
        PersonRole.SOCIAL_WORKER,
    }
)
MONTH = re.compile(MONTH_PATTERN)


# --- shared with api/web/people.py ------------------------------------------------------
def today_of(ctx: Web) -> date:
    """The programme's calendar day now (as the API's ``today``)."""
    return capacity_building.local_today(ctx.now, ctx.runtime.settings.timezone)


def day_text(value: date | None, lang: Lang) -> str:
    """'26 Nov 2026' / '២៦ វិច្ឆិកា ២០២៦'."""
    if value is None:
        return ""
    month = MONTHS[lang][value.month - 1]
    if lang == "km":
        return f"{num(value.day, lang)} {month} {num(value.year, lang)}"
    return f"{value.day} {month[:3]} {value.year}"


def month_text(month: str, lang: Lang) -> str:
    """'November 2026' / 'វិច្ឆិកា ២០២៦' for '2026-11'."""
    return f"{MONTHS[lang][int(month[5:]) - 1]} {digits(month[:4], lang)}"


def day_of(lang: Lang) -> Callable[[date | None], str]:
    return lambda value: day_text(value, lang)


def parse_day(text: str, today: date) -> tuple[date | None, str | None]:
    """A day typed in a form: (the day, None) or (None, message id)."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        return None, "err_date"
    if not EARLIEST <= value <= LATEST:
        return None, "err_date"
    if value > today:
        return None, "err_future"
    return value, None


def place_name(code: str, lang: Lang) -> str:
    """A village or commune by name ('Kouk Thlok, Char Chhuk'), its code if unknown."""
    try:
        lineage = gazetteer().lineage(code)
    except ReferralGraphError:
        return code
    names = [(a.name_km or a.name_en) if lang == "km" else a.name_en for a in lineage]
    return ", ".join(reversed(names[2:])) or names[-1]


def provider_names(ctx: Web, ids: set[str]) -> dict[str, Provider]:
    return ctx.store.read(lambda tx: tx.get_providers(sorted(ids)))


# --- the area asked for -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Where:
    """The area a page covers (None: the whole country) and the mistake in the one asked
    for, if any (then the page shows the default area)."""

    area: str | None
    error: str | None = None

    @property
    def code(self) -> str:
        return self.area or ""


def where_of(ctx: Web, asked: str) -> Where:
    """The area asked for, inside a coordinator's own (403 otherwise); by default a
    coordinator's own area, the whole country for others (as the API)."""
    asked = asked.strip()
    default = coordinator_area(ctx.principal, None)
    if not asked:
        return Where(default)
    try:
        if not AREA.match(asked):
            raise InvalidInput("Not a province, district or commune code.", field="area")
        check_report_area(asked)
    except InvalidInput:
        return Where(default, "err_area")
    return Where(coordinator_area(ctx.principal, asked))


def _up(ctx: Web, area: str | None) -> tuple[str, str] | None:
    """(the parent area's code, its name) when the account may see it."""
    if area is None:
        return None
    parent = gazetteer().area(area).parent_code
    if parent is None:
        if coordinator_area(ctx.principal, None) is not None:
            return None
        return "", area_name(None, ctx.lang)
    if ctx.principal.role is Role.COORDINATOR and not in_area(ctx.principal, parent):
        return None
    return parent, area_name(parent, ctx.lang)


def _row_name(
    row: capacity_building.TrainingRow | capacity_building.AwarenessRow, lang: Lang
) -> str:
    return (row.name_km or row.name_en) if lang == "km" else row.name_en


# --- the overview -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cell:
    column: str
    value: int
    href: str | None


@dataclass(frozen=True, slots=True)
class OverviewRow:
    code: str
    name: str
    drill: str | None  # the same page for this area (None: a commune)
    cells: list[Cell]
    total: bool = False


def _query(**params: str | int | None) -> str:
    kept = [(k, str(v)) for k, v in params.items() if v not in (None, "")]
    return "&".join(f"{k}={v}" for k, v in kept)


def _overview_rows(
    ctx: Web, found: capacity_building.TrainingOverview, topic: TrainingTopic | None, month: str
) -> list[OverviewRow]:
    base = ctx.base
    index = None if topic is None else list(TrainingTopic).index(topic)
    rows: list[OverviewRow] = []

    for row, is_total in [(r, False) for r in found.rows] + [(found.totals, True)]:
        code = "" if row.level is None else row.area_code
        # A row of providers located above the level of the others (a provincial team,
        # reported by district) has no list of its own: the area's lists hold more.
        linked = is_total or row.level is found.grouped_by

        def comp(status: str, n: int, code: str = code, linked: bool = linked) -> Cell:
            q = _query(area=code, topic=topic.value if topic else None, status=status)
            href = f"{base}/capacity/competencies?{q}" if n and linked else None
            return Cell(status, n, href)

        if index is None:
            due = sum(t.refresher_due for t in row.topics)
            coaching = f"{base}/capacity/coaching-overdue?{_query(area=code)}"
            cells = [
                Cell("people", row.people, None),
                Cell("trained", row.trained_people, None),
                comp(REFRESHER_DUE, due),
                Cell(
                    "coaching_overdue",
                    row.coaching_overdue,
                    coaching if row.coaching_overdue and linked else None,
                ),
            ]
        else:
            counts = row.topics[index]
            cells = [
                comp(CompetencyStatus.VALID.value, counts.valid),
                comp(CompetencyStatus.EXPIRING.value, counts.expiring),
                comp(CompetencyStatus.LAPSED.value, counts.lapsed),
                comp(REFRESHER_DUE, counts.refresher_due),
            ]
        drill = None
        if not is_total and linked and row.level is not AreaLevel.COMMUNE:
            q = _query(area=code, topic=topic.value if topic else None, month=month)
            drill = f"{base}/capacity?{q}"
        name = _row_name(row, ctx.lang) if row.level is not None else area_name(None, ctx.lang)
        rows.append(OverviewRow(code, name, drill, cells, is_total))
    return rows


@dataclass(frozen=True, slots=True)
class Reached:
    """An awareness summary laid out for the page."""

    sessions: int
    participants: int
    genders: list[str]
    cells: list[tuple[str, list[int], int]]  # age group, count per gender, row total
    gender_totals: list[int]
    areas: list[tuple[str, int, int]]  # name, sessions, people


def _reached(summary: capacity_building.AwarenessSummary, lang: Lang) -> Reached:
    totals = summary.totals
    genders = [
        g for g in Gender if g in (Gender.FEMALE, Gender.MALE) or totals.by_gender.get(g, 0) > 0
    ]
    grid = {(c.age_group, c.gender): c.count for c in totals.by_age_group_and_gender}
    cells = []
    for age in AgeGroup:
        counts = [grid.get((age, g), 0) for g in genders]
        cells.append((age.value, counts, totals.by_age_group.get(age, 0)))
    return Reached(
        sessions=totals.sessions,
        participants=totals.participants,
        genders=[g.value for g in genders],
        cells=cells,
        gender_totals=[totals.by_gender.get(g, 0) for g in genders],
        areas=[(_row_name(r, lang), r.sessions, r.participants) for r in summary.rows],
    )


@router.get("/capacity", include_in_schema=False)
def capacity_page(ctx: WebDep, area: str = "", topic: str = "", month: str = "") -> Response:
    """Per commune (district, province) of an area: people, competencies, refreshers
    and coaching due; awareness sessions of a month, by age group and gender."""
    ctx.allow("GET", "/api/v1/capacity")
    where = where_of(ctx, area)
    errors: dict[str, str] = {}
    if where.error:
        errors["area"] = where.error
    chosen = topic if topic in {t.value for t in TrainingTopic} else None
    if topic and chosen is None:
        errors["topic"] = "err_invalid"
    tz = ctx.runtime.settings.timezone
    month = month.strip()
    if month and not MONTH.match(month):
        errors["month"] = "err_month"
        month = ""
    month = month or month_of(ctx.now, tz)
    today = today_of(ctx)
    found = capacity_building.capacity_overview(ctx.store, where.area, today)
    reached = None
    if ctx.may("GET", "/api/v1/awareness-sessions/summary"):
        summary = capacity_building.awareness_summary(ctx.store, where.area, month, today)
        reached = _reached(summary, ctx.lang)
    topic_of = TrainingTopic(chosen) if chosen else None
    return page(
        ctx.request,
        "capacity.html",
        principal=ctx.principal,
        status=422 if errors else 200,
        title="nav_capacity",
        errors=errors,
        area=where.code,
        area_label=area_name(where.area, ctx.lang),
        up=_up(ctx, where.area),
        provinces=(
            [(code, area_name(code, ctx.lang)) for code in PROGRAMME_PROVINCES]
            if coordinator_area(ctx.principal, None) is None
            else []
        ),
        grouped_by=found.grouped_by.value,
        overview=found,
        rows=_overview_rows(ctx, found, topic_of, month),
        topic=chosen or "",
        topics=[t.value for t in TrainingTopic],
        month=month,
        month_label=month_text(month, ctx.lang),
        reached=reached,
        day=day_of(ctx.lang),
        may_coach=ctx.may("POST", "/api/v1/coaching"),
    )


# --- who is trained in what -------------------------------------------------------------------
def _status_of(text: str) -> tuple[str, str | None]:
    """(the status filter, or '' for all; the mistake, if any)."""
    text = text.strip()
    if not text or text in STATUS_FILTERS:
        return text, None
    return "", "err_invalid"


def competency_rows(
    ctx: Web, area: str | None, topic: TrainingTopic | None, status: str
) -> list[CompetencyRow]:
    """The competency list as GET /api/v1/capacity/competencies gives it; the filter
    'refresher_due' keeps those expiring or lapsed."""
    wanted = None if status in ("", REFRESHER_DUE) else CompetencyStatus(status)
    rows = capacity_building.competency_list(
        ctx.store, area, today_of(ctx), topic=topic, status=wanted
    )
    if status == REFRESHER_DUE:
        rows = [r for r in rows if r.status is not CompetencyStatus.VALID]
    return rows


@router.get("/capacity/competencies", include_in_schema=False)
def competencies_page(
    ctx: WebDep, area: str = "", topic: str = "", status: str = "", offset: int = 0
) -> Response:
    """Each active person's competency per topic, with the day it runs out, filtered by
    topic and status ('refresher_due': expiring or lapsed)."""
    ctx.allow("GET", "/api/v1/capacity/competencies")
    where = where_of(ctx, area)
    errors: dict[str, str] = {}
    if where.error:
        errors["area"] = where.error
    chosen = topic.strip()
    if chosen and chosen not in {t.value for t in TrainingTopic}:
        errors["topic"] = "err_invalid"
        chosen = ""
    wanted, problem = _status_of(status)
    if problem:
        errors["status"] = problem
    rows = competency_rows(ctx, where.area, TrainingTopic(chosen) if chosen else None, wanted)
    offset = max(0, min(offset, max(len(rows) - 1, 0)))
    shown = rows[offset : offset + LIST_PAGE]
    names = provider_names(ctx, {r.provider_id for r in shown})
    here = _query(area=where.code, topic=chosen, status=wanted)
    prev_href = next_href = None
    if offset > 0:
        prev_href = f"{ctx.base}/capacity/competencies?{here}&offset={max(0, offset - LIST_PAGE)}"
    if offset + LIST_PAGE < len(rows):
        next_href = f"{ctx.base}/capacity/competencies?{here}&offset={offset + LIST_PAGE}"
    return page(
        ctx.request,
        "capacity_competencies.html",
        principal=ctx.principal,
        status=422 if errors else 200,
        title="cap_list_trained",
        errors=errors,
        area=where.code,
        area_label=area_name(where.area, ctx.lang),
        topic=chosen,
        topics=[t.value for t in TrainingTopic],
        status_filter=wanted,
        statuses=STATUS_FILTERS,
        rows=shown,
        count=len(rows),
        first=offset + 1,
        last=offset + len(shown),
        names=names,
        prev_href=prev_href,
        next_href=next_href,
        back=f"{ctx.base}/capacity?{_query(area=where.code, topic=chosen)}",
        day=day_of(ctx.lang),
    )


# --- coaching overdue -------------------------------------------------------------------------
@router.get("/capacity/coaching-overdue", include_in_schema=False)
def coaching_overdue_page(ctx: WebDep, area: str = "") -> Response:
    """Trained, active people not coached within the policy's interval."""
    ctx.allow("GET", "/api/v1/coaching/overdue")
    where = where_of(ctx, area)
    today = today_of(ctx)
    rows = capacity_building.coaching_overdue_in(ctx.store, where.area, today)
    policy = capacity_building.current_policy(ctx.store)
    names = provider_names(ctx, {r.provider_id for r in rows})
    return page(
        ctx.request,
        "capacity_coaching_overdue.html",
        principal=ctx.principal,
        status=422 if where.error else 200,
        title="cap_list_coaching",
        errors={"area": where.error} if where.error else {},
        area=where.code,
        area_label=area_name(where.area, ctx.lang),
        rows=rows,
        names=names,
        interval=policy.coaching_interval_days,
        may_coach=ctx.may("POST", "/api/v1/coaching"),
        back=f"{ctx.base}/capacity?{_query(area=where.code)}",
        day=day_of(ctx.lang),
    )


# --- recording coaching -----------------------------------------------------------------------
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


def _people_in_reach(ctx: Web, area: str | None) -> tuple[list[Person], dict[str, Provider]]:
    """Active people whose coaching this account may record (a coordinator: of providers
    located in their area; a supervisor: everyone), with their providers."""
    reach = capacity_building.provider_reach(ctx.principal)

    def work(tx: Transaction) -> tuple[list[Person], dict[str, Provider]]:
        query = PeopleQuery(area=area, active=True)
        found = tx.list_people(query, Page(limit=MAX_CHOICES)).items
        providers = tx.get_providers({p.provider_id for p in found})
        kept = [
            p
            for p in found
            if p.provider_id in providers and (reach is None or reach(providers[p.provider_id]))
        ]
        return kept, providers

    return ctx.store.read(work)


def _role_label(ctx: Web, role: PersonRole) -> str:
    return t(f"pr_{role.value}", ctx.lang)


def _choices(ctx: Web, area: str | None) -> Choices:
    people, providers = _people_in_reach(ctx, area)
    groups: dict[str, list[tuple[str, str]]] = {}
    for p in people:
        provider = providers[p.provider_id]
        name = (provider.name_km or provider.name) if ctx.lang == "km" else provider.name
        groups.setdefault(name, []).append((p.id, f"{p.name} · {_role_label(ctx, p.role)}"))
    wanted = {s for p in people for s in p.supervised_by}
    wanted |= {p.id for p in people if p.role in COACHING_ROLES}
    found = ctx.store.read(lambda tx: tx.get_people(sorted(wanted)))
    coaches = sorted(
        ((c.id, f"{c.name} · {_role_label(ctx, c.role)}") for c in found.values() if c.active),
        key=lambda item: item[1],
    )
    return Choices(sorted(groups.items()), coaches)


def _recent_coaching(ctx: Web, area: str | None) -> list[dict[str, Any]]:
    """The latest coaching sessions of people in the area, with names."""
    listing = capacity_building.list_coaching(ctx.store, CoachingQuery(area=area), Page(limit=20))
    ids = {s.person_id for s in listing.items} | {s.coach_id for s in listing.items}
    people = ctx.store.read(lambda tx: tx.get_people(sorted(ids)))

    def name(pid: str) -> str:
        person = people.get(pid)
        return person.name if person else pid

    return [
        {"session": s, "person": name(s.person_id), "coach": name(s.coach_id)}
        for s in listing.items
    ]


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
        recent=_recent_coaching(ctx, area),
        today=today_of(ctx).isoformat(),
        done=done,
        day=day_of(ctx.lang),
    )


@router.get("/coaching", include_in_schema=False)
def coaching_form(ctx: WebDep, person_id: str = "", done: str = "") -> Response:
    ctx.allow("POST", "/api/v1/coaching")
    form = CoachingForm(person_id=person_id.strip(), held_on=today_of(ctx).isoformat())
    return _coaching_page(ctx, form, {}, done=done)


def _coaching_errors(form: CoachingForm, today: date) -> tuple[date | None, dict[str, str]]:
    errors: dict[str, str] = {}
    if not form.person_id.strip():
        errors["person_id"] = "err_required"
    if not form.coach_id.strip():
        errors["coach_id"] = "err_required"
    elif form.coach_id.strip() == form.person_id.strip():
        errors["coach_id"] = "err_same_person"
    held_on, problem = parse_day(form.held_on, today)
    if problem:
        errors["held_on"] = problem
    if form.mode not in {m.value for m in DeliveryMode}:
        errors["mode"] = "err_required"
    if len(form.note.strip()) > 500:
        errors["note"] = "err_too_long"
    return held_on, errors


_COACHING_FIELDS = ("person_id", "coach_id", "held_on", "mode", "note")


def _field_of(exc: InvalidInput | ValidationError, fields: Sequence[str], fallback: str) -> str:
    if isinstance(exc, InvalidInput):
        return exc.field if exc.field is not None and exc.field in fields else fallback
    for e in exc.errors():
        for part in reversed(e.get("loc", ())):
            if part in fields:
                return str(part)
    return fallback


@router.post("/coaching", include_in_schema=False, dependencies=[Depends(check_csrf)])
def record_coaching(ctx: WebDep, form: Annotated[CoachingForm, Form()]) -> Response:
    """Record a coaching session (as POST /api/v1/coaching): the person coached must be
    in reach, the coach on record, the day not in the future."""
    ctx.allow("POST", "/api/v1/coaching")
    today = today_of(ctx)
    held_on, errors = _coaching_errors(form, today)
    if errors or held_on is None:
        return _coaching_page(ctx, form, errors, status=422)
    store = ctx.logged_store("/app/coaching", {})
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
        capacity_building.record_coaching(
            store, session, today=today, reach=capacity_building.provider_reach(ctx.principal)
        )
    except (InvalidInput, ValidationError) as exc:
        field = _field_of(exc, _COACHING_FIELDS, "person_id")
        message = {
            "person_id": "err_no_person",
            "coach_id": "err_no_person",
            "held_on": "err_future",
        }.get(field, "err_invalid")
        return _coaching_page(ctx, form, {field: message}, status=422)
    return redirect(f"{ctx.base}/coaching?done=saved#recent-h")

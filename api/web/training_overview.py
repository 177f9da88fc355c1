"""Capacity building for coordinators, supervisors and admins (issue 10): per commune (or
district, or province) of an area, who is trained in what, whose refresher or coaching is
overdue, and how many people awareness sessions reached in a month; and the lists behind
each number. Recording a coaching session is in ``api/web/coaching.py``.

Every page stands for the API route that answers the same question (``Web.allow``), and
calls the same use cases (``services.capacity_building``) with the same area rule: a
coordinator sees their own area by default and nothing outside it (403). Bad input in a
filter comes back with the mistake marked next to its field (422), never a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response

from api.web.forms import query_string
from api.web.i18n import Lang, day_of, month_text
from api.web.places import AREA, PROGRAMME_PROVINCES, area_name, name_of
from api.web.render import page
from api.web.session import Web, WebDep
from referral_graph.audit.period import MONTH_PATTERN, month_of
from referral_graph.domain.areas import check_report_area, gazetteer
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.training import AgeGroup, CompetencyStatus, TrainingTopic
from referral_graph.domain.vocabulary import AreaLevel, Gender
from referral_graph.security.model import Role
from referral_graph.security.policy import coordinator_area, in_area
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import CompetencyRow
from referral_graph.services.providers import providers_named

router = APIRouter()

#: Rows of the "who is trained in what" list per page.
LIST_PAGE = 100
#: The filter of the competency list that means "expiring or lapsed".
REFRESHER_DUE = "refresher_due"
STATUS_FILTERS = (
    CompetencyStatus.VALID.value,
    CompetencyStatus.EXPIRING.value,
    CompetencyStatus.LAPSED.value,
    REFRESHER_DUE,
)
MONTH = re.compile(MONTH_PATTERN)


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
            q = query_string(area=code, topic=topic.value if topic else None, status=status)
            href = f"{base}/capacity/competencies?{q}" if n and linked else None
            return Cell(status, n, href)

        if index is None:
            due = sum(t.refresher_due for t in row.topics)
            coaching = f"{base}/capacity/coaching-overdue?{query_string(area=code)}"
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
            q = query_string(area=code, topic=topic.value if topic else None, month=month)
            drill = f"{base}/capacity?{q}"
        name = name_of(row, ctx.lang) if row.level is not None else area_name(None, ctx.lang)
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
        areas=[(name_of(r, lang), r.sessions, r.participants) for r in summary.rows],
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
    today = ctx.today
    found = capacity_building.capacity_overview(ctx.reader, where.area, today)
    reached = None
    if ctx.may("GET", "/api/v1/awareness-sessions/summary"):
        summary = capacity_building.awareness_summary(ctx.reader, where.area, month, today)
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
        ctx.reader, area, ctx.today, topic=topic, status=wanted
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
    names = providers_named(ctx.reader, {r.provider_id for r in shown})
    here = query_string(area=where.code, topic=chosen, status=wanted)
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
        back=f"{ctx.base}/capacity?{query_string(area=where.code, topic=chosen)}",
        day=day_of(ctx.lang),
    )


# --- coaching overdue -------------------------------------------------------------------------
@router.get("/capacity/coaching-overdue", include_in_schema=False)
def coaching_overdue_page(ctx: WebDep, area: str = "") -> Response:
    """Trained, active people not coached within the policy's interval."""
    ctx.allow("GET", "/api/v1/coaching/overdue")
    where = where_of(ctx, area)
    today = ctx.today
    rows = capacity_building.coaching_overdue_in(ctx.reader, where.area, today)
    policy = capacity_building.current_policy(ctx.reader)
    names = providers_named(ctx.reader, {r.provider_id for r in rows})
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
        back=f"{ctx.base}/capacity?{query_string(area=where.code)}",
        day=day_of(ctx.lang),
    )

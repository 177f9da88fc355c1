"""Capacity building (issue #10): the people of providers and what they are trained in,
the per-commune overview coordinators plan refreshers and coaching from, and the
capacity policy.

Who sees whose people: a CCWC or provider account its own provider's; a coordinator
those of providers located in their area; supervisors and admins everyone's. Someone
else's person or provider answers 404 (decided in ``services.capacity_building``).
Trainings and coaching: ``training.py``; awareness sessions: ``awareness.py``.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, status

from api.deps import CallerDep, PageDep, TodayDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.schemas import Envelope, new_record
from api.training_schemas import PersonCreate, PersonUpdate, TrainingPolicyChange
from referral_graph.domain.queries import Page
from referral_graph.domain.training import (
    CompetencyStatus,
    Person,
    PersonRole,
    TrainingPolicy,
    TrainingTopic,
)
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import (
    CompetencyRow,
    PersonCompetencies,
    TrainingOverview,
)

T = TypeVar("T")

router = APIRouter(prefix="/api/v1", tags=["capacity"])

AREA = r"^\d{2}(\d{2}){0,2}$"
AreaQuery = Annotated[
    str | None,
    Query(
        pattern=AREA,
        description="Province, district or commune where providers are located "
        "(default: a coordinator's own area; the country for others).",
    ),
]


def paged(items: list[T], page: Page) -> Envelope[T]:
    """An in-memory list as a page of the usual envelope."""
    window = items[page.offset : page.offset + page.limit]
    return Envelope(data=window, count=len(items), limit=page.limit, offset=page.offset)


# --- people ----------------------------------------------------------------------------
@router.get("/providers/{provider_id}/people", responses=problems(404))
def provider_people(
    caller: CallerDep,
    page: PageDep,
    provider_id: str,
    active: bool | None = None,
    role: PersonRole | None = None,
) -> Envelope[Person]:
    """The staff and volunteers of a provider, by name."""
    listing = capacity_building.provider_people(caller, provider_id, page, active=active, role=role)
    return Envelope.of(listing, page)


@router.post(
    "/providers/{provider_id}/people",
    status_code=status.HTTP_201_CREATED,
    responses=problems(404, 409),
    dependencies=[IdempotencyDep],
)
def add_person(caller: CallerDep, provider_id: str, body: PersonCreate) -> Person:
    """Add a staff member or volunteer; ``supervised_by`` must name people on record."""
    person = new_record(Person, body, "per", provider_id=provider_id)
    return capacity_building.add_person(caller, person)


@router.get("/people/{person_id}", responses=problems(404))
def get_person(caller: CallerDep, person_id: str) -> Person:
    return capacity_building.get_person(caller, person_id)


@router.patch("/people/{person_id}", responses=problems(404, 409))
def update_person(caller: CallerDep, person_id: str, body: PersonUpdate) -> Person:
    """Change a person (deactivate with ``{"active": false}``: never deleted, their
    trainings stay on record). Send ``expected_version`` to refuse a lost update (409)."""
    changes = body.model_dump(exclude_unset=True)
    expected = changes.pop("expected_version", None)
    for required in (
        "name", "role", "active", "provider_id", "supervised_by", "languages", "interprets"
    ):  # fmt: skip
        if required in changes and changes[required] is None:
            changes.pop(required)
    return capacity_building.update_person(caller, person_id, changes, expected_version=expected)


@router.get("/people/{person_id}/competencies", responses=problems(404))
def person_competencies(caller: CallerDep, today: TodayDep, person_id: str) -> PersonCompetencies:
    """What the person is trained in today (valid, expiring within the policy's warning
    period, or lapsed: a refresher is due), and whether their coaching is overdue."""
    return capacity_building.person_competencies(caller, person_id, today)


@router.get("/people/{person_id}/supervisees", responses=problems(404))
def supervisees(caller: CallerDep, page: PageDep, person_id: str) -> Envelope[Person]:
    """The people this person supervises or coaches (of them, those you may see)."""
    return paged(capacity_building.supervisees(caller, person_id), page)


# --- what coordinators see -------------------------------------------------------------
@router.get("/capacity", responses=problems())
def overview(caller: CallerDep, today: TodayDep, area: AreaQuery = None) -> TrainingOverview:
    """Per commune of a district (district of a province, province of the country):
    active people, and per training topic how many hold a valid, expiring or lapsed
    competency (refresher due = expiring + lapsed); whose coaching is overdue."""
    return capacity_building.capacity_overview(caller, area, today)


@router.get("/capacity/competencies", responses=problems())
def competencies(
    caller: CallerDep,
    today: TodayDep,
    page: PageDep,
    area: AreaQuery = None,
    topic: TrainingTopic | None = None,
    competency_status: Annotated[CompetencyStatus | None, Query(alias="status")] = None,
    provider_id: str | None = None,
) -> Envelope[CompetencyRow]:
    """Who is trained in what: each active person's competency per topic, by area,
    provider and name."""
    rows = capacity_building.competency_list(
        caller, area, today, topic=topic, status=competency_status, provider_id=provider_id
    )
    return paged(rows, page)


@router.get("/capacity/lapsing", responses=problems())
def lapsing(
    caller: CallerDep, today: TodayDep, page: PageDep, area: AreaQuery = None
) -> Envelope[CompetencyRow]:
    """Competencies that lapse within the policy's warning period, soonest first: whom
    to invite to the next refresher."""
    return paged(capacity_building.lapsing_soon(caller, area, today), page)


# --- the policy ------------------------------------------------------------------------
@router.get("/capacity-policy", responses=problems())
def get_policy(caller: CallerDep) -> TrainingPolicy:
    """How long each competency lasts, which services follow training, how often
    people should be coached."""
    return capacity_building.current_policy(caller)


@router.put("/capacity-policy", responses=problems())
def replace_policy(caller: CallerDep, body: TrainingPolicy) -> TrainingPolicyChange:
    """Replace the policy (national: admins only). Competencies are derived, so new
    validity periods apply at once, to past trainings too."""
    saved = capacity_building.replace_policy(caller, body)
    return TrainingPolicyChange(
        policy=saved,
        applies_to="At once: competencies, refreshers due, coaching due and routing "
        "are derived from the policy in force.",
    )

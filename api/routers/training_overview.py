"""Capacity building (issue #10): the people of providers and what they are trained in,
the per-commune overview coordinators plan refreshers and coaching from, and the
capacity policy.

Who sees whose people: a CCWC or provider account its own provider's; a coordinator
those of providers located in their area; supervisors and admins everyone's. Someone
else's person or provider answers 404. Trainings and coaching: ``training.py``;
awareness sessions: ``awareness.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, status

from api.deps import PageDep, RuntimeDep, StoreDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.schemas import Envelope
from api.security import PrincipalDep
from api.training_schemas import PersonCreate, PersonUpdate, TrainingPolicyChange
from referral_graph.bootstrap import Runtime
from referral_graph.domain.ids import new_id
from referral_graph.domain.training import (
    CompetencyStatus,
    Person,
    PersonRole,
    TrainingPolicy,
    TrainingTopic,
)
from referral_graph.security.policy import coordinator_area
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import (
    CompetencyRow,
    PersonCompetencies,
    TrainingOverview,
)
from referral_graph.store.port import Page

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


def today(runtime: Runtime) -> date:
    """The programme's calendar day now (Phnom Penh time by default)."""
    return capacity_building.local_today(runtime.now(), runtime.settings.timezone)


def paged(items: list[T], page: Page) -> Envelope[T]:
    """An in-memory list as a page of the usual envelope."""
    window = items[page.offset : page.offset + page.limit]
    return Envelope(data=window, count=len(items), limit=page.limit, offset=page.offset)


# --- people ----------------------------------------------------------------------------
@router.get("/providers/{provider_id}/people", responses=problems(404))
def provider_people(
    store: StoreDep,
    principal: PrincipalDep,
    page: PageDep,
    provider_id: str,
    active: bool | None = None,
    role: PersonRole | None = None,
) -> Envelope[Person]:
    """The staff and volunteers of a provider, by name."""
    reach = capacity_building.provider_reach(principal)
    listing = capacity_building.provider_people(
        store, provider_id, page, reach=reach, active=active, role=role
    )
    return Envelope.of(listing, page)


@router.post(
    "/providers/{provider_id}/people",
    status_code=status.HTTP_201_CREATED,
    responses=problems(404, 409),
    dependencies=[IdempotencyDep],
)
def add_person(
    runtime: RuntimeDep,
    store: StoreDep,
    principal: PrincipalDep,
    provider_id: str,
    body: PersonCreate,
) -> Person:
    """Add a staff member or volunteer; ``supervised_by`` must name people on record."""
    fields = body.model_dump()
    fields |= {"id": body.id or new_id("per"), "provider_id": provider_id}
    person = Person.model_validate(fields)
    return capacity_building.add_person(
        store, person, runtime.now(), reach=capacity_building.provider_reach(principal)
    )


@router.get("/people/{person_id}", responses=problems(404))
def get_person(store: StoreDep, principal: PrincipalDep, person_id: str) -> Person:
    return capacity_building.get_person(
        store, person_id, capacity_building.provider_reach(principal)
    )


@router.patch("/people/{person_id}", responses=problems(404, 409))
def update_person(
    runtime: RuntimeDep,
    store: StoreDep,
    principal: PrincipalDep,
    person_id: str,
    body: PersonUpdate,
) -> Person:
    """Change a person (deactivate with ``{"active": false}``: never deleted, their
    trainings stay on record). Send ``expected_version`` to refuse a lost update (409)."""
    changes = body.model_dump(exclude_unset=True)
    expected = changes.pop("expected_version", None)
    for required in ("name", "role", "active", "provider_id", "supervised_by"):
        if required in changes and changes[required] is None:
            changes.pop(required)
    return capacity_building.update_person(
        store,
        person_id,
        changes,
        runtime.now(),
        expected_version=expected,
        reach=capacity_building.provider_reach(principal),
    )


@router.get("/people/{person_id}/competencies", responses=problems(404))
def person_competencies(
    runtime: RuntimeDep, store: StoreDep, principal: PrincipalDep, person_id: str
) -> PersonCompetencies:
    """What the person is trained in today (valid, expiring within the policy's warning
    period, or lapsed: a refresher is due), and whether their coaching is overdue."""
    return capacity_building.person_competencies(
        store, person_id, today(runtime), capacity_building.provider_reach(principal)
    )


@router.get("/people/{person_id}/supervisees", responses=problems(404))
def supervisees(
    store: StoreDep, principal: PrincipalDep, page: PageDep, person_id: str
) -> Envelope[Person]:
    """The people this person supervises or coaches (of them, those you may see)."""
    found = capacity_building.supervisees(
        store, person_id, capacity_building.provider_reach(principal)
    )
    return paged(found, page)


# --- what coordinators see -------------------------------------------------------------
@router.get("/capacity", responses=problems())
def overview(
    runtime: RuntimeDep, principal: PrincipalDep, area: AreaQuery = None
) -> TrainingOverview:
    """Per commune of a district (district of a province, province of the country):
    active people, and per training topic how many hold a valid, expiring or lapsed
    competency (refresher due = expiring + lapsed); whose coaching is overdue."""
    area = coordinator_area(principal, area)
    return capacity_building.capacity_overview(runtime.store, area, today(runtime))


@router.get("/capacity/competencies", responses=problems())
def competencies(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    area: AreaQuery = None,
    topic: TrainingTopic | None = None,
    competency_status: Annotated[CompetencyStatus | None, Query(alias="status")] = None,
    provider_id: str | None = None,
) -> Envelope[CompetencyRow]:
    """Who is trained in what: each active person's competency per topic, by area,
    provider and name."""
    area = coordinator_area(principal, area)
    rows = capacity_building.competency_list(
        runtime.store,
        area,
        today(runtime),
        topic=topic,
        status=competency_status,
        provider_id=provider_id,
    )
    return paged(rows, page)


@router.get("/capacity/lapsing", responses=problems())
def lapsing(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, area: AreaQuery = None
) -> Envelope[CompetencyRow]:
    """Competencies that lapse within the policy's warning period, soonest first: whom
    to invite to the next refresher."""
    area = coordinator_area(principal, area)
    return paged(capacity_building.lapsing_soon(runtime.store, area, today(runtime)), page)


# --- the policy ------------------------------------------------------------------------
@router.get("/capacity-policy", responses=problems())
def get_policy(runtime: RuntimeDep) -> TrainingPolicy:
    """How long each competency lasts, which services follow training, how often
    people should be coached."""
    return capacity_building.current_policy(runtime.store)


@router.put("/capacity-policy", responses=problems())
def replace_policy(store: StoreDep, body: TrainingPolicy) -> TrainingPolicyChange:
    """Replace the policy (national: admins only). Competencies are derived, so new
    validity periods apply at once, to past trainings too."""
    saved = capacity_building.replace_policy(store, body)
    return TrainingPolicyChange(
        policy=saved,
        applies_to="At once: competencies, refreshers due, coaching due and routing "
        "are derived from the policy in force.",
    )

"""Awareness-raising sessions and how many people they reached, per area and month.

Counts only: participants are never named. CCWC and provider accounts record and list
their own provider's sessions; coordinators those of providers in their area;
supervisors everyone's (admins read them).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import PageDep, RuntimeDep, StoreDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.routers.training_overview import AreaQuery, today
from api.schemas import Envelope
from api.security import PrincipalDep
from api.training_schemas import AwarenessCreate
from referral_graph.audit.period import MONTH_PATTERN
from referral_graph.domain.errors import Forbidden
from referral_graph.domain.ids import new_id
from referral_graph.domain.training import AwarenessSession
from referral_graph.security.model import Role
from referral_graph.security.policy import coordinator_area, in_area
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import AwarenessSummary
from referral_graph.store.port import AwarenessQuery

router = APIRouter(prefix="/api/v1/awareness-sessions", tags=["capacity"])


@router.get("", responses=problems(404))
def list_sessions(
    store: StoreDep,
    principal: PrincipalDep,
    page: PageDep,
    area: AreaQuery = None,
    provider_id: str | None = None,
    since: Annotated[date | None, Query(description="Held on or after.")] = None,
    until: Annotated[date | None, Query(description="Held before.")] = None,
) -> Envelope[AwarenessSession]:
    """Awareness sessions held in ``area`` (or run by ``provider_id``), newest first.
    A CCWC or provider account sees its own provider's."""
    if principal.role in (Role.CCWC, Role.PROVIDER):
        provider_id = provider_id or principal.provider_id
    area = coordinator_area(principal, area)
    query = AwarenessQuery(area=area, provider_id=provider_id, since=since, until=until)
    listing = capacity_building.list_awareness(
        store, query, page, capacity_building.provider_reach(principal)
    )
    return Envelope.of(listing, page)


@router.post(
    "", status_code=status.HTTP_201_CREATED, responses=problems(409), dependencies=[IdempotencyDep]
)
def record_session(
    runtime: RuntimeDep, store: StoreDep, principal: PrincipalDep, body: AwarenessCreate
) -> AwarenessSession:
    """Record an awareness session your provider ran (coordinators: one held in their
    area, by a provider located there), on or before today."""
    if principal.role is Role.COORDINATOR and not in_area(principal, body.area_code):
        raise Forbidden(
            f"Area {body.area_code!r} is outside your area ({principal.area_code}).",
            field="area_code",
        )
    fields = body.model_dump() | {"id": body.id or new_id("awr"), "created_at": runtime.now()}
    return capacity_building.record_awareness(
        store,
        AwarenessSession.model_validate(fields),
        today=today(runtime),
        reach=capacity_building.provider_reach(principal),
    )


@router.get("/summary", responses=problems())
def summary(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    area: AreaQuery = None,
    month: Annotated[
        str | None,
        Query(
            pattern=MONTH_PATTERN,
            description="YYYY-MM (default: each of the twelve months ending with this one).",
        ),
    ] = None,
) -> AwarenessSummary:
    """How many people awareness sessions reached, per commune of a district (district
    of a province, province of the country) and month, by age group and gender."""
    area = coordinator_area(principal, area)
    return capacity_building.awareness_summary(runtime.store, area, month, today(runtime))

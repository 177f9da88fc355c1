"""Awareness-raising sessions and how many people they reached, per area and month.

Counts only: participants are never named. CCWC and provider accounts record and list
their own provider's sessions; coordinators those of providers in their area;
supervisors everyone's (admins read them).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import CallerDep, PageDep, TodayDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from api.routers.training_overview import AreaQuery
from api.schemas import Envelope, new_record
from api.training_schemas import AwarenessCreate
from referral_graph.audit.period import MONTH_PATTERN
from referral_graph.domain.queries import AwarenessQuery
from referral_graph.domain.training import AwarenessSession
from referral_graph.services import capacity_building
from referral_graph.services.capacity_building import AwarenessSummary

router = APIRouter(prefix="/api/v1/awareness-sessions", tags=["capacity"])


@router.get("", responses=problems(404))
def list_sessions(
    caller: CallerDep,
    page: PageDep,
    area: AreaQuery = None,
    provider_id: str | None = None,
    since: Annotated[date | None, Query(description="Held on or after.")] = None,
    until: Annotated[date | None, Query(description="Held before.")] = None,
) -> Envelope[AwarenessSession]:
    """Awareness sessions held in ``area`` (or run by ``provider_id``), newest first.
    A CCWC or provider account sees its own provider's."""
    query = AwarenessQuery(area=area, provider_id=provider_id, since=since, until=until)
    return Envelope.of(capacity_building.list_awareness(caller, query, page), page)


@router.post(
    "", status_code=status.HTTP_201_CREATED, responses=problems(409), dependencies=[IdempotencyDep]
)
def record_session(caller: CallerDep, today: TodayDep, body: AwarenessCreate) -> AwarenessSession:
    """Record an awareness session your provider ran (coordinators: one held in their
    area, by a provider located there), on or before today."""
    session = new_record(AwarenessSession, body, "awr", created_at=caller.now)
    return capacity_building.record_awareness(caller, session, today=today)


@router.get("/summary", responses=problems())
def summary(
    caller: CallerDep,
    today: TodayDep,
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
    return capacity_building.awareness_summary(caller, area, month, today)

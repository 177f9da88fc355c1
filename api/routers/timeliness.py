"""Deadlines: the policy, overdue and due-soon handoffs, the tick and dead letters
(alerts: ``api/routers/alerts.py``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import CallerDep, PageDep, RuntimeDep
from api.responses import problems
from api.schemas import Envelope
from referral_graph.domain.models import Referral, TimelinessAlert
from referral_graph.domain.records import OutboxMessage
from referral_graph.domain.sla import SlaPolicy
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.scheduler import run_once
from referral_graph.services import notifications, timeliness

router = APIRouter(prefix="/api/v1", tags=["timeliness"])

AreaCode = Annotated[
    str | None, Query(pattern=r"^\d{2}(\d{2}){0,3}$", description="Child's area, any level.")
]


class PolicyChange(BaseModel):
    policy: SlaPolicy
    applies_to: str


class TickResult(BaseModel):
    fired: list[TimelinessAlert]


@router.get("/sla-policy", responses=problems())
def get_policy(caller: CallerDep) -> SlaPolicy:
    """The deadlines in force for new referrals, with their sources."""
    return timeliness.sla_policy(caller)


@router.put("/sla-policy", responses=problems())
def replace_policy(caller: CallerDep, body: SlaPolicy) -> PolicyChange:
    """Replace the policy. It applies to referrals made from now on only: open referrals
    keep the deadlines they were made with."""
    saved = timeliness.replace_policy(caller, body)
    return PolicyChange(
        policy=saved,
        applies_to="Referrals made from now on; open referrals keep their deadlines.",
    )


@router.get("/audit/overdue", responses=problems())
def overdue(
    caller: CallerDep,
    page: PageDep,
    area: AreaCode = None,
    provider_id: str | None = None,
    risk: RiskLevel | None = None,
) -> Envelope[Referral]:
    """Open handoffs past the deadline of the window they wait on, most overdue first
    (coordinators see them without free text)."""
    found = timeliness.due_handoffs(caller, page, area=area, provider_id=provider_id, risk=risk)
    return Envelope.of(found, page)


@router.get("/audit/due-soon", responses=problems())
def due_soon(
    caller: CallerDep,
    page: PageDep,
    within_hours: Annotated[float, Query(gt=0, le=24 * 14)] = 24,
    area: AreaCode = None,
    provider_id: str | None = None,
    risk: RiskLevel | None = None,
) -> Envelope[Referral]:
    """Open handoffs whose deadline falls within the next ``within_hours`` (overdue ones
    included, first)."""
    found = timeliness.due_handoffs(
        caller,
        page,
        within=timedelta(hours=within_hours),
        area=area,
        provider_id=provider_id,
        risk=risk,
    )
    return Envelope.of(found, page)


@router.post("/timeliness/tick", responses=problems())
def tick_now(runtime: RuntimeDep) -> TickResult:
    """Run the scheduler once now (it also runs on its own timer)."""
    return TickResult(fired=run_once(runtime))


@router.get("/outbox/dead-letters", responses=problems())
def dead_letters(caller: CallerDep, page: PageDep) -> Envelope[OutboxMessage]:
    """Notifications no webhook would take after every retry."""
    return Envelope.of(notifications.dead_letters(caller, page), page)


@router.post("/outbox/{message_id}/requeue", responses=problems(404))
def requeue(caller: CallerDep, message_id: str) -> OutboxMessage:
    """Give a dead letter another round of delivery attempts."""
    return notifications.requeue(caller, message_id)

"""Deadlines: the policy, overdue and due-soon handoffs, alerts and dead letters."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import PageDep, RuntimeDep, StoreDep
from api.responses import problems
from api.schemas import Envelope
from api.security import PrincipalDep
from referral_graph.domain.errors import InvalidInput, NotFound
from referral_graph.domain.models import Referral, TimelinessAlert
from referral_graph.domain.sla import AlertKind, SlaPolicy
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.scheduler import run_once
from referral_graph.security.model import Role
from referral_graph.security.policy import coordinator_area, redact_referral
from referral_graph.services import notifications, timeliness
from referral_graph.services.access import check_inbox
from referral_graph.store.port import AlertQuery, DueQuery, OutboxMessage

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
def get_policy(runtime: RuntimeDep) -> SlaPolicy:
    """The deadlines in force for new referrals, with their sources."""
    return runtime.store.read(timeliness.policy_in_force)


@router.put("/sla-policy", responses=problems())
def replace_policy(store: StoreDep, body: SlaPolicy) -> PolicyChange:
    """Replace the policy. It applies to referrals made from now on only: open referrals
    keep the deadlines they were made with."""
    saved = timeliness.replace_policy(store, body)
    return PolicyChange(
        policy=saved,
        applies_to="Referrals made from now on; open referrals keep their deadlines.",
    )


def _due(runtime: RuntimeDep, page: PageDep, query: DueQuery) -> Envelope[Referral]:
    """Coordinators see handoffs without free text."""
    listing = runtime.store.read(lambda tx: tx.referrals_due(query, page))
    items = [redact_referral(r) for r in listing.items]
    return Envelope(data=items, count=listing.count, limit=page.limit, offset=page.offset)


@router.get("/audit/overdue", responses=problems())
def overdue(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    area: AreaCode = None,
    provider_id: str | None = None,
    risk: RiskLevel | None = None,
) -> Envelope[Referral]:
    """Open handoffs past the deadline of the window they wait on, most overdue first."""
    area = coordinator_area(principal, area)
    query = DueQuery(before=runtime.now(), area=area, provider_id=provider_id, risk=risk)
    return _due(runtime, page, query)


@router.get("/audit/due-soon", responses=problems())
def due_soon(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    within_hours: Annotated[float, Query(gt=0, le=24 * 14)] = 24,
    area: AreaCode = None,
    provider_id: str | None = None,
    risk: RiskLevel | None = None,
) -> Envelope[Referral]:
    """Open handoffs whose deadline falls within the next ``within_hours`` (overdue ones
    included, first)."""
    before = runtime.now() + timedelta(hours=within_hours)
    area = coordinator_area(principal, area)
    query = DueQuery(before=before, area=area, provider_id=provider_id, risk=risk)
    return _due(runtime, page, query)


@router.get("/alerts", responses=problems(404))
def alerts(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    referral_id: str | None = None,
    provider_id: str | None = None,
    kind: AlertKind | None = None,
) -> Envelope[TimelinessAlert]:
    """Reminders and escalations about your provider (or one you supervise), newest
    first."""
    if principal.role is not Role.SYSTEM:
        provider_id = provider_id or principal.provider_id
        if provider_id is None:
            raise InvalidInput("Name the provider.", field="provider_id")
        check_inbox(runtime.store, principal, provider_id)
    query = AlertQuery(referral_id=referral_id, provider_id=provider_id, kind=kind)
    listing = runtime.store.read(lambda tx: tx.list_alerts(query, page))
    return Envelope.of(listing, page)


@router.post("/timeliness/tick", responses=problems())
def tick_now(runtime: RuntimeDep) -> TickResult:
    """Run the scheduler once now (it also runs on its own timer)."""
    return TickResult(fired=run_once(runtime))


@router.get("/outbox/dead-letters", responses=problems())
def dead_letters(runtime: RuntimeDep, page: PageDep) -> Envelope[OutboxMessage]:
    """Notifications no webhook would take after every retry."""
    listing = runtime.store.read(lambda tx: tx.list_outbox("dead", page))
    return Envelope.of(listing, page)


@router.post("/outbox/{message_id}/requeue", responses=problems(404))
def requeue(runtime: RuntimeDep, store: StoreDep, message_id: str) -> OutboxMessage:
    """Give a dead letter another round of delivery attempts."""
    revived = notifications.requeue(store, message_id, runtime.now())
    if revived is None:
        raise NotFound("dead letter", message_id)
    return revived

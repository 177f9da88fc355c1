"""Alerts to people: each role's share of reminders and escalations, marking one seen,
and each person's notification settings (their own; administrators: anyone's)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.deps import CallerDep, PageDep, ReaderDep
from api.responses import problems
from api.schemas import Envelope
from referral_graph.domain.alerting import AlertSeen, NotificationSettings
from referral_graph.domain.models import TimelinessAlert
from referral_graph.domain.sla import AlertKind
from referral_graph.services import alerts
from referral_graph.services.alerts import AlertFilters, AlertItem

router = APIRouter(prefix="/api/v1", tags=["alerts"])

AreaCode = Annotated[
    str | None, Query(pattern=r"^\d{2}(\d{2}){0,3}$", description="Child's area, any level.")
]
AlertId = Annotated[str, Path(min_length=1, max_length=200)]


class SeenOut(BaseModel):
    """One person marked the alert seen, at ``at`` (the first time counts)."""

    alert_id: str
    user_id: str
    username: str
    at: datetime

    @classmethod
    def of(cls, seen: AlertSeen) -> SeenOut:
        return cls(alert_id=seen.alert_id, user_id=seen.user_id, username=seen.username, at=seen.at)


class AlertOut(TimelinessAlert):
    """A reminder or escalation as the caller sees it."""

    case_code: str | None = Field(description="The case's pseudonymous code.")
    from_provider_id: str | None = Field(description="The provider that referred.")
    seen_at: datetime | None = Field(description="When you marked it seen (none: not yet).")
    seen_by: list[SeenOut] = Field(description="Who marked it seen, and when.")

    @classmethod
    def of(cls, item: AlertItem) -> AlertOut:
        return cls(
            **item.alert.model_dump(),
            case_code=item.case_code,
            from_provider_id=item.sender_id,
            seen_at=item.seen_at,
            seen_by=[SeenOut.of(s) for s in item.seen_by],
        )


@router.get("/alerts", responses=problems(403, 404))
def list_alerts(
    caller: ReaderDep,
    page: PageDep,
    referral_id: Annotated[str | None, Query(max_length=64)] = None,
    provider_id: Annotated[str | None, Query(max_length=64)] = None,
    kind: AlertKind | None = None,
    area: AreaCode = None,
    unseen: Annotated[bool, Query(description="Only those you have not marked seen.")] = False,
) -> Envelope[AlertOut]:
    """Your share of reminders and escalations, newest first: a CCWC's or provider's
    about its handoffs sent or received (or naming it), a supervisor's also about the
    providers it oversees, a coordinator's about children of their area."""
    filters = AlertFilters(referral_id, provider_id, kind, area, unseen)
    found = alerts.alerts(caller, filters, page)
    return Envelope(
        data=[AlertOut.of(i) for i in found.items],
        count=found.count,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/alerts/{alert_id}/seen", responses=problems(403, 404))
def mark_seen(caller: CallerDep, alert_id: AlertId) -> SeenOut:
    """Put on record that you saw the alert (again: the first record is answered)."""
    return SeenOut.of(alerts.mark_seen(caller, alert_id))


@router.get("/me/notification-settings", responses=problems(404))
def my_settings(caller: ReaderDep) -> NotificationSettings:
    """How you are told of alerts beyond the web app: channels, addresses, language,
    quiet hours."""
    return alerts.notification_settings(caller)


@router.put("/me/notification-settings", responses=problems(404, 409))
def change_my_settings(caller: CallerDep, body: NotificationSettings) -> NotificationSettings:
    """Choose channels (each needs its address), the language of messages and quiet
    hours (emergencies are sent in them all the same)."""
    return alerts.change_notification_settings(caller, body)


@router.get("/users/{user_id}/notification-settings", responses=problems(404))
def user_settings(caller: ReaderDep, user_id: str) -> NotificationSettings:
    """A person's notification settings (administrators)."""
    return alerts.notification_settings(caller, user_id)


@router.put("/users/{user_id}/notification-settings", responses=problems(404, 409))
def change_user_settings(
    caller: CallerDep, user_id: str, body: NotificationSettings
) -> NotificationSettings:
    """Set a person's notification settings (administrators)."""
    return alerts.change_notification_settings(caller, body, user_id)

"""Deadlines for each handoff, by risk level, and when to remind and escalate.

Every window is measured from the moment the referral was made. Emergency and high risk
count wall-clock hours; medium and low count working days (Monday–Friday, not a public
holiday of Cambodia, not an extra closed day). A referral keeps the deadlines of the
policy in force when it was made: a new policy applies to new referrals only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Literal, Self
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict, Field, model_validator

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.vocabulary import RiskLevel

S = ReferralStatus


class Window(StrEnum):
    """The three deadlines of a handoff."""

    ACKNOWLEDGE = "acknowledge"  # requested → received
    DECIDE = "decide"  # → accepted | rejected
    FIRST_CONTACT = "first_contact"  # accepted → in_progress


class AlertKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"


#: The window a referral is waiting on in each status (none once contact is made).
PENDING_WINDOW: dict[ReferralStatus, Window] = {
    S.REQUESTED: Window.ACKNOWLEDGE,
    S.RECEIVED: Window.DECIDE,
    S.ACCEPTED: Window.FIRST_CONTACT,
}


class Span(BaseModel):
    """A length of time: wall-clock hours, or whole working days."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: float = Field(gt=0, le=24 * 90)
    unit: Literal["hours", "working_days"]

    @model_validator(mode="after")
    def _whole_days(self) -> Self:
        if self.unit == "working_days" and self.amount != int(self.amount):
            raise ValueError("working days are whole days")
        return self


class RiskDeadlines(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    acknowledge: Span
    decide: Span
    first_contact: Span


class Deadlines(BaseModel):
    """When each window of one referral closes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    acknowledge: datetime
    decide: datetime
    first_contact: datetime
    policy_version: int
    reminder_at: float = Field(0.5, gt=0, lt=1)

    def of(self, window: Window) -> datetime:
        value: datetime = getattr(self, window.value)
        return value


class SlaPolicy(BaseModel):
    """The network's agreed deadlines. Defaults: ``policies/sla-policy.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(1, ge=1)
    timezone: str = "Asia/Phnom_Penh"
    reminder_at: float = Field(0.5, gt=0, lt=1, description="Share of a window → reminder.")
    deadlines: dict[RiskLevel, RiskDeadlines]
    extra_closed_days: tuple[date, ...] = ()
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        missing = set(RiskLevel) - set(self.deadlines)
        if missing:
            raise ValueError(f"deadlines missing for risk levels: {sorted(missing)}")
        try:
            ZoneInfo(self.timezone)
        except Exception as exc:
            raise ValueError(f"unknown timezone {self.timezone!r}") from exc
        for risk, d in self.deadlines.items():
            ack, dec, contact = (
                self._nominal(s) for s in (d.acknowledge, d.decide, d.first_contact)
            )
            if not ack <= dec <= contact:
                raise ValueError(
                    f"{risk.value}: windows run from the referral, so acknowledge ≤ decide "
                    "≤ first_contact"
                )
        return self

    @staticmethod
    def _nominal(span: Span) -> float:
        return span.amount if span.unit == "hours" else span.amount * 24

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and day not in _holidays(day.year)
            and (day not in self.extra_closed_days)
        )

    def add(self, start: datetime, span: Span) -> datetime:
        """``start`` plus ``span``: hours on the clock, or working days in local time."""
        if span.unit == "hours":
            return start + timedelta(hours=span.amount)
        local = start.astimezone(ZoneInfo(self.timezone))
        remaining = int(span.amount)
        while remaining:
            local += timedelta(days=1)
            if self.is_working_day(local.date()):
                remaining -= 1
        return local.astimezone(start.tzinfo)

    def deadlines_for(self, risk: RiskLevel, made_at: datetime) -> Deadlines:
        d = self.deadlines[risk]
        return Deadlines(
            acknowledge=self.add(made_at, d.acknowledge),
            decide=self.add(made_at, d.decide),
            first_contact=self.add(made_at, d.first_contact),
            policy_version=self.version,
            reminder_at=self.reminder_at,
        )


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KH", years=year))


def alert_key(referral_id: str, window: Window, kind: AlertKind) -> str:
    """The one id an alert can have: firing it twice is impossible by construction."""
    return f"alert:{referral_id}:{window.value}:{kind.value}"


class PendingAlert(BaseModel):
    model_config = ConfigDict(frozen=True)

    window: Window
    kind: AlertKind
    at: datetime
    due: datetime


def pending_alerts(
    status: ReferralStatus, made_at: datetime, due: Deadlines | None
) -> list[PendingAlert]:
    """The reminder and escalation of the window a referral in ``status`` waits on."""
    window = PENDING_WINDOW.get(status)
    if window is None or due is None:
        return []
    closes = due.of(window)
    remind = made_at + (closes - made_at) * due.reminder_at
    return [
        PendingAlert(window=window, kind=AlertKind.REMINDER, at=remind, due=closes),
        PendingAlert(window=window, kind=AlertKind.ESCALATION, at=closes, due=closes),
    ]


def first_alert_time(
    status: ReferralStatus, made_at: datetime, due: Deadlines | None
) -> datetime | None:
    """When the scheduler should next look at a referral that just entered ``status``."""
    alerts = pending_alerts(status, made_at, due)
    return min((a.at for a in alerts), default=None)

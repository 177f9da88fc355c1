"""Alerts to people: who is told of a reminder or an escalation, how each person wants
to be told, and when a message may reach them.

Pure rules, no I/O. An alert is recorded the moment it fires (the timeliness tick);
what this module decides is the *delivery* of the messages about it:

- **who** — the receiver is reminded; an escalation goes to the receiver, the sender,
  the receiver's overseers and the coordinators of the child's area
  (:func:`parts_told`);
- **how** — each person chooses channels and addresses, a language and quiet hours
  (:class:`NotificationSettings`, kept with the user);
- **when** — alerts of working-day windows are delivered in working time (not at 04:00
  on a Sunday, not on Khmer New Year) and nothing but an emergency reaches a person in
  their quiet hours (:func:`delivery_time`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import EmailStr, Field, field_validator, model_validator

from referral_graph.domain.hours import LocalTime
from referral_graph.domain.models import Model
from referral_graph.domain.sla import AlertKind
from referral_graph.domain.vocabulary import RiskLevel


class Channel(StrEnum):
    """Ways a message reaches a person beyond the web app."""

    EMAIL = "email"  # SMTP
    SMS = "sms"  # an SMS gateway (RapidPro's broadcast API)
    TELEGRAM = "telegram"  # the Telegram Bot API


#: The address field each channel needs.
ADDRESS_FIELD: dict[Channel, str] = {
    Channel.EMAIL: "email",
    Channel.SMS: "phone",
    Channel.TELEGRAM: "telegram_chat_id",
}

Phone = Annotated[
    str,
    Field(
        pattern=r"^\+[1-9]\d{7,14}$",
        description="International form (E.164), e.g. +85512345678.",
        examples=["+85512345678"],
    ),
]
TelegramChat = Annotated[
    str,
    Field(
        pattern=r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$",
        description="A chat id (the number the bot was told) or a @channel name.",
        examples=["123456789"],
    ),
]


class QuietHours(Model):
    """A daily stretch of local time in which only emergencies reach the person
    (``starts`` after ``ends`` runs over midnight, e.g. 21:00 to 06:00)."""

    starts: LocalTime
    ends: LocalTime

    @field_validator("starts", "ends")
    @classmethod
    def _wall_clock(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("a local time of day without a UTC offset, e.g. 21:00")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.starts == self.ends:
            raise ValueError("quiet hours start and end at different times")
        return self

    def contains(self, moment: time) -> bool:
        if self.starts < self.ends:
            return self.starts <= moment < self.ends
        return moment >= self.starts or moment < self.ends

    def over_at(self, local: datetime) -> datetime:
        """When the quiet hours that ``local`` falls in end (``local`` if it is in none)."""
        if not self.contains(local.time()):
            return local
        day = local.date()
        if self.starts > self.ends and local.time() >= self.starts:
            day += timedelta(days=1)
        return datetime.combine(day, self.ends, tzinfo=local.tzinfo)


class NotificationSettings(Model):
    """How one person wants to hear of alerts beyond the web app: the channels chosen,
    their addresses, the language of the messages and quiet hours. Kept with the user;
    the person edits it, and so may an administrator. With no channel chosen, alerts
    show in the web app only."""

    channels: frozenset[Channel] = Field(frozenset(), description="Channels chosen.")
    language: Literal["en", "km"] = Field("km", description="Language of the messages.")
    email: EmailStr | None = Field(None, max_length=200)
    phone: Phone | None = None
    telegram_chat_id: TelegramChat | None = None
    quiet_hours: QuietHours | None = Field(
        None, description="Local times in which only emergencies are sent."
    )

    def address(self, channel: Channel) -> str | None:
        value: str | None = getattr(self, ADDRESS_FIELD[channel])
        return value

    def missing_address(self) -> Channel | None:
        """A chosen channel without its address, if any (checked by the use case, which
        names the field)."""
        return next((c for c in sorted(self.channels) if not self.address(c)), None)


class Part(StrEnum):
    """A person's part in an alert: why they are told."""

    RECEIVER = "receiver"  # staff of the provider the handoff waits on
    SENDER = "sender"  # staff of the provider that referred
    OVERSEER = "overseer"  # the receiver's supervisor, CCWC chair … (``overseen_by``)
    COORDINATOR = "coordinator"  # the child's area


def parts_told(kind: AlertKind) -> frozenset[Part]:
    """Who gets a message of an alert of ``kind``. A reminder is the receiver's: it is
    still on time, and only the receiver can act. An escalation is everybody's: the
    receiver is late, the sender may refer again, the overseer and the coordinator can
    follow up."""
    if kind is AlertKind.REMINDER:
        return frozenset({Part.RECEIVER})
    return frozenset(Part)


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """The hours of a working day in which alerts of working-day windows are sent."""

    starts: time = time(7, 30)
    ends: time = time(17, 0)

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """``"07:30-17:00"``."""
        first, _, last = text.partition("-")
        hours = cls(time.fromisoformat(first.strip()), time.fromisoformat(last.strip()))
        if hours.starts >= hours.ends:
            raise ValueError("working hours start before they end, e.g. 07:30-17:00")
        return hours


def next_working_time(
    local: datetime, hours: WorkingHours, is_working_day: Callable[[date], bool]
) -> datetime:
    """``local`` if it is working time, else the start of the next working hour."""
    day = local.date()
    if is_working_day(day) and hours.starts <= local.time() < hours.ends:
        return local
    if not (is_working_day(day) and local.time() < hours.starts):
        day += timedelta(days=1)
        for _ in range(366):
            if is_working_day(day):
                break
            day += timedelta(days=1)
    return datetime.combine(day, hours.starts, tzinfo=local.tzinfo)


def delivery_time(
    fired_at: datetime,
    *,
    risk: RiskLevel,
    working_days: bool,
    quiet: QuietHours | None,
    hours: WorkingHours,
    is_working_day: Callable[[date], bool],
    timezone: str,
) -> datetime:
    """When a message about an alert fired at ``fired_at`` may be sent: at once, or —
    for a window counted in working days — at the next working hour, and never in the
    person's quiet hours unless it is an emergency. Only the delivery moves; the alert
    keeps the time it fired."""
    zone = ZoneInfo(timezone)
    at = fired_at.astimezone(zone)
    for _ in range(64):  # each move only goes forward; a few rounds settle both rules
        moved = at
        if working_days:
            moved = next_working_time(moved, hours, is_working_day)
        if quiet is not None and risk is not RiskLevel.EMERGENCY:
            moved = quiet.over_at(moved)
        if moved == at:
            break
        at = moved
    return at.astimezone(fired_at.tzinfo)


@dataclass(frozen=True, slots=True)
class AlertSeen:
    """One person marked an alert seen, at a time (the first time counts)."""

    alert_id: str
    user_id: str
    username: str
    at: datetime

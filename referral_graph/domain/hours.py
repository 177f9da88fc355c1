"""When a provider answers: opening periods in local wall-clock time, or round the clock.

Routing asks ``Hours.is_open`` at the moment of a case (an emergency at 2 a.m. goes to
what is open); the directory, its spreadsheet and HSDS exchange read and write them.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


#: A wall-clock time of day in the provider's local time zone (no offset): RFC 3339
#: calls this a partial-time, which the JSON Schema "time" format does not allow.
LocalTime = Annotated[
    time, Field(json_schema_extra={"format": "partial-time", "examples": ["07:30:00"]})
]


class OpeningPeriod(_Frozen):
    """Open on ``days`` (0 = Monday … 6 = Sunday) from ``opens`` to ``closes``, local time."""

    days: frozenset[Annotated[int, Field(ge=0, le=6)]]
    opens: LocalTime
    closes: LocalTime

    @field_validator("opens", "closes")
    @classmethod
    def _wall_clock(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("a local time of day without a UTC offset, e.g. 07:30")
        return value

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        return self


class Hours(_Frozen):
    """When a provider answers. ``always_open`` is 24/7 (e.g. Child Helpline 1280)."""

    always_open: bool = False
    periods: tuple[OpeningPeriod, ...] = ()

    def is_open(self, local: datetime) -> bool:
        if self.always_open:
            return True
        t = local.time()
        return any(local.weekday() in p.days and p.opens <= t < p.closes for p in self.periods)


OFFICE_HOURS = Hours(
    periods=(
        OpeningPeriod(days=frozenset(range(5)), opens=time(7, 30), closes=time(11, 30)),
        OpeningPeriod(days=frozenset(range(5)), opens=time(14, 0), closes=time(17, 0)),
    )
)

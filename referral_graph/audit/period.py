"""Periods the audit looks at: any ``[since, until)``, or a calendar month in local time.

Months are the network's months, in Phnom Penh time: a referral made at 00:30 on
1 April local time (17:30 UTC on 31 March) belongs to April.

>>> p = month_period("2026-03")
>>> p.since.isoformat(), p.until.isoformat()
('2026-02-28T17:00:00+00:00', '2026-03-31T17:00:00+00:00')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from referral_graph.domain.errors import InvalidInput

#: The timezone months and dates of the report are counted in (programme areas).
REPORT_TZ = "Asia/Phnom_Penh"

MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


@dataclass(frozen=True, slots=True)
class Period:
    """The half-open interval ``[since, until)`` in UTC."""

    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise ValueError("period bounds must carry a timezone")
        if not self.since < self.until:
            raise InvalidInput("since must be before until.", field="until")

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, datetime) and self.since <= moment < self.until

    def widened(self, before: timedelta, after: timedelta) -> Period:
        """The period with ``before`` added at the start and ``after`` at the end."""
        return Period(self.since - before, self.until + after)


@cache
def zone(name: str = REPORT_TZ) -> ZoneInfo:
    return ZoneInfo(name)


def month_period(month: str, tz: str = REPORT_TZ) -> Period:
    """The local calendar month ``YYYY-MM`` as a UTC period; ``InvalidInput`` naming
    ``month`` when it is not one."""
    if not _MONTH.match(month):
        raise InvalidInput(f"month must look like 2026-03, not {month!r}.", field="month")
    year, number = int(month[:4]), int(month[5:])
    local = zone(tz)
    start = datetime(year, number, 1, tzinfo=local)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=local)
    return Period(start.astimezone(UTC), end.astimezone(UTC))


def month_of(moment: datetime, tz: str = REPORT_TZ) -> str:
    """The local calendar month ``YYYY-MM`` a moment falls in."""
    return moment.astimezone(zone(tz)).strftime("%Y-%m")


def as_utc(moment: datetime, tz: str = REPORT_TZ) -> datetime:
    """A moment in UTC; a naive one is read as local time in ``tz``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(tz))
    return moment.astimezone(UTC)

"""When a closed provider opens next: what an emergency's reason says of a closed service."""

from __future__ import annotations

from datetime import datetime, timedelta

from referral_graph.domain.hours import Hours

#: How far ahead to look for an opening (a week covers every weekly timetable).
_DAYS_AHEAD = 8


def next_opening(hours: Hours, local_now: datetime) -> datetime | None:
    """The first moment after ``local_now`` (a local, timezone-aware time) at which a
    provider with these ``hours`` is open; ``local_now`` itself when it is open now, and
    None when it lists no opening hours at all.

    >>> from referral_graph.domain.hours import OFFICE_HOURS
    >>> from zoneinfo import ZoneInfo
    >>> sunday_night = datetime(2026, 3, 8, 23, 0, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
    >>> next_opening(OFFICE_HOURS, sunday_night).strftime("%a %H:%M")
    'Mon 07:30'
    """
    if hours.is_open(local_now):
        return local_now
    found: datetime | None = None
    for ahead in range(_DAYS_AHEAD):
        day = (local_now + timedelta(days=ahead)).date()
        for period in hours.periods:
            if day.weekday() not in period.days:
                continue
            opens = datetime.combine(day, period.opens, tzinfo=local_now.tzinfo)
            if opens > local_now and (found is None or opens < found):
                found = opens
        if found is not None:
            return found
    return None

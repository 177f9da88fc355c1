"""When a step really happened: a step put on record later carries ``occurred_at``.

Links in Ratanakiri fail for days, so a health centre often confirms a referral by
phone and the step is typed hours or days later — by the receiver once the link is back,
or relayed by the sender, an overseer or a coordinator. The record keeps both times
(``ReferralEvent.at`` when it was typed, ``occurred_at`` when it happened); deadlines,
step times and the audit use the time it happened.

An ``occurred_at`` is refused (422 naming ``occurred_at``) when it lies in the future,
before the referral's previous step, or more than :data:`MAX_BACKDATE` back: a week
covers the longest outages seen, and anything older belongs in a note, not a step time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from referral_graph.domain.errors import InvalidInput

#: How far back a step's time may be put on record.
MAX_BACKDATE = timedelta(days=7)
#: A phone's clock may run a little ahead of the server's: a time at most this far in
#: the future is taken as "now" rather than refused.
CLOCK_SKEW = timedelta(minutes=2)
#: Forms take times to the minute: a time typed in the very minute of the previous step
#: (before it by less than this) is taken as that step's time rather than refused.
TYPED_PRECISION = timedelta(minutes=1)


def step_time(
    occurred_at: datetime | None,
    now: datetime,
    previous: datetime | None,
    *,
    field: str = "occurred_at",
) -> datetime:
    """When the step happened: ``occurred_at`` checked against ``now`` and the
    ``previous`` step's time, or ``now`` when none is given.

    >>> now = datetime(2026, 3, 2, 8, tzinfo=UTC)
    >>> step_time(None, now, None) == now
    True
    >>> step_time(now - timedelta(hours=3), now, now - timedelta(hours=5)).hour
    5
    >>> step_time(now + timedelta(hours=1), now, None)
    Traceback (most recent call last):
    ...
    referral_graph.domain.errors.InvalidInput: occurred_at is in the future ...
    """
    if occurred_at is None:
        return now
    if occurred_at.tzinfo is None:
        raise InvalidInput(f"{field} needs a UTC offset (e.g. +07:00).", field=field)
    if occurred_at > now + CLOCK_SKEW:
        raise InvalidInput(
            f"{field} is in the future ({occurred_at.isoformat()}; it is now {now.isoformat()}).",
            field=field,
        )
    if occurred_at < now - MAX_BACKDATE:
        raise InvalidInput(
            f"{field} is more than {MAX_BACKDATE.days} days ago; a step can be put on "
            "record at most a week after it happened (add a note instead).",
            field=field,
        )
    if previous is not None and previous - TYPED_PRECISION < occurred_at < previous:
        return previous.astimezone(UTC)
    if previous is not None and occurred_at < previous:
        raise InvalidInput(
            f"{field} ({occurred_at.isoformat()}) is before the referral's previous step "
            f"({previous.isoformat()}).",
            field=field,
        )
    return min(occurred_at, now).astimezone(UTC)

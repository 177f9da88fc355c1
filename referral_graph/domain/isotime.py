"""Times as text: UTC ISO-8601 with microseconds, which sorts as text in time order.

The one codec the stores, the archive and the outbox write times with::

    >>> from datetime import UTC, datetime
    >>> iso(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    '2026-03-02T08:00:00.000000+00:00'
    >>> parse_iso('2026-03-02T08:00:00.000000+00:00') == datetime(2026, 3, 2, 8, tzinfo=UTC)
    True
"""

from __future__ import annotations

from datetime import datetime


def iso(value: datetime) -> str:
    """The time as sortable ISO-8601 text with microseconds."""
    return value.isoformat(timespec="microseconds")


def opt_iso(value: datetime | None) -> str | None:
    return None if value is None else iso(value)


def parse_iso(value: object) -> datetime:
    """A time written by :func:`iso` (any ISO-8601 text Python reads)."""
    return datetime.fromisoformat(str(value))


def opt_parse_iso(value: object) -> datetime | None:
    return None if value is None else parse_iso(value)

"""How values are written to SQLite: times as sortable UTC ISO-8601 text."""

from __future__ import annotations

from datetime import datetime


def ts(value: datetime) -> str:
    """UTC ISO-8601 with microseconds: sorts as text in time order."""
    return value.isoformat(timespec="microseconds")


def opt_ts(value: datetime | None) -> str | None:
    return None if value is None else ts(value)


def when(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))

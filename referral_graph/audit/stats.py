"""Small statistics over durations: median, percentiles, shares (standard library only).

Percentiles interpolate linearly between the two nearest ranks — the method numpy
calls ``linear`` and :func:`statistics.quantiles` calls ``inclusive``:

>>> median([1.0, 2.0, 3.0, 10.0])
2.5
>>> percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90)
9.1
>>> share(3, 4)
0.75
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.cells import Count, enough, small


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) of ``values``, or None when there are none."""
    if not 0 <= q <= 100:
        raise ValueError("q must lie between 0 and 100")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    return percentile(values, 50)


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when ``whole`` is zero (nothing to divide)."""
    return None if whole == 0 else part / whole


def hours(seconds: float) -> float:
    return seconds / 3600


class Durations(BaseModel):
    """How long something took, in hours, over ``n`` observations (no median or
    percentile over a small cell, see :mod:`referral_graph.audit.cells`)."""

    model_config = ConfigDict(frozen=True)

    n: Count
    median_hours: float | None
    p90_hours: float | None

    @classmethod
    def of(cls, values_hours: Sequence[float], min_cell: int = 0) -> Durations:
        ordered = sorted(values_hours)
        shown = enough(len(ordered), min_cell)
        return cls(
            n=small(len(ordered), min_cell),
            median_hours=_round(percentile(ordered, 50)) if shown else None,
            p90_hours=_round(percentile(ordered, 90)) if shown else None,
        )


def _round(value: float | None) -> float | None:
    """Hours to the second (4 decimals), so JSON stays short and comparisons stable."""
    return None if value is None else round(value, 4)

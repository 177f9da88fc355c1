"""A bar chart of median hours per step, laid out on the server as HTML.

Each row is an area (or the total) with one bar per step; bars share one scale and are
sized in percent of the row's width, so the chart fits a 360 px phone with its words at
the size of the page's text (an SVG scaled down to a phone shrank them to 4 px), prints
as it shows, and needs no JavaScript or library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from referral_graph.audit.delays import STEPS, StepStats
from referral_graph.domain.sla import Window


@dataclass(frozen=True, slots=True)
class Bar:
    step: Window
    value: float  # hours
    percent: float  # of the longest bar


@dataclass(frozen=True, slots=True)
class ChartRow:
    text: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    rows: tuple[ChartRow, ...]
    scale_hours: float


def bar_chart(rows: Sequence[tuple[str, dict[Window, StepStats]]]) -> Chart | None:
    """Bars of each row's median hours per step, or None when nothing was measured (or
    every median is withheld, see ``audit.cells``)."""
    medians = [
        s.median_hours for _, steps in rows for s in steps.values() if s.median_hours is not None
    ]
    if not medians:
        return None
    scale = max(max(medians), 1e-9)
    out = []
    for text, steps in rows:
        bars = tuple(
            Bar(step, value, round(max(100 * value / scale, 0.5), 1))
            for step in STEPS
            if (value := steps[step].median_hours) is not None
        )
        if bars:
            out.append(ChartRow(text, bars))
    return Chart(rows=tuple(out), scale_hours=scale)

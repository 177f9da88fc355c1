"""A small horizontal bar chart of median hours per step, laid out on the server.

The template draws the rectangles and texts this module places: no JavaScript, no
library, and it prints as it shows. Each row is an area (or the total) with one bar per
step; bars share one scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from referral_graph.audit.delays import STEPS, StepStats
from referral_graph.domain.sla import Window

WIDTH = 640
LABEL_WIDTH = 170
VALUE_ROOM = 60
BAR_HEIGHT = 11
BAR_GAP = 2
ROW_GAP = 12
TOP = 8
LEGEND_HEIGHT = 26


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    step: Window
    value: float


@dataclass(frozen=True, slots=True)
class RowLabel:
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    rows: tuple[RowLabel, ...]
    legend_y: float
    scale_hours: float


def bar_chart(rows: Sequence[tuple[str, dict[Window, StepStats]]]) -> Chart | None:
    """Bars of each row's median hours per step, or None when nothing was measured."""
    medians = [
        s.median_hours for _, steps in rows for s in steps.values() if s.median_hours is not None
    ]
    if not medians:
        return None
    scale = max(max(medians), 1e-9)
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    row_height = len(STEPS) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP
    bars: list[Bar] = []
    labels: list[RowLabel] = []
    for r, (text, steps) in enumerate(rows):
        top = TOP + r * row_height
        labels.append(RowLabel(y=top + (row_height - ROW_GAP) / 2, text=text))
        for i, step in enumerate(STEPS):
            value = steps[step].median_hours
            if value is None:
                continue
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=top + i * (BAR_HEIGHT + BAR_GAP),
                    width=max(room * value / scale, 1.0),
                    height=BAR_HEIGHT,
                    step=step,
                    value=value,
                )
            )
    legend_y = TOP + len(rows) * row_height + 4
    return Chart(
        width=WIDTH,
        height=int(legend_y + LEGEND_HEIGHT),
        bars=tuple(bars),
        rows=tuple(labels),
        legend_y=legend_y,
        scale_hours=scale,
    )

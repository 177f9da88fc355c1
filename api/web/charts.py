"""The coordinator's two small pictures, laid out on the server: the time each step takes
(bars in HTML, so their words wrap and keep the body text size on a phone) and the flow
of a month's referrals between kinds of provider (an SVG drawn here, sized in CSS
pixels so that its text is never shrunk below the body size).

Both sit beside a table saying the same thing, which is what a screen reader reads: the
pictures are hidden from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from api.web import i18n
from api.web.i18n import Lang
from referral_graph.audit.delays import STEPS
from referral_graph.audit.flows import Flow
from referral_graph.audit.journey import Journey


# --- time per step ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StepBar:
    step: str
    percent: float  # of the longest median drawn
    text: str


@dataclass(frozen=True, slots=True)
class StepRow:
    name: str
    referrals: int
    reached: int
    bars: list[StepBar]


def journey_chart(rows: list[tuple[str, Journey]], lang: Lang) -> list[StepRow]:
    """One row per group with a measured median, one bar per step (its width a share
    of the longest median of the chart); empty when nothing reached first contact."""
    medians = [h for _, j in rows for h in j.median_hours.values() if h is not None]
    if not medians:
        return []
    longest = max(max(medians), 1e-9)
    drawn = []
    for name, j in rows:
        if j.reached == 0:
            continue
        bars = []
        for step in STEPS:
            hours = j.median_hours.get(step)
            if hours is None:
                continue
            percent = max(round(100 * hours / longest, 1), 1.0)
            bars.append(StepBar(step.value, percent, i18n.duration(hours * 3600, lang)))
        drawn.append(StepRow(name, j.referrals, j.reached, bars))
    return drawn


# --- flows between kinds of provider --------------------------------------------------------
FLOW_WIDTH = 300
FLOW_LABEL = 20  # a kind's name above its block, in px (16 px text)
FLOW_GAP = 10
FLOW_MIN = 8  # the thinnest block, so that a single referral still shows
FLOW_UNIT_ROOM = 240  # px shared by the blocks of one side, in proportion to referrals
FLOW_BLOCK = 14  # a block's width


@dataclass(frozen=True, slots=True)
class FlowBlock:
    kind: str
    name: str
    x: float
    y: float
    height: float
    referrals: int


@dataclass(frozen=True, slots=True)
class FlowBand:
    path: str
    width: float
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class FlowPicture:
    width: int
    height: int
    blocks: list[FlowBlock] = field(default_factory=list)
    bands: list[FlowBand] = field(default_factory=list)


def _side(
    totals: dict[str, int], x: float, lang: Lang, others: list[float]
) -> tuple[dict[str, FlowBlock], float]:
    """One column of blocks, each under its name; a name never shares a line with a
    name of the other column (``others``: where those lines start), so that two long
    names, in Khmer above all, cannot run into each other."""
    everything = sum(totals.values()) or 1
    blocks: dict[str, FlowBlock] = {}
    y = 0.0
    for kind in sorted(totals, key=lambda k: (-totals[k], k)):
        height = max(FLOW_UNIT_ROOM * totals[kind] / everything, FLOW_MIN)
        while any(t - FLOW_LABEL < y < t + FLOW_LABEL for t in others):
            y += 2
        name = i18n.label("kind", kind, lang)
        blocks[kind] = FlowBlock(kind, name, x, y + FLOW_LABEL, height, totals[kind])
        y += FLOW_LABEL + height + FLOW_GAP
    return blocks, y


def flow_picture(found: list[Flow], lang: Lang) -> FlowPicture | None:
    """Senders' kinds on the left, receivers' on the right, one band per flow as thick
    as its share of the referrals (a Sankey diagram in two columns); None when no
    referral was made."""
    if not found:
        return None
    senders: dict[str, int] = {}
    receivers: dict[str, int] = {}
    for f in found:
        senders[f.from_kind] = senders.get(f.from_kind, 0) + f.referrals
        receivers[f.to_kind] = receivers.get(f.to_kind, 0) + f.referrals
    left, left_end = _side(senders, 0, lang, [])
    lines = [b.y - FLOW_LABEL for b in left.values()]
    right, right_end = _side(receivers, FLOW_WIDTH - FLOW_BLOCK, lang, lines)
    used_left = dict.fromkeys(left, 0.0)
    used_right = dict.fromkeys(right, 0.0)
    bands = []
    for f in sorted(found, key=lambda w: (w.from_kind, w.to_kind)):
        a, b = left[f.from_kind], right[f.to_kind]
        ha = a.height * f.referrals / a.referrals
        hb = b.height * f.referrals / b.referrals
        y0 = a.y + used_left[f.from_kind] + ha / 2
        y1 = b.y + used_right[f.to_kind] + hb / 2
        used_left[f.from_kind] += ha
        used_right[f.to_kind] += hb
        x0, x1 = FLOW_BLOCK, FLOW_WIDTH - FLOW_BLOCK
        mid = (x0 + x1) / 2
        path = f"M{x0},{y0:.1f} C{mid},{y0:.1f} {mid},{y1:.1f} {x1},{y1:.1f}"
        bands.append(FlowBand(path, max(min(ha, hb), 1.5), f.from_kind, f.to_kind))
    return FlowPicture(
        width=FLOW_WIDTH,
        height=int(max(left_end, right_end)),
        blocks=[*left.values(), *right.values()],
        bands=bands,
    )

"""The parts of the monthly report a network meeting asks for beyond the delays: step times
by risk level, who the children are (disaggregations), the month against the one before,
where the network does not reach, whose training needs a refresher or coaching, and what
the last meeting agreed.

Pure, like the rest of the audit: the services read coverage, capacity and meetings and
hand them in as :class:`Coverage`, :class:`Capacity` and :class:`LastMeeting`.

Disaggregations count the **children** (distinct cases) with a referral made in the
month and those referrals, in the groups the programme's outcome names: sex, age band
(under 18 / 18–24), whether an LGBTIQ-affirming provider was asked for, risk, service
(a child referred for two services counts under each) and source of identification.
Every count follows the small-cell rule (:mod:`referral_graph.audit.cells`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.cells import Count, is_small, small
from referral_graph.audit.delays import Measured, StepStats, steps_of
from referral_graph.audit.groups import Label
from referral_graph.audit.labels import CATALOGUE
from referral_graph.audit.measures import closed_cases
from referral_graph.audit.period import Period
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import Window
from referral_graph.domain.vocabulary import Gender, IdentificationSource, RiskLevel
from referral_graph.routing.reasons import RISK_NAMES, SERVICE_NAMES

_FROZEN = ConfigDict(frozen=True)
UNKNOWN = "unknown"
ADULT_FROM = 18


def _catalogue(key: str) -> Label:
    entry = CATALOGUE[key]
    return Label(en=entry["en"], km=entry["km"])


def _named(table: dict[str, tuple[str, str]], key: str) -> Label:
    en, km = table.get(key, (key, key))
    return Label(en=en[:1].upper() + en[1:], km=km)


# --- step times by risk ---------------------------------------------------------------
class RiskSteps(BaseModel):
    """Per-step delays of the referrals of one risk level (deadlines differ by risk, so
    pooled medians hide an emergency waiting as long as a low-risk referral)."""

    model_config = _FROZEN

    risk: RiskLevel
    label: Label
    referrals: Count
    steps: dict[Window, StepStats]


def steps_by_risk(
    made: Sequence[HopFact], measured: Sequence[Measured], min_cell: int = 0
) -> list[RiskSteps]:
    """Every risk level, most urgent first (levels without referrals included)."""
    per_risk: dict[str, list[Measured]] = defaultdict(list)
    for f, m in zip(made, measured, strict=True):
        per_risk[f.risk].append(m)
    return [
        RiskSteps(
            risk=risk,
            label=_named(RISK_NAMES, risk.value),
            referrals=small(len(per_risk[risk.value]), min_cell),
            steps=steps_of(per_risk[risk.value], min_cell),
        )
        for risk in RiskLevel
    ]


# --- who the children are ---------------------------------------------------------------
Dimension = Literal["sex", "age_band", "lgbtiq", "risk", "service", "identification_source"]
DIMENSIONS: tuple[Dimension, ...] = (
    "sex",
    "age_band",
    "lgbtiq",
    "risk",
    "service",
    "identification_source",
)


class GroupRow(BaseModel):
    """One group: children (distinct cases) referred in the month, their referrals, and
    how many of those were completed or declined."""

    model_config = _FROZEN

    key: str
    label: Label
    children: Count
    referrals: Count
    completed: Count
    declined: Count


class Disaggregation(BaseModel):
    model_config = _FROZEN

    dimension: Dimension
    label: Label
    rows: list[GroupRow]


def _age_band(f: HopFact) -> str:
    if f.case_age is None:
        return UNKNOWN
    return "under_18" if f.case_age < ADULT_FROM else "18_24"


_KEYS: dict[Dimension, Callable[[HopFact], str]] = {
    "sex": lambda f: f.case_gender or UNKNOWN,
    "age_band": _age_band,
    "lgbtiq": lambda f: "asked" if f.case_lgbtiq else "not_asked",
    "risk": lambda f: f.risk,
    "service": lambda f: f.service,
    "identification_source": lambda f: f.identification_source or "not_recorded",
}

#: Groups always listed (zeros too), in this order; others as they occur.
_FIXED: dict[Dimension, tuple[str, ...]] = {
    "sex": tuple(g.value for g in Gender),
    "age_band": ("under_18", "18_24"),
    "lgbtiq": ("asked", "not_asked"),
    "risk": tuple(r.value for r in RiskLevel),
    "service": (),
    "identification_source": (),
}


def _group_label(dimension: Dimension, key: str) -> Label:
    if dimension == "risk":
        return _named(RISK_NAMES, key)
    if dimension == "service":
        return _named(SERVICE_NAMES, key)
    prefix = {
        "sex": "gender_",
        "age_band": "age_",
        "lgbtiq": "lgbtiq_",
        "identification_source": "source_",
    }[dimension]
    name = f"{prefix}{key}"
    return _catalogue(name if name in CATALOGUE else "unknown")


def _row(dimension: Dimension, key: str, facts: Sequence[HopFact], min_cell: int) -> GroupRow:
    return GroupRow(
        key=key,
        label=_group_label(dimension, key),
        children=small(len({f.case_id for f in facts}), min_cell),
        referrals=small(len(facts), min_cell),
        completed=small(sum(f.status == ReferralStatus.COMPLETED for f in facts), min_cell),
        declined=small(sum(f.status == ReferralStatus.REJECTED for f in facts), min_cell),
    )


def disaggregations(made: Sequence[HopFact], min_cell: int = 0) -> list[Disaggregation]:
    """The referrals made in the month and their children, in each dimension."""
    found = []
    for dimension in DIMENSIONS:
        groups: dict[str, list[HopFact]] = defaultdict(list)
        for f in made:
            groups[_KEYS[dimension](f)].append(f)
        fixed = _FIXED[dimension]
        others = sorted(k for k in groups if k not in fixed and k != UNKNOWN)
        keys = [*fixed, *others] + ([UNKNOWN] if UNKNOWN in groups else [])
        if dimension == "identification_source":
            order = [s.value for s in IdentificationSource]
            keys = sorted(keys, key=lambda k: order.index(k) if k in order else len(order))
        found.append(
            Disaggregation(
                dimension=dimension,
                label=_catalogue(f"dim_{dimension}"),
                rows=[_row(dimension, k, groups.get(k, []), min_cell) for k in keys],
            )
        )
    return found


# --- the month against the one before ------------------------------------------------------
Unit = Literal["count", "hours", "share"]


class TrendRow(BaseModel):
    """One figure this month and the month before (``change``: this minus before, when
    both are shown counts)."""

    model_config = _FROZEN

    metric: str
    label: Label
    unit: Unit
    this_month: Count | float | None
    previous_month: Count | float | None
    change: int | None


class Trend(BaseModel):
    model_config = _FROZEN

    previous: str  # the month before, YYYY-MM
    rows: list[TrendRow]


_TREND: tuple[tuple[str, Unit], ...] = (
    ("referrals", "count"),
    ("children", "count"),
    ("completed", "count"),
    ("declined", "count"),
    ("closed_cases", "count"),
    ("acknowledge_median_hours", "hours"),
    ("acknowledge_share_within", "share"),
    ("first_contact_median_hours", "hours"),
)


def _month_figures(
    made: Sequence[HopFact], measured: Sequence[Measured], min_cell: int
) -> dict[str, int | float | None]:
    """A month's figures: exact counts (shown through :func:`small`) and the medians and
    shares its steps show (already withheld over small cells)."""
    steps = steps_of(measured, min_cell)
    ack, contact = steps[Window.ACKNOWLEDGE], steps[Window.FIRST_CONTACT]
    return {
        "referrals": len(made),
        "children": len({f.case_id for f in made}),
        "completed": sum(f.status == ReferralStatus.COMPLETED for f in made),
        "declined": sum(f.status == ReferralStatus.REJECTED for f in made),
        "closed_cases": len(closed_cases(made)),
        "acknowledge_median_hours": ack.median_hours,
        "acknowledge_share_within": ack.share_within,
        "first_contact_median_hours": contact.median_hours,
    }


def trend(
    facts: Sequence[HopFact],
    this: Period,
    before: Period,
    previous_month: str,
    measure: Callable[[HopFact], Measured],
    min_cell: int = 0,
) -> Trend:
    """Key figures of the month against the month before (``facts`` must reach back to
    its start; ``measure`` gives each fact's step outcomes)."""
    months = []
    for period in (this, before):
        made = [f for f in facts if f.created_at in period]
        months.append(_month_figures(made, [measure(f) for f in made], min_cell))
    rows = []
    for metric, unit in _TREND:
        now, then = months[0][metric], months[1][metric]
        change = None
        if unit == "count":
            assert isinstance(now, int)
            assert isinstance(then, int)
            if not is_small(now, min_cell) and not is_small(then, min_cell):
                change = now - then
            shown: tuple[Count | float | None, ...] = (small(now, min_cell), small(then, min_cell))
        else:
            shown = (now, then)
        rows.append(
            TrendRow(
                metric=metric,
                label=_catalogue(f"trend_{metric}"),
                unit=unit,
                this_month=shown[0],
                previous_month=shown[1],
                change=change,
            )
        )
    return Trend(previous=previous_month, rows=rows)


# --- where the network does not reach --------------------------------------------------
class AreaName(BaseModel):
    model_config = _FROZEN

    code: str
    label: Label


class CoverageGap(BaseModel):
    """A service: the communes of the area nothing reaches (not even by phone), and how
    many times this month a case needed it where nothing reached in person."""

    model_config = _FROZEN

    service: str
    label: Label
    unreached: list[AreaName]
    recorded: Count


class Coverage(BaseModel):
    model_config = _FROZEN

    services: list[str]  # the services looked at
    service_labels: list[Label]
    communes: int  # communes of the area
    gaps: list[CoverageGap]


def coverage_section(
    unreached: dict[str, list[AreaName]],
    recorded: dict[str, int],
    services: Sequence[str],
    communes: int,
    min_cell: int = 0,
) -> Coverage:
    """Services with a gap, most communes unreached first."""
    gaps = [
        CoverageGap(
            service=s,
            label=_named(SERVICE_NAMES, s),
            unreached=unreached.get(s, []),
            recorded=small(recorded.get(s, 0), min_cell),
        )
        for s in sorted(set(unreached) | set(recorded))
        if unreached.get(s) or recorded.get(s)
    ]
    gaps.sort(key=lambda g: (-len(g.unreached), g.service))
    return Coverage(
        services=list(services),
        service_labels=[_named(SERVICE_NAMES, s) for s in services],
        communes=communes,
        gaps=gaps,
    )


# --- whose training needs attention ------------------------------------------------------
class CapacityRow(BaseModel):
    """Active people of the providers of one area (staff and volunteers: counted as
    they are), how many hold a valid competency, refreshers due, coaching overdue."""

    model_config = _FROZEN

    key: str
    label: Label
    people: int
    trained: int
    refreshers_due: int
    coaching_overdue: int


class Capacity(BaseModel):
    model_config = _FROZEN

    as_of: date
    rows: list[CapacityRow]
    total: CapacityRow


# --- what the last meeting agreed ---------------------------------------------------------
class ActionLine(BaseModel):
    """An action of the last meeting, as it stands now."""

    model_config = _FROZEN

    action_id: str
    text: str
    owner: Label
    due_on: date
    status: str
    status_label: Label
    overdue: bool


class LastMeeting(BaseModel):
    model_config = _FROZEN

    meeting_id: str
    level: str
    level_label: Label
    held_on: date
    actions: list[ActionLine]


def action_status_label(status: str, overdue: bool) -> Label:
    return _catalogue("action_overdue" if overdue else f"action_{status}")

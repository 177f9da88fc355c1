"""How options are ordered, and how the answer says why one is above the next.

The order is, in turn: for an emergency, every provider open now before any closed one;
while the 72-hour PEP window of a sexual-violence case is open, post-rape care first;
then the score (the sum of the reasons' points); at the same score, the lighter caseload
against weekly capacity, the shorter observed acknowledgement time, the closer pathway.
Never the provider's id: when all of these are equal, the options are said to be
equivalent (and listed by name, which the answer says decides nothing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from referral_graph.domain.models import Provider
from referral_graph.domain.training import TrainedStaff
from referral_graph.domain.vocabulary import DeliveryMode, Service

#: Closer pathways first when everything else is equal.
PATHWAY_ORDER = {"direct": 0, "other_service": 1, "via": 2, "none": 3}
#: The reasons a tie is broken by, in the order they are tried.
TIE_BREAKS = ("load", "speed", "pathway")


@dataclass
class Option:
    """One provider for one service, as routing scores and orders it."""

    provider: Provider
    service: Service
    mode: DeliveryMode
    place: str
    score: float = 0.0
    reasons: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)
    pathway: str = "none"
    via: str | None = None
    open_now: bool = False
    staff: TrainedStaff | None = None
    open_referrals: int = 0
    #: Open referrals against weekly capacity (None: no capacity listed).
    load: float | None = None
    #: The observed median acknowledgement time in hours (None: no history yet).
    ack_hours: float | None = None
    #: 1 for a provider closed now in an emergency (it goes below every open one).
    closed_tier: int = 0
    #: 0 for post-rape care while the PEP window is open (it goes first).
    pep_tier: int = 1
    opens_at: datetime | None = None
    tie_break: str | None = None
    tie: tuple[str, dict[str, Any]] | None = None
    equivalent_to: list[int] = field(default_factory=list)

    def add(self, points: float, key: str, **params: Any) -> None:
        """Score points, with the reason for them (made readable only for the providers
        that end up recommended: most options are scored and dropped). Points are kept
        to hundredths, so that the score shown is exactly the sum of those shown."""
        points = round(points, 2)
        self.score += points
        self.reasons.append((key, params, points))

    def note(self, key: str, **params: Any) -> None:
        self.reasons.append((key, params, 0.0))

    _rounded: tuple[float, float] = (0.0, 0.0)  # (score, its rounding): sorts ask often

    @property
    def shown_score(self) -> float:
        score, shown = self._rounded
        if score != self.score:
            shown = round(self.score, 2)
            self._rounded = (self.score, shown)
        return shown

    def tie_values(self) -> tuple[float, float, int]:
        """What breaks a tie, smaller first (unknown load or speed last)."""
        return (
            math.inf if self.load is None else self.load,
            math.inf if self.ack_hours is None else self.ack_hours,
            PATHWAY_ORDER[self.pathway],
        )


def order_key(o: Option) -> tuple[Any, ...]:
    """The sort key of an option (see the module's docstring)."""
    return (o.closed_tier, o.pep_tier, -o.shown_score, *o.tie_values(), o.provider.name)


def _level(o: Option) -> tuple[int, int, float]:
    return (o.closed_tier, o.pep_tier, o.shown_score)


def _tie(above: Option, below: Option, below_rank: int) -> tuple[str, str, dict[str, Any]] | None:
    """What ranked ``above`` over ``below`` at the same score: (criterion, reason key,
    params), or None when nothing did."""
    mine, theirs = above.tie_values(), below.tie_values()
    params: dict[str, Any]
    if mine[0] != theirs[0]:
        capacity = above.provider.weekly_capacity
        if below.load is None:
            params = {"other": below_rank, "open": above.open_referrals, "capacity": capacity}
            return "load", "tie.load_known", params
        params = {
            "other": below_rank,
            "open": above.open_referrals,
            "capacity": capacity,
            "other_open": below.open_referrals,
            "other_capacity": below.provider.weekly_capacity,
        }
        return "load", "tie.load", params
    if mine[1] != theirs[1]:
        if below.ack_hours is None:
            return "speed", "tie.speed_known", {"other": below_rank, "hours": above.ack_hours}
        params = {"other": below_rank, "hours": above.ack_hours, "other_hours": below.ack_hours}
        return "speed", "tie.speed", params
    if mine[2] != theirs[2]:
        params = {"other": below_rank, "pathway": above.pathway, "other_pathway": below.pathway}
        return "pathway", "tie.pathway", params
    return None


def explain_ties(ordered: list[Option]) -> list[list[int]]:
    """Mark each option that shares its level (tiers and score) with the next one: the
    criterion that put it above (a reason), or that the two are equivalent. Returns the
    groups of equivalent ranks (ranks count from 1 in ``ordered``)."""
    groups: list[list[int]] = []
    for i in range(len(ordered) - 1):
        above, below = ordered[i], ordered[i + 1]
        if _level(above) != _level(below):
            continue
        found = _tie(above, below, i + 2)
        if found is not None:
            above.tie_break, key, params = found
            above.tie = (key, params)
            continue
        if groups and groups[-1][-1] == i + 1:
            groups[-1].append(i + 2)
        else:
            groups.append([i + 1, i + 2])
    for group in groups:
        for rank in group:
            option = ordered[rank - 1]
            option.tie_break = "equivalent"
            option.equivalent_to = [r for r in group if r != rank]
            other = rank + 1 if rank + 1 in group else rank - 1
            option.tie = ("tie.equivalent", {"other": other})
    return groups

"""Who refers to whom, by kind of provider: the flow picture of a month's referrals
(CCWC → health centre, school → CCWC, …), with how many were made along each flow and
how long they took to reach first contact.

Kinds, not providers: a month's referrals in a district are a few dozen spread over a
hundred providers, too thin to read one by one; by kind they show the shape of the
network (who finds children, who helps them) that a network meeting discusses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.stats import Durations
from referral_graph.domain.records import HopFact

#: The kind of a provider no longer in the directory.
UNKNOWN_KIND = "unknown"


class Flow(BaseModel):
    """Referrals made from one kind of provider to another."""

    model_config = ConfigDict(frozen=True)

    from_kind: str
    to_kind: str
    referrals: int
    #: How many of them reached first contact: the median is over those.
    reached: int
    median_hours_to_first_contact: float | None


def flows(facts: Sequence[HopFact], kinds: Mapping[str, str]) -> list[Flow]:
    """One flow per (sender kind, receiver kind), most referrals first."""
    grouped: dict[tuple[str, str], list[HopFact]] = defaultdict(list)
    for f in facts:
        key = (
            kinds.get(f.from_provider_id, UNKNOWN_KIND),
            kinds.get(f.to_provider_id, UNKNOWN_KIND),
        )
        grouped[key].append(f)
    found = []
    for (source, target), group in grouped.items():
        taken = [
            (f.in_progress_at - f.created_at).total_seconds() / 3600
            for f in group
            if f.in_progress_at is not None
        ]
        found.append(
            Flow(
                from_kind=source,
                to_kind=target,
                referrals=len(group),
                reached=len(taken),
                median_hours_to_first_contact=Durations.of(taken).median_hours,
            )
        )
    found.sort(key=lambda w: (-w.referrals, w.from_kind, w.to_kind))
    return found

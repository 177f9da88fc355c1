"""What a recommendation answers: ranked options, providers left out and why, gaps,
interpreters, and notes on the whole answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from referral_graph.domain.vocabulary import DeliveryMode, Service
from referral_graph.routing.reasons import Reason


class Recommendation(BaseModel):
    rank: int
    provider_id: str
    provider_name: str
    service: Service
    mode: DeliveryMode
    place: str
    pathway: str
    via: str | None
    open_referrals: int
    weekly_capacity: int | None
    acknowledge_median_hours: float | None
    open_now: bool
    opens_at: datetime | None = Field(
        None, description="When a provider closed now opens next (local time)."
    )
    score: float = Field(description="The sum of the reasons' points.")
    reasons: list[Reason]
    tie_break: str | None = Field(
        None,
        description="At the same score as the next option: what ranked this one above it "
        "(load, speed, pathway), or 'equivalent' when nothing did.",
    )
    equivalent_to: list[int] = Field(
        default_factory=list, description="Ranks of the options this one is equivalent to."
    )


class Gap(BaseModel):
    """A service the child needs that no suitable mode reaches: nothing in person in
    the child's province, or — for a service given by phone — nothing at all."""

    service: Service
    village_code: str
    reachable_by: list[DeliveryMode]


class Exclusion(BaseModel):
    """A provider that serves the child's area, or sits in the child's district, and
    offers the service, but is not recommended: the first hard rule it breaks (``rule``,
    with its reason in both languages) and every rule it breaks (``rules``); or
    ``ranked_below`` when it breaks none and ranked below the options shown."""

    provider_id: str
    provider_name: str
    service: Service
    rule: str
    rules: list[str]
    reason: Reason


class InterpreterOffer(BaseModel):
    """Who can interpret the child's language when no recommended provider speaks it:
    people of a provider listed as interpreting it (in person when near, else by
    phone), or a service that arranges interpreters."""

    provider_id: str
    provider_name: str
    mode: DeliveryMode
    people: int = Field(description="Its active people listed as interpreting it (0: a service).")
    reason: Reason


class Recommendations(BaseModel):
    case_id: str
    holder_id: str
    directory_version: int
    items: list[Recommendation]
    alternatives: list[Recommendation] = Field(
        default_factory=list,
        description="When the child asked for LGBTIQ-affirming providers and none is "
        "reachable: the nearest others, flagged as not affirming.",
    )
    gaps: list[Gap]
    notes: list[Reason]
    equivalent: list[list[int]] = Field(
        default_factory=list, description="Groups of ranks that are equivalent choices."
    )
    interpreters: list[InterpreterOffer] = Field(
        default_factory=list,
        description="When nobody recommended speaks the child's language: who can interpret.",
    )
    excluded: list[Exclusion] | None = Field(
        None,
        description="With explain=all: every provider left out, and the rule that left it out.",
    )

"""A case's referral path and the time each hop took at each step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Referral

S = ReferralStatus

#: The steps of a hop whose waiting time a coordinator follows: (name, from, to).
MEASURED_STEPS: tuple[tuple[str, ReferralStatus, tuple[ReferralStatus, ...]], ...] = (
    ("to_acknowledge", S.REQUESTED, (S.RECEIVED,)),
    ("to_decide", S.RECEIVED, (S.ACCEPTED, S.REJECTED)),
    ("to_first_contact", S.ACCEPTED, (S.IN_PROGRESS,)),
    ("to_complete", S.IN_PROGRESS, (S.COMPLETED, S.FAILED)),
)


class Hop(BaseModel):
    """One referral along a path, with the seconds each measured step took."""

    model_config = ConfigDict(frozen=True)

    referral: Referral
    step_seconds: dict[str, float]
    total_seconds: float | None


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return (b - a).total_seconds()


def hop_of(referral: Referral) -> Hop:
    times = referral.step_times
    steps: dict[str, float] = {}
    for name, start, ends in MEASURED_STEPS:
        begin = times.get(start)
        end = next((times[e] for e in ends if e in times), None)
        took = _seconds(begin, end)
        if took is not None:
            steps[name] = took
    return Hop(
        referral=referral,
        step_seconds=steps,
        total_seconds=_seconds(referral.created_at, referral.closed_at),
    )


def holder(case: Case, referrals: Sequence[Referral]) -> str:
    """Who holds the case now: the receiver of its furthest held referral, else the
    provider that opened it."""
    held = [r for r in referrals if r.holds_case]
    if not held:
        return case.opened_by_provider_id
    return max(held, key=lambda r: (r.hop, r.created_at)).to_provider_id


def order_path(referrals: Sequence[Referral]) -> list[Referral]:
    """The referrals of one case in the order they were made (hop, then time)."""
    return sorted(referrals, key=lambda r: (r.hop, r.created_at, r.id))


def build_path(referrals: Sequence[Referral]) -> list[Hop]:
    return [hop_of(r) for r in order_path(referrals)]

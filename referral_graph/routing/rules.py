"""The hard rules of routing, each with a code, and what the case's own history says.

A recommended provider breaks none of them. They are filters, never traded against a
score: the directory's rules (active, trained staff for a service that follows
training, the child's age and gender, LGBTIQ-affirming when asked, the child's area),
the case's history (this provider declined or failed this case for this need, or
already has an open referral of it for this need) and the provider's caseload (at its
weekly capacity). :func:`eligible` is the fast check the ranking runs on every
candidate; :func:`broken_rules` names every rule a provider breaks, in the order a
coordinator reads them ("why not?"), and the property tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Provider, Referral
from referral_graph.domain.training import TrainedStaff, staffed
from referral_graph.domain.vocabulary import Service


class Rule(StrEnum):
    """Why a provider is not recommended for a case and need (first broken first)."""

    HOLDER = "holder"  # it holds the case: recommendations are made from it
    INACTIVE = "inactive"
    UNTRAINED = "untrained"  # nobody active holds the competency the service needs
    AGE = "age"
    GENDER = "gender"
    LGBTIQ = "lgbtiq"  # the child asked for LGBTIQ-affirming providers
    AREA = "area"  # its coverage does not contain the child's village
    DECLINED = "declined"  # it declined or failed this case for this need
    REFERRED = "referred"  # an open referral of this case for this need is with it
    AT_CAPACITY = "at_capacity"  # open referrals ≥ weekly capacity


@dataclass(frozen=True, slots=True)
class Activity:
    """What the referral history says of a provider: its caseload (referrals open now)
    and how fast it acknowledges."""

    open_referrals: int = 0
    acknowledge_median_seconds: float | None = None
    acknowledged: int = 0


#: Statuses of a referral that is still with its receiver (not ended).
OPEN = frozenset(
    {
        ReferralStatus.REQUESTED,
        ReferralStatus.RECEIVED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.ON_HOLD,
    }
)
#: Statuses of a referral that ended without the service, by the receiver's doing.
ENDED_BY_RECEIVER = frozenset({ReferralStatus.REJECTED, ReferralStatus.FAILED})
#: Statuses in which the receiver holds (or held to the end) the case.
HOLDING = frozenset(
    {
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.ON_HOLD,
        ReferralStatus.COMPLETED,
    }
)


@dataclass(frozen=True)
class CaseMemory:
    """What the case's referrals say of each provider, per need, from the latest
    referral of the case to that provider for that need: it declined or failed it
    (``ended``), or it is still open (``open``); and who holds the case (``holding``).
    A later referral that was completed or cancelled clears an earlier decline."""

    ended: Mapping[tuple[str, Service], Referral] = field(default_factory=dict)
    open: Mapping[tuple[str, Service], Referral] = field(default_factory=dict)
    holding: Mapping[str, Referral] = field(default_factory=dict)

    @classmethod
    def of(cls, referrals: Sequence[Referral]) -> CaseMemory:
        latest: dict[tuple[str, Service], Referral] = {}
        holding: dict[str, Referral] = {}
        for r in sorted(referrals, key=lambda r: (r.created_at, r.id)):
            latest[(r.to_provider_id, r.service)] = r
            if r.status in HOLDING:
                holding[r.to_provider_id] = r
        return cls(
            ended={k: r for k, r in latest.items() if r.status in ENDED_BY_RECEIVER},
            open={k: r for k, r in latest.items() if r.status in OPEN},
            holding=holding,
        )

    def blocks(self, provider_id: str, service: Service) -> Rule | None:
        """The rule of the case's history this provider breaks for ``service``."""
        key = (provider_id, service)
        if key in self.ended:
            return Rule.DECLINED
        if key in self.open:
            return Rule.REFERRED
        return None


EMPTY_MEMORY = CaseMemory()


def at_capacity(provider: Provider, activity: Activity | None) -> bool:
    """Whether the provider's open referrals reach its weekly capacity (an unstated or
    zero capacity is no limit: nothing is known against it)."""
    capacity = provider.weekly_capacity
    if not capacity or activity is None:
        return False
    return activity.open_referrals >= capacity


def eligible(provider: Provider, case: Case, service: Service, staff: TrainedStaff | None) -> bool:
    """The directory's hard rules, in one place (the property tests check them again).
    ``staff``: the provider's trained people for the service
    (``DirectoryGraph.trained_staff``)."""
    return (
        provider.active
        and case.age is not None
        and case.gender is not None
        and service in provider.services
        and staffed(staff)
        and provider.eligibility.admits(case.age, case.gender)
        and (provider.eligibility.lgbtiq_affirming or not case.wants_lgbtiq_affirming)
        and provider.serves_area(case.village_code)
    )


def broken_rules(
    provider: Provider,
    case: Case,
    service: Service,
    staff: TrainedStaff | None,
    *,
    holder_id: str,
    memory: CaseMemory = EMPTY_MEMORY,
    activity: Activity | None = None,
) -> list[Rule]:
    """Every hard rule the provider breaks for this case and need, in reading order
    (empty: it may be recommended). A purged case (no age or gender) breaks the age
    and gender rules of every provider."""
    broken = []
    if provider.id == holder_id:
        broken.append(Rule.HOLDER)
    if not provider.active:
        broken.append(Rule.INACTIVE)
    if not staffed(staff):
        broken.append(Rule.UNTRAINED)
    rules = provider.eligibility
    if case.age is None or not rules.min_age <= case.age <= rules.max_age:
        broken.append(Rule.AGE)
    if case.gender is None or (rules.genders and case.gender not in rules.genders):
        broken.append(Rule.GENDER)
    if case.wants_lgbtiq_affirming and not rules.lgbtiq_affirming:
        broken.append(Rule.LGBTIQ)
    if not provider.serves_area(case.village_code):
        broken.append(Rule.AREA)
    remembered = memory.blocks(provider.id, service)
    if remembered is not None:
        broken.append(remembered)
    if at_capacity(provider, activity):
        broken.append(Rule.AT_CAPACITY)
    return broken

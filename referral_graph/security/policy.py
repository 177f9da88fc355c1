"""Who may see and do what, decided per object from the graph.

Everything here is a pure function of the principal and objects already loaded. An
object a principal may not see is reported as not found by the caller, so ids cannot
be probed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from referral_graph.domain.areas import area_contains
from referral_graph.domain.errors import Forbidden
from referral_graph.domain.lifecycle import CLOSED_STATUSES, HOLDING_STATUSES, Party
from referral_graph.domain.models import Case, Provider, Referral, ReferralEvent
from referral_graph.security.model import Principal, Role

NATIONAL = "KH"


class Access(StrEnum):
    """How much of a case a principal sees."""

    FULL = "full"  # the case's own CCWC (and the system)
    HANDOFF = "handoff"  # the fields a handoff needs; only its own referrals
    PSEUDONYMOUS = "pseudonymous"  # coordinators: timing and paths, no free text


def in_area(principal: Principal, code: str) -> bool:
    area = principal.area_code
    return area is not None and (area == NATIONAL or area_contains(area, code))


def _supervises(principal: Principal, provider: Provider | None) -> bool:
    return provider is not None and principal.provider_id in provider.overseen_by


def touches(principal: Principal, referral: Referral, providers: Mapping[str, Provider]) -> bool:
    """Whether a referral is the principal's own handoff (or one they supervise)."""
    ends = (referral.from_provider_id, referral.to_provider_id)
    if principal.role in (Role.PROVIDER, Role.CCWC):
        return principal.provider_id in ends
    if principal.role is Role.SUPERVISOR:
        return principal.provider_id in ends or any(
            _supervises(principal, providers.get(e)) for e in ends
        )
    return False


def case_access(
    principal: Principal,
    case: Case,
    referrals: Iterable[Referral],
    providers: Mapping[str, Provider],
) -> Access | None:
    role = principal.role
    if role is Role.SYSTEM:
        return Access.FULL
    if role is Role.CCWC and case.opened_by_provider_id == principal.provider_id:
        return Access.FULL
    if role in (Role.CCWC, Role.PROVIDER, Role.SUPERVISOR) and any(
        touches(principal, r, providers) for r in referrals
    ):
        return Access.HANDOFF
    if role is Role.COORDINATOR and in_area(principal, case.village_code):
        return Access.PSEUDONYMOUS
    return None


#: The statuses in which a referral's receiver holds the case and so may reach the
#: child: accepted, in progress, on hold (not before accepting, not once declined,
#: failed, cancelled or completed).
CONTACT_STATUSES = frozenset(HOLDING_STATUSES - CLOSED_STATUSES)


def sees_contact(principal: Principal, case: Case, referrals: Iterable[Referral]) -> bool:
    """Whether the principal may read the case's contact arrangement, the one place for
    contact details: its own CCWC (and the system), and a provider that holds the case
    through a referral to it (:data:`CONTACT_STATUSES`). A provider that declined, or
    whose part is over, no longer does."""
    if principal.role is Role.SYSTEM:
        return True
    if principal.role is Role.CCWC and case.opened_by_provider_id == principal.provider_id:
        return True
    return principal.role in (Role.CCWC, Role.PROVIDER) and any(
        r.to_provider_id == principal.provider_id and r.status in CONTACT_STATUSES
        for r in referrals
    )


def visible_referrals(
    principal: Principal,
    access: Access,
    referrals: Iterable[Referral],
    providers: Mapping[str, Provider],
) -> list[Referral]:
    """A case's referrals the principal may see: a provider never sees the child's
    other referrals."""
    if access is Access.HANDOFF:
        return [r for r in referrals if touches(principal, r, providers)]
    return list(referrals)


def referral_access(
    principal: Principal, referral: Referral, case: Case, providers: Mapping[str, Provider]
) -> Access | None:
    role = principal.role
    if role is Role.SYSTEM:
        return Access.FULL
    if role is Role.CCWC and case.opened_by_provider_id == principal.provider_id:
        return Access.FULL
    if touches(principal, referral, providers):
        return Access.HANDOFF
    if role is Role.COORDINATOR and in_area(principal, case.village_code):
        return Access.PSEUDONYMOUS
    return None


def party_of(
    principal: Principal, referral: Referral, case: Case, receiver: Provider | None = None
) -> Party | None:
    """The principal's part in a handoff (None for the system, which may do anything).
    A supervisor is the ``overseer`` when the ``receiver`` (if given) is overseen by
    them, else an observer."""
    if principal.role is Role.SYSTEM:
        return None
    if principal.provider_id == referral.to_provider_id and principal.role in (
        Role.PROVIDER,
        Role.CCWC,
    ):
        return Party.RECEIVER
    if principal.provider_id == referral.from_provider_id and principal.role in (
        Role.PROVIDER,
        Role.CCWC,
    ):
        return Party.SENDER
    if principal.role is Role.COORDINATOR and in_area(principal, case.village_code):
        return Party.COORDINATOR
    if (
        principal.role is Role.SUPERVISOR
        and receiver is not None
        and receiver.id == referral.to_provider_id
        and _supervises(principal, receiver)
    ):
        return Party.OVERSEER
    return Party.OBSERVER


def may_act_for(principal: Principal, provider_id: str) -> bool:
    """Whether the principal acts on behalf of this provider (opening, referring)."""
    return principal.role is Role.SYSTEM or (
        principal.role in (Role.CCWC, Role.PROVIDER) and principal.provider_id == provider_id
    )


def coordinator_area(principal: Principal, area: str | None) -> str | None:
    """The area a coordinator's query may cover: their own when none is asked, and
    never outside it (other roles pass through unchanged)."""
    if principal.role is not Role.COORDINATOR:
        return area
    own = principal.area_code
    if area is None:
        return None if own == NATIONAL else own
    if not in_area(principal, area):
        raise Forbidden(f"Area {area!r} is outside your area ({own}).", field="area")
    return area


def visible_case_area(principal: Principal, case: Case) -> bool:
    return principal.role is not Role.COORDINATOR or in_area(principal, case.village_code)


WITHHELD = "(withheld)"


def redact_referral(referral: Referral) -> Referral:
    """Without free text: for coordinators, whose reports are pseudonymous."""
    return referral.model_copy(
        update={
            "reason": WITHHELD,
            "status_reason": None,
            "outcome": None,
            "parallel_reason": None,
        }
    )


def redact_events(events: Iterable[ReferralEvent]) -> list[ReferralEvent]:
    return [e.model_copy(update={"reason": None, "outcome": None, "note": None}) for e in events]

"""Who sees an identification: the pure rule over one already loaded.

The identifier's staff and the receiving CCWC's see it in full (they are its two ends);
a coordinator sees it in their area without free text; nobody else sees it at all (the
caller then says it does not exist, so ids cannot be probed).
"""

from __future__ import annotations

from referral_graph.domain.identification import Identification
from referral_graph.security.model import Principal, Role
from referral_graph.security.policy import Access, in_area


def identification_access(principal: Principal, identification: Identification) -> Access | None:
    role = principal.role
    if role is Role.SYSTEM:
        return Access.FULL
    ends = (identification.identified_by_provider_id, identification.to_provider_id)
    if role in (Role.CCWC, Role.PROVIDER) and principal.provider_id in ends:
        return Access.FULL
    if role is Role.COORDINATOR and in_area(principal, identification.village_code):
        return Access.PSEUDONYMOUS
    return None


def receives(principal: Principal, identification: Identification) -> bool:
    """Whether the principal speaks for the CCWC it was sent to (or is the system)."""
    return principal.role is Role.SYSTEM or (
        principal.role is Role.CCWC and principal.provider_id == identification.to_provider_id
    )

"""Whose alerts a principal sees: the pure rule behind ``GET /alerts`` and "seen".

An alert is about one handoff. The staff of either end see it, and so do the providers
an escalation names (the receiver's overseers: a clinical supervisor, a CCWC chair); a
supervisor also sees those about handoffs of the providers it oversees; a coordinator
those about children living in their area. Administrators see none (no case contents).
The stores select the same share by query (``AlertQuery.parties`` / ``area``); this is
the rule for one alert already loaded.
"""

from __future__ import annotations

from collections.abc import Mapping

from referral_graph.domain.models import Case, Provider, Referral, TimelinessAlert
from referral_graph.security.model import Principal, Role
from referral_graph.security.policy import in_area

ALERT_ROLES = frozenset({Role.CCWC, Role.PROVIDER, Role.SUPERVISOR, Role.COORDINATOR})


def may_see_alert(
    principal: Principal,
    alert: TimelinessAlert,
    referral: Referral,
    case: Case,
    providers: Mapping[str, Provider],
) -> bool:
    role, own = principal.role, principal.provider_id
    if role is Role.SYSTEM:
        return True
    if role is Role.COORDINATOR:
        return in_area(principal, case.village_code)
    if role not in ALERT_ROLES or own is None:
        return False
    ends = (referral.from_provider_id, referral.to_provider_id)
    if own in ends or own in alert.notify:
        return True
    return role is Role.SUPERVISOR and any(
        own in p.overseen_by for e in ends if (p := providers.get(e)) is not None
    )

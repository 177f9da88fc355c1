"""Who may see which case, referral and inbox: the decisions that need data.

Each function loads an object and asks ``referral_graph.security.policy`` (pure rules
over objects already loaded) what the principal may see of it. A principal who may not
see an object is told it does not exist (``NotFound``, 404), so ids cannot be probed;
both the reads and the refused attempts are noted for the access log
(:mod:`referral_graph.services.witness`).
Use cases call these inside their own transaction (``case_seen``, ``referral_seen``);
the ``seen_*`` forms read in a transaction of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from referral_graph.domain.errors import NotFound
from referral_graph.domain.models import Case, Provider, Referral, ReferralEvent
from referral_graph.domain.paths import holder
from referral_graph.security.model import Principal, Role
from referral_graph.security.policy import (
    Access,
    case_access,
    referral_access,
    visible_referrals,
)
from referral_graph.services import witness
from referral_graph.store.port import Store, Transaction


@dataclass(frozen=True, slots=True)
class SeenCase:
    case: Case
    access: Access
    referrals: list[Referral]  # only those the principal may see, in path order
    providers: dict[str, Provider]


def _providers(tx: Transaction, referrals: list[Referral], case: Case) -> dict[str, Provider]:
    ids = {case.opened_by_provider_id}
    for r in referrals:
        ids |= {r.from_provider_id, r.to_provider_id}
    return tx.get_providers(ids)


def case_seen(
    tx: Transaction,
    principal: Principal,
    case: Case,
    referrals: list[Referral],
    providers: dict[str, Provider] | None = None,
    *,
    witnessed: bool = True,
) -> SeenCase:
    """What the principal sees of a case already read in ``tx`` (404 if nothing);
    ``providers``: those its referrals name, if already read (a ``CaseFile``'s). The
    read, or the refusal, is noted for the access log (:mod:`.witness`) unless
    ``witnessed`` is false: a use case that only filters with it notes what it hands
    out itself."""
    if providers is None:
        providers = _providers(tx, referrals, case)
    access = case_access(principal, case, referrals, providers)
    if access is None:
        if witnessed:
            witness.refused(case.id, case.id)
        raise NotFound("case", case.id)
    if witnessed:
        witness.saw([case.id])
    return SeenCase(
        case, access, visible_referrals(principal, access, referrals, providers), providers
    )


def seen_case(store: Store, principal: Principal, case_id: str) -> SeenCase:
    def work(tx: Transaction) -> SeenCase:
        case = tx.get_case(case_id)
        if case is None:
            raise NotFound("case", case_id)
        return case_seen(tx, principal, case, tx.case_referrals(case_id))

    return store.read(work)


def check_routing(principal: Principal, case: Case, referrals: list[Referral]) -> None:
    """Recommendations for a case are for the CCWC that opened it and for whoever holds
    it now (and the system); anyone else is told it does not exist. Neither needs the
    providers the supervisor rule reads, so ``case_access`` is given none."""
    access = case_access(principal, case, referrals, {})
    if access is None or (
        access is not Access.FULL and holder(case, referrals) != principal.provider_id
    ):
        witness.refused(case.id, case.id)
        raise NotFound("case", case.id)
    witness.saw([case.id])


@dataclass(frozen=True, slots=True)
class SeenReferral:
    referral: Referral
    case: Case
    access: Access
    events: list[ReferralEvent]  # all of them, oldest first (unredacted)
    providers: dict[str, Provider]  # both ends, as read with it


def referral_seen(
    tx: Transaction, principal: Principal, referral_id: str, *, witnessed: bool = True
) -> SeenReferral:
    """What the principal sees of a referral, read in ``tx`` as one file (the referral,
    its case, both ends and its events: one statement on Neo4j); 404 if nothing. Noted
    for the access log under the referral's case as :func:`case_seen` does."""
    found = tx.referral_file(referral_id)
    if found is None or found.case is None:
        raise NotFound("referral", referral_id)
    access = referral_access(principal, found.referral, found.case, found.providers)
    if access is None:
        if witnessed:
            witness.refused(referral_id, found.case.id)
        raise NotFound("referral", referral_id)
    if witnessed:
        witness.saw([found.case.id])
    return SeenReferral(found.referral, found.case, access, found.events, found.providers)


def seen_referral(store: Store, principal: Principal, referral_id: str) -> SeenReferral:
    return store.read(lambda tx: referral_seen(tx, principal, referral_id))


def _may_see_inbox(principal: Principal, provider: Provider) -> bool:
    """A provider's inbox is its own staff's (and its supervisor's)."""
    if principal.role is Role.SYSTEM or principal.provider_id == provider.id:
        return True
    return principal.role is Role.SUPERVISOR and principal.provider_id in provider.overseen_by


def inbox_seen(tx: Transaction, principal: Principal, provider_id: str) -> Provider:
    """The provider whose inbox the principal asks for, read in ``tx`` (404 if there is
    none, or if the inbox is not the principal's to see)."""
    provider = tx.get_provider(provider_id)
    if provider is None or not _may_see_inbox(principal, provider):
        if provider is not None:
            witness.refused(provider_id, None)
        raise NotFound("provider", provider_id)
    return provider


def check_inbox(store: Store, principal: Principal, provider_id: str) -> None:
    """``NotFound`` unless the principal may see the provider's inbox (the web app's
    check until it reads ``services.inbox.inbox``)."""
    store.read(lambda tx: inbox_seen(tx, principal, provider_id))

"""A provider's inbox: the referrals waiting on it, oldest first, each with what a row
shows (the case, the sender, and the part the caller plays in the handoff).

This is the one inbox query. Who may read an inbox is decided here, through
:func:`~referral_graph.services.access.check_inbox` (its own staff, its supervisor, the
system; anyone else is told the provider does not exist). The web app's inbox
(``api/web/inbox.py``) reads it, and the JSON route ``GET
/api/v1/providers/{provider_id}/inbox`` should read it too — its envelope is
``inbox.referrals`` and ``inbox.count`` — so that the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from referral_graph.domain.errors import NotFound
from referral_graph.domain.lifecycle import Party, ReferralStatus
from referral_graph.domain.models import Case, Provider, Referral
from referral_graph.domain.queries import (
    OPEN_STATUSES,
    InboxQuery,
    Page,
    ProviderQuery,
    every,
)
from referral_graph.security.model import Role
from referral_graph.security.policy import party_of
from referral_graph.services.access import check_inbox, referral_seen
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction

#: The rows an inbox shows at once (a provider has a handful waiting).
INBOX_PAGE = 100


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One referral waiting on the provider, with what its row shows."""

    referral: Referral
    case: Case
    sender: Provider | None
    party: Party | None  # the caller's part in the handoff (None: the system)


@dataclass(frozen=True, slots=True)
class Inbox:
    provider: Provider
    referrals: list[Referral]  # the page asked for, oldest first
    rows: list[InboxRow]  # the same referrals, each with its case and sender
    count: int  # how many referrals wait in all


def _row(tx: Transaction, caller: Caller, referral: Referral, case: Case | None) -> InboxRow | None:
    if case is None:
        return None
    return InboxRow(
        referral,
        case,
        tx.get_provider(referral.from_provider_id),
        party_of(caller.principal, referral, case),
    )


def inbox(
    caller: Caller,
    provider_id: str,
    page: Page = Page(limit=INBOX_PAGE),
    statuses: tuple[ReferralStatus, ...] = OPEN_STATUSES,
) -> Inbox:
    """The referrals sent to ``provider_id`` in ``statuses`` (open ones by default),
    oldest first, one page of them: for the provider's own staff and its supervisor
    (``NotFound`` for anyone else, and for a provider that is not there)."""
    store = caller.store
    if store.read(lambda tx: tx.get_provider(provider_id)) is None:
        raise NotFound("provider", provider_id)
    check_inbox(store, caller.principal, provider_id)

    def work(tx: Transaction) -> Inbox:
        provider = tx.get_provider(provider_id)
        if provider is None:
            raise NotFound("provider", provider_id)
        listing = tx.inbox(InboxQuery(provider_id=provider_id, statuses=statuses), page)
        rows = [
            row
            for r in listing.items
            if (row := _row(tx, caller, r, tx.get_case(r.case_id))) is not None
        ]
        return Inbox(provider, listing.items, rows, listing.count)

    return store.read(work)


def inbox_row(caller: Caller, referral_id: str) -> InboxRow:
    """One referral as its inbox row shows it now (after a step), if the caller may see
    it (``NotFound`` otherwise)."""

    def work(tx: Transaction) -> InboxRow:
        seen = referral_seen(tx, caller.principal, referral_id)
        row = _row(tx, caller, seen.referral, seen.case)
        if row is None:
            raise NotFound("referral", referral_id)
        return row

    return caller.store.read(work)


def overseen_providers(caller: Caller) -> list[Provider]:
    """The active providers a supervisor oversees, whose inboxes are theirs to see (none
    for any other account)."""
    me = caller.principal.provider_id
    if caller.principal.role is not Role.SUPERVISOR or me is None:
        return []

    def work(tx: Transaction) -> list[Provider]:
        active = every(lambda page: tx.list_providers(ProviderQuery(active=True), page))
        return [p for p in active if me in p.overseen_by]

    return caller.store.read(work)

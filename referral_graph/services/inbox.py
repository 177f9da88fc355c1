"""A provider's inbox: the referrals waiting on it, oldest first.

The one inbox query, for the JSON API (``GET /providers/{id}/inbox``) and the web app's
inbox page. Whether the caller may see the inbox is decided in the transaction that
reads it (``services.access.inbox_seen``): its own staff's, its supervisor's and the
system's; anyone else is told the provider does not exist. With ``with_rows`` each
referral comes with what a row of the page shows: its case, its sender and the part the
caller plays in the handoff (cases and senders read in one go, not one by one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from referral_graph.domain.errors import NotFound
from referral_graph.domain.lifecycle import Party, ReferralStatus
from referral_graph.domain.models import Case, Provider, Referral
from referral_graph.domain.queries import (
    OPEN_STATUSES,
    InboxQuery,
    Listing,
    Page,
    ProviderQuery,
    every,
)
from referral_graph.security.model import Role
from referral_graph.security.policy import party_of
from referral_graph.services import witness
from referral_graph.services.access import inbox_seen, referral_seen
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction

#: The rows an inbox page shows at once (a provider has a handful waiting).
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
    """A page of a provider's inbox; with ``with_cases``/``with_rows``, the case of each
    referral and its sender."""

    provider: Provider
    referrals: Listing[Referral]
    cases: dict[str, Case] = field(default_factory=dict)  # by case id
    senders: dict[str, Provider] = field(default_factory=dict)  # by provider id
    rows: list[InboxRow] = field(default_factory=list)  # with_rows only

    @property
    def count(self) -> int:
        """How many referrals wait in all (not only on this page)."""
        return self.referrals.count


def inbox(
    caller: Caller,
    provider_id: str,
    page: Page = Page(limit=INBOX_PAGE),
    statuses: Sequence[ReferralStatus] = OPEN_STATUSES,
    *,
    with_cases: bool = False,
    with_rows: bool = False,
) -> Inbox:
    """The referrals in ``statuses`` (open ones by default) waiting on the provider,
    oldest first, read in one transaction with the decision whether the caller may see
    them."""
    query = InboxQuery(provider_id=provider_id, statuses=tuple(statuses))

    def work(tx: Transaction) -> Inbox:
        provider = inbox_seen(tx, caller.principal, provider_id)
        listing = tx.inbox(query, page)
        witness.saw(r.case_id for r in listing.items)
        if not (with_cases or with_rows):
            return Inbox(provider, listing)
        cases = {
            case.id: case
            for case_id in dict.fromkeys(r.case_id for r in listing.items)
            if (case := tx.get_case(case_id)) is not None
        }
        senders = tx.get_providers({r.from_provider_id for r in listing.items})
        rows = [
            InboxRow(
                r,
                cases[r.case_id],
                senders.get(r.from_provider_id),
                party_of(caller.principal, r, cases[r.case_id], provider),
            )
            for r in listing.items
            if r.case_id in cases
        ]
        return Inbox(provider, listing, cases, senders, rows if with_rows else [])

    return caller.store.read(work)


def inbox_row(caller: Caller, referral_id: str) -> InboxRow:
    """One referral as its inbox row shows it now (after a step), if the caller may see
    it (``NotFound`` otherwise)."""

    def work(tx: Transaction) -> InboxRow:
        seen = referral_seen(tx, caller.principal, referral_id)
        if seen.case is None:
            raise NotFound("referral", referral_id)
        ends = tx.get_providers({seen.referral.from_provider_id, seen.referral.to_provider_id})
        return InboxRow(
            seen.referral,
            seen.case,
            ends.get(seen.referral.from_provider_id),
            party_of(
                caller.principal, seen.referral, seen.case, ends.get(seen.referral.to_provider_id)
            ),
        )

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

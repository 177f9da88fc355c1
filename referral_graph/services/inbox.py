"""A provider's inbox: the referrals waiting on it, oldest first.

One query for the JSON API (``GET /providers/{id}/inbox``) and the web app's inbox page.
It is its own staff's and its supervisor's to see (``services.access``); anyone else is
told the provider does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Provider, Referral
from referral_graph.domain.queries import OPEN_STATUSES, InboxQuery, Listing, Page
from referral_graph.services.access import inbox_seen
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction


@dataclass(frozen=True, slots=True)
class Inbox:
    """A page of a provider's inbox. With ``with_cases``, the case of each referral and
    its sender (what a page of the web app shows beside each handoff)."""

    provider: Provider
    referrals: Listing[Referral]
    cases: dict[str, Case] = field(default_factory=dict)  # by case id
    senders: dict[str, Provider] = field(default_factory=dict)  # by provider id


def inbox(
    caller: Caller,
    provider_id: str,
    page: Page,
    statuses: Sequence[ReferralStatus] = OPEN_STATUSES,
    *,
    with_cases: bool = False,
) -> Inbox:
    """The referrals in ``statuses`` (open ones by default) waiting on the provider,
    oldest first, read in one transaction with the decision whether the caller may see
    them."""
    query = InboxQuery(provider_id=provider_id, statuses=tuple(statuses))

    def work(tx: Transaction) -> Inbox:
        provider = inbox_seen(tx, caller.principal, provider_id)
        listing = tx.inbox(query, page)
        if not with_cases:
            return Inbox(provider, listing)
        cases = {
            case.id: case
            for case_id in dict.fromkeys(r.case_id for r in listing.items)
            if (case := tx.get_case(case_id)) is not None
        }
        senders = tx.get_providers({r.from_provider_id for r in listing.items})
        return Inbox(provider, listing, cases, senders)

    return caller.store.read(work)

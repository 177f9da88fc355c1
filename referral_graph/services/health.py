"""What a probe and a metrics scrape ask of the store: does it answer, and how many
referrals stand where (counts only: no id, no case field, no name)."""

from __future__ import annotations

from dataclasses import dataclass

from referral_graph.domain.queries import DueQuery, Page
from referral_graph.services.caller import Caller
from referral_graph.store.port import Store, Transaction


def store_answering(store: Store) -> str:
    """The store's name, once it has answered (``StoreUnavailable`` if it does not)."""
    store.ping()
    return store.name


@dataclass(frozen=True, slots=True)
class ReferralFigures:
    by_status: dict[str, int]  # status value → referrals
    overdue: int  # open referrals past the deadline of the step they wait on


def referral_figures(caller: Caller) -> ReferralFigures:
    """Referrals per status, and how many open ones are overdue at the caller's time."""

    def work(tx: Transaction) -> ReferralFigures:
        due = tx.referrals_due(DueQuery(before=caller.now), Page(limit=1))
        return ReferralFigures(tx.count_referrals_by_status(), due.count)

    return caller.store.read(work)

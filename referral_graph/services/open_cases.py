"""A CCWC's open cases, newest first, each with where it stands: the case home page
lists them so that a worker finds the child they opened a case for yesterday.

Only the caller's own provider's cases are read (a CCWC holds its cases in full); an
account with no provider has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from referral_graph.domain.models import Case, Referral
from referral_graph.domain.queries import Page
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction

#: Open cases listed on a CCWC's home page.
RECENT_CASES = 30


@dataclass(frozen=True, slots=True)
class OpenCase:
    case: Case
    last: Referral | None  # its latest referral (None before the first)


def open_cases(caller: Caller, limit: int = RECENT_CASES) -> list[OpenCase]:
    """The open cases the caller's provider opened, newest first, referred or not."""
    pid = caller.principal.provider_id
    if pid is None:
        return []

    def work(tx: Transaction) -> list[OpenCase]:
        rows = []
        for case in tx.cases_opened_by(pid, Page(limit=limit), open_only=True).items:
            path = tx.case_referrals(case.id)
            last = max(path, key=lambda r: (r.hop, r.created_at)) if path else None
            rows.append(OpenCase(case, last))
        return rows

    return caller.store.read(work)

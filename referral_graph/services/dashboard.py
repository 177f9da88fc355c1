"""What a coordinator's dashboard reads: the handoffs of children in their area that are
past their deadline, and those falling due within a day.

A coordinator's view is pseudonymous: each handoff comes with the case's code, never
its free text (``redact_referral``), and covers their own area (the whole country for a
national coordinator; other roles see every area, as the audit routes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from referral_graph.domain.models import Provider, Referral
from referral_graph.domain.queries import DueQuery, Page
from referral_graph.security.policy import coordinator_area, redact_referral
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction

#: How far ahead "due soon" looks.
DUE_SOON = timedelta(hours=24)
#: Handoffs listed in each list.
LIST_LIMIT = 50
#: Handoffs read to find those due soon (the overdue ones come first in that listing).
SOON_SCAN = 200


@dataclass(frozen=True, slots=True)
class DueHandoff:
    referral: Referral  # without its free text
    code: str  # the case's pseudonymous code
    receiver: Provider | None


@dataclass(frozen=True, slots=True)
class DueHandoffs:
    area: str | None  # the area covered (None: the whole country)
    overdue: list[DueHandoff]
    due_soon: list[DueHandoff]


def _due(tx: Transaction, items: list[Referral]) -> list[DueHandoff]:
    rows = []
    for r in items:
        case = tx.get_case(r.case_id)
        code = case.code if case else r.case_id
        rows.append(DueHandoff(redact_referral(r), code, tx.get_provider(r.to_provider_id)))
    return rows


def due_handoffs(caller: Caller) -> DueHandoffs:
    """Open handoffs in the caller's area past their current deadline (soonest first),
    and those whose deadline falls within :data:`DUE_SOON`, at most
    :data:`LIST_LIMIT` of each."""
    area = coordinator_area(caller.principal, None)
    now = caller.now

    def work(tx: Transaction) -> DueHandoffs:
        late = tx.referrals_due(DueQuery(before=now, area=area), Page(limit=LIST_LIMIT))
        soon = tx.referrals_due(DueQuery(before=now + DUE_SOON, area=area), Page(limit=SOON_SCAN))
        upcoming = [
            r for r in soon.items if r.pending_due_at is not None and r.pending_due_at >= now
        ]
        return DueHandoffs(area, _due(tx, late.items), _due(tx, upcoming[:LIST_LIMIT]))

    return caller.store.read(work)

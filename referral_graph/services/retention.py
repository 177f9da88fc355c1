"""Retention: years after a case is closed, only anonymous timing statistics remain.

The purge removes the case's personal fields (age, gender, contact arrangement, who
consented), every note and reason of its referrals and their events, and gives it a new
code; what stays is when each step happened, between which providers, for which
service, at which risk, in which village — the figures the audit needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from referral_graph.domain.models import Case
from referral_graph.store.port import Store, Transaction


@dataclass(frozen=True, slots=True)
class PurgeReport:
    cutoff: datetime
    purged: int
    dry_run: bool


def purge_closed_cases(
    store: Store, now: datetime, *, years: float, dry_run: bool = False, batch: int = 200
) -> PurgeReport:
    """Purge every case closed more than ``years`` ago (each in its own transaction)."""
    cutoff = now - timedelta(days=365.25 * years)
    if dry_run:
        found = store.read(lambda tx: tx.cases_to_purge(cutoff, 1_000_000))
        return PurgeReport(cutoff, len(found), dry_run=True)
    purged = 0
    while True:
        due = store.read(lambda tx: tx.cases_to_purge(cutoff, batch))
        for case in due:
            store.write(lambda tx, c=case: _purge(tx, c, now))  # type: ignore[misc]
            purged += 1
        if len(due) < batch:
            return PurgeReport(cutoff, purged, dry_run=False)


def _purge(tx: Transaction, case: Case, now: datetime) -> None:
    tx.save_case(case.purged(now), case.version)
    tx.purge_texts([r.purged() for r in tx.case_referrals(case.id)])

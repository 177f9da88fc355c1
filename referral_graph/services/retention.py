"""Retention: years after a case is closed, only anonymous timing statistics remain.

The purge removes the case's personal fields (age, gender, contact arrangement, who
consented), every note and reason of its referrals and their events, and gives it a new
code; what stays is when each step happened, between which providers, for which
service, at which risk, in which village — the figures the audit needs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.models import Case
from referral_graph.security.model import SYSTEM, AccessRecord
from referral_graph.services.recorded import record
from referral_graph.store.port import Store, Transaction

log = logging.getLogger("referral_graph.retention")

#: The shortest retention period allowed: a year after closure.
MIN_YEARS = 1


@dataclass(frozen=True, slots=True)
class PurgeReport:
    cutoff: datetime
    purged: int
    dry_run: bool


def purge_closed_cases(
    store: Store,
    now: datetime,
    *,
    years: float,
    dry_run: bool = False,
    batch: int = 200,
    actor: str = "retention",
) -> PurgeReport:
    """Purge every case closed more than ``years`` (at least :data:`MIN_YEARS`) ago, each
    in its own transaction with an access record naming ``actor``; the run is logged."""
    if not years >= MIN_YEARS:
        raise InvalidInput(
            f"years must be at least {MIN_YEARS} (got {years}): cases are kept that long "
            "after they are closed.",
            field="years",
        )
    cutoff = now - timedelta(days=365.25 * years)
    if dry_run:
        found = store.read(lambda tx: tx.cases_to_purge(cutoff, 1_000_000))
        return PurgeReport(cutoff, len(found), dry_run=True)
    purged = 0
    while True:
        due = store.read(lambda tx: tx.cases_to_purge(cutoff, batch))
        principal = replace(SYSTEM, username=actor)
        for case in due:
            # The record's id is drawn once, outside the work a store may run again.
            entry = record(principal, now, "write", "PURGE", "retention", case.id, None, case.id)
            store.write(lambda tx, c=case, e=entry: _purge(tx, c, now, e))  # type: ignore[misc]
            purged += 1
        if len(due) < batch:
            if purged:
                log.warning(
                    "closed cases purged",
                    extra={"purged": purged, "closed_before": cutoff.isoformat(), "by": actor},
                )
            return PurgeReport(cutoff, purged, dry_run=False)


def _purge(tx: Transaction, case: Case, now: datetime, entry: AccessRecord) -> None:
    tx.save_case(case.purged(now), case.version)
    tx.purge_texts([r.purged() for r in tx.case_referrals(case.id)])
    tx.append_access(entry)

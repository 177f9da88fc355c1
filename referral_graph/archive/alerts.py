"""Alerts marked seen, in a store-neutral archive (see ``referral_graph.archive.backup``).

Lines ``alert_seen``, right after the alerts (users came before them): who marked which
alert seen, and when. A person's notification settings travel inside their ``user``
line (they are kept with the user).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from referral_graph.domain.alerting import AlertSeen
from referral_graph.domain.queries import Page, every
from referral_graph.store.port import Transaction

Record = dict[str, Any]


def alerts_archive_records(tx: Transaction) -> Iterator[Record]:
    for seen in every(tx.list_alert_seen):
        yield {
            "kind": "alert_seen",
            "data": {
                "alert_id": seen.alert_id,
                "user_id": seen.user_id,
                "username": seen.username,
                "at": seen.at.isoformat(),
            },
        }


def alerts_archive_counts(tx: Transaction) -> dict[str, int]:
    return {"alert_seen": tx.list_alert_seen(Page(limit=1)).count}


class AlertsLoading:
    """The loader's handler for alerts marked seen (mixed into ``loader.ArchiveLoader``)."""

    def _queue(self, work: Callable[[Transaction], object]) -> None:
        raise NotImplementedError

    def _on_alert_seen(self, data: Record) -> None:
        seen = AlertSeen(
            alert_id=data["alert_id"],
            user_id=data["user_id"],
            username=data["username"],
            at=datetime.fromisoformat(data["at"]),
        )
        self._queue(lambda tx: tx.mark_alert_seen(seen))

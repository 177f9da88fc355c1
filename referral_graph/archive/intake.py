"""The identifications of a store-neutral archive (see ``referral_graph.archive.backup``).

Lines ``identification``, after the cases (an accepted one names the case it became),
each restored as it was with ``Transaction.add_identification``: status, times,
deadlines, the case and the version included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from referral_graph.domain.identification import Identification
from referral_graph.domain.queries import IdentificationQuery, Page, every
from referral_graph.store.port import Transaction

Record = dict[str, Any]
KINDS = ("identification",)
PAGE = 1000


def intake_archive_records(tx: Transaction) -> Iterator[Record]:
    """Every identification, newest first (the port's order; restore needs none)."""
    query = IdentificationQuery()
    for i in every(lambda page: tx.list_identifications(query, page), PAGE):
        yield {"kind": "identification", "data": i.model_dump(mode="json")}


def intake_archive_counts(tx: Transaction) -> dict[str, int]:
    return {"identification": tx.list_identifications(IdentificationQuery(), Page(limit=1)).count}


class IntakeLoading:
    """The loader's handler for identifications (mixed into ``loader.ArchiveLoader``)."""

    def _queue(self, work: Callable[[Transaction], object]) -> None:
        raise NotImplementedError

    def _on_identification(self, data: Record) -> None:
        identification = Identification.model_validate(data)
        self._queue(lambda tx: tx.add_identification(identification))

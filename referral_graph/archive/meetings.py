"""The meetings of a store-neutral archive (see ``referral_graph.archive.backup``).

Lines, after capacity building's (actions may be owned by a person): ``meeting`` (its
agenda and participants in it), then ``meeting_action``. Each is restored with
``Transaction.load_meetings`` exactly as it was stored, version and history included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from referral_graph.domain.meetings import Action, Meeting
from referral_graph.domain.queries import ActionQuery, MeetingQuery, Page, every
from referral_graph.store.port import Transaction

Record = dict[str, Any]
KINDS = ("meeting", "meeting_action")
PAGE = 500


def meeting_archive_records(tx: Transaction) -> Iterator[Record]:
    for m in every(lambda page: tx.list_meetings(MeetingQuery(), page), PAGE):
        yield {"kind": "meeting", "data": m.model_dump(mode="json")}
    for a in every(lambda page: tx.list_actions(ActionQuery(), page), PAGE):
        yield {"kind": "meeting_action", "data": a.model_dump(mode="json")}


def meeting_archive_counts(tx: Transaction) -> dict[str, int]:
    one = Page(limit=1)
    return {
        "meeting": tx.list_meetings(MeetingQuery(), one).count,
        "meeting_action": tx.list_actions(ActionQuery(), one).count,
    }


class MeetingLoading:
    """The loader's handlers for meeting records (mixed into ``loader.ArchiveLoader``)."""

    def _queue(self, work: Callable[[Transaction], object]) -> None:
        raise NotImplementedError

    def _on_meeting(self, data: Record) -> None:
        meeting = Meeting.model_validate(data)
        self._queue(lambda tx: tx.load_meetings([meeting], []))

    def _on_meeting_action(self, data: Record) -> None:
        action = Action.model_validate(data)
        self._queue(lambda tx: tx.load_meetings([], [action]))

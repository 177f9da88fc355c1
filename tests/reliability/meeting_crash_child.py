"""The process the meeting crash test kills: it closes a meeting with its actions and
stops, mid-transaction, after the actions are written and before the meeting is saved
and the transaction commits — then waits to be SIGKILLed.

    python -m tests.reliability.meeting_crash_child sqlite PATH MEETING_ID
    python -m tests.reliability.meeting_crash_child neo4j - MEETING_ID   (NEO4J_* settings)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta

from referral_graph.adapters.neo4j.meetings import Neo4jMeetings
from referral_graph.adapters.sqlite.meetings import SqliteMeetings
from referral_graph.domain.meetings import Action
from referral_graph.domain.models import utc_now
from referral_graph.services.caller import Caller
from referral_graph.services.meetings import meetings
from referral_graph.services.meetings.actions import ActionDraft
from referral_graph.services.meetings.meetings import Closing
from referral_graph.settings import Settings
from referral_graph.store.port import Store

ACTIONS = 5
HELD_ON = date(2026, 3, 5)
MIDWAY = "MIDWAY"


def closing() -> Closing:
    drafts = [
        ActionDraft(
            text=f"Crash action {n}",
            owner_provider_id="hc-a",
            due_on=HELD_ON + timedelta(days=n + 1),
        )
        for n in range(ACTIONS)
    ]
    return Closing(version=1, present=["hc-a", "ccwc-a"], actions=drafts)


def pause_after_writing(part: type[SqliteMeetings] | type[Neo4jMeetings]) -> None:
    written = part.add_actions

    def add_then_wait(self: object, actions: Sequence[Action]) -> None:
        written(self, actions)  # type: ignore[arg-type]
        print(MIDWAY, flush=True)
        time.sleep(120)  # the test kills us here

    part.add_actions = add_then_wait  # type: ignore[method-assign]


def open_store(kind: str, target: str) -> Store:
    if kind == "sqlite":
        from referral_graph.adapters.sqlite.store import SqliteStore

        pause_after_writing(SqliteMeetings)
        return SqliteStore(target)
    from referral_graph.adapters.neo4j.store import Neo4jStore

    settings = Settings()
    pause_after_writing(Neo4jMeetings)
    return Neo4jStore(
        settings.neo4j_uri,
        settings.neo4j_user,
        settings.neo4j_password.get_secret_value(),
        database=settings.neo4j_database,
    )


def main(argv: Sequence[str]) -> None:
    kind, target, meeting_id = argv
    store = open_store(kind, target)
    meetings.close_meeting(Caller.system(store, utc_now()), meeting_id, closing())
    print("COMMITTED", flush=True)  # never reached


if __name__ == "__main__":
    main(sys.argv[1:])

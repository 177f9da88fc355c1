"""Seeding, export and restore, metrics and retention on Neo4j.

Bulk loads ``UNWIND`` batches of rows and ``MERGE`` on the id (insert or replace, the
last of several rows with one id winning, as SQLite's ``INSERT OR REPLACE``), reusing
the bodies the directory and training modules write one node with. Every reference a
load names is checked before anything is written.
See :class:`referral_graph.store.archive.ArchivePort`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import LiteralString

from referral_graph.adapters.neo4j.cases import (
    ADD_REFERRAL,
    STORED_REFERRAL_EVENT,
    Neo4jCases,
)
from referral_graph.adapters.neo4j.directory import PROVIDER_BODY, Neo4jDirectory
from referral_graph.adapters.neo4j.mapping import (
    attendance_row,
    event_row,
    pathway_row,
    person_row,
    provider_areas,
    provider_row,
    referral_row,
    training_session_row,
)
from referral_graph.adapters.neo4j.plumbing import batches, page_of
from referral_graph.adapters.neo4j.sample_data import Neo4jSampleData
from referral_graph.adapters.neo4j.training import PERSON_BODY, SUPERVISION, Neo4jTraining
from referral_graph.domain.errors import Conflict
from referral_graph.domain.models import Case, Pathway, Provider, Referral, ReferralEvent
from referral_graph.domain.training import Attendance, Person, TrainingSession
from referral_graph.store.port import ArchivePort, Listing, Page

# --- seeding -----------------------------------------------------------------------

LOAD_PROVIDERS: LiteralString = (
    """
UNWIND $rows AS row
MERGE (p:Provider {id: row.id})
"""
    + PROVIDER_BODY
    + "RETURN count(*) AS written"
)

LOAD_PATHWAYS: LiteralString = """
UNWIND $rows AS row
CALL (row) {
  MATCH ()-[old:PATHWAY {id: row.id}]->()
  DELETE old
}
WITH row
MATCH (a:Provider {id: row.from_provider_id}), (b:Provider {id: row.to_provider_id})
CREATE (a)-[w:PATHWAY]->(b)
SET w = row
RETURN count(w) AS written
"""

LOAD_PEOPLE: LiteralString = (
    """
UNWIND $rows AS row
MERGE (p:Person {id: row.props.id})
"""
    + PERSON_BODY
    + "RETURN count(*) AS written"
)

LOAD_SUPERVISION: LiteralString = (
    """
UNWIND $rows AS row
MATCH (p:Person {id: row.props.id})
"""
    + SUPERVISION
    + "RETURN count(*) AS written"
)

LOAD_TRAINING_SESSIONS: LiteralString = """
UNWIND $rows AS row
MERGE (s:TrainingSession {id: row.id})
SET s = row
WITH s
CALL (s) {
  MATCH (s)-[old:HELD_IN]->(:Area)
  DELETE old
}
CALL (s) {
  MATCH (a:Area {code: s.area_code})
  CREATE (s)-[:HELD_IN]->(a)
}
RETURN count(*) AS written
"""

LOAD_ATTENDANCE: LiteralString = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id}), (s:TrainingSession {id: row.session_id})
MERGE (p)-[a:ATTENDED {session_id: row.session_id, person_id: row.person_id}]->(s)
SET a.completed = row.completed, a.recorded_at = row.recorded_at, a.synthetic = row.synthetic
RETURN count(*) AS written
"""

# --- backup and metrics ------------------------------------------------------------

RESTORE_EVENTS: LiteralString = """
MATCH (r:Referral {id: $id})
UNWIND $events AS event
CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent)
SET e = event
"""

COUNT_BY_STATUS: LiteralString = """
MATCH (r:Referral)
RETURN r.status AS status, count(*) AS n
"""

# --- retention ---------------------------------------------------------------------

#: Served by the ``case_closed_at`` range index; an open case has no ``closed_at``.
CASES_TO_PURGE: LiteralString = """
MATCH (c:Case)
WHERE c.closed_at < $closed_before AND c.status = 'closed' AND c.purged_at IS NULL
RETURN c.doc AS doc
ORDER BY c.closed_at, c.id
LIMIT $limit
"""

#: The purged document, keeping the version (retention is no step of the lifecycle).
PURGE_REFERRAL_TEXTS: LiteralString = """
UNWIND $rows AS row
MATCH (r:Referral {id: row.id})
SET r.doc = row.doc, r.status_reason = null
"""

EVENTS_OF_REFERRALS: LiteralString = """
UNWIND $ids AS id
MATCH (:Referral {id: id})-[:HAS_EVENT]->(e:ReferralEvent)
RETURN e.doc AS doc
"""

#: The only change events ever take: their ``doc`` without reason, outcome and note.
PURGE_EVENT_TEXTS: LiteralString = """
UNWIND $rows AS row
MATCH (e:ReferralEvent {id: row.id})
SET e.doc = row.doc
"""


#: ADD_REFERRAL answering whether it inserted (it is written deferred elsewhere, where
#: the unit's composed statement collects its result).
RESTORE_REFERRAL: LiteralString = ADD_REFERRAL + "RETURN r.id AS id\n"


class Neo4jArchive(Neo4jSampleData, Neo4jDirectory, Neo4jCases, Neo4jTraining, ArchivePort):
    """The archive part of a Neo4j transaction (over the directory, cases and training
    parts, whose queries and checks it reuses). The access log is indexed as it is
    appended: there is nothing to settle (``settle_access`` is the port's no-op)."""

    # --- seeding ---------------------------------------------------------------------
    def load_directory(self, providers: Sequence[Provider], pathways: Sequence[Pathway]) -> int:
        # The last of several rows with one id wins, as with INSERT OR REPLACE.
        latest_providers = {p.id: p for p in providers}
        latest_pathways = {w.id: w for w in pathways}
        self._merge_areas(c for p in latest_providers.values() for c in provider_areas(p))
        rows = [provider_row(p, text_times=True) for p in latest_providers.values()]
        for batch in batches(rows, self.batch_size):
            self._records(LOAD_PROVIDERS, rows=batch)
        rows = [pathway_row(w) for w in latest_pathways.values()]
        for batch in batches(rows, self.batch_size):
            record = self._one(LOAD_PATHWAYS, rows=batch)
            if record is None or record["written"] != len(batch):
                raise Conflict("A pathway links a provider that does not exist.")
        self.bump_directory_version()
        return len(providers) + len(pathways)

    def load_training(
        self,
        people: Sequence[Person],
        sessions: Sequence[TrainingSession],
        attendance: Sequence[Attendance],
    ) -> int:
        # The last of several rows with one key wins, as with INSERT OR REPLACE.
        latest_people = {p.id: p for p in people}
        latest_sessions = {s.id: s for s in sessions}
        latest_attendance = {(a.session_id, a.person_id): a for a in attendance}
        # Every reference is checked before anything is written.
        self._require("Provider", (p.provider_id for p in latest_people.values()), "provider_id")
        self._require(
            "Person",
            (s for p in latest_people.values() for s in p.supervised_by),
            "supervised_by",
            known=latest_people,
        )
        self._require(
            "TrainingSession", (s for s, _ in latest_attendance), "session_id", latest_sessions
        )
        self._require("Person", (p for _, p in latest_attendance), "person_id", latest_people)

        self._merge_areas(s.area_code for s in latest_sessions.values() if s.area_code)
        person_rows = [person_row(p) for p in latest_people.values()]
        loads = [
            (LOAD_PEOPLE, person_rows),
            (LOAD_SUPERVISION, person_rows),  # once every person exists
            (LOAD_TRAINING_SESSIONS, [training_session_row(s) for s in latest_sessions.values()]),
            (LOAD_ATTENDANCE, [attendance_row(a) for a in latest_attendance.values()]),
        ]
        for query, rows in loads:
            for batch in batches(rows, self.batch_size):
                self._records(query, rows=batch)
        return len(people) + len(sessions) + len(attendance)

    # --- backup and metrics ----------------------------------------------------------
    def all_cases(self, page: Page) -> Listing[Case]:
        text = "MATCH (x:Case)\n" + page_of("x", "x.opened_at, x.id")
        return self._page(text, page, Case.model_validate_json)

    def all_referrals(self, page: Page) -> Listing[Referral]:
        text = "MATCH (x:Referral)\n" + page_of("x", "x.created_at, x.id")
        return self._page(text, page, Referral.model_validate_json)

    def restore_referral(self, referral: Referral, events: Sequence[ReferralEvent]) -> None:
        if not events or any(e.referral_id != referral.id for e in events):
            raise Conflict(f"Referral {referral.id!r} must be restored with its own events.")
        first = events[0]
        if self._one(RESTORE_REFERRAL, row=referral_row(referral), event=event_row(first)):
            if len(events) > 1:
                rows = [event_row(e) for e in events[1:]]
                self._records(RESTORE_EVENTS, id=referral.id, events=rows)
            return
        if self._landed(STORED_REFERRAL_EVENT, first, id=referral.id, event_id=first.id):
            return  # a replay: the first commit restored it
        raise Conflict(f"Referral {referral.id!r} exists, or names something missing.")

    def count_referrals_by_status(self) -> dict[str, int]:
        return {str(r["status"]): int(r["n"]) for r in self._records(COUNT_BY_STATUS)}

    # --- retention -------------------------------------------------------------------
    def cases_to_purge(self, closed_before: datetime, limit: int) -> list[Case]:
        docs = self._docs(CASES_TO_PURGE, closed_before=closed_before, limit=limit)
        return [Case.model_validate_json(d) for d in docs]

    def purge_texts(self, referrals: Sequence[Referral]) -> None:
        rows = [{"id": r.id, "doc": r.model_dump_json()} for r in referrals]
        for batch in batches(rows, self.batch_size):
            self._records(PURGE_REFERRAL_TEXTS, rows=batch)
        events = [
            ReferralEvent.model_validate_json(d)
            for d in self._docs(EVENTS_OF_REFERRALS, ids=[r.id for r in referrals])
        ]
        cleared = [
            {
                "id": e.id,
                "doc": e.model_copy(
                    update={"reason": None, "outcome": None, "note": None}
                ).model_dump_json(),
            }
            for e in events
            if e.reason is not None or e.outcome is not None or e.note is not None
        ]
        for batch in batches(cleared, self.batch_size):
            self._records(PURGE_EVENT_TEXTS, rows=batch)

"""Network meetings on Neo4j.

Graph::

    (:Meeting)-[:FOR_AREA]->(:Area)
    (:Meeting)-[:PARTICIPANT {present}]->(:Provider)
    (:MeetingAction)-[:AGREED_AT]->(:Meeting)
    (:MeetingAction)-[:OWNED_BY]->(:Provider)        the provider answering for it
    (:MeetingAction)-[:OWNED_BY]->(:Person)          when a person of it owns it
    (:MeetingAction)-[:ABOUT]->(:Provider)           the providers its subject names

Each node keeps its model as JSON in ``doc`` next to the properties queries filter and
sort on (days as native ``DATE``, times as native ``DATETIME``). A meeting's agenda
lives in its ``doc``: items are read and written with the meeting, never on their own.
Writes check their references before writing anything (``Conflict``), and on a replay
(see :class:`~referral_graph.adapters.neo4j.plumbing.CypherRunner`) an insert that finds
its own content already stored succeeds without writing.
See :class:`referral_graph.store.meetings.MeetingsPort`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, LiteralString

from referral_graph.adapters.neo4j.mapping import Row
from referral_graph.adapters.neo4j.plumbing import CypherRunner, batches, filtered, page_of, where
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.meetings import Action, Meeting
from referral_graph.store.port import ActionQuery, Listing, MeetingQuery, MeetingsPort, Page

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT meeting_id IF NOT EXISTS FOR (n:Meeting) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT meeting_action_id IF NOT EXISTS"
    " FOR (n:MeetingAction) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX meeting_area IF NOT EXISTS FOR (n:Meeting) ON (n.area_code)",
    "CREATE INDEX meeting_held_on IF NOT EXISTS FOR (n:Meeting) ON (n.held_on)",
    "CREATE INDEX meeting_action_meeting IF NOT EXISTS FOR (n:MeetingAction) ON (n.meeting_id)",
    "CREATE INDEX meeting_action_owner IF NOT EXISTS"
    " FOR (n:MeetingAction) ON (n.owner_provider_id)",
    "CREATE INDEX meeting_action_person IF NOT EXISTS FOR (n:MeetingAction) ON (n.owner_person_id)",
    "CREATE INDEX meeting_action_area IF NOT EXISTS FOR (n:MeetingAction) ON (n.area_code)",
)

#: Writes ``row`` onto meeting ``m`` and relinks it to its area and participants.
MEETING_BODY: LiteralString = """
SET m = row.props
WITH m, row
CALL (m) {
  MATCH (m)-[old:FOR_AREA|PARTICIPANT]->()
  DELETE old
}
CALL (m) {
  MATCH (a:Area {code: m.area_code})
  CREATE (m)-[:FOR_AREA]->(a)
}
CALL (m, row) {
  UNWIND row.participants AS p
  MATCH (pr:Provider {id: p.provider_id})
  CREATE (m)-[:PARTICIPANT {present: p.present}]->(pr)
}
"""

ADD_MEETING: LiteralString = (
    """
MERGE (m:Meeting {id: $row.props.id})
  ON CREATE SET m._new = true
WITH m, $row AS row
WHERE m._new IS NOT NULL
"""
    + MEETING_BODY
    + "RETURN m.id AS id"
)

LOCK_MEETING: LiteralString = """
MATCH (m:Meeting {id: $id})
SET m._lock = true
REMOVE m._lock
RETURN m.version AS version
"""

SAVE_MEETING: LiteralString = (
    """
MATCH (m:Meeting {id: $row.props.id})
WITH m, $row AS row
"""
    + MEETING_BODY
    + "RETURN m.id AS id"
)

LOAD_MEETINGS: LiteralString = (
    """
UNWIND $rows AS row
MERGE (m:Meeting {id: row.props.id})
WITH m, row
"""
    + MEETING_BODY
    + "RETURN count(*) AS written"
)

GET_MEETING: LiteralString = "MATCH (m:Meeting {id: $id}) RETURN m.doc AS doc"

MEETINGS: LiteralString = "MATCH (x:Meeting)\n"

MEETING_FILTERS: dict[str, LiteralString] = {
    "at_area": "x.area_code = $at_area",
    "level": "x.level = $level",
    "status": "x.status = $status",
    "since": "x.held_on >= $since",
    "before": "x.held_on < $before",
}

#: Writes each row onto its action and relinks it to its meeting, owners and subject.
WRITE_ACTIONS: LiteralString = """
UNWIND $rows AS row
MERGE (a:MeetingAction {id: row.props.id})
SET a = row.props
WITH a, row
CALL (a) {
  MATCH (a)-[old:AGREED_AT|OWNED_BY|ABOUT]->()
  DELETE old
}
CALL (a, row) {
  MATCH (m:Meeting {id: row.props.meeting_id})
  CREATE (a)-[:AGREED_AT]->(m)
}
CALL (a, row) {
  MATCH (p:Provider {id: row.props.owner_provider_id})
  CREATE (a)-[:OWNED_BY]->(p)
}
CALL (a, row) {
  MATCH (p:Person {id: row.person})
  CREATE (a)-[:OWNED_BY]->(p)
}
CALL (a, row) {
  UNWIND row.about AS provider_id
  MATCH (p:Provider {id: provider_id})
  CREATE (a)-[:ABOUT]->(p)
}
RETURN count(*) AS written
"""

LOCK_ACTION: LiteralString = """
MATCH (a:MeetingAction {id: $id})
SET a._lock = true
REMOVE a._lock
RETURN a.version AS version
"""

GET_ACTIONS: LiteralString = """
UNWIND $ids AS id
MATCH (a:MeetingAction {id: id})
RETURN a.doc AS doc
"""

ACTIONS: LiteralString = "MATCH (x:MeetingAction)\n"

ACTION_FILTERS: dict[str, LiteralString] = {
    "meeting_id": "x.meeting_id = $meeting_id",
    "owner_provider_id": "x.owner_provider_id = $owner_provider_id",
    "owner_person_id": "x.owner_person_id = $owner_person_id",
    "status": "x.status = $status",
    "due_before": "x.due_on < $due_before",
    "awaiting_pathway": "x.awaiting_pathway = $awaiting_pathway",
}

SAMPLE_PRESENT: LiteralString = """
RETURN EXISTS { MATCH (m:Meeting) WHERE m.synthetic }
    OR EXISTS { MATCH (a:MeetingAction) WHERE a.synthetic } AS present
"""

REAL_ACTION_OF_SAMPLE: LiteralString = """
MATCH (a:MeetingAction)-[:AGREED_AT]->(m:Meeting)
WHERE m.synthetic AND NOT a.synthetic
RETURN a.id AS id ORDER BY id LIMIT 1
"""

SAMPLE_COUNTS: LiteralString = """
RETURN COUNT { MATCH (m:Meeting) WHERE m.synthetic } AS meetings,
       COUNT { MATCH (a:MeetingAction) WHERE a.synthetic } AS actions
"""

REMOVE_SAMPLE: LiteralString = """
CALL () {
  MATCH (a:MeetingAction) WHERE a.synthetic
  DETACH DELETE a
}
CALL () {
  MATCH (m:Meeting) WHERE m.synthetic
  DETACH DELETE m
}
"""


def meeting_row(m: Meeting) -> Row:
    props: Row = {
        "id": m.id,
        "level": m.level.value,
        "area_code": m.area_code,
        "held_on": m.held_on,
        "status": m.status.value,
        "synthetic": m.synthetic,
        "version": m.version,
        "updated_at": m.updated_at,
        "doc": m.model_dump_json(),
    }
    participants = [{"provider_id": p.provider_id, "present": p.present} for p in m.participants]
    return {"props": props, "participants": participants}


def action_row(a: Action) -> Row:
    props: Row = {
        "id": a.id,
        "meeting_id": a.meeting_id,
        "owner_provider_id": a.owner_provider_id,
        "owner_person_id": a.owner_person_id,
        "status": a.status.value,
        "due_on": a.due_on,
        "created_at": a.created_at,
        "awaiting_pathway": a.awaits_confirmation,
        "area_code": a.area_code,
        "synthetic": a.synthetic,
        "version": a.version,
        "doc": a.model_dump_json(),
    }
    return {"props": props, "person": a.owner_person_id, "about": list(a.subject.providers)}


class Neo4jMeetings(CypherRunner, MeetingsPort):
    """The meetings part of a Neo4j transaction."""

    # --- references --------------------------------------------------------------------
    def _check_meetings(self, meetings: Sequence[Meeting]) -> None:
        providers = (p.provider_id for m in meetings for p in m.participants)
        self._require("Provider", providers, "participants")
        self._merge_areas({m.area_code for m in meetings})

    def _check_actions(self, actions: Sequence[Action], meetings: Iterable[str] = ()) -> None:
        self._require("Meeting", (a.meeting_id for a in actions), "meeting_id", meetings)
        self._require("Provider", (a.owner_provider_id for a in actions), "owner_provider_id")
        people = (a.owner_person_id for a in actions if a.owner_person_id is not None)
        self._require("Person", people, "owner_person_id")

    def _stored_meeting_is(self, meeting: Meeting, version: int | None = None) -> bool:
        return self._landed(GET_MEETING, meeting, version=version, id=meeting.id)

    # --- meetings --------------------------------------------------------------------
    def add_meeting(self, meeting: Meeting) -> None:
        if self.replay and self._stored_meeting_is(meeting):
            return  # a replay: the first commit inserted it
        if self._exists("Meeting", meeting.id):
            raise Conflict(f"A meeting with id {meeting.id!r} exists.", field="id")
        self._check_meetings([meeting])
        if self._one(ADD_MEETING, row=meeting_row(meeting)) is None:
            raise Conflict(f"A meeting with id {meeting.id!r} exists.", field="id")

    def save_meeting(self, meeting: Meeting, expected_version: int) -> None:
        locked = self._one(LOCK_MEETING, id=meeting.id)
        if locked is None or locked["version"] != expected_version:
            if self.replay and self.get_meeting(meeting.id) == meeting:
                return  # a replay: the first commit saved exactly this
            raise StaleVersion("meeting", meeting.id)
        self._check_meetings([meeting])
        self._records(SAVE_MEETING, row=meeting_row(meeting))

    def get_meeting(self, meeting_id: str) -> Meeting | None:
        doc = self._doc(GET_MEETING, id=meeting_id)
        return None if doc is None else Meeting.model_validate_json(doc)

    def list_meetings(self, query: MeetingQuery, page: Page) -> Listing[Meeting]:
        values: dict[str, Any] = {
            "at_area": query.at_area,
            "level": None if query.level is None else query.level.value,
            "status": None if query.status is None else query.status.value,
            "since": query.since,
            "before": query.before,
        }
        filters, params = filtered(values, MEETING_FILTERS, query.area, "x.area_code")
        text = MEETINGS + where(filters) + page_of("x", "x.held_on DESC, x.id")
        return self._page(text, page, Meeting.model_validate_json, **params)

    # --- actions ---------------------------------------------------------------------
    def _write_actions(self, actions: Sequence[Action]) -> None:
        rows = [action_row(a) for a in actions]
        for batch in batches(rows, self.batch_size):
            self._records(WRITE_ACTIONS, rows=batch)

    def add_actions(self, actions: Sequence[Action]) -> None:
        ids = [a.id for a in actions]
        if len(ids) != len(set(ids)):
            raise Conflict("Two actions share an id.", field="id")
        if not ids:
            return
        stored = self.get_actions(ids)
        if self.replay and all(stored.get(a.id) == a for a in actions):
            return  # a replay: the first commit inserted them
        if stored:
            raise Conflict(f"An action with id {min(stored)!r} exists.", field="id")
        self._check_actions(actions)
        self._write_actions(actions)

    def save_action(self, action: Action, expected_version: int) -> None:
        locked = self._one(LOCK_ACTION, id=action.id)
        if locked is None or locked["version"] != expected_version:
            if self.replay and self.get_action(action.id) == action:
                return  # a replay: the first commit saved exactly this
            raise StaleVersion("action", action.id)
        self._check_actions([action])
        self._write_actions([action])

    def get_action(self, action_id: str) -> Action | None:
        return self.get_actions([action_id]).get(action_id)

    def get_actions(self, action_ids: Iterable[str]) -> dict[str, Action]:
        ids = list(dict.fromkeys(action_ids))
        found = (Action.model_validate_json(d) for d in self._docs(GET_ACTIONS, ids=ids))
        return {a.id: a for a in found}

    def list_actions(self, query: ActionQuery, page: Page) -> Listing[Action]:
        values: dict[str, Any] = {
            "meeting_id": query.meeting_id,
            "owner_provider_id": query.owner_provider_id,
            "owner_person_id": query.owner_person_id,
            "status": None if query.status is None else query.status.value,
            "due_before": query.due_before,
            "awaiting_pathway": query.awaiting_pathway,
        }
        filters, params = filtered(values, ACTION_FILTERS, query.area, "x.area_code")
        text = ACTIONS + where(filters) + page_of("x", "x.due_on, x.created_at, x.id")
        return self._page(text, page, Action.model_validate_json, **params)

    # --- seeding, restore, sample data ----------------------------------------------
    def load_meetings(self, meetings: Sequence[Meeting], actions: Sequence[Action]) -> int:
        self._check_meetings(meetings)
        self._check_actions(actions, {m.id for m in meetings})
        rows = [meeting_row(m) for m in meetings]
        for batch in batches(rows, self.batch_size):
            self._records(LOAD_MEETINGS, rows=batch)
        self._write_actions(actions)
        return len(meetings) + len(actions)

    def sample_meetings_present(self) -> bool:
        record = self._one(SAMPLE_PRESENT)
        return record is not None and bool(record["present"])

    def remove_sample_meetings(self, *, dry_run: bool = False) -> dict[str, int]:
        real = self._one(REAL_ACTION_OF_SAMPLE)
        if real is not None:
            raise Conflict(
                f"The real action {real['id']!r} was agreed at a sample meeting; drop or "
                "move it first.",
                field="meeting_id",
            )
        record = self._one(SAMPLE_COUNTS)
        assert record is not None
        counts = {"meetings": int(record["meetings"]), "meeting actions": int(record["actions"])}
        if not dry_run:
            self._records(REMOVE_SAMPLE)
        return counts

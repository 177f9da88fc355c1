"""Training (capacity building) on Neo4j: people, trainings, coaching, awareness.

Graph::

    (:Person)-[:WORKS_FOR]->(:Provider)
    (:Person)-[:SUPERVISES {position}]->(:Person)
    (:TrainingSession)-[:HELD_IN]->(:Area)                (in person only)
    (:Person)-[:ATTENDED {session_id, person_id, completed, recorded_at,
                          synthetic}]->(:TrainingSession)
    (:Person)-[:COACHES]->(:CoachingSession)-[:COACHED]->(:Person)
    (:Provider)-[:RAN]->(:AwarenessSession)-[:HELD_IN]->(:Area)
    (:Person)-[:FACILITATED]->(:AwarenessSession)          (when a facilitator is named)

Like the rest of the store, each node keeps its model as JSON in ``doc`` next to the
properties queries filter, join and sort on (dates as native ``DATE``, times as native
``DATETIME``) — except a person's ``supervised_by``, which lives only in the
``SUPERVISES`` links (``position`` keeps the model's order) and is read back from them.
The training policy is ``(:Meta {key: 'capacity_policy'})``, as the SLA policy is.
Row builders are in :mod:`.mapping`.

An insert that names a provider, person or session that does not exist raises
``Conflict`` before it writes anything.
See :class:`referral_graph.store.training.TrainingPort`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import LiteralString

from neo4j.time import Date

from referral_graph.adapters.neo4j.mapping import (
    Row,
    attendance_row,
    awareness_row,
    coaching_row,
    native_date,
    native_time,
    person_of,
    person_row,
    training_record_of,
    training_session_row,
)
from referral_graph.adapters.neo4j.plumbing import CypherRunner, batches, filtered, page_of, where
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    TrainingPolicy,
    TrainingRecord,
    TrainingSession,
)
from referral_graph.store.port import (
    AwarenessQuery,
    CoachingQuery,
    Listing,
    Page,
    PeopleQuery,
    TrainingPort,
    TrainingQuery,
    TrainingRecordQuery,
)

# --- people ------------------------------------------------------------------------

#: Writes ``row`` onto person ``p`` and relinks it to its provider. The supervision
#: links are written by ``SUPERVISION`` (in a load, once every person exists).
PERSON_BODY: LiteralString = """
SET p = row.props
WITH p, row
CALL (p) {
  MATCH (p)-[old:WORKS_FOR]->(:Provider)
  DELETE old
}
CALL (p, row) {
  MATCH (pr:Provider {id: row.props.provider_id})
  CREATE (p)-[:WORKS_FOR]->(pr)
}
"""

#: Replaces the SUPERVISES links into person ``p`` with those of ``row.supervised_by``.
SUPERVISION: LiteralString = """
CALL (p) {
  MATCH (:Person)-[old:SUPERVISES]->(p)
  DELETE old
}
CALL (p, row) {
  UNWIND range(0, size(row.supervised_by) - 1) AS i
  MATCH (s:Person {id: row.supervised_by[i]})
  CREATE (s)-[:SUPERVISES {position: i}]->(p)
}
"""

ADD_PERSON: LiteralString = (
    """
MERGE (p:Person {id: $row.props.id})
  ON CREATE SET p._new = true
WITH p, $row AS row
WHERE p._new IS NOT NULL
"""
    + PERSON_BODY
    + SUPERVISION
    + "RETURN p.id AS id"
)

LOCK_PERSON: LiteralString = """
MATCH (p:Person {id: $id})
SET p._lock = true
REMOVE p._lock
RETURN p.version AS version
"""

SAVE_PERSON: LiteralString = (
    """
MATCH (p:Person {id: $row.props.id})
WITH p, $row AS row
"""
    + PERSON_BODY
    + SUPERVISION
    + "RETURN p.id AS id"
)

#: A person as a map: its ``doc`` and its supervisors as ``[position, id]`` pairs.
_PERSON_MAP: LiteralString = (
    "{doc: x.doc, supervisors: [(s:Person)-[r:SUPERVISES]->(x) | [r.position, s.id]]}"
)

GET_PEOPLE: LiteralString = (
    """
UNWIND $ids AS id
MATCH (x:Person {id: id})
RETURN """
    + _PERSON_MAP
    + " AS person"
)

SUPERVISEES: LiteralString = (
    """
MATCH (:Person {id: $id})-[:SUPERVISES]->(x:Person)
WITH DISTINCT x ORDER BY x.name, x.id
RETURN """
    + _PERSON_MAP
    + " AS person"
)

PEOPLE: LiteralString = "MATCH (x:Person)\n"

PEOPLE_IN_AREA: LiteralString = "MATCH (x:Person)-[:WORKS_FOR]->(pr:Provider)\n"

PEOPLE_FILTERS: dict[str, LiteralString] = {
    "provider_id": "x.provider_id = $provider_id",
    "active": "x.active = $active",
    "role": "x.role = $role",
}

PEOPLE_PAGE: LiteralString = page_of("x", "x.provider_id, x.name, x.id", _PERSON_MAP)

# --- training ----------------------------------------------------------------------

ADD_TRAINING_SESSION: LiteralString = """
MERGE (s:TrainingSession {id: $row.id})
  ON CREATE SET s._new = true
WITH s WHERE s._new IS NOT NULL
SET s = $row
WITH s
CALL (s) {
  MATCH (a:Area {code: s.area_code})
  CREATE (s)-[:HELD_IN]->(a)
}
RETURN s.id AS id
"""

GET_TRAINING_SESSION: LiteralString = "MATCH (s:TrainingSession {id: $id}) RETURN s.doc AS doc"

TRAINING_SESSIONS: LiteralString = "MATCH (x:TrainingSession)\n"

TRAINING_FILTERS: dict[str, LiteralString] = {
    "topic": "x.topic = $topic",
    "since": "x.starts_on >= $since",
    "until": "x.starts_on < $until",
}

#: Insert-if-absent: ``MERGE`` on the pair (unique, ``attended_once``) leaves an earlier
#: attendance as it is. Counts the new ones, and on a replay the ones that hold exactly
#: this row (the first commit's). Rows are distinct pairs (the adapter sees to it).
RECORD_ATTENDANCE: LiteralString = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id}), (s:TrainingSession {id: row.session_id})
MERGE (p)-[a:ATTENDED {session_id: row.session_id, person_id: row.person_id}]->(s)
  ON CREATE SET a.completed = row.completed, a.recorded_at = row.recorded_at, a._new = true,
                a.synthetic = row.synthetic
WITH a, a._new IS NOT NULL
        OR ($replay AND a.completed = row.completed AND a.recorded_at = row.recorded_at)
        AS counted
REMOVE a._new
RETURN count(CASE WHEN counted THEN 1 END) AS created
"""

SESSION_ATTENDANCE: LiteralString = """
MATCH (p:Person)-[a:ATTENDED]->(:TrainingSession {id: $id})
RETURN a.session_id AS session_id, p.id AS person_id, a.completed AS completed,
       a.recorded_at AS recorded_at, coalesce(a.synthetic, false) AS synthetic
ORDER BY p.id
"""

TRAINING_RECORDS: LiteralString = "MATCH (p:Person)-[a:ATTENDED]->(s:TrainingSession)\n"

TRAINING_RECORDS_IN_AREA: LiteralString = (
    "MATCH (pr:Provider)<-[:WORKS_FOR]-(p:Person)-[a:ATTENDED]->(s:TrainingSession)\n"
)

TRAINING_RECORD_FILTERS: dict[str, LiteralString] = {
    "provider_id": "p.provider_id = $provider_id",
    "person_id": "p.id = $person_id",
    "topic": "s.topic = $topic",
    "active_people_only": "p.active",
}

TRAINING_RECORD_RETURN: LiteralString = """
RETURN p.id AS person_id, p.provider_id AS provider_id, s.topic AS topic,
       s.ends_on AS trained_on, s.id AS session_id, p.active AS person_active
ORDER BY person_id, trained_on, session_id
"""

TRAINING_FACTS: LiteralString = """
MATCH (p:Person)-[a:ATTENDED]->(s:TrainingSession)
WHERE a.completed AND p.active
RETURN p.provider_id AS provider_id, p.id AS person_id, s.topic AS topic, s.ends_on AS on
"""

PEOPLE_LANGUAGES: LiteralString = """
MATCH (p:Person)
WHERE p.active AND (size(coalesce(p.languages, [])) > 0 OR coalesce(p.interprets, false))
RETURN p.provider_id AS provider_id, p.id AS person_id,
       coalesce(p.languages, []) AS languages, coalesce(p.interprets, false) AS interprets
"""

# --- coaching ----------------------------------------------------------------------

ADD_COACHING: LiteralString = """
MATCH (coached:Person {id: $row.person_id}), (coach:Person {id: $row.coach_id})
MERGE (c:CoachingSession {id: $row.id})
  ON CREATE SET c._new = true
WITH coached, coach, c WHERE c._new IS NOT NULL
SET c = $row
CREATE (coach)-[:COACHES]->(c)-[:COACHED]->(coached)
RETURN c.id AS id
"""

GET_COACHING: LiteralString = "MATCH (c:CoachingSession {id: $id}) RETURN c.doc AS doc"

COACHING: LiteralString = "MATCH (x:CoachingSession)\n"

COACHING_IN_AREA: LiteralString = (
    "MATCH (x:CoachingSession)-[:COACHED]->(:Person)-[:WORKS_FOR]->(pr:Provider)\n"
)

COACHING_FILTERS: dict[str, LiteralString] = {
    "person_id": "x.person_id = $person_id",
    "coach_id": "x.coach_id = $coach_id",
}

LAST_COACHING: LiteralString = """
UNWIND $ids AS id
MATCH (:Person {id: id})<-[:COACHED]-(c:CoachingSession)
RETURN id, max(c.held_on) AS last
"""

# --- awareness ---------------------------------------------------------------------

ADD_AWARENESS: LiteralString = """
MATCH (pr:Provider {id: $row.provider_id}), (a:Area {code: $row.area_code})
OPTIONAL MATCH (f:Person {id: $row.facilitator_id})
WITH pr, a, f WHERE $row.facilitator_id IS NULL OR f IS NOT NULL
MERGE (x:AwarenessSession {id: $row.id})
  ON CREATE SET x._new = true
WITH pr, a, f, x WHERE x._new IS NOT NULL
SET x = $row
CREATE (pr)-[:RAN]->(x)-[:HELD_IN]->(a)
FOREACH (p IN CASE WHEN f IS NULL THEN [] ELSE [f] END | CREATE (p)-[:FACILITATED]->(x))
RETURN x.id AS id
"""

GET_AWARENESS: LiteralString = "MATCH (x:AwarenessSession {id: $id}) RETURN x.doc AS doc"

AWARENESS: LiteralString = "MATCH (x:AwarenessSession)\n"

AWARENESS_FILTERS: dict[str, LiteralString] = {
    "provider_id": "x.provider_id = $provider_id",
    "since": "x.held_on >= $since",
    "until": "x.held_on < $until",
}

# --- policy ------------------------------------------------------------------------

GET_TRAINING_POLICY: LiteralString = "MATCH (m:Meta {key: 'capacity_policy'}) RETURN m.doc AS doc"

SAVE_TRAINING_POLICY: LiteralString = "MERGE (m:Meta {key: 'capacity_policy'}) SET m.doc = $doc"


class Neo4jTraining(CypherRunner, TrainingPort):
    """The training part of a Neo4j transaction."""

    def _person_landed(self, person: Person, version: int | None = None) -> bool:
        """On a replay only: whether the stored person is exactly ``person``."""
        if not self.replay:
            return False
        stored = self.get_person(person.id)
        if stored is None or (version is not None and stored.version != version):
            return False
        return stored == person

    # --- people ----------------------------------------------------------------------
    def add_person(self, person: Person) -> None:
        if self._person_landed(person):
            return  # a replay: the first commit inserted it
        if self._exists("Person", person.id):
            raise Conflict(f"A person with id {person.id!r} exists.", field="id")
        self._require("Provider", [person.provider_id], "provider_id")
        self._require("Person", person.supervised_by, "supervised_by")
        if self._one(ADD_PERSON, row=person_row(person)) is None:
            # a concurrent insert took the id between the check and the MERGE
            raise Conflict(f"A person with id {person.id!r} exists.", field="id")

    def save_person(self, person: Person, expected_version: int) -> None:
        locked = self._one(LOCK_PERSON, id=person.id)
        if locked is None or locked["version"] != expected_version:
            if self._person_landed(person, expected_version + 1):
                return  # a replay: the first commit saved exactly this
            raise StaleVersion("person", person.id)
        self._require("Provider", [person.provider_id], "provider_id")
        self._require("Person", person.supervised_by, "supervised_by")
        self._records(SAVE_PERSON, row=person_row(person))

    def get_person(self, person_id: str) -> Person | None:
        return self.get_people([person_id]).get(person_id)

    def get_people(self, person_ids: Iterable[str]) -> dict[str, Person]:
        ids = list(dict.fromkeys(person_ids))
        people = [person_of(r["person"]) for r in self._records(GET_PEOPLE, ids=ids)]
        return {p.id: p for p in people}

    def list_people(self, query: PeopleQuery, page: Page) -> Listing[Person]:
        values: dict[str, object] = {
            "provider_id": query.provider_id,
            "active": query.active,
            "role": None if query.role is None else query.role.value,
        }
        filters, params = filtered(values, PEOPLE_FILTERS, query.area, "pr.area_code")
        base = PEOPLE if query.area is None else PEOPLE_IN_AREA
        return self._page(base + where(filters) + PEOPLE_PAGE, page, person_of, **params)

    def supervisees(self, person_id: str) -> list[Person]:
        return [person_of(r["person"]) for r in self._records(SUPERVISEES, id=person_id)]

    # --- training --------------------------------------------------------------------
    def add_training_session(self, session: TrainingSession) -> None:
        if session.area_code is not None:
            self._merge_areas([session.area_code])
        if self._one(ADD_TRAINING_SESSION, row=training_session_row(session)) is None:
            if self._landed(GET_TRAINING_SESSION, session, id=session.id):
                return  # a replay: the first commit inserted it
            raise Conflict(f"A training session with id {session.id!r} exists.", field="id")

    def get_training_session(self, session_id: str) -> TrainingSession | None:
        doc = self._doc(GET_TRAINING_SESSION, id=session_id)
        return None if doc is None else TrainingSession.model_validate_json(doc)

    def list_training_sessions(self, query: TrainingQuery, page: Page) -> Listing[TrainingSession]:
        values: dict[str, object] = {
            "topic": None if query.topic is None else query.topic.value,
            "since": query.since,
            "until": query.until,
        }
        filters, params = filtered(values, TRAINING_FILTERS, query.area)
        text = TRAINING_SESSIONS + where(filters) + page_of("x", "x.starts_on DESC, x.id")
        return self._page(text, page, TrainingSession.model_validate_json, **params)

    def record_attendance(self, attendance: Sequence[Attendance]) -> int:
        # The first of several rows for one pair wins, as the stored one would.
        rows: dict[tuple[str, str], Row] = {}
        for a in attendance:
            rows.setdefault((a.session_id, a.person_id), attendance_row(a))
        self._require("TrainingSession", (s for s, _ in rows), "session_id")
        self._require("Person", (p for _, p in rows), "person_id")
        created = 0
        for batch in batches(list(rows.values()), self.batch_size):
            record = self._one(RECORD_ATTENDANCE, rows=batch, replay=self.replay)
            created += 0 if record is None else int(record["created"])
        return created

    def session_attendance(self, session_id: str) -> list[Attendance]:
        return [
            Attendance(
                session_id=str(r["session_id"]),
                person_id=str(r["person_id"]),
                completed=bool(r["completed"]),
                recorded_at=native_time(r["recorded_at"]),
                synthetic=bool(r["synthetic"]),
            )
            for r in self._records(SESSION_ATTENDANCE, id=session_id)
        ]

    def training_records(self, query: TrainingRecordQuery) -> list[TrainingRecord]:
        values: dict[str, object] = {
            "provider_id": query.provider_id,
            "person_id": query.person_id,
            "topic": None if query.topic is None else query.topic.value,
            "active_people_only": query.active_people_only or None,
        }
        filters, params = filtered(values, TRAINING_RECORD_FILTERS, query.area, "pr.area_code")
        params.pop("active_people_only", None)  # a predicate without a parameter
        base = TRAINING_RECORDS if query.area is None else TRAINING_RECORDS_IN_AREA
        text = base + where(["a.completed", *filters]) + TRAINING_RECORD_RETURN
        return [training_record_of(r) for r in self._records(text, **params)]

    def training_facts(self) -> Iterator[tuple[str, str, str, date]]:
        days: dict[Date, date] = {}  # sessions share their days: convert each once
        self.flush()  # streamed, so not through ``_records``
        for provider_id, person_id, topic, on in self.tx.run(TRAINING_FACTS):
            day = days.get(on)
            if day is None:
                day = days[on] = on.to_native()
            yield provider_id, person_id, topic, day

    def people_languages(self) -> Iterator[tuple[str, str, tuple[str, ...], bool]]:
        for r in self.tx.run(PEOPLE_LANGUAGES):
            yield (
                str(r["provider_id"]),
                str(r["person_id"]),
                tuple(str(code) for code in r["languages"]),
                bool(r["interprets"]),
            )

    # --- coaching --------------------------------------------------------------------
    def add_coaching(self, session: CoachingSession) -> None:
        if self._one(ADD_COACHING, row=coaching_row(session)) is not None:
            return
        if self._landed(GET_COACHING, session, id=session.id):
            return  # a replay: the first commit inserted it
        if self._exists("CoachingSession", session.id):
            raise Conflict(f"A coaching session with id {session.id!r} exists.", field="id")
        self._require("Person", [session.person_id], "person_id")
        self._require("Person", [session.coach_id], "coach_id")
        raise Conflict(f"Coaching session {session.id!r} names a person that does not exist.")

    def list_coaching(self, query: CoachingQuery, page: Page) -> Listing[CoachingSession]:
        values: dict[str, object] = {"person_id": query.person_id, "coach_id": query.coach_id}
        filters, params = filtered(values, COACHING_FILTERS, query.area, "pr.area_code")
        base = COACHING if query.area is None else COACHING_IN_AREA
        text = base + where(filters) + page_of("x", "x.held_on DESC, x.id")
        return self._page(text, page, CoachingSession.model_validate_json, **params)

    def last_coaching(self, person_ids: Iterable[str]) -> dict[str, date]:
        ids = list(dict.fromkeys(person_ids))
        if not ids:
            return {}
        return {str(r["id"]): native_date(r["last"]) for r in self._records(LAST_COACHING, ids=ids)}

    # --- awareness -------------------------------------------------------------------
    def add_awareness_session(self, session: AwarenessSession) -> None:
        self._merge_areas([session.area_code])
        if self._one(ADD_AWARENESS, row=awareness_row(session)) is not None:
            return
        if self._landed(GET_AWARENESS, session, id=session.id):
            return  # a replay: the first commit inserted it
        if self._exists("AwarenessSession", session.id):
            raise Conflict(f"An awareness session with id {session.id!r} exists.", field="id")
        self._require("Provider", [session.provider_id], "provider_id")
        if session.facilitator_id is not None:
            self._require("Person", [session.facilitator_id], "facilitator_id")
        raise Conflict(
            f"Awareness session {session.id!r} names a provider or person that does not exist."
        )

    def list_awareness_sessions(
        self, query: AwarenessQuery, page: Page
    ) -> Listing[AwarenessSession]:
        values: dict[str, object] = {
            "provider_id": query.provider_id,
            "since": query.since,
            "until": query.until,
        }
        filters, params = filtered(values, AWARENESS_FILTERS, query.area)
        text = AWARENESS + where(filters) + page_of("x", "x.held_on DESC, x.id")
        return self._page(text, page, AwarenessSession.model_validate_json, **params)

    # --- policy ----------------------------------------------------------------------
    def get_training_policy(self) -> TrainingPolicy | None:
        doc = self._doc(GET_TRAINING_POLICY)
        return None if doc is None else TrainingPolicy.model_validate_json(doc)

    def save_training_policy(self, policy: TrainingPolicy) -> None:
        self._records(SAVE_TRAINING_POLICY, doc=policy.model_dump_json())

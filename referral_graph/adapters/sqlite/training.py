"""Training (capacity building) in SQLite: people and supervision, trainings and
attendance, coaching, awareness sessions and the training policy (see
``0006_capacity.sql``).

Every write checks its references before it writes anything, so a refused write
(``Conflict``) leaves nothing behind even inside a transaction that goes on.
See :class:`referral_graph.store.training.TrainingPort`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence, Set
from datetime import date

from referral_graph.adapters.sqlite.sql import (
    Filters,
    SqlitePart,
    in_chunks,
    page_of_docs,
    scope_sql,
)
from referral_graph.adapters.sqlite.sql import where as sql_where
from referral_graph.domain.areas import gazetteer, level_of, lineage_codes
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.isotime import iso
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    TrainingPolicy,
    TrainingRecord,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import AreaLevel
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

_NONE: frozenset[str] = frozenset()
_LEVEL_COLUMN = {
    AreaLevel.PROVINCE: "province_code",
    AreaLevel.DISTRICT: "district_code",
    AreaLevel.COMMUNE: "commune_code",
    AreaLevel.VILLAGE: "village_code",
}


def _lineage(code: str | None) -> list[str | None]:
    """The province, district, commune and village of a place (None below its level)."""
    found: dict[AreaLevel, str] = {}
    if code is not None:
        found = {level_of(c): c for c in lineage_codes(code)}
    return [found.get(level) for level in _LEVEL_COLUMN]


def _held_in(alias: str, area: str) -> tuple[str, list[object]]:
    """Sessions held in ``area`` or anywhere inside it (``UnknownArea`` if no such area)."""
    column = _LEVEL_COLUMN[gazetteer().area(area).level]
    return f"{alias}.{column} = ?", [area]


def _of_providers_in(person_column: str, area: str) -> tuple[str, list[object]]:
    """People (by ``person_column``) whose provider is located in ``area`` now."""
    inside, args = scope_sql("pr.area_code", area)
    return (
        f"{person_column} IN (SELECT pe.id FROM people pe"
        f" JOIN providers pr ON pr.id = pe.provider_id WHERE {inside})",
        args,
    )


class SqliteTraining(SqlitePart, TrainingPort):
    """The training part of a SQLite transaction."""

    # --- references --------------------------------------------------------------------
    def _existing(self, table: str, ids: Iterable[str]) -> set[str]:
        sql = f"SELECT id FROM {table} WHERE id IN ({{marks}})"
        return {r[0] for r in in_chunks(self.conn, sql, ids)}

    def _require(
        self, table: str, ids: Iterable[str], what: str, field: str, *, also: Set[str] = _NONE
    ) -> None:
        """``Conflict`` naming ``field`` unless every id is in ``table`` or ``also``."""
        wanted = [i for i in dict.fromkeys(ids) if i not in also]
        missing = sorted(set(wanted) - self._existing(table, wanted))
        if missing:
            raise Conflict(f"No {what} with id {', '.join(map(repr, missing))}.", field=field)

    def _check_people(self, people: Sequence[Person], *, also: Set[str] = _NONE) -> None:
        self._require("providers", (p.provider_id for p in people), "provider", "provider_id")
        supervisors = (s for p in people for s in p.supervised_by)
        self._require("people", supervisors, "person", "supervised_by", also=also)

    # --- people ------------------------------------------------------------------------
    def _write_person(self, p: Person) -> None:
        self.conn.execute(
            "INSERT INTO people (id, provider_id, name, role, active, version, doc)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET provider_id = excluded.provider_id,"
            " name = excluded.name, role = excluded.role, active = excluded.active,"
            " version = excluded.version, doc = excluded.doc",
            (
                p.id,
                p.provider_id,
                p.name,
                p.role.value,
                int(p.active),
                p.version,
                p.model_dump_json(),
            ),
        )

    def _link_supervisors(self, p: Person) -> None:
        self.conn.execute("DELETE FROM supervision WHERE person_id = ?", (p.id,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO supervision (person_id, supervisor_id) VALUES (?, ?)",
            [(p.id, s) for s in p.supervised_by],
        )

    def add_person(self, person: Person) -> None:
        if self._existing("people", [person.id]):
            raise Conflict(f"A person with id {person.id!r} exists.", field="id")
        self._check_people([person])
        self._write_person(person)
        self._link_supervisors(person)

    def save_person(self, person: Person, expected_version: int) -> None:
        row = self.conn.execute("SELECT version FROM people WHERE id = ?", (person.id,)).fetchone()
        if row is None or row[0] != expected_version:
            raise StaleVersion("person", person.id)
        self._check_people([person])
        self._write_person(person)
        self._link_supervisors(person)

    def get_person(self, person_id: str) -> Person | None:
        row = self.conn.execute("SELECT doc FROM people WHERE id = ?", (person_id,)).fetchone()
        return None if row is None else Person.model_validate_json(row[0])

    def get_people(self, person_ids: Iterable[str]) -> dict[str, Person]:
        sql = "SELECT doc FROM people WHERE id IN ({marks})"
        people = [Person.model_validate_json(r[0]) for r in in_chunks(self.conn, sql, person_ids)]
        return {p.id: p for p in people}

    def list_people(self, query: PeopleQuery, page: Page) -> Listing[Person]:
        f = Filters()
        f.given("p.provider_id = ?", query.provider_id)
        if query.area is not None:
            f.add(*_of_providers_in("p.id", query.area))
        f.given("p.active = ?", query.active, int)
        f.given("p.role = ?", query.role, lambda r: r.value)
        order = "p.provider_id, p.name, p.id"
        read = Person.model_validate_json
        return page_of_docs(self.conn, read, "people p", f.conditions, f.args, order, page)

    def supervisees(self, person_id: str) -> list[Person]:
        rows = self.conn.execute(
            "SELECT p.doc FROM supervision s JOIN people p ON p.id = s.person_id"
            " WHERE s.supervisor_id = ? ORDER BY p.name, p.id",
            (person_id,),
        ).fetchall()
        return [Person.model_validate_json(r[0]) for r in rows]

    # --- trainings -----------------------------------------------------------------------
    def _write_session(self, s: TrainingSession) -> None:
        columns = {
            "id": s.id,
            "topic": s.topic.value,
            "starts_on": s.starts_on.isoformat(),
            "ends_on": s.ends_on.isoformat(),
            "area_code": s.area_code,
            **dict(zip(_LEVEL_COLUMN.values(), _lineage(s.area_code), strict=True)),
            "doc": s.model_dump_json(),
        }
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
        self.conn.execute(
            f"INSERT INTO training_sessions ({names}) VALUES ({marks})"
            f" ON CONFLICT (id) DO UPDATE SET {updates}",
            list(columns.values()),
        )

    def add_training_session(self, session: TrainingSession) -> None:
        if self._existing("training_sessions", [session.id]):
            raise Conflict(f"A training session with id {session.id!r} exists.", field="id")
        self._write_session(session)

    def get_training_session(self, session_id: str) -> TrainingSession | None:
        row = self.conn.execute(
            "SELECT doc FROM training_sessions WHERE id = ?", (session_id,)
        ).fetchone()
        return None if row is None else TrainingSession.model_validate_json(row[0])

    def list_training_sessions(self, query: TrainingQuery, page: Page) -> Listing[TrainingSession]:
        f = Filters()
        f.given("s.topic = ?", query.topic, lambda t: t.value)
        if query.area is not None:
            f.add(*_held_in("s", query.area))
        f.given("s.starts_on >= ?", query.since, lambda d: d.isoformat())
        f.given("s.starts_on < ?", query.until, lambda d: d.isoformat())
        order = "s.starts_on DESC, s.id"
        read = TrainingSession.model_validate_json
        source = "training_sessions s"
        return page_of_docs(self.conn, read, source, f.conditions, f.args, order, page)

    def _check_attendance(
        self,
        attendance: Sequence[Attendance],
        *,
        known_sessions: Set[str] = _NONE,
        known_people: Set[str] = _NONE,
    ) -> None:
        self._require(
            "training_sessions",
            (a.session_id for a in attendance),
            "training session",
            "session_id",
            also=known_sessions,
        )
        self._require(
            "people", (a.person_id for a in attendance), "person", "person_id", also=known_people
        )

    def _write_attendance(self, a: Attendance, *, replace: bool) -> int:
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        cur = self.conn.execute(
            f"{verb} INTO attendance (session_id, person_id, completed, recorded_at, doc)"
            " VALUES (?, ?, ?, ?, ?)",
            (a.session_id, a.person_id, int(a.completed), iso(a.recorded_at), a.model_dump_json()),
        )
        return int(cur.rowcount)

    def record_attendance(self, attendance: Sequence[Attendance]) -> int:
        self._check_attendance(attendance)
        return sum(self._write_attendance(a, replace=False) for a in attendance)

    def session_attendance(self, session_id: str) -> list[Attendance]:
        rows = self.conn.execute(
            "SELECT doc FROM attendance WHERE session_id = ? ORDER BY person_id",
            (session_id,),
        ).fetchall()
        return [Attendance.model_validate_json(r[0]) for r in rows]

    def training_records(self, query: TrainingRecordQuery) -> list[TrainingRecord]:
        f = Filters("a.completed = 1")
        if query.area is not None:
            f.add(*_of_providers_in("p.id", query.area))
        f.given("p.provider_id = ?", query.provider_id)
        f.given("a.person_id = ?", query.person_id)
        f.given("s.topic = ?", query.topic, lambda t: t.value)
        if query.active_people_only:
            f.add("p.active = 1")
        rows = self.conn.execute(
            "SELECT a.person_id, p.provider_id, s.topic, s.ends_on, a.session_id, p.active"
            " FROM attendance a JOIN training_sessions s ON s.id = a.session_id"
            f" JOIN people p ON p.id = a.person_id {sql_where(f.conditions)}"
            " ORDER BY a.person_id, s.ends_on, a.session_id",
            f.args,
        ).fetchall()
        return [
            TrainingRecord(
                person_id=r[0],
                provider_id=r[1],
                topic=TrainingTopic(r[2]),
                trained_on=date.fromisoformat(r[3]),
                session_id=r[4],
                person_active=bool(r[5]),
            )
            for r in rows
        ]

    def training_facts(self) -> Iterator[tuple[str, str, str, date]]:
        rows = self.conn.execute(
            "SELECT p.provider_id, a.person_id, s.topic, s.ends_on"
            " FROM attendance a JOIN training_sessions s ON s.id = a.session_id"
            " JOIN people p ON p.id = a.person_id WHERE a.completed = 1 AND p.active = 1"
        )
        days: dict[str, date] = {}  # sessions share their days: parse each once
        for provider, person, topic, on in rows:
            day = days.get(on)
            if day is None:
                day = days[on] = date.fromisoformat(on)
            yield provider, person, topic, day

    def people_languages(self) -> Iterator[tuple[str, str, tuple[str, ...], bool]]:
        rows = self.conn.execute(
            "SELECT provider_id, id, json_extract(doc, '$.languages'),"
            " json_extract(doc, '$.interprets') FROM people WHERE active = 1"
        )
        for provider, person, languages, interprets in rows:
            codes = tuple(json.loads(languages)) if languages else ()
            if codes or interprets:
                yield provider, person, codes, bool(interprets)

    # --- coaching ------------------------------------------------------------------------
    def add_coaching(self, session: CoachingSession) -> None:
        if self._existing("coaching", [session.id]):
            raise Conflict(f"A coaching session with id {session.id!r} exists.", field="id")
        self._require("people", [session.person_id], "person", "person_id")
        self._require("people", [session.coach_id], "person", "coach_id")
        self.conn.execute(
            "INSERT INTO coaching (id, person_id, coach_id, held_on, doc) VALUES (?, ?, ?, ?, ?)",
            (
                session.id,
                session.person_id,
                session.coach_id,
                session.held_on.isoformat(),
                session.model_dump_json(),
            ),
        )

    def list_coaching(self, query: CoachingQuery, page: Page) -> Listing[CoachingSession]:
        f = Filters()
        f.given("c.person_id = ?", query.person_id)
        f.given("c.coach_id = ?", query.coach_id)
        if query.area is not None:
            f.add(*_of_providers_in("c.person_id", query.area))
        order = "c.held_on DESC, c.id"
        read = CoachingSession.model_validate_json
        return page_of_docs(self.conn, read, "coaching c", f.conditions, f.args, order, page)

    def last_coaching(self, person_ids: Iterable[str]) -> dict[str, date]:
        sql = (
            "SELECT person_id, max(held_on) FROM coaching WHERE person_id IN ({marks})"
            " GROUP BY person_id"
        )
        return {
            person_id: date.fromisoformat(held_on)
            for person_id, held_on in in_chunks(self.conn, sql, person_ids)
        }

    # --- awareness -----------------------------------------------------------------------
    def add_awareness_session(self, session: AwarenessSession) -> None:
        if self._existing("awareness_sessions", [session.id]):
            raise Conflict(f"An awareness session with id {session.id!r} exists.", field="id")
        self._require("providers", [session.provider_id], "provider", "provider_id")
        if session.facilitator_id is not None:
            self._require("people", [session.facilitator_id], "person", "facilitator_id")
        columns = {
            "id": session.id,
            "provider_id": session.provider_id,
            "facilitator_id": session.facilitator_id,
            "held_on": session.held_on.isoformat(),
            "topic": session.topic.value,
            "total": session.total,
            "area_code": session.area_code,
            **dict(zip(_LEVEL_COLUMN.values(), _lineage(session.area_code), strict=True)),
            "doc": session.model_dump_json(),
        }
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        self.conn.execute(
            f"INSERT INTO awareness_sessions ({names}) VALUES ({marks})", list(columns.values())
        )

    def list_awareness_sessions(
        self, query: AwarenessQuery, page: Page
    ) -> Listing[AwarenessSession]:
        f = Filters()
        if query.area is not None:
            f.add(*_held_in("w", query.area))
        f.given("w.provider_id = ?", query.provider_id)
        f.given("w.held_on >= ?", query.since, lambda d: d.isoformat())
        f.given("w.held_on < ?", query.until, lambda d: d.isoformat())
        order = "w.held_on DESC, w.id"
        read = AwarenessSession.model_validate_json
        source = "awareness_sessions w"
        return page_of_docs(self.conn, read, source, f.conditions, f.args, order, page)

    # --- policy --------------------------------------------------------------------------
    def get_training_policy(self) -> TrainingPolicy | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'capacity_policy'").fetchone()
        return None if row is None else TrainingPolicy.model_validate_json(row[0])

    def save_training_policy(self, policy: TrainingPolicy) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('capacity_policy', ?)",
            (policy.model_dump_json(),),
        )

"""Network meetings in SQLite: meetings with their participants, and their actions (see
``0050_meetings.sql``).

Every write checks its references before it writes anything, so a refused write
(``Conflict``) leaves nothing behind even inside a transaction that goes on.
See :class:`referral_graph.store.meetings.MeetingsPort`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from referral_graph.adapters.sqlite.sql import Filters, SqlitePart, in_chunks, page_of_docs
from referral_graph.domain.areas import gazetteer, level_of, lineage_codes
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.isotime import iso
from referral_graph.domain.meetings import Action, Meeting
from referral_graph.domain.vocabulary import AreaLevel
from referral_graph.store.port import ActionQuery, Listing, MeetingQuery, MeetingsPort, Page

_COLUMN = {
    AreaLevel.PROVINCE: "province_code",
    AreaLevel.DISTRICT: "district_code",
    AreaLevel.COMMUNE: "commune_code",
}


def _areas(code: str) -> list[str | None]:
    """The province, district and commune of a meeting's area (None below its level)."""
    found = {level_of(c): c for c in lineage_codes(code)}
    return [found.get(level) for level in _COLUMN]


def _inside(alias: str, area: str) -> tuple[str, list[object]]:
    """Rows whose area is ``area`` or inside it (``UnknownArea`` for no such area; a
    village holds no meeting, so nothing is inside it)."""
    column = _COLUMN.get(gazetteer().area(area).level)
    if column is None:
        return "0", []
    return f"{alias}.{column} = ?", [area]


_MEETING_COLUMNS = (
    "(id, level, area_code, province_code, district_code, commune_code, held_on, status,"
    " synthetic, version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_ACTION_COLUMNS = (
    "(id, meeting_id, owner_provider_id, owner_person_id, status, due_on, created_at,"
    " awaiting_pathway, area_code, province_code, district_code, commune_code, synthetic,"
    " version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _meeting_values(m: Meeting) -> tuple[object, ...]:
    return (
        m.id,
        m.level.value,
        m.area_code,
        *_areas(m.area_code),
        m.held_on.isoformat(),
        m.status.value,
        int(m.synthetic),
        m.version,
        m.model_dump_json(),
    )


def _action_values(a: Action) -> tuple[object, ...]:
    return (
        a.id,
        a.meeting_id,
        a.owner_provider_id,
        a.owner_person_id,
        a.status.value,
        a.due_on.isoformat(),
        iso(a.created_at),
        int(a.awaits_confirmation),
        a.area_code,
        *_areas(a.area_code),
        int(a.synthetic),
        a.version,
        a.model_dump_json(),
    )


class SqliteMeetings(SqlitePart, MeetingsPort):
    """The meetings part of a SQLite transaction."""

    # --- references --------------------------------------------------------------------
    def _present(self, table: str, ids: Iterable[str]) -> set[str]:
        sql = f"SELECT id FROM {table} WHERE id IN ({{marks}})"
        return {r[0] for r in in_chunks(self.conn, sql, ids)}

    def _need(
        self, table: str, ids: Iterable[str], what: str, field: str, also: set[str] | None = None
    ) -> None:
        wanted = [i for i in dict.fromkeys(ids) if not also or i not in also]
        missing = sorted(set(wanted) - self._present(table, wanted))
        if missing:
            raise Conflict(f"No {what} with id {', '.join(map(repr, missing))}.", field=field)

    def _check_meetings(self, meetings: Sequence[Meeting]) -> None:
        providers = (p.provider_id for m in meetings for p in m.participants)
        self._need("providers", providers, "provider", "participants")

    def _check_actions(self, actions: Sequence[Action], meetings: set[str]) -> None:
        self._need("meetings", (a.meeting_id for a in actions), "meeting", "meeting_id", meetings)
        owners = (a.owner_provider_id for a in actions)
        self._need("providers", owners, "provider", "owner_provider_id")
        people = (a.owner_person_id for a in actions if a.owner_person_id is not None)
        self._need("people", people, "person", "owner_person_id")

    # --- meetings --------------------------------------------------------------------
    def _write_meeting(self, m: Meeting) -> None:
        self.conn.execute(f"INSERT OR REPLACE INTO meetings {_MEETING_COLUMNS}", _meeting_values(m))
        self.conn.execute("DELETE FROM meeting_participants WHERE meeting_id = ?", (m.id,))
        self.conn.executemany(
            "INSERT INTO meeting_participants (meeting_id, provider_id, present) VALUES (?, ?, ?)",
            [
                (m.id, p.provider_id, None if p.present is None else int(p.present))
                for p in m.participants
            ],
        )

    def add_meeting(self, meeting: Meeting) -> None:
        if self._present("meetings", [meeting.id]):
            raise Conflict(f"A meeting with id {meeting.id!r} exists.", field="id")
        self._check_meetings([meeting])
        self._write_meeting(meeting)

    def save_meeting(self, meeting: Meeting, expected_version: int) -> None:
        row = self.conn.execute(
            "SELECT version FROM meetings WHERE id = ?", (meeting.id,)
        ).fetchone()
        if row is None or row[0] != expected_version:
            raise StaleVersion("meeting", meeting.id)
        self._check_meetings([meeting])
        self._write_meeting(meeting)

    def get_meeting(self, meeting_id: str) -> Meeting | None:
        row = self.conn.execute("SELECT doc FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        return None if row is None else Meeting.model_validate_json(row[0])

    def list_meetings(self, query: MeetingQuery, page: Page) -> Listing[Meeting]:
        f = Filters()
        if query.area is not None:
            f.add(*_inside("m", query.area))
        f.given("m.area_code = ?", query.at_area)
        f.given("m.level = ?", query.level, lambda v: v.value)
        f.given("m.status = ?", query.status, lambda v: v.value)
        f.given("m.held_on >= ?", query.since, lambda d: d.isoformat())
        f.given("m.held_on < ?", query.before, lambda d: d.isoformat())
        read = Meeting.model_validate_json
        order = "held_on DESC, id"
        return page_of_docs(self.conn, read, "meetings m", f.conditions, f.args, order, page)

    # --- actions ---------------------------------------------------------------------
    def _write_action(self, a: Action) -> None:
        self.conn.execute(
            f"INSERT OR REPLACE INTO meeting_actions {_ACTION_COLUMNS}", _action_values(a)
        )

    def add_actions(self, actions: Sequence[Action]) -> None:
        ids = [a.id for a in actions]
        if len(ids) != len(set(ids)):
            raise Conflict("Two actions share an id.", field="id")
        taken = self._present("meeting_actions", ids)
        if taken:
            raise Conflict(f"An action with id {min(taken)!r} exists.", field="id")
        self._check_actions(actions, set())
        for a in actions:
            self._write_action(a)

    def save_action(self, action: Action, expected_version: int) -> None:
        row = self.conn.execute(
            "SELECT version FROM meeting_actions WHERE id = ?", (action.id,)
        ).fetchone()
        if row is None or row[0] != expected_version:
            raise StaleVersion("action", action.id)
        self._check_actions([action], set())
        self._write_action(action)

    def get_action(self, action_id: str) -> Action | None:
        return self.get_actions([action_id]).get(action_id)

    def get_actions(self, action_ids: Iterable[str]) -> dict[str, Action]:
        sql = "SELECT doc FROM meeting_actions WHERE id IN ({marks})"
        found = (Action.model_validate_json(r[0]) for r in in_chunks(self.conn, sql, action_ids))
        return {a.id: a for a in found}

    def list_actions(self, query: ActionQuery, page: Page) -> Listing[Action]:
        f = Filters()
        if query.area is not None:
            f.add(*_inside("a", query.area))
        f.given("a.meeting_id = ?", query.meeting_id)
        f.given("a.owner_provider_id = ?", query.owner_provider_id)
        f.given("a.owner_person_id = ?", query.owner_person_id)
        f.given("a.status = ?", query.status, lambda v: v.value)
        f.given("a.due_on < ?", query.due_before, lambda d: d.isoformat())
        f.given("a.awaiting_pathway = ?", query.awaiting_pathway, int)
        read = Action.model_validate_json
        order = "due_on, created_at, id"
        return page_of_docs(self.conn, read, "meeting_actions a", f.conditions, f.args, order, page)

    # --- seeding, restore, sample data ----------------------------------------------
    def load_meetings(self, meetings: Sequence[Meeting], actions: Sequence[Action]) -> int:
        self._check_meetings(meetings)
        self._check_actions(actions, {m.id for m in meetings})
        for m in meetings:
            self._write_meeting(m)
        for a in actions:
            self._write_action(a)
        return len(meetings) + len(actions)

    def sample_meetings_present(self) -> bool:
        row = self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM meetings WHERE synthetic = 1)"
            " OR EXISTS (SELECT 1 FROM meeting_actions WHERE synthetic = 1)"
        ).fetchone()
        return bool(row[0])

    def remove_sample_meetings(self, *, dry_run: bool = False) -> dict[str, int]:
        real = self.conn.execute(
            "SELECT a.id FROM meeting_actions a JOIN meetings m ON m.id = a.meeting_id"
            " WHERE m.synthetic = 1 AND a.synthetic = 0 ORDER BY a.id LIMIT 1"
        ).fetchone()
        if real is not None:
            raise Conflict(
                f"The real action {real[0]!r} was agreed at a sample meeting; drop or move "
                "it first.",
                field="meeting_id",
            )
        meetings = self.conn.execute("SELECT count(*) FROM meetings WHERE synthetic = 1")
        actions = self.conn.execute("SELECT count(*) FROM meeting_actions WHERE synthetic = 1")
        counts = {"meetings": meetings.fetchone()[0], "meeting actions": actions.fetchone()[0]}
        if not dry_run:
            self.conn.execute("DELETE FROM meeting_actions WHERE synthetic = 1")
            self.conn.execute("DELETE FROM meetings WHERE synthetic = 1")
        return counts

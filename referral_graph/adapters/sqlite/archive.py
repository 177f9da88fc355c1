"""Seeding, export and restore, metrics, retention and access-log housekeeping in SQLite.

Built on the other parts' writers (a bulk load writes rows exactly as one insert
would, with ``INSERT OR REPLACE``). See :class:`referral_graph.store.archive.ArchivePort`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from referral_graph.adapters.sqlite.accounts import ACCESS_COLUMNS
from referral_graph.adapters.sqlite.cases import SqliteCases
from referral_graph.adapters.sqlite.directory import (
    PATHWAY_COLUMNS,
    SqliteDirectory,
    pathway_values,
)
from referral_graph.adapters.sqlite.sample_data import SqliteSampleData
from referral_graph.adapters.sqlite.sql import page_of_docs
from referral_graph.adapters.sqlite.training import SqliteTraining
from referral_graph.domain.errors import Conflict
from referral_graph.domain.isotime import iso
from referral_graph.domain.models import Case, Pathway, Provider, Referral, ReferralEvent
from referral_graph.domain.training import Attendance, Person, TrainingSession
from referral_graph.store.port import ArchivePort, Listing, Page


class SqliteArchive(SqliteSampleData, SqliteDirectory, SqliteCases, SqliteTraining, ArchivePort):
    """The archive part of a SQLite transaction (over the directory, cases and training
    parts, whose writers it reuses)."""

    # --- seeding ---------------------------------------------------------------------
    def load_directory(self, providers: Sequence[Provider], pathways: Sequence[Pathway]) -> int:
        for p in providers:
            self._write_provider(p, replace=True)
        try:
            self.conn.executemany(
                f"INSERT OR REPLACE INTO pathways {PATHWAY_COLUMNS}",
                [pathway_values(w) for w in pathways],
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict("A pathway links a provider that does not exist.") from exc
        self.bump_directory_version()
        return len(providers) + len(pathways)

    def load_training(
        self,
        people: Sequence[Person],
        sessions: Sequence[TrainingSession],
        attendance: Sequence[Attendance],
    ) -> int:
        loaded_people = {p.id for p in people}
        self._check_people(people, also=loaded_people)
        self._check_attendance(
            attendance, known_sessions={s.id for s in sessions}, known_people=loaded_people
        )
        for p in people:
            self._write_person(p)
        for p in people:  # once every person of the load exists
            self._link_supervisors(p)
        for s in sessions:
            self._write_session(s)
        for a in attendance:
            self._write_attendance(a, replace=True)
        return len(people) + len(sessions) + len(attendance)

    # --- backup and metrics ----------------------------------------------------------
    def all_cases(self, page: Page) -> Listing[Case]:
        read = Case.model_validate_json
        return page_of_docs(self.conn, read, "cases", [], [], "opened_at, id", page)

    def all_referrals(self, page: Page) -> Listing[Referral]:
        read = Referral.model_validate_json
        return page_of_docs(self.conn, read, "referrals", [], [], "created_at, id", page)

    def restore_referral(self, referral: Referral, events: Sequence[ReferralEvent]) -> None:
        if not events or any(e.referral_id != referral.id for e in events):
            raise Conflict(f"Referral {referral.id!r} must be restored with its own events.")
        try:
            self.add_referral(referral, events[0])
            for event in events[1:]:
                self._insert_event(event)
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"Referral {referral.id!r} cannot be restored: {exc}") from exc

    def count_referrals_by_status(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, count(*) FROM referrals GROUP BY status")
        return {str(status): int(n) for status, n in rows}

    # --- retention -------------------------------------------------------------------
    def cases_to_purge(self, closed_before: datetime, limit: int) -> list[Case]:
        rows = self.conn.execute(
            "SELECT doc FROM cases WHERE status = 'closed' AND purged_at IS NULL"
            " AND closed_at < ? ORDER BY closed_at, id LIMIT ?",
            (iso(closed_before), limit),
        ).fetchall()
        return [Case.model_validate_json(r[0]) for r in rows]

    def purge_texts(self, referrals: Sequence[Referral]) -> None:
        for referral in referrals:
            self.conn.execute(
                "UPDATE referrals SET status_reason = NULL, doc = ? WHERE id = ?",
                (referral.model_dump_json(), referral.id),
            )
            for event in self.referral_events(referral.id):
                cleared = event.model_copy(update={"reason": None, "outcome": None, "note": None})
                self.conn.execute(
                    "UPDATE referral_events SET doc = ? WHERE id = ?",
                    (cleared.model_dump_json(), event.id),
                )

    # --- access log housekeeping -----------------------------------------------------
    def settle_access(self, limit: int) -> int:
        """Move the journal's oldest ``limit`` records into the indexed log, sorted by
        object so that each index page is written once for many rows. A record whose id
        the log holds already (the same record appended twice) is not copied again."""
        top = self.conn.execute(
            "SELECT max(seq) FROM (SELECT seq FROM access_journal ORDER BY seq LIMIT ?)",
            (limit,),
        ).fetchone()[0]
        if top is None:
            return 0
        self.conn.execute(
            f"INSERT OR IGNORE INTO access_log ({ACCESS_COLUMNS}) SELECT {ACCESS_COLUMNS}"
            " FROM access_journal WHERE seq <= ? ORDER BY object_id, at",
            (top,),
        )
        return self.conn.execute("DELETE FROM access_journal WHERE seq <= ?", (top,)).rowcount

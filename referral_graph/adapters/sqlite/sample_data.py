"""Sample data in SQLite: is any stored, and removing all of it (and only it) in the
transaction that asks (see ``Transaction.remove_sample_data``).

A record is sample data when its JSON ``doc`` says ``"synthetic": true``; attendance and
coaching written before they carried the mark count when every person and session they
link is sample data. References are checked before anything is deleted, so a refused
removal leaves the store as it was.
"""

from __future__ import annotations

import sqlite3

from referral_graph.domain.errors import SampleDataInUse

_MARKED = "json_extract({}.doc, '$.synthetic') = 1"
_PEOPLE = "SELECT id FROM people WHERE json_extract(doc, '$.synthetic') = 1"
_SESSIONS = "SELECT id FROM training_sessions WHERE json_extract(doc, '$.synthetic') = 1"

#: Per kind: the table, and which of its rows are sample data (alias ``x``).
_SAMPLE: dict[str, tuple[str, str]] = {
    "awareness sessions": ("awareness_sessions", _MARKED.format("x")),
    "coaching sessions": (
        "coaching",
        f"({_MARKED.format('x')} OR (x.person_id IN ({_PEOPLE}) AND x.coach_id IN ({_PEOPLE})))",
    ),
    "attendance": (
        "attendance",
        f"({_MARKED.format('x')}"
        f" OR (x.person_id IN ({_PEOPLE}) AND x.session_id IN ({_SESSIONS})))",
    ),
    "people": ("people", _MARKED.format("x")),
    "training sessions": ("training_sessions", _MARKED.format("x")),
}

#: Records that are not sample data but refer to some: what they are, and how to count them.
_BLOCKERS: dict[str, str] = {
    "people supervised by a sample person": (
        f"SELECT count(*) FROM supervision WHERE supervisor_id IN ({_PEOPLE})"
        f" AND person_id NOT IN ({_PEOPLE})"
    ),
    "attendance records of a sample person or at a sample training": (
        f"SELECT count(*) FROM attendance x WHERE NOT {_SAMPLE['attendance'][1]}"
        f" AND (x.person_id IN ({_PEOPLE}) OR x.session_id IN ({_SESSIONS}))"
    ),
    "coaching sessions of or by a sample person": (
        f"SELECT count(*) FROM coaching x WHERE NOT {_SAMPLE['coaching sessions'][1]}"
        f" AND (x.person_id IN ({_PEOPLE}) OR x.coach_id IN ({_PEOPLE}))"
    ),
    "awareness sessions a sample person facilitated": (
        f"SELECT count(*) FROM awareness_sessions x WHERE NOT {_MARKED.format('x')}"
        f" AND x.facilitator_id IN ({_PEOPLE})"
    ),
}


class SqliteSampleData:
    """The sample-data part of a SQLite transaction (mixed into ``SqliteTransaction``)."""

    conn: sqlite3.Connection

    def sample_data_present(self) -> bool:
        tables = ("people", "training_sessions", "awareness_sessions", "attendance", "coaching")
        probe = " OR ".join(
            f"EXISTS (SELECT 1 FROM {t} x WHERE {_MARKED.format('x')})" for t in tables
        )
        return bool(self.conn.execute(f"SELECT {probe}").fetchone()[0])

    def remove_sample_data(self, *, dry_run: bool = False) -> dict[str, int]:
        blockers = {
            what: n
            for what, sql in _BLOCKERS.items()
            if (n := self.conn.execute(sql).fetchone()[0])
        }
        if blockers:
            raise SampleDataInUse(blockers)
        counts: dict[str, int] = {}
        for kind, (table, sample) in _SAMPLE.items():  # dependants first
            if dry_run:
                sql = f"SELECT count(*) FROM {table} x WHERE {sample}"
                counts[kind] = int(self.conn.execute(sql).fetchone()[0])
                continue
            if kind == "people":
                self.conn.execute(
                    f"DELETE FROM supervision WHERE person_id IN ({_PEOPLE})"
                    f" OR supervisor_id IN ({_PEOPLE})"
                )
            # A DELETE takes no alias: the predicate, which names the table ``x``, picks
            # the keys in a subquery.
            key = "(session_id, person_id)" if table == "attendance" else "id"
            picked = "x.session_id, x.person_id" if table == "attendance" else "x.id"
            chosen = f"SELECT {picked} FROM {table} x WHERE {sample}"
            cursor = self.conn.execute(f"DELETE FROM {table} WHERE {key} IN ({chosen})")
            counts[kind] = int(cursor.rowcount)
        return counts

"""Identifications in SQLite: a row per identification, the model as JSON in ``doc``
and the columns the CCWC's queue, the identifier's list and the audit filter on.

See :class:`referral_graph.store.intake.IntakePort`.
"""

from __future__ import annotations

import sqlite3

from referral_graph.adapters.sqlite.sql import Filters, SqlitePart, page_of_docs, scope_sql
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.identification import Identification
from referral_graph.domain.isotime import iso
from referral_graph.store.port import IdentificationQuery, IntakePort, Listing, Page


def _columns(i: Identification) -> dict[str, object]:
    return {
        "id": i.id,
        "identified_by_provider_id": i.identified_by_provider_id,
        "to_provider_id": i.to_provider_id,
        "village_code": i.village_code,
        "source": i.source.value,
        "status": i.status.value,
        "created_at": iso(i.created_at),
        "case_id": i.case_id,
        "version": i.version,
        "doc": i.model_dump_json(),
    }


class SqliteIntake(SqlitePart, IntakePort):
    """The identifications part of a SQLite transaction."""

    def add_identification(self, identification: Identification) -> None:
        columns = _columns(identification)
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        try:
            self.conn.execute(
                f"INSERT INTO identifications ({names}) VALUES ({marks})", list(columns.values())
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(
                f"An identification with id {identification.id!r} exists, or it names a "
                "provider or case that does not.",
                field="id",
            ) from exc

    def save_identification(self, identification: Identification, expected_version: int) -> None:
        columns = _columns(identification)
        del columns["id"]
        assignments = ", ".join(f"{name} = ?" for name in columns)
        try:
            cur = self.conn.execute(
                f"UPDATE identifications SET {assignments} WHERE id = ? AND version = ?",
                [*columns.values(), identification.id, expected_version],
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(
                f"Case {identification.case_id!r} does not exist or came from another "
                "identification.",
                field="case_id",
            ) from exc
        if cur.rowcount != 1:
            raise StaleVersion("identification", identification.id, None)

    def get_identification(self, identification_id: str) -> Identification | None:
        row = self.conn.execute(
            "SELECT doc FROM identifications WHERE id = ?", (identification_id,)
        ).fetchone()
        return None if row is None else Identification.model_validate_json(row[0])

    def list_identifications(
        self, query: IdentificationQuery, page: Page
    ) -> Listing[Identification]:
        f = Filters()
        f.given("(identified_by_provider_id = ? OR to_provider_id = ?)", query.provider_id)
        f.given("identified_by_provider_id = ?", query.from_provider_id)
        f.given("to_provider_id = ?", query.to_provider_id)
        if query.statuses is not None:
            marks = ",".join("?" * len(query.statuses)) or "NULL"
            f.add(f"status IN ({marks})", [s.value for s in query.statuses])
        if query.area is not None:
            f.add(*scope_sql("village_code", query.area))
        f.given("created_at >= ?", query.since, iso)
        f.given("created_at < ?", query.until, iso)
        read = Identification.model_validate_json
        order = "created_at DESC, id DESC"
        return page_of_docs(self.conn, read, "identifications", f.conditions, f.args, order, page)

    def identification_of_case(self, case_id: str) -> Identification | None:
        row = self.conn.execute(
            "SELECT doc FROM identifications WHERE case_id = ?", (case_id,)
        ).fetchone()
        return None if row is None else Identification.model_validate_json(row[0])

"""The directory in SQLite: providers (with their areas and services in side tables
that the filters join), pathways, the directory version and routing history.

See :class:`referral_graph.store.directory.DirectoryPort`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from referral_graph.adapters.sqlite.sql import (
    Filters,
    Row,
    SqlitePart,
    in_chunks,
    page_of_docs,
    page_of_rows,
    scope_sql,
)
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.isotime import iso, parse_iso
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.vocabulary import Service
from referral_graph.store.port import (
    OPEN_STATUSES,
    DirectoryPort,
    Listing,
    Page,
    PathwayQuery,
    ProviderActivity,
    ProviderQuery,
    ServiceGap,
    area_prefixes,
)


def _genders(provider: Provider) -> str:
    genders = sorted(g.value for g in provider.eligibility.genders)
    return f",{','.join(genders)}," if genders else ""


def pathway_values(w: Pathway) -> tuple[object, ...]:
    """A pathway's columns, in the order ``INSERT INTO pathways`` names them."""
    return (w.id, w.from_provider_id, w.to_provider_id, w.service.value, w.model_dump_json())


PATHWAY_COLUMNS = "(id, from_provider_id, to_provider_id, service, doc) VALUES (?, ?, ?, ?, ?)"


def _gap(r: Row) -> ServiceGap:
    return ServiceGap(
        r[0], r[1], Service(r[2]), r[3], tuple(filter(None, r[4].split(","))), parse_iso(r[5])
    )


class SqliteDirectory(SqlitePart, DirectoryPort):
    """The directory part of a SQLite transaction."""

    # --- providers -------------------------------------------------------------------
    def _write_provider(self, p: Provider, *, replace: bool) -> None:
        """Insert (or replace) a provider with its areas and services."""
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        self.conn.execute(
            f"{verb} INTO providers (id, kind, area_code, active, min_age, max_age, genders,"
            " version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                p.id,
                p.kind.value,
                p.area_code,
                int(p.active),
                p.eligibility.min_age,
                p.eligibility.max_age,
                _genders(p),
                p.version,
                p.model_dump_json(),
            ),
        )
        self.conn.execute("DELETE FROM provider_areas WHERE provider_id = ?", (p.id,))
        self.conn.execute("DELETE FROM provider_services WHERE provider_id = ?", (p.id,))
        rows = [(p.id, p.area_code, "located")] + [(p.id, c, "covers") for c in p.coverage]
        self.conn.executemany(
            "INSERT OR IGNORE INTO provider_areas (provider_id, code, relation) VALUES (?, ?, ?)",
            rows,
        )
        self.conn.executemany(
            "INSERT INTO provider_services (provider_id, service) VALUES (?, ?)",
            [(p.id, s.value) for s in p.services],
        )

    def add_provider(self, provider: Provider) -> None:
        try:
            self._write_provider(provider, replace=False)
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"A provider with id {provider.id!r} exists.", field="id") from exc
        self.bump_directory_version()

    def save_provider(self, provider: Provider, expected_version: int) -> None:
        row = self.conn.execute(
            "SELECT version FROM providers WHERE id = ?", (provider.id,)
        ).fetchone()
        if row is None or row[0] != expected_version:
            raise StaleVersion("provider", provider.id)
        self._write_provider(provider, replace=True)
        self.bump_directory_version()

    def get_provider(self, provider_id: str) -> Provider | None:
        row = self.conn.execute("SELECT doc FROM providers WHERE id = ?", (provider_id,)).fetchone()
        return None if row is None else Provider.model_validate_json(row[0])

    def get_providers(self, provider_ids: Iterable[str]) -> dict[str, Provider]:
        sql = "SELECT doc FROM providers WHERE id IN ({marks})"
        providers = [
            Provider.model_validate_json(r[0]) for r in in_chunks(self.conn, sql, provider_ids)
        ]
        return {p.id: p for p in providers}

    def list_providers(self, query: ProviderQuery, page: Page) -> Listing[Provider]:
        f = Filters()
        if query.area is not None:
            containing = area_prefixes(query.area)
            inside, inside_args = scope_sql("code", query.area)
            marks = ",".join("?" * len(containing))
            f.add(
                "id IN (SELECT provider_id FROM provider_areas"
                f" WHERE code IN ({marks}) OR {inside})",
                [*containing, *inside_args],
            )
        service = "id IN (SELECT provider_id FROM provider_services WHERE service = ?)"
        f.given(service, query.service, lambda s: s.value)
        f.given("kind = ?", query.kind, lambda k: k.value)
        f.given("min_age <= ? AND max_age >= ?", query.age)
        f.given("(genders = '' OR genders LIKE ?)", query.gender, lambda g: f"%,{g.value},%")
        f.given("active = ?", query.active, int)
        read = Provider.model_validate_json
        return page_of_docs(self.conn, read, "providers", f.conditions, f.args, "id", page)

    # --- pathways --------------------------------------------------------------------
    def add_pathway(self, pathway: Pathway) -> None:
        try:
            self.conn.execute(f"INSERT INTO pathways {PATHWAY_COLUMNS}", pathway_values(pathway))
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"A pathway with id {pathway.id!r} exists.", field="id") from exc
        self.bump_directory_version()

    def get_pathway(self, pathway_id: str) -> Pathway | None:
        row = self.conn.execute("SELECT doc FROM pathways WHERE id = ?", (pathway_id,)).fetchone()
        return None if row is None else Pathway.model_validate_json(row[0])

    def list_pathways(self, query: PathwayQuery, page: Page) -> Listing[Pathway]:
        f = Filters()
        f.given("from_provider_id = ?", query.from_provider_id)
        f.given("to_provider_id = ?", query.to_provider_id)
        f.given("service = ?", query.service, lambda s: s.value)
        read = Pathway.model_validate_json
        return page_of_docs(self.conn, read, "pathways", f.conditions, f.args, "id", page)

    # --- directory version -----------------------------------------------------------
    def directory_version(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'directory_version'").fetchone()
        return int(row[0])

    def bump_directory_version(self) -> int:
        self.conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'directory_version'"
        )
        return self.directory_version()

    # --- routing ---------------------------------------------------------------------
    def activity_version(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'activity_version'").fetchone()
        return 0 if row is None else int(row[0])

    def open_referral_counts(self) -> dict[str, int]:
        # The condition is the partial index's own (0040_routing_activity.sql), written
        # out so that SQLite uses it.
        rows = self.conn.execute(
            "SELECT to_provider_id, count(*) FROM referrals WHERE status IN"
            " ('requested', 'received', 'accepted', 'in_progress', 'on_hold')"
            " GROUP BY to_provider_id"
        )
        return {str(pid): int(n) for pid, n in rows}

    def provider_activity(self, since: datetime) -> dict[str, ProviderActivity]:
        marks = ",".join("?" * len(OPEN_STATUSES))
        open_counts = dict(
            self.conn.execute(
                f"SELECT to_provider_id, count(*) FROM referrals WHERE status IN ({marks})"
                " GROUP BY to_provider_id",
                [s.value for s in OPEN_STATUSES],
            ).fetchall()
        )
        waits: dict[str, list[float]] = {}
        for pid, created, received in self.conn.execute(
            "SELECT to_provider_id, created_at, received_at FROM referrals"
            " WHERE received_at IS NOT NULL AND created_at >= ?",
            (iso(since),),
        ):
            seconds = (parse_iso(received) - parse_iso(created)).total_seconds()
            waits.setdefault(pid, []).append(seconds)
        return {
            pid: ProviderActivity(open_counts.get(pid, 0), tuple(waits.get(pid, ())))
            for pid in set(open_counts) | set(waits)
        }

    def record_service_gap(self, gap: ServiceGap) -> None:
        try:
            self.conn.execute(
                "INSERT OR IGNORE INTO service_gaps (id, case_id, service, village_code,"
                " reachable_by, at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    gap.id,
                    gap.case_id,
                    gap.service.value,
                    gap.village_code,
                    ",".join(gap.reachable_by),
                    iso(gap.at),
                ),
            )
        except sqlite3.IntegrityError:  # the only key it refers to is the case's
            raise Conflict(f"No case with id {gap.case_id!r}.", field="case_id") from None

    def service_gaps(self, area: str, page: Page) -> Listing[ServiceGap]:
        inside, args = scope_sql("village_code", area)
        columns = "id, case_id, service, village_code, reachable_by, at"
        return page_of_rows(
            self.conn, _gap, "service_gaps", [inside], args, "at DESC, id", page, columns=columns
        )

"""Reads and writes of one SQLite transaction (see :class:`referral_graph.store.port`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from referral_graph.adapters.sqlite.accounts import SqliteAccounts, SqliteIdempotency
from referral_graph.adapters.sqlite.codec import opt_ts as _opt_ts
from referral_graph.adapters.sqlite.codec import ts as _ts
from referral_graph.adapters.sqlite.sample_data import SqliteSampleData
from referral_graph.adapters.sqlite.sql import scope_sql
from referral_graph.adapters.sqlite.training import SqliteTraining
from referral_graph.domain.areas import scope
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import (
    Case,
    Pathway,
    Provider,
    Referral,
    ReferralEvent,
    TimelinessAlert,
)
from referral_graph.domain.sla import SlaPolicy
from referral_graph.domain.vocabulary import Service
from referral_graph.store.port import (
    OPEN_STATUSES,
    AlertQuery,
    DueQuery,
    HistoryQuery,
    HopFact,
    InboxQuery,
    Listing,
    OutboxMessage,
    Page,
    PathwayQuery,
    ProviderActivity,
    ProviderQuery,
    ServiceGap,
    Transaction,
    area_prefixes,
)


def _step(referral: Referral, status: ReferralStatus) -> str | None:
    return _opt_ts(referral.step_times.get(status))


def _changing_columns(referral: Referral) -> dict[str, object]:
    """The columns a transition (or the scheduler) may change, from the model."""
    due = referral.due
    return {
        "status": referral.status.value,
        "risk": referral.risk.value,
        "received_at": _step(referral, ReferralStatus.RECEIVED),
        "accepted_at": _step(referral, ReferralStatus.ACCEPTED),
        "rejected_at": _step(referral, ReferralStatus.REJECTED),
        "in_progress_at": _step(referral, ReferralStatus.IN_PROGRESS),
        "closed_at": _ts(referral.updated_at) if referral.status.is_closed else None,
        "acknowledge_due": None if due is None else _ts(due.acknowledge),
        "decide_due": None if due is None else _ts(due.decide),
        "first_contact_due": None if due is None else _ts(due.first_contact),
        "pending_due_at": _opt_ts(referral.pending_due_at),
        "next_alert_at": _opt_ts(referral.next_alert_at),
        "status_reason": referral.status_reason,
        "updated_at": _ts(referral.updated_at),
        "version": referral.version,
        "doc": referral.model_dump_json(),
    }


def _genders(provider: Provider) -> str:
    genders = sorted(g.value for g in provider.eligibility.genders)
    return f",{','.join(genders)}," if genders else ""


class SqliteTransaction(
    SqliteAccounts, SqliteIdempotency, SqliteTraining, SqliteSampleData, Transaction
):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # --- directory -------------------------------------------------------------------
    def _write_provider(self, p: Provider, *, replace: bool) -> None:
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
        ids = list(dict.fromkeys(provider_ids))
        found: dict[str, Provider] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for (doc,) in self.conn.execute(
                f"SELECT doc FROM providers WHERE id IN ({marks})",
                chunk,
            ):
                p = Provider.model_validate_json(doc)
                found[p.id] = p
        return found

    def list_providers(self, query: ProviderQuery, page: Page) -> Listing[Provider]:
        where: list[str] = []
        args: list[object] = []
        if query.area is not None:
            containing = area_prefixes(query.area)
            inside, inside_args = scope_sql("code", query.area)
            marks = ",".join("?" * len(containing))
            where.append(
                "id IN (SELECT provider_id FROM provider_areas"
                f" WHERE code IN ({marks}) OR {inside})"
            )
            args += [*containing, *inside_args]
        if query.service is not None:
            where.append("id IN (SELECT provider_id FROM provider_services WHERE service = ?)")
            args.append(query.service.value)
        if query.kind is not None:
            where.append("kind = ?")
            args.append(query.kind.value)
        if query.age is not None:
            where.append("min_age <= ? AND max_age >= ?")
            args += [query.age, query.age]
        if query.gender is not None:
            where.append("(genders = '' OR genders LIKE ?)")
            args.append(f"%,{query.gender.value},%")
        if query.active is not None:
            where.append("active = ?")
            args.append(int(query.active))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        count = self.conn.execute(
            f"SELECT count(*) FROM providers {clause}",
            args,
        ).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT doc FROM providers {clause} ORDER BY id LIMIT ? OFFSET ?",
            [*args, page.limit, page.offset],
        ).fetchall()
        return Listing([Provider.model_validate_json(r[0]) for r in rows], count)

    def add_pathway(self, pathway: Pathway) -> None:
        try:
            self.conn.execute(
                "INSERT INTO pathways (id, from_provider_id, to_provider_id, service, doc)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    pathway.id,
                    pathway.from_provider_id,
                    pathway.to_provider_id,
                    pathway.service.value,
                    pathway.model_dump_json(),
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"A pathway with id {pathway.id!r} exists.", field="id") from exc
        self.bump_directory_version()

    def get_pathway(self, pathway_id: str) -> Pathway | None:
        row = self.conn.execute("SELECT doc FROM pathways WHERE id = ?", (pathway_id,)).fetchone()
        return None if row is None else Pathway.model_validate_json(row[0])

    def list_pathways(self, query: PathwayQuery, page: Page) -> Listing[Pathway]:
        where: list[str] = []
        args: list[object] = []
        for column, value in (
            ("from_provider_id", query.from_provider_id),
            ("to_provider_id", query.to_provider_id),
            ("service", query.service.value if query.service else None),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        count = self.conn.execute(
            f"SELECT count(*) FROM pathways {clause}",
            args,
        ).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT doc FROM pathways {clause} ORDER BY id LIMIT ? OFFSET ?",
            [*args, page.limit, page.offset],
        ).fetchall()
        return Listing([Pathway.model_validate_json(r[0]) for r in rows], count)

    def load_directory(self, providers: Sequence[Provider], pathways: Sequence[Pathway]) -> int:
        for p in providers:
            self._write_provider(p, replace=True)
        try:
            self.conn.executemany(
                "INSERT OR REPLACE INTO pathways"
                " (id, from_provider_id, to_provider_id, service, doc) VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        w.id,
                        w.from_provider_id,
                        w.to_provider_id,
                        w.service.value,
                        w.model_dump_json(),
                    )
                    for w in pathways
                ],
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict("A pathway links a provider that does not exist.") from exc
        self.bump_directory_version()
        return len(providers) + len(pathways)

    def directory_version(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'directory_version'").fetchone()
        return int(row[0])

    def bump_directory_version(self) -> int:
        self.conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'directory_version'"
        )
        return self.directory_version()

    # --- cases -----------------------------------------------------------------------
    def add_case(self, case: Case) -> None:
        try:
            self.conn.execute(
                "INSERT INTO cases (id, code, village_code, opened_by_provider_id, opened_at,"
                " version, status, closed_at, purged_at, doc)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    case.id,
                    case.code,
                    case.village_code,
                    case.opened_by_provider_id,
                    _ts(case.opened_at),
                    case.version,
                    case.status.value,
                    _opt_ts(case.closed_at),
                    _opt_ts(case.purged_at),
                    case.model_dump_json(),
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"A case with id {case.id!r} or code {case.code!r} exists.") from exc

    def save_case(self, case: Case, expected_version: int) -> None:
        try:
            cur = self.conn.execute(
                "UPDATE cases SET code = ?, version = ?, status = ?, closed_at = ?,"
                " purged_at = ?, doc = ? WHERE id = ? AND version = ?",
                (
                    case.code,
                    case.version,
                    case.status.value,
                    _opt_ts(case.closed_at),
                    _opt_ts(case.purged_at),
                    case.model_dump_json(),
                    case.id,
                    expected_version,
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"A case with code {case.code!r} exists.") from exc
        if cur.rowcount != 1:
            raise StaleVersion("case", case.id)

    def get_case(self, case_id: str) -> Case | None:
        row = self.conn.execute("SELECT doc FROM cases WHERE id = ?", (case_id,)).fetchone()
        return None if row is None else Case.model_validate_json(row[0])

    def count_cases(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM cases").fetchone()[0])

    # --- referrals -------------------------------------------------------------------
    def _insert_event(self, event: ReferralEvent) -> None:
        self.conn.execute(
            "INSERT INTO referral_events (id, referral_id, sequence, at, doc)"
            " VALUES (?, ?, ?, ?, ?)",
            (event.id, event.referral_id, event.sequence, _ts(event.at), event.model_dump_json()),
        )

    def add_referral(self, referral: Referral, event: ReferralEvent) -> None:
        case = self.conn.execute(
            "SELECT village_code, opened_at FROM cases WHERE id = ?", (referral.case_id,)
        ).fetchone()
        if case is None:
            raise Conflict(f"No case with id {referral.case_id!r}.", field="case_id")
        columns = {
            "id": referral.id,
            "case_id": referral.case_id,
            "from_provider_id": referral.from_provider_id,
            "to_provider_id": referral.to_provider_id,
            "continues_referral_id": referral.continues_referral_id,
            "service": referral.service.value,
            "hop": referral.hop,
            "village_code": case[0],
            "province_code": case[0][:2],
            "district_code": case[0][:4],
            "case_opened_at": case[1],
            "created_at": _ts(referral.created_at),
            "recommendation_rank": referral.recommendation_rank,
            **_changing_columns(referral),
        }
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        try:
            self.conn.execute(
                f"INSERT INTO referrals ({names}) VALUES ({marks})", list(columns.values())
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"A referral with id {referral.id!r} exists.", field="id") from exc
        self._insert_event(event)

    def save_referral(
        self, referral: Referral, expected_version: int, event: ReferralEvent
    ) -> None:
        columns = _changing_columns(referral)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        cur = self.conn.execute(
            f"UPDATE referrals SET {assignments} WHERE id = ? AND version = ?",
            [*columns.values(), referral.id, expected_version],
        )
        if cur.rowcount != 1:
            row = self.conn.execute(
                "SELECT status FROM referrals WHERE id = ?", (referral.id,)
            ).fetchone()
            raise StaleVersion("referral", referral.id, None if row is None else row[0])
        self._insert_event(event)

    def get_referral(self, referral_id: str) -> Referral | None:
        row = self.conn.execute("SELECT doc FROM referrals WHERE id = ?", (referral_id,)).fetchone()
        return None if row is None else Referral.model_validate_json(row[0])

    def referral_events(self, referral_id: str) -> list[ReferralEvent]:
        rows = self.conn.execute(
            "SELECT doc FROM referral_events WHERE referral_id = ? ORDER BY sequence",
            (referral_id,),
        ).fetchall()
        return [ReferralEvent.model_validate_json(r[0]) for r in rows]

    def case_referrals(self, case_id: str) -> list[Referral]:
        rows = self.conn.execute(
            "SELECT doc FROM referrals WHERE case_id = ? ORDER BY hop, created_at, id",
            (case_id,),
        ).fetchall()
        return [Referral.model_validate_json(r[0]) for r in rows]

    def inbox(self, query: InboxQuery, page: Page) -> Listing[Referral]:
        statuses = [s.value for s in query.statuses]
        marks = ",".join("?" * len(statuses))
        where = f"to_provider_id = ? AND status IN ({marks})"
        args: list[object] = [query.provider_id, *statuses]
        count = self.conn.execute(
            f"SELECT count(*) FROM referrals WHERE {where}",
            args,
        ).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT doc FROM referrals WHERE {where} ORDER BY created_at, id LIMIT ? OFFSET ?",
            [*args, page.limit, page.offset],
        ).fetchall()
        return Listing([Referral.model_validate_json(r[0]) for r in rows], count)

    # --- routing -------------------------------------------------------------------
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
            (_ts(since),),
        ):
            seconds = (
                datetime.fromisoformat(received) - datetime.fromisoformat(created)
            ).total_seconds()
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
                    _ts(gap.at),
                ),
            )
        except sqlite3.IntegrityError:  # the only key it refers to is the case's
            raise Conflict(f"No case with id {gap.case_id!r}.", field="case_id") from None

    def service_gaps(self, area: str, page: Page) -> Listing[ServiceGap]:
        inside, inside_args = scope_sql("village_code", area)
        count = self.conn.execute(
            f"SELECT count(*) FROM service_gaps WHERE {inside}", inside_args
        ).fetchone()[0]
        rows = self.conn.execute(
            "SELECT id, case_id, service, village_code, reachable_by, at FROM service_gaps"
            f" WHERE {inside} ORDER BY at DESC, id LIMIT ? OFFSET ?",
            [*inside_args, page.limit, page.offset],
        ).fetchall()
        gaps = [
            ServiceGap(
                r[0],
                r[1],
                Service(r[2]),
                r[3],
                tuple(filter(None, r[4].split(","))),
                datetime.fromisoformat(r[5]),
            )
            for r in rows
        ]
        return Listing(gaps, count)

    # --- timeliness ----------------------------------------------------------------
    def get_sla_policy(self) -> SlaPolicy | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'sla_policy'").fetchone()
        return None if row is None else SlaPolicy.model_validate_json(row[0])

    def save_sla_policy(self, policy: SlaPolicy) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('sla_policy', ?)",
            (policy.model_dump_json(),),
        )

    def referrals_alert_due(self, now: datetime, limit: int) -> list[Referral]:
        rows = self.conn.execute(
            "SELECT doc FROM referrals WHERE next_alert_at IS NOT NULL AND next_alert_at <= ?"
            " ORDER BY next_alert_at LIMIT ?",
            (_ts(now), limit),
        ).fetchall()
        return [Referral.model_validate_json(r[0]) for r in rows]

    def add_alert(self, alert: TimelinessAlert) -> bool:
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO alerts (id, referral_id, provider_id, kind, fired_at, doc)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                alert.id,
                alert.referral_id,
                alert.provider_id,
                alert.kind.value,
                _ts(alert.fired_at),
                alert.model_dump_json(),
            ),
        )
        return cur.rowcount == 1

    def set_next_alert_at(
        self, referral_id: str, expected_version: int, at: datetime | None
    ) -> None:
        row = self.conn.execute(
            "SELECT doc FROM referrals WHERE id = ? AND version = ?",
            (referral_id, expected_version),
        ).fetchone()
        if row is None:
            return
        updated = Referral.model_validate_json(row[0]).model_copy(update={"next_alert_at": at})
        self.conn.execute(
            "UPDATE referrals SET next_alert_at = ?, doc = ? WHERE id = ? AND version = ?",
            (_opt_ts(at), updated.model_dump_json(), referral_id, expected_version),
        )

    def list_alerts(self, query: AlertQuery, page: Page) -> Listing[TimelinessAlert]:
        where: list[str] = []
        args: list[object] = []
        for column, value in (
            ("referral_id", query.referral_id),
            ("provider_id", query.provider_id),
            ("kind", query.kind.value if query.kind else None),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        count = self.conn.execute(f"SELECT count(*) FROM alerts {clause}", args).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT doc FROM alerts {clause} ORDER BY fired_at DESC, id LIMIT ? OFFSET ?",
            [*args, page.limit, page.offset],
        ).fetchall()
        return Listing([TimelinessAlert.model_validate_json(r[0]) for r in rows], count)

    def referrals_due(self, query: DueQuery, page: Page) -> Listing[Referral]:
        where = ["r.pending_due_at IS NOT NULL", "r.pending_due_at < ?"]
        args: list[object] = [_ts(query.before)]
        if query.area is not None and len(query.area) in (2, 4):
            # provinces and districts always prefix their villages' codes
            column = "r.province_code" if len(query.area) == 2 else "r.district_code"
            scope(query.area)  # refuses codes that are not in the gazetteer
            where.append(f"{column} = ?")
            args.append(query.area)
        elif query.area is not None:
            inside, inside_args = scope_sql("r.village_code", query.area)
            where.append(inside)
            args += inside_args
        if query.provider_id is not None:
            where.append("r.to_provider_id = ?")
            args.append(query.provider_id)
        if query.risk is not None:
            where.append("r.risk = ?")
            args.append(query.risk.value)
        sql = f"FROM referrals r WHERE {' AND '.join(where)}"
        count = self.conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT r.doc {sql} ORDER BY r.pending_due_at, r.id LIMIT ? OFFSET ?",
            [*args, page.limit, page.offset],
        ).fetchall()
        return Listing([Referral.model_validate_json(r[0]) for r in rows], count)

    def hop_facts(self, query: HistoryQuery) -> list[HopFact]:
        where = ["created_at >= ?", "created_at < ?"]
        args: list[object] = [_ts(query.since), _ts(query.until)]
        if query.area is not None:
            inside, inside_args = scope_sql("village_code", query.area)
            where.append(inside)
            args += inside_args
        if query.provider_id is not None:
            where.append("(to_provider_id = ? OR from_provider_id = ?)")
            args += [query.provider_id, query.provider_id]
        rows = self.conn.execute(
            f"SELECT {_FACT_COLUMNS} FROM referrals WHERE {' AND '.join(where)}"
            " ORDER BY created_at, id",
            args,
        ).fetchall()
        return [_fact(r) for r in rows]

    # --- outbox ----------------------------------------------------------------------
    def enqueue(self, message: OutboxMessage) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO outbox (id, topic, state, created_at, next_attempt_at, doc)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                message.id,
                message.topic,
                message.state,
                _ts(message.created_at),
                _opt_ts(message.next_attempt_at or message.created_at),
                message.to_json(),
            ),
        )

    def outbox_due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        rows = self.conn.execute(
            "SELECT doc FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, id LIMIT ?",
            (_ts(now), limit),
        ).fetchall()
        return [OutboxMessage.from_json(r[0]) for r in rows]

    def save_outbox(self, message: OutboxMessage) -> None:
        self.conn.execute(
            "UPDATE outbox SET state = ?, next_attempt_at = ?, doc = ? WHERE id = ?",
            (message.state, _opt_ts(message.next_attempt_at), message.to_json(), message.id),
        )

    def list_outbox(self, state: str, page: Page) -> Listing[OutboxMessage]:
        count = self.conn.execute(
            "SELECT count(*) FROM outbox WHERE state = ?", (state,)
        ).fetchone()[0]
        rows = self.conn.execute(
            "SELECT doc FROM outbox WHERE state = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
            (state, page.limit, page.offset),
        ).fetchall()
        return Listing([OutboxMessage.from_json(r[0]) for r in rows], count)

    # --- retention -------------------------------------------------------------------
    def cases_to_purge(self, closed_before: datetime, limit: int) -> list[Case]:
        rows = self.conn.execute(
            "SELECT doc FROM cases WHERE status = 'closed' AND purged_at IS NULL"
            " AND closed_at < ? ORDER BY closed_at, id LIMIT ?",
            (_ts(closed_before), limit),
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

    # --- backup and metrics ----------------------------------------------------------
    def cases_opened_by(
        self, provider_id: str, page: Page, *, open_only: bool = False
    ) -> Listing[Case]:
        where = "opened_by_provider_id = ?" + (" AND status = 'open'" if open_only else "")
        count = self.conn.execute(f"SELECT count(*) FROM cases WHERE {where}", (provider_id,))
        total = count.fetchone()[0]
        rows = self.conn.execute(
            f"SELECT doc FROM cases WHERE {where} ORDER BY opened_at DESC, id DESC"
            " LIMIT ? OFFSET ?",
            (provider_id, page.limit, page.offset),
        ).fetchall()
        return Listing([Case.model_validate_json(r[0]) for r in rows], total)

    def all_cases(self, page: Page) -> Listing[Case]:
        count = self.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        rows = self.conn.execute(
            "SELECT doc FROM cases ORDER BY opened_at, id LIMIT ? OFFSET ?",
            (page.limit, page.offset),
        ).fetchall()
        return Listing([Case.model_validate_json(r[0]) for r in rows], count)

    def all_referrals(self, page: Page) -> Listing[Referral]:
        count = self.conn.execute("SELECT count(*) FROM referrals").fetchone()[0]
        rows = self.conn.execute(
            "SELECT doc FROM referrals ORDER BY created_at, id LIMIT ? OFFSET ?",
            (page.limit, page.offset),
        ).fetchall()
        return Listing([Referral.model_validate_json(r[0]) for r in rows], count)

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


_FACT_COLUMNS = (
    "id, case_id, from_provider_id, to_provider_id, continues_referral_id, service, risk,"
    " status, hop, village_code, case_opened_at, created_at, received_at, accepted_at,"
    " rejected_at, in_progress_at, closed_at, acknowledge_due, decide_due,"
    " first_contact_due, status_reason, recommendation_rank"
)
_FACT_TIMES = range(10, 20)


def _fact(row: tuple[object, ...]) -> HopFact:
    values = list(row)
    for i in _FACT_TIMES:
        if values[i] is not None:
            values[i] = datetime.fromisoformat(str(values[i]))
    return HopFact(*values)  # type: ignore[arg-type]

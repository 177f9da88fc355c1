"""Cases, referrals and their events in SQLite.

A referral row keeps the columns the inbox, the scheduler and the audit filter and sort
on (its step times and deadlines among them) next to the model as JSON in ``doc``; the
case's village and opening time are copied onto it so the audit reads one table.
See :class:`referral_graph.store.cases.CasesPort`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from referral_graph.adapters.sqlite.sql import SqlitePart, in_chunks, page_of_docs, scope_sql
from referral_graph.domain.care import clock_start
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.isotime import iso, opt_iso
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Provider, Referral, ReferralEvent
from referral_graph.store.port import (
    AttentionQuery,
    CaseFile,
    CasesPort,
    InboxQuery,
    Listing,
    Page,
    ReferralFile,
)

WAITING_ON_RECEIVER = ("requested", "received", "accepted")
ENDED = ("rejected", "failed", "cancelled")

#: A hop past its deadline, or one that ended without the service with nothing
#: referred for that service since and nothing open or completed for it.
_LATE_OR_LEFT = f"""(
  (r.pending_due_at IS NOT NULL AND r.pending_due_at < ?)
  OR (r.status IN {ENDED!r} AND NOT EXISTS (
        SELECT 1 FROM referrals n
        WHERE n.case_id = r.case_id AND n.service = r.service AND n.id <> r.id
          AND (n.created_at > r.created_at OR n.status NOT IN {ENDED!r})))
)"""


def _step(referral: Referral, status: ReferralStatus) -> str | None:
    return opt_iso(referral.step_times.get(status))


def _relayed(referral: Referral) -> str | None:
    """The relayed steps as ',received,accepted,' (None: none)."""
    if not referral.relayed:
        return None
    return "," + ",".join(sorted(s.value for s in referral.relayed)) + ","


def _case_columns(case: Case) -> dict[str, object]:
    """The columns of a case row, from the model."""
    return {
        "code": case.code,
        "version": case.version,
        "status": case.status.value,
        "closed_at": opt_iso(case.closed_at),
        "purged_at": opt_iso(case.purged_at),
        "identification_source": (
            None if case.identification_source is None else case.identification_source.value
        ),
        "care_clock_at": opt_iso(clock_start(case)),
        "doc": case.model_dump_json(),
    }


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
        "closed_at": opt_iso(referral.closed_at),
        "acknowledge_due": None if due is None else iso(due.acknowledge),
        "decide_due": None if due is None else iso(due.decide),
        "first_contact_due": None if due is None else iso(due.first_contact),
        "pending_due_at": opt_iso(referral.pending_due_at),
        "next_alert_at": opt_iso(referral.next_alert_at),
        "status_reason": referral.status_reason,
        "relayed_steps": _relayed(referral),
        "updated_at": iso(referral.updated_at),
        "version": referral.version,
        "doc": referral.model_dump_json(),
    }


class SqliteCases(SqlitePart, CasesPort):
    """The cases and referrals part of a SQLite transaction."""

    # --- cases -----------------------------------------------------------------------
    def add_case(self, case: Case) -> None:
        columns = {
            "id": case.id,
            "village_code": case.village_code,
            "opened_by_provider_id": case.opened_by_provider_id,
            "opened_at": iso(case.opened_at),
            **_case_columns(case),
        }
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        try:
            self.conn.execute(
                f"INSERT INTO cases ({names}) VALUES ({marks})", list(columns.values())
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"A case with id {case.id!r} or code {case.code!r} exists.") from exc

    def save_case(self, case: Case, expected_version: int) -> None:
        columns = _case_columns(case)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        try:
            cur = self.conn.execute(
                f"UPDATE cases SET {assignments} WHERE id = ? AND version = ?",
                [*columns.values(), case.id, expected_version],
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

    def cases_opened_by(
        self, provider_id: str, page: Page, *, open_only: bool = False
    ) -> Listing[Case]:
        where = ["opened_by_provider_id = ?"] + (["status = 'open'"] if open_only else [])
        order = "opened_at DESC, id DESC"
        read = Case.model_validate_json
        return page_of_docs(self.conn, read, "cases", where, [provider_id], order, page)

    # --- referrals -------------------------------------------------------------------
    def _insert_event(self, event: ReferralEvent) -> None:
        self.conn.execute(
            "INSERT INTO referral_events (id, referral_id, sequence, at, doc)"
            " VALUES (?, ?, ?, ?, ?)",
            (event.id, event.referral_id, event.sequence, iso(event.at), event.model_dump_json()),
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
            "created_at": iso(referral.created_at),
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

    def retime_referral(self, referral: Referral, expected_version: int) -> None:
        columns = _changing_columns(referral)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        cur = self.conn.execute(
            f"UPDATE referrals SET {assignments} WHERE id = ? AND version = ?",
            [*columns.values(), referral.id, expected_version],
        )
        if cur.rowcount != 1:
            raise StaleVersion("referral", referral.id)

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
        where = ["to_provider_id = ?", f"status IN ({marks})"]
        args = [query.provider_id, *statuses]
        read = Referral.model_validate_json
        return page_of_docs(self.conn, read, "referrals", where, args, "created_at, id", page)

    # --- files -----------------------------------------------------------------------
    def _providers(self, ids: Iterable[str]) -> dict[str, Provider]:
        sql = "SELECT doc FROM providers WHERE id IN ({marks})"
        found = (Provider.model_validate_json(r[0]) for r in in_chunks(self.conn, sql, ids))
        return {p.id: p for p in found}

    def referral_file(self, referral_id: str) -> ReferralFile | None:
        """The port's reads one after the other: in process each is a few µs."""
        referral = self.get_referral(referral_id)
        if referral is None:
            return None
        return ReferralFile(
            referral,
            self.get_case(referral.case_id),
            self._providers([referral.from_provider_id, referral.to_provider_id]),
            self.referral_events(referral_id),
        )

    def case_file(self, case_id: str, also: Iterable[str] = ()) -> CaseFile | None:
        case = self.get_case(case_id)
        if case is None:
            return None
        referrals = self.case_referrals(case_id)
        ids = [case.opened_by_provider_id, *also]
        for r in referrals:
            ids += [r.from_provider_id, r.to_provider_id]
        return CaseFile(case, referrals, self._providers(ids))

    def attention_cases(self, query: AttentionQuery) -> list[CaseFile]:
        branches: list[str] = []
        args: list[object] = []
        late_or_left = _LATE_OR_LEFT

        def marks(values: tuple[str, ...]) -> str:
            args.extend(values)
            return ",".join("?" * len(values))

        if query.openers:
            branches.append(
                "SELECT id FROM cases WHERE status = 'open'"
                f" AND opened_by_provider_id IN ({marks(query.openers)})"
            )
        if query.receivers:
            branches.append(
                f"SELECT r.case_id FROM referrals r WHERE r.to_provider_id IN"
                f" ({marks(query.receivers)}) AND r.status IN {WAITING_ON_RECEIVER!r}"
            )
        if query.senders:
            branches.append(
                f"SELECT r.case_id FROM referrals r WHERE r.from_provider_id IN"
                f" ({marks(query.senders)}) AND {late_or_left}"
            )
            args.append(iso(query.now))
        if query.everywhere or query.area is not None:
            condition, values = (
                ("1", []) if query.everywhere else scope_sql("r.village_code", str(query.area))
            )
            branches.append(
                f"SELECT r.case_id FROM referrals r WHERE {condition} AND {late_or_left}"
            )
            args += [*values, iso(query.now)]
        if not branches:
            return []
        rows = self.conn.execute(
            f"WITH hit(case_id) AS ({' UNION '.join(branches)}) SELECT c.id, c.doc FROM cases c"
            " WHERE c.id IN (SELECT case_id FROM hit) AND c.status = 'open'"
            " ORDER BY c.opened_at, c.id LIMIT ?",
            [*args, query.limit],
        ).fetchall()
        by_case: dict[str, list[Referral]] = {row[0]: [] for row in rows}
        sql = (
            "SELECT case_id, doc FROM referrals WHERE case_id IN ({marks})"
            " ORDER BY case_id, hop, created_at, id"
        )
        for case_id, doc in in_chunks(self.conn, sql, by_case):
            by_case[case_id].append(Referral.model_validate_json(doc))
        return [CaseFile(Case.model_validate_json(doc), by_case[cid]) for cid, doc in rows]

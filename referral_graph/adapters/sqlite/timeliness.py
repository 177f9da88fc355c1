"""Timeliness in SQLite: the SLA policy, the scheduler's queue and its alerts, the due
list, the audit's hop facts, and the outbox.

See :class:`referral_graph.store.timeliness.TimelinessPort`.
"""

from __future__ import annotations

from datetime import datetime

from referral_graph.adapters.sqlite.sql import Filters, SqlitePart, page_of_docs, scope_sql, where
from referral_graph.domain.areas import scope
from referral_graph.domain.isotime import iso, opt_iso, parse_iso
from referral_graph.domain.models import Case, Referral, TimelinessAlert
from referral_graph.domain.records import NOTICE_TOPIC_PREFIX
from referral_graph.domain.sla import SlaPolicy
from referral_graph.store.port import (
    AlertQuery,
    DueQuery,
    HistoryQuery,
    HopFact,
    Listing,
    OutboxMessage,
    Page,
    TimelinessPort,
)

#: The hop facts: the referral's columns, its coded reason (free text never leaves), and
#: what reports disaggregate by, read from its case.
_FACT_COLUMNS = (
    "r.id, r.case_id, r.from_provider_id, r.to_provider_id, r.continues_referral_id,"
    " r.service, r.risk, r.status, r.hop, r.village_code, r.case_opened_at, r.created_at,"
    " r.received_at, r.accepted_at, r.rejected_at, r.in_progress_at, r.closed_at,"
    " r.acknowledge_due, r.decide_due, r.first_contact_due,"
    " coalesce(json_extract(r.doc, '$.status_reason_code'),"
    "   CASE WHEN r.status IN ('rejected', 'failed', 'cancelled') THEN 'other' END),"
    " r.recommendation_rank,"
    " json_extract(c.doc, '$.gender'), json_extract(c.doc, '$.age'),"
    " json_extract(c.doc, '$.wants_lgbtiq_affirming'),"
    " json_extract(c.doc, '$.identification_source'), r.relayed_steps,"
    " CASE WHEN json_extract(c.doc, '$.status') = 'closed'"
    "   THEN json_extract(c.doc, '$.closed_at') END"
)
_FACT_TIMES = (*range(10, 20), 27)


def _fact(row: tuple[object, ...]) -> HopFact:
    values = list(row)
    for i in _FACT_TIMES:
        if values[i] is not None:
            values[i] = parse_iso(values[i])
    values[24] = bool(values[24])
    values[26] = tuple(s for s in str(values[26] or "").split(",") if s)
    return HopFact(*values)  # type: ignore[arg-type]


def _area_condition(area: str) -> tuple[str, list[object]]:
    """Referrals ``r`` of children living in ``area`` (any level)."""
    if len(area) in (2, 4):
        # provinces and districts always prefix their villages' codes
        column = "r.province_code" if len(area) == 2 else "r.district_code"
        scope(area)  # refuses codes that are not in the gazetteer
        return f"{column} = ?", [area]
    return scope_sql("r.village_code", area)


def _after(prefix: str) -> str:
    """The first code after every code starting with ``prefix`` (codes are digits).

    >>> _after("2503"), _after("19")
    ('2504', '1:')
    """
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class SqliteTimeliness(SqlitePart, TimelinessPort):
    """The timeliness and outbox part of a SQLite transaction."""

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
            (iso(now), limit),
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
                iso(alert.fired_at),
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
            (opt_iso(at), updated.model_dump_json(), referral_id, expected_version),
        )

    def list_alerts(self, query: AlertQuery, page: Page) -> Listing[TimelinessAlert]:
        f = Filters()
        f.given("a.referral_id = ?", query.referral_id)
        f.given("a.provider_id = ?", query.provider_id)
        f.given("a.kind = ?", query.kind, lambda k: k.value)
        if query.parties is not None:
            # the handoff's two ends (indexed on referrals), or named by the escalation
            marks = ",".join("?" * len(query.parties))
            f.add(
                f"(a.referral_id IN (SELECT id FROM referrals WHERE from_provider_id IN ({marks})"
                f" UNION SELECT id FROM referrals WHERE to_provider_id IN ({marks}))"
                f" OR EXISTS (SELECT 1 FROM json_each(a.doc, '$.notify') n"
                f" WHERE n.value IN ({marks})))",
                list(query.parties) * 3,
            )
        if query.area is not None:
            column, args = _area_condition(query.area)
            f.add(f"a.referral_id IN (SELECT r.id FROM referrals r WHERE {column})", args)
        f.given(
            "NOT EXISTS (SELECT 1 FROM alert_seen s WHERE s.alert_id = a.id AND s.user_id = ?)",
            query.unseen_by,
        )
        read = TimelinessAlert.model_validate_json
        order = "a.fired_at DESC, a.id"
        return page_of_docs(self.conn, read, "alerts a", f.conditions, f.args, order, page)

    def referrals_due(self, query: DueQuery, page: Page) -> Listing[Referral]:
        f = Filters("r.pending_due_at IS NOT NULL")
        f.given("r.pending_due_at < ?", query.before, iso)
        if query.area is not None:
            f.add(*_area_condition(query.area))
        f.given("r.to_provider_id = ?", query.provider_id)
        f.given("r.risk = ?", query.risk, lambda r: r.value)
        order = "r.pending_due_at, r.id"
        read = Referral.model_validate_json
        return page_of_docs(self.conn, read, "referrals r", f.conditions, f.args, order, page)

    def hop_facts(self, query: HistoryQuery) -> list[HopFact]:
        f = Filters()
        f.given("r.created_at >= ?", query.since, iso)
        f.given("r.created_at < ?", query.until, iso)
        source = "referrals r"
        if query.area is not None:
            prefix = scope(query.area).prefix
            if prefix is None:
                f.add(*scope_sql("r.village_code", query.area))
            else:
                # A range the (village, created) index serves: a GLOB on a bound pattern
                # is not, and the planner then walked every referral of the period (0.7 s
                # for a district of the national network; 20 ms this way).
                f.add("r.village_code >= ? AND r.village_code < ?", [prefix, _after(prefix)])
                source = "referrals r INDEXED BY referrals_village"
        f.given("(r.to_provider_id = ? OR r.from_provider_id = ?)", query.provider_id)
        rows = self.conn.execute(
            f"SELECT {_FACT_COLUMNS} FROM {source} JOIN cases c ON c.id = r.case_id"
            f" {where(f.conditions)} ORDER BY r.created_at, r.id",
            f.args,
        ).fetchall()
        return [_fact(r) for r in rows]

    # --- the incident clock ----------------------------------------------------------
    def cases_on_care_clock(self, after: datetime, until: datetime, limit: int) -> list[Case]:
        rows = self.conn.execute(
            "SELECT doc FROM cases WHERE care_clock_at > ? AND care_clock_at <= ?"
            " ORDER BY care_clock_at, id LIMIT ?",
            (iso(after), iso(until), limit),
        ).fetchall()
        return [Case.model_validate_json(r[0]) for r in rows]

    # --- outbox ----------------------------------------------------------------------
    def enqueue(self, message: OutboxMessage) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO outbox (id, topic, state, created_at, next_attempt_at, doc)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                message.id,
                message.topic,
                message.state,
                iso(message.created_at),
                opt_iso(message.next_attempt_at or message.created_at),
                message.to_json(),
            ),
        )

    def outbox_due(
        self, now: datetime, limit: int, *, notices: bool = False
    ) -> list[OutboxMessage]:
        rows = self.conn.execute(
            "SELECT doc FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
            " AND (topic GLOB ?) = ? ORDER BY next_attempt_at, id LIMIT ?",
            (iso(now), f"{NOTICE_TOPIC_PREFIX}*", int(notices), limit),
        ).fetchall()
        return [OutboxMessage.from_json(r[0]) for r in rows]

    def claim_outbox(
        self, now: datetime, until: datetime, limit: int, *, notices: bool = False
    ) -> list[OutboxMessage]:
        """Exclusive because writes are: ``BEGIN IMMEDIATE`` admits one writer."""
        due = self.outbox_due(now, limit, notices=notices)
        self.conn.executemany(
            "UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
            [(iso(until), m.id) for m in due],
        )
        return due

    def save_outbox(self, message: OutboxMessage) -> None:
        self.conn.execute(
            "UPDATE outbox SET state = ?, next_attempt_at = ?, doc = ? WHERE id = ?",
            (message.state, opt_iso(message.next_attempt_at), message.to_json(), message.id),
        )

    def list_outbox(self, state: str, page: Page) -> Listing[OutboxMessage]:
        read = OutboxMessage.from_json
        order = "created_at DESC, id"
        return page_of_docs(self.conn, read, "outbox", ["state = ?"], [state], order, page)

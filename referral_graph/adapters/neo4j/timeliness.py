"""Timeliness on Neo4j: the SLA policy, the scheduler's queue and its alerts, the due
list, the audit's hop facts, and the outbox.

Graph: ``(:Referral)-[:HAS_ALERT]->(:Alert)`` (an alert keeps its ``notify`` list);
``(:OutboxMessage)`` stands alone; the SLA policy is ``(:Meta {key: 'sla_policy'})``.
Inserts that must happen once (alerts, outbox messages) MERGE on their id.
See :class:`referral_graph.store.timeliness.TimelinessPort`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

from neo4j import Record
from neo4j.time import DateTime

from referral_graph.adapters.neo4j.mapping import native_time
from referral_graph.adapters.neo4j.plumbing import CypherRunner, filtered, inside, page_of, where
from referral_graph.domain.errors import Conflict
from referral_graph.domain.isotime import iso
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

GET_SLA_POLICY: LiteralString = "MATCH (m:Meta {key: 'sla_policy'}) RETURN m.doc AS doc"

SAVE_SLA_POLICY: LiteralString = "MERGE (m:Meta {key: 'sla_policy'}) SET m.doc = $doc"

ALERT_DUE: LiteralString = """
MATCH (r:Referral) WHERE r.next_alert_at <= $now
RETURN r.doc AS doc
ORDER BY r.next_alert_at, r.id
LIMIT $limit
"""

ADD_ALERT: LiteralString = """
MATCH (r:Referral {id: $row.referral_id})
MERGE (a:Alert {id: $row.id})
  ON CREATE SET a += $row, a._new = true
WITH r, a, a._new IS NOT NULL AS created
FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END |
  CREATE (r)-[:HAS_ALERT]->(a)
  REMOVE a._new)
RETURN created
"""

LOCK_REFERRAL_AT: LiteralString = """
MATCH (r:Referral {id: $id})
SET r._lock = true
REMOVE r._lock
WITH r WHERE r.version = $expected
RETURN r.doc AS doc
"""

SET_NEXT_ALERT: LiteralString = """
MATCH (r:Referral {id: $id})
SET r.next_alert_at = $at, r.doc = $doc
"""

ALERTS: LiteralString = "MATCH (x:Alert)\n"

ALERT_FILTERS: dict[str, LiteralString] = {
    "referral_id": "x.referral_id = $referral_id",
    "provider_id": "x.provider_id = $provider_id",
    "kind": "x.kind = $kind",
    # the handoff's two ends, or named by the escalation (alerts fired before ``notify``
    # was kept as a property match by their ends only)
    "parties": "(EXISTS { MATCH (r:Referral)-[:HAS_ALERT]->(x)"
    " WHERE r.from_provider_id IN $parties OR r.to_provider_id IN $parties }"
    " OR any(p IN coalesce(x.notify, []) WHERE p IN $parties))",
    "unseen_by": "NOT EXISTS { MATCH (:User {id: $unseen_by})-[:SAW]->(x) }",
}

#: The due list and the hop facts both read referrals with their case's village.
REFERRALS_WITH_CASES: LiteralString = "MATCH (x:Referral)-[:FOR]->(c:Case)\n"

DUE_FILTERS: dict[str, LiteralString] = {
    "before": "x.pending_due_at < $before",
    "provider_id": "x.to_provider_id = $provider_id",
    "risk": "x.risk = $risk",
}

HOP_FACT_FILTERS: dict[str, LiteralString] = {
    "since": "x.created_at >= $since",
    "until": "x.created_at < $until",
    "provider_id": "(x.to_provider_id = $provider_id OR x.from_provider_id = $provider_id)",
}

HOP_FACT_RETURN: LiteralString = """
RETURN x.id AS id, x.case_id AS case_id, x.from_provider_id AS from_provider_id,
       x.to_provider_id AS to_provider_id, x.continues_referral_id AS continues_referral_id,
       x.service AS service, x.risk AS risk, x.status AS status, x.hop AS hop,
       c.village_code AS village_code, c.opened_at AS case_opened_at,
       x.created_at AS created_at, x.received_at AS received_at,
       x.accepted_at AS accepted_at, x.rejected_at AS rejected_at,
       x.in_progress_at AS in_progress_at, x.closed_at AS closed_at,
       x.acknowledge_due AS acknowledge_due, x.decide_due AS decide_due,
       x.first_contact_due AS first_contact_due,
       coalesce(x.status_reason_code,
                CASE WHEN x.status IN ['rejected', 'failed', 'cancelled'] THEN 'other' END)
         AS status_reason_code,
       x.recommendation_rank AS recommendation_rank,
       c.gender AS case_gender, c.age AS case_age,
       coalesce(c.wants_lgbtiq_affirming, false) AS case_lgbtiq,
       c.identification_source AS identification_source,
       coalesce(x.relayed_steps, []) AS relayed_steps,
       CASE WHEN c.status = 'closed' THEN c.closed_at END AS case_closed_at
ORDER BY x.created_at, x.id
"""

ON_CARE_CLOCK: LiteralString = """
MATCH (c:Case) WHERE c.care_clock_at > $after AND c.care_clock_at <= $until
RETURN c.doc AS doc
ORDER BY c.care_clock_at, c.id
LIMIT $limit
"""

#: Deferred: written with the unit's next statement (times come as text, see mapping.py).
ENQUEUE: LiteralString = """
MERGE (m:OutboxMessage {id: $row.id})
  ON CREATE SET m += $row, m.created_at = datetime($row.created_at),
    m.next_attempt_at = datetime($row.next_attempt_at)
"""

OUTBOX_DUE: LiteralString = """
MATCH (m:OutboxMessage) WHERE m.state = 'pending' AND m.next_attempt_at <= $now
  AND (m.topic STARTS WITH $notice_prefix) = $notices
RETURN m.doc AS doc
ORDER BY m.next_attempt_at, m.id
LIMIT $limit
"""

#: Locks each due message, then looks again: of two concurrent claims, the second waits
#: for the first to commit and then finds the messages no longer due.
CLAIM_OUTBOX: LiteralString = """
MATCH (m:OutboxMessage) WHERE m.state = 'pending' AND m.next_attempt_at <= $now
  AND (m.topic STARTS WITH $notice_prefix) = $notices
WITH m ORDER BY m.next_attempt_at, m.id LIMIT $limit
SET m._lock = true
REMOVE m._lock
WITH m WHERE m.state = 'pending' AND m.next_attempt_at <= $now
WITH m, m.next_attempt_at AS due
SET m.next_attempt_at = $until
RETURN m.doc AS doc
ORDER BY due, m.id
"""

SAVE_OUTBOX: LiteralString = """
MATCH (m:OutboxMessage {id: $row.id})
SET m.state = $row.state, m.next_attempt_at = $row.next_attempt_at, m.doc = $row.doc
"""

OUTBOX: LiteralString = "MATCH (x:OutboxMessage) WHERE x.state = $state\n"


def _fact(record: Record) -> HopFact:
    values: dict[str, Any] = {
        key: native_time(value) if isinstance(value, DateTime) else value
        for key, value in zip(record.keys(), record.values(), strict=True)
    }
    values["relayed_steps"] = tuple(values["relayed_steps"])
    return HopFact(**values)


class Neo4jTimeliness(CypherRunner, TimelinessPort):
    """The timeliness and outbox part of a Neo4j transaction."""

    # --- timeliness ----------------------------------------------------------------
    def get_sla_policy(self) -> SlaPolicy | None:
        doc = self._doc(GET_SLA_POLICY)
        return None if doc is None else SlaPolicy.model_validate_json(doc)

    def save_sla_policy(self, policy: SlaPolicy) -> None:
        self._records(SAVE_SLA_POLICY, doc=policy.model_dump_json())

    def referrals_alert_due(self, now: datetime, limit: int) -> list[Referral]:
        return [
            Referral.model_validate_json(d) for d in self._docs(ALERT_DUE, now=now, limit=limit)
        ]

    def add_alert(self, alert: TimelinessAlert) -> bool:
        row = {
            "id": alert.id,
            "referral_id": alert.referral_id,
            "case_id": alert.case_id,
            "provider_id": alert.provider_id,
            "window": alert.window.value,
            "kind": alert.kind.value,
            "risk": alert.risk.value,
            "due_at": alert.due_at,
            "fired_at": alert.fired_at,
            "notify": list(alert.notify),
            "doc": alert.model_dump_json(),
        }
        record = self._one(ADD_ALERT, row=row)
        if record is None:
            raise Conflict(f"No referral with id {alert.referral_id!r}.", field="referral_id")
        return bool(record["created"])

    def set_next_alert_at(
        self, referral_id: str, expected_version: int, at: datetime | None
    ) -> None:
        doc = self._doc(LOCK_REFERRAL_AT, id=referral_id, expected=expected_version)
        if doc is None:
            return  # gone, or its lifecycle moved on: the next step sets its own time
        updated = Referral.model_validate_json(doc).model_copy(update={"next_alert_at": at})
        self._records(SET_NEXT_ALERT, id=referral_id, at=at, doc=updated.model_dump_json())

    def list_alerts(self, query: AlertQuery, page: Page) -> Listing[TimelinessAlert]:
        values: dict[str, object] = {
            "referral_id": query.referral_id,
            "provider_id": query.provider_id,
            "kind": None if query.kind is None else query.kind.value,
            "parties": None if query.parties is None else list(query.parties),
            "unseen_by": query.unseen_by,
        }
        filters, params = filtered(values, ALERT_FILTERS)
        if query.area is not None:
            predicate, area_params = inside("c.village_code", query.area)
            filters.append(
                "EXISTS { MATCH (r:Referral)-[:HAS_ALERT]->(x) MATCH (r)-[:FOR]->(c:Case)"
                " WHERE " + predicate + " }"
            )
            params.update(area_params)
        text = ALERTS + where(filters) + page_of("x", "x.fired_at DESC, x.id")
        return self._page(text, page, TimelinessAlert.model_validate_json, **params)

    def referrals_due(self, query: DueQuery, page: Page) -> Listing[Referral]:
        values: dict[str, object] = {
            "before": query.before,
            "provider_id": query.provider_id,
            "risk": None if query.risk is None else query.risk.value,
        }
        filters, params = filtered(values, DUE_FILTERS, query.area, "c.village_code")
        text = REFERRALS_WITH_CASES + where(filters) + page_of("x", "x.pending_due_at, x.id")
        return self._page(text, page, Referral.model_validate_json, **params)

    # --- audit -----------------------------------------------------------------------
    def hop_facts(self, query: HistoryQuery) -> list[HopFact]:
        values: dict[str, object] = {
            "since": query.since,
            "until": query.until,
            "provider_id": query.provider_id,
        }
        filters, params = filtered(values, HOP_FACT_FILTERS, query.area, "c.village_code")
        text = REFERRALS_WITH_CASES + where(filters) + HOP_FACT_RETURN
        return [_fact(r) for r in self._records(text, **params)]

    # --- the incident clock ----------------------------------------------------------
    def cases_on_care_clock(self, after: datetime, until: datetime, limit: int) -> list[Case]:
        docs = self._docs(ON_CARE_CLOCK, after=after, until=until, limit=limit)
        return [Case.model_validate_json(d) for d in docs]

    # --- outbox ----------------------------------------------------------------------
    def enqueue(self, message: OutboxMessage) -> None:
        row = {
            "id": message.id,
            "topic": message.topic,
            "state": message.state,
            "created_at": iso(message.created_at),
            "next_attempt_at": iso(message.next_attempt_at or message.created_at),
            "doc": message.to_json(),
        }
        self._defer(ENQUEUE, row=row)

    def outbox_due(
        self, now: datetime, limit: int, *, notices: bool = False
    ) -> list[OutboxMessage]:
        docs = self._docs(
            OUTBOX_DUE, now=now, limit=limit, notices=notices, notice_prefix=NOTICE_TOPIC_PREFIX
        )
        return [OutboxMessage.from_json(d) for d in docs]

    def claim_outbox(
        self, now: datetime, until: datetime, limit: int, *, notices: bool = False
    ) -> list[OutboxMessage]:
        docs = self._docs(
            CLAIM_OUTBOX,
            now=now,
            until=until,
            limit=limit,
            notices=notices,
            notice_prefix=NOTICE_TOPIC_PREFIX,
        )
        return [OutboxMessage.from_json(d) for d in docs]

    def save_outbox(self, message: OutboxMessage) -> None:
        row = {
            "id": message.id,
            "state": message.state,
            "next_attempt_at": message.next_attempt_at,
            "doc": message.to_json(),
        }
        self._records(SAVE_OUTBOX, row=row)

    def list_outbox(self, state: str, page: Page) -> Listing[OutboxMessage]:
        text = OUTBOX + page_of("x", "x.created_at DESC, x.id")
        return self._page(text, page, OutboxMessage.from_json, state=state)

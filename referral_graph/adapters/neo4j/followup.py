"""Routing history, timeliness (deadlines, alerts), audit facts and the outbox on Neo4j.

Graph: ``(:ServiceGap)-[:GAP_OF]->(:Case)``, ``(:Referral)-[:HAS_ALERT]->(:Alert)``,
``(:OutboxMessage)`` stands alone; the SLA policy is ``(:Meta {key: 'sla_policy'})``.
Inserts that must happen once (gaps, alerts, outbox messages) MERGE on their id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, LiteralString

from neo4j import Record
from neo4j.time import DateTime

from referral_graph.adapters.neo4j import cypher
from referral_graph.adapters.neo4j.plumbing import CypherRunner, inside, where
from referral_graph.domain.errors import Conflict
from referral_graph.domain.models import Case, Referral, ReferralEvent, TimelinessAlert
from referral_graph.domain.sla import SlaPolicy
from referral_graph.domain.vocabulary import Service
from referral_graph.store.port import (
    OPEN_STATUSES,
    AlertQuery,
    DueQuery,
    HistoryQuery,
    HopFact,
    Listing,
    OutboxMessage,
    Page,
    ProviderActivity,
    ServiceGap,
)

OPEN_COUNTS: LiteralString = """
MATCH (r:Referral) WHERE r.status IN $open
RETURN r.to_provider_id AS provider_id, count(*) AS n
"""

ACKNOWLEDGE_TIMES: LiteralString = """
MATCH (r:Referral) WHERE r.created_at >= $since AND r.received_at IS NOT NULL
RETURN r.to_provider_id AS provider_id, r.created_at AS created_at,
       r.received_at AS received_at
ORDER BY r.created_at, r.id
"""

RECORD_GAP: LiteralString = """
MATCH (c:Case {id: $row.case_id})
MERGE (g:ServiceGap {id: $row.id})
  ON CREATE SET g += $row, g._new = true
FOREACH (_ IN CASE WHEN g._new THEN [1] ELSE [] END |
  CREATE (g)-[:GAP_OF]->(c)
  REMOVE g._new)
RETURN g.id AS id
"""

SERVICE_GAPS: LiteralString = "MATCH (x:ServiceGap)\n"

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

ALERT_FILTERS: dict[str, LiteralString] = {
    "referral_id": "x.referral_id = $referral_id",
    "provider_id": "x.provider_id = $provider_id",
    "kind": "x.kind = $kind",
}

DUE: LiteralString = "MATCH (x:Referral)-[:FOR]->(c:Case)\n"

DUE_FILTERS: dict[str, LiteralString] = {
    "before": "x.pending_due_at < $before",
    "provider_id": "x.to_provider_id = $provider_id",
    "risk": "x.risk = $risk",
}

HOP_FACTS: LiteralString = "MATCH (x:Referral)-[:FOR]->(c:Case)\n"

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
       x.first_contact_due AS first_contact_due, x.status_reason AS status_reason,
       x.recommendation_rank AS recommendation_rank
ORDER BY x.created_at, x.id
"""

ENQUEUE: LiteralString = """
MERGE (m:OutboxMessage {id: $row.id})
  ON CREATE SET m += $row
"""

OUTBOX_DUE: LiteralString = """
MATCH (m:OutboxMessage) WHERE m.state = 'pending' AND m.next_attempt_at <= $now
RETURN m.doc AS doc
ORDER BY m.next_attempt_at, m.id
LIMIT $limit
"""

SAVE_OUTBOX: LiteralString = """
MATCH (m:OutboxMessage {id: $row.id})
SET m.state = $row.state, m.next_attempt_at = $row.next_attempt_at, m.doc = $row.doc
"""

OUTBOX: LiteralString = "MATCH (x:OutboxMessage) WHERE x.state = $state\n"


def _native(value: Any) -> datetime:
    if isinstance(value, DateTime):
        return value.to_native()
    assert isinstance(value, datetime)
    return value


def _fact(record: Record) -> HopFact:
    values: dict[str, Any] = {
        key: _native(value) if isinstance(value, DateTime) else value
        for key, value in zip(record.keys(), record.values(), strict=True)
    }
    return HopFact(**values)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="microseconds")


def _gap_doc(gap: ServiceGap) -> str:
    return json.dumps(
        {
            "id": gap.id,
            "case_id": gap.case_id,
            "service": gap.service.value,
            "village_code": gap.village_code,
            "reachable_by": list(gap.reachable_by),
            "at": _iso(gap.at),
        }
    )


def _gap(doc: str) -> ServiceGap:
    d = json.loads(doc)
    return ServiceGap(
        d["id"],
        d["case_id"],
        Service(d["service"]),
        d["village_code"],
        tuple(d["reachable_by"]),
        datetime.fromisoformat(d["at"]),
    )


class FollowUp(CypherRunner):
    """The port's routing, timeliness and outbox methods."""

    # --- routing -------------------------------------------------------------------
    def provider_activity(self, since: datetime) -> dict[str, ProviderActivity]:
        open_counts = {
            str(r["provider_id"]): int(r["n"])
            for r in self._records(OPEN_COUNTS, open=[s.value for s in OPEN_STATUSES])
        }
        waits: dict[str, list[float]] = {}
        for r in self._records(ACKNOWLEDGE_TIMES, since=since):
            seconds = (_native(r["received_at"]) - _native(r["created_at"])).total_seconds()
            waits.setdefault(str(r["provider_id"]), []).append(seconds)
        return {
            pid: ProviderActivity(open_counts.get(pid, 0), tuple(waits.get(pid, ())))
            for pid in set(open_counts) | set(waits)
        }

    def record_service_gap(self, gap: ServiceGap) -> None:
        row = {
            "id": gap.id,
            "case_id": gap.case_id,
            "service": gap.service.value,
            "village_code": gap.village_code,
            "at": gap.at,
            "doc": _gap_doc(gap),
        }
        if self._one(RECORD_GAP, row=row) is None:
            raise Conflict(f"No case with id {gap.case_id!r}.", field="case_id")

    def service_gaps(self, area: str, page: Page) -> Listing[ServiceGap]:
        predicate, params = inside("x.village_code", area)
        text = SERVICE_GAPS + where([predicate]) + cypher.page_of("x", "x.at DESC, x.id")
        total, docs = self._listing(text, page, **params)
        return Listing([_gap(d) for d in docs], total)

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
        }
        params = {k: v for k, v in values.items() if v is not None}
        text = (
            "MATCH (x:Alert)\n"
            + where(ALERT_FILTERS[k] for k in params)
            + cypher.page_of("x", "x.fired_at DESC, x.id")
        )
        total, docs = self._listing(text, page, **params)
        return Listing([TimelinessAlert.model_validate_json(d) for d in docs], total)

    def referrals_due(self, query: DueQuery, page: Page) -> Listing[Referral]:
        values: dict[str, object] = {
            "before": query.before,
            "provider_id": query.provider_id,
            "risk": None if query.risk is None else query.risk.value,
        }
        params = {k: v for k, v in values.items() if v is not None}
        filters = [DUE_FILTERS[k] for k in params]
        if query.area is not None:
            predicate, area_params = inside("c.village_code", query.area)
            filters.append(predicate)
            params.update(area_params)
        text = DUE + where(filters) + cypher.page_of("x", "x.pending_due_at, x.id")
        total, docs = self._listing(text, page, **params)
        return Listing([Referral.model_validate_json(d) for d in docs], total)

    # --- audit -----------------------------------------------------------------------
    def hop_facts(self, query: HistoryQuery) -> list[HopFact]:
        values: dict[str, object] = {
            "since": query.since,
            "until": query.until,
            "provider_id": query.provider_id,
        }
        params = {k: v for k, v in values.items() if v is not None}
        filters = [HOP_FACT_FILTERS[k] for k in params]
        if query.area is not None:
            predicate, area_params = inside("c.village_code", query.area)
            filters.append(predicate)
            params.update(area_params)
        text = HOP_FACTS + where(filters) + HOP_FACT_RETURN
        return [_fact(r) for r in self._records(text, **params)]

    # --- outbox ----------------------------------------------------------------------
    def enqueue(self, message: OutboxMessage) -> None:
        row = {
            "id": message.id,
            "topic": message.topic,
            "state": message.state,
            "created_at": message.created_at,
            "next_attempt_at": message.next_attempt_at or message.created_at,
            "doc": message.to_json(),
        }
        self._records(ENQUEUE, row=row)

    def outbox_due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        return [OutboxMessage.from_json(d) for d in self._docs(OUTBOX_DUE, now=now, limit=limit)]

    def save_outbox(self, message: OutboxMessage) -> None:
        row = {
            "id": message.id,
            "state": message.state,
            "next_attempt_at": message.next_attempt_at,
            "doc": message.to_json(),
        }
        self._records(SAVE_OUTBOX, row=row)

    def list_outbox(self, state: str, page: Page) -> Listing[OutboxMessage]:
        text = OUTBOX + cypher.page_of("x", "x.created_at DESC, x.id")
        total, docs = self._listing(text, page, state=state)
        return Listing([OutboxMessage.from_json(d) for d in docs], total)

    # --- backup and metrics ----------------------------------------------------------
    def cases_opened_by(
        self, provider_id: str, page: Page, *, open_only: bool = False
    ) -> Listing[Case]:
        text = (
            "MATCH (:Provider {id: $provider_id})-[:OPENED]->(x:Case)\n"
            "WHERE NOT $open_only OR x.status = 'open'\n"
            + cypher.page_of("x", "x.opened_at DESC, x.id DESC")
        )
        total, docs = self._listing(text, page, provider_id=provider_id, open_only=open_only)
        return Listing([Case.model_validate_json(d) for d in docs], total)

    def all_cases(self, page: Page) -> Listing[Case]:
        text = "MATCH (x:Case)\n" + cypher.page_of("x", "x.opened_at, x.id")
        total, docs = self._listing(text, page)
        return Listing([Case.model_validate_json(d) for d in docs], total)

    def all_referrals(self, page: Page) -> Listing[Referral]:
        text = "MATCH (x:Referral)\n" + cypher.page_of("x", "x.created_at, x.id")
        total, docs = self._listing(text, page)
        return Listing([Referral.model_validate_json(d) for d in docs], total)

    def restore_referral(self, referral: Referral, events: Sequence[ReferralEvent]) -> None:
        from referral_graph.adapters.neo4j.mapping import event_row, referral_row

        if not events or any(e.referral_id != referral.id for e in events):
            raise Conflict(f"Referral {referral.id!r} must be restored with its own events.")
        first = events[0]
        if self._one(cypher.ADD_REFERRAL, row=referral_row(referral), event=event_row(first)):
            if len(events) > 1:
                rows = [event_row(e) for e in events[1:]]
                self._records(RESTORE_EVENTS, id=referral.id, events=rows)
            return
        if self._landed(cypher.STORED_REFERRAL_EVENT, first, id=referral.id, event_id=first.id):
            return  # a replay: the first commit restored it
        raise Conflict(f"Referral {referral.id!r} exists, or names something missing.")

    def count_referrals_by_status(self) -> dict[str, int]:
        return {str(r["status"]): int(r["n"]) for r in self._records(COUNT_BY_STATUS)}


RESTORE_EVENTS: LiteralString = """
MATCH (r:Referral {id: $id})
UNWIND $events AS event
CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent)
SET e = event
"""

COUNT_BY_STATUS: LiteralString = """
MATCH (r:Referral)
RETURN r.status AS status, count(*) AS n
"""

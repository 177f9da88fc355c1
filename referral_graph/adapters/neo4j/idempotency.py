"""Idempotency records on Neo4j: ``(:IdempotencyRecord {key})``, unique by key."""

from __future__ import annotations

from datetime import datetime
from typing import LiteralString

from referral_graph.adapters.neo4j.plumbing import CypherRunner
from referral_graph.domain.errors import Conflict
from referral_graph.store.port import IdempotencyRecord

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT idempotency_key IF NOT EXISTS"
    " FOR (n:IdempotencyRecord) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX idempotency_created IF NOT EXISTS FOR (n:IdempotencyRecord) ON (n.created_at)",
)

GET: LiteralString = """
MATCH (r:IdempotencyRecord {key: $key})
RETURN r.key AS key, r.request_hash AS request_hash, r.status AS status, r.body AS body,
       r.created_at AS created_at
"""

#: MERGE on the unique key: of two concurrent inserts, the loser meets the winner's node.
SAVE: LiteralString = """
MERGE (r:IdempotencyRecord {key: $key})
  ON CREATE SET r._new = true
WITH r
WITH r, r._new IS NOT NULL AS created
REMOVE r._new
WITH r, created WHERE created
SET r.request_hash = $request_hash, r.status = $status, r.body = $body,
    r.created_at = $created_at
RETURN r.key AS key
"""

FORGET: LiteralString = """
MATCH (r:IdempotencyRecord) WHERE r.created_at < $before
WITH r LIMIT 100000
DETACH DELETE r
RETURN count(*) AS gone
"""


class Neo4jIdempotency(CypherRunner):
    def get_idempotency(self, key: str) -> IdempotencyRecord | None:
        row = self._one(GET, key=key)
        if row is None:
            return None
        created = row["created_at"]
        return IdempotencyRecord(
            key=str(row["key"]),
            request_hash=str(row["request_hash"]),
            status=int(row["status"]),
            body=str(row["body"]),
            created_at=created.to_native() if hasattr(created, "to_native") else created,
        )

    def save_idempotency(self, record: IdempotencyRecord) -> None:
        saved = self._one(
            SAVE,
            key=record.key,
            request_hash=record.request_hash,
            status=record.status,
            body=record.body,
            created_at=record.created_at,
        )
        if saved is None:
            raise Conflict("This Idempotency-Key was used already.", field="Idempotency-Key")

    def forget_idempotency(self, before: datetime) -> int:
        row = self._one(FORGET, before=before)
        return 0 if row is None else int(row["gone"])

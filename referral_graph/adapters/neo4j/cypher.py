"""Every Cypher text of the Neo4j store. Values always travel as parameters.

Conventions:

* Inserts ``MERGE`` on the unique id with ``ON CREATE SET n._new = true`` and continue
  only for a node they created. The uniqueness constraint makes two concurrent MERGEs of
  one id meet on an index lock, so the loser sees the winner's node and returns no row
  (the adapter raises ``Conflict``) instead of failing the whole transaction.
* Compare-and-set first takes the node's write lock with a dummy write
  (``SET n._lock = true REMOVE n._lock``), then reads ``version``: a concurrent writer
  waits for the lock and reads the committed value, so exactly one of them matches.
* Listings return one row: the total and the requested page of ``doc`` strings.
"""

from __future__ import annotations

from typing import LiteralString

from referral_graph.adapters.neo4j.mapping import (
    CASE_TIMES,
    EVENT_TIMES,
    PROVIDER_TIMES,
    REFERRAL_TIMES,
)


def _datetimes(var: LiteralString, source: LiteralString, keys: tuple[str, ...]) -> LiteralString:
    """``, var.k = datetime(source.k)`` for each time key: rows may carry times as text
    (see :mod:`~referral_graph.adapters.neo4j.mapping`); they are stored as DATETIME."""
    return "".join(f", {var}.{k} = datetime({source}.{k})" for k in keys)


# --- areas -------------------------------------------------------------------------

#: Rows come parents first (provinces, then districts …), so a parent always exists.
MERGE_AREAS: LiteralString = """
UNWIND $areas AS area
MERGE (a:Area {code: area.code})
  ON CREATE SET a.level = area.level, a.name_en = area.name_en, a.name_km = area.name_km
WITH a, area
WHERE area.parent IS NOT NULL AND NOT EXISTS { (a)-[:IN]->(:Area) }
MATCH (parent:Area {code: area.parent})
CREATE (a)-[:IN]->(parent)
"""

# --- providers ---------------------------------------------------------------------

#: Writes ``row`` onto provider ``p`` and relinks it to its areas.
_PROVIDER_BODY: LiteralString = (
    "SET p = row.props"
    + _datetimes("p", "row.props", PROVIDER_TIMES)
    + """
WITH p, row
CALL (p) {
  MATCH (p)-[old:LOCATED_IN|COVERS]->(:Area)
  DELETE old
}
CALL (p, row) {
  MATCH (a:Area {code: row.area_code})
  CREATE (p)-[:LOCATED_IN]->(a)
}
CALL (p, row) {
  UNWIND row.coverage AS code
  MATCH (a:Area {code: code})
  CREATE (p)-[:COVERS]->(a)
}
"""
)

ADD_PROVIDER: LiteralString = (
    """
MERGE (p:Provider {id: $row.id})
  ON CREATE SET p._new = true
WITH p, $row AS row
WHERE p._new IS NOT NULL
"""
    + _PROVIDER_BODY
    + "RETURN p.id AS id"
)

LOCK_PROVIDER: LiteralString = """
MATCH (p:Provider {id: $id})
SET p._lock = true
REMOVE p._lock
RETURN p.version AS version
"""

SAVE_PROVIDER: LiteralString = (
    """
MATCH (p:Provider {id: $row.id})
WITH p, $row AS row
"""
    + _PROVIDER_BODY
    + "RETURN p.id AS id"
)

LOAD_PROVIDERS: LiteralString = (
    """
UNWIND $rows AS row
MERGE (p:Provider {id: row.id})
"""
    + _PROVIDER_BODY
    + "RETURN count(*) AS written"
)

GET_PROVIDER: LiteralString = "MATCH (p:Provider {id: $id}) RETURN p.doc AS doc"

#: What a replayed insert or compare-and-set compares its own write with.
STORED_PROVIDER: LiteralString = """
MATCH (p:Provider {id: $id})
RETURN p.doc AS doc, p.version AS version
"""

GET_PROVIDERS: LiteralString = """
UNWIND $ids AS id
MATCH (p:Provider {id: id})
RETURN p.doc AS doc
"""

#: Providers located in, or covering, the area, an area containing it (``$lineage``) or
#: an area inside it (down the ``:IN`` links, which follow the gazetteer's parent links).
PROVIDERS_IN_AREA: LiteralString = """
CALL () {
  MATCH (a:Area) WHERE a.code IN $lineage RETURN a
  UNION
  MATCH (:Area {code: $area})<-[:IN*1..3]-(a:Area) RETURN a
}
MATCH (p:Provider)-[:LOCATED_IN|COVERS]->(a)
WITH DISTINCT p
"""

ALL_PROVIDERS: LiteralString = """
MATCH (p:Provider)
WITH p
"""

#: One predicate per ``ProviderQuery`` field, each reading the parameter of that name.
PROVIDER_FILTERS: dict[str, LiteralString] = {
    "service": "$service IN p.services",
    "kind": "p.kind = $kind",
    "age": "p.min_age <= $age AND p.max_age >= $age",
    "gender": "(size(p.genders) = 0 OR $gender IN p.genders)",
    "active": "p.active = $active",
}

# --- pathways ----------------------------------------------------------------------

ADD_PATHWAY: LiteralString = """
MATCH (a:Provider {id: $row.from_provider_id}), (b:Provider {id: $row.to_provider_id})
WHERE NOT EXISTS { ()-[:PATHWAY {id: $row.id}]->() }
CREATE (a)-[w:PATHWAY]->(b)
SET w = $row
RETURN w.id AS id
"""

PATHWAY_EXISTS: LiteralString = """
OPTIONAL MATCH ()-[w:PATHWAY {id: $id}]->()
RETURN w IS NOT NULL AS exists
"""

LOAD_PATHWAYS: LiteralString = """
UNWIND $rows AS row
CALL (row) {
  MATCH ()-[old:PATHWAY {id: row.id}]->()
  DELETE old
}
WITH row
MATCH (a:Provider {id: row.from_provider_id}), (b:Provider {id: row.to_provider_id})
CREATE (a)-[w:PATHWAY]->(b)
SET w = row
RETURN count(w) AS written
"""

GET_PATHWAY: LiteralString = "MATCH ()-[w:PATHWAY {id: $id}]->() RETURN w.doc AS doc"

PATHWAYS: LiteralString = "MATCH (a:Provider)-[w:PATHWAY]->(b:Provider)\n"

PATHWAY_FILTERS: dict[str, LiteralString] = {
    "from_provider_id": "a.id = $from_provider_id",
    "to_provider_id": "b.id = $to_provider_id",
    "service": "w.service = $service",
}

# --- directory version -------------------------------------------------------------

DIRECTORY_VERSION: LiteralString = """
OPTIONAL MATCH (m:Meta {key: 'directory_version'})
RETURN coalesce(m.value, 0) AS value
"""

BUMP_DIRECTORY_VERSION: LiteralString = """
MERGE (m:Meta {key: 'directory_version'})
  ON CREATE SET m.value = 0
SET m._lock = true
SET m.value = m.value + 1
REMOVE m._lock
RETURN m.value AS value
"""

# --- cases -------------------------------------------------------------------------

ADD_CASE: LiteralString = (
    """
OPTIONAL MATCH (clash:Case {code: $row.code})
WITH clash WHERE clash IS NULL
MATCH (opener:Provider {id: $row.opened_by_provider_id})
MATCH (village:Area {code: $row.village_code})
MERGE (c:Case {id: $row.id})
  ON CREATE SET c._new = true
WITH opener, village, c
WHERE c._new IS NOT NULL
SET c = $row"""
    + _datetimes("c", "$row", CASE_TIMES)
    + """
CREATE (opener)-[:OPENED]->(c)-[:LIVES_IN]->(village)
RETURN c.id AS id
"""
)

WHY_NO_CASE: LiteralString = """
OPTIONAL MATCH (by_id:Case {id: $id})
OPTIONAL MATCH (by_code:Case {code: $code})
OPTIONAL MATCH (opener:Provider {id: $opener})
RETURN by_id IS NOT NULL AS id_taken, by_code IS NOT NULL AS code_taken,
       opener IS NOT NULL AS opener_known
"""

SAVE_CASE: LiteralString = (
    """
MATCH (c:Case {id: $row.id})
SET c._lock = true
REMOVE c._lock
WITH c, c.version = $expected AS ok
CALL (c, ok) {
  WITH c WHERE ok
  SET c = $row"""
    + _datetimes("c", "$row", CASE_TIMES)
    + """
  WITH c
  CALL (c) {
    MATCH (c)-[old:LIVES_IN]->(:Area)
    DELETE old
  }
  MATCH (village:Area {code: c.village_code})
  CREATE (c)-[:LIVES_IN]->(village)
}
RETURN ok
"""
)

GET_CASE: LiteralString = "MATCH (c:Case {id: $id}) RETURN c.doc AS doc"

STORED_CASE: LiteralString = """
MATCH (c:Case {id: $id})
RETURN c.doc AS doc, c.version AS version
"""

COUNT_CASES: LiteralString = "MATCH (c:Case) RETURN count(c) AS n"

# --- referrals ---------------------------------------------------------------------

ADD_REFERRAL: LiteralString = (
    """
MATCH (c:Case {id: $row.case_id})
MATCH (s:Provider {id: $row.from_provider_id})
MATCH (t:Provider {id: $row.to_provider_id})
OPTIONAL MATCH (prev:Referral {id: $row.continues_referral_id})
WITH c, s, t, prev
WHERE $row.continues_referral_id IS NULL OR prev IS NOT NULL
MERGE (r:Referral {id: $row.id})
  ON CREATE SET r._new = true
WITH c, s, t, prev, r
WHERE r._new IS NOT NULL
SET r = $row"""
    + _datetimes("r", "$row", REFERRAL_TIMES)
    + """
CREATE (s)-[:SENT]->(r)-[:TO]->(t), (r)-[:FOR]->(c), (r)-[:HAS_EVENT]->(e:ReferralEvent)
SET e = $event"""
    + _datetimes("e", "$event", EVENT_TIMES)
    + """
FOREACH (p IN CASE WHEN prev IS NULL THEN [] ELSE [prev] END | CREATE (r)-[:CONTINUES]->(p))
RETURN r.id AS id
"""
)

REFERRAL_EXISTS: LiteralString = """
OPTIONAL MATCH (r:Referral {id: $id})
RETURN r IS NOT NULL AS exists
"""

SAVE_REFERRAL: LiteralString = (
    """
MATCH (r:Referral {id: $row.id})
SET r._lock = true
REMOVE r._lock
WITH r, r.version = $expected AS ok, r.status AS status
CALL (r, ok) {
  WITH r WHERE ok
  SET r = $row"""
    + _datetimes("r", "$row", REFERRAL_TIMES)
    + """
  CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent)
  SET e = $event"""
    + _datetimes("e", "$event", EVENT_TIMES)
    + """
}
RETURN ok, status
"""
)

GET_REFERRAL: LiteralString = "MATCH (r:Referral {id: $id}) RETURN r.doc AS doc"

#: The referral's version and, if the referral holds it, the event ``$event_id``.
STORED_REFERRAL_EVENT: LiteralString = """
MATCH (r:Referral {id: $id})
OPTIONAL MATCH (r)-[:HAS_EVENT]->(e:ReferralEvent {id: $event_id})
RETURN r.version AS version, e.doc AS doc
"""

REFERRAL_EVENTS: LiteralString = """
MATCH (:Referral {id: $id})-[:HAS_EVENT]->(e:ReferralEvent)
RETURN e.doc AS doc
ORDER BY e.sequence
"""

CASE_REFERRALS: LiteralString = """
MATCH (:Case {id: $id})<-[:FOR]-(r:Referral)
RETURN r.doc AS doc
ORDER BY r.hop, r.created_at, r.id
"""

#: The hint keeps the planner on the composite ``referral_inbox`` index: left alone it
#: may seek ``referral_to_provider`` and filter every referral the provider ever had
#: (2–3× slower for a busy provider; see docs/graph-model.md).
INBOX: LiteralString = """
MATCH (r:Referral) USING INDEX r:Referral(to_provider_id, status)
WHERE r.to_provider_id = $provider_id AND r.status IN $statuses
"""

# --- listings and housekeeping -----------------------------------------------------


def page_of(var: LiteralString, order: LiteralString) -> LiteralString:
    """Finish a listing: the total and one page of ``doc`` in ``order``."""
    return (
        f"WITH {var} ORDER BY {order}\n"
        f"WITH collect({var}) AS found\n"
        "RETURN size(found) AS total,"
        " [x IN found[$offset..($offset + $limit)] | x.doc] AS docs"
    )


#: Relationships first, then nodes, each in bounded transactions: a ``DETACH DELETE`` of
#: nodes in batches takes every relationship of a batch's nodes along (an area or a busy
#: helpline has tens of thousands), which can exceed the server's transaction memory.
DELETE_RELATIONSHIPS: LiteralString = """
MATCH ()-[r]->()
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF $batch ROWS
"""

DELETE_ALL: LiteralString = """
MATCH (n)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch ROWS
"""

# --- retention ---------------------------------------------------------------------

#: Served by the ``case_closed_at`` range index; an open case has no ``closed_at``.
CASES_TO_PURGE: LiteralString = """
MATCH (c:Case)
WHERE c.closed_at < $closed_before AND c.status = 'closed' AND c.purged_at IS NULL
RETURN c.doc AS doc
ORDER BY c.closed_at, c.id
LIMIT $limit
"""

#: The purged document, keeping the version (retention is no step of the lifecycle).
PURGE_REFERRAL_TEXTS: LiteralString = """
UNWIND $rows AS row
MATCH (r:Referral {id: row.id})
SET r.doc = row.doc, r.status_reason = null
"""

EVENTS_OF_REFERRALS: LiteralString = """
UNWIND $ids AS id
MATCH (:Referral {id: id})-[:HAS_EVENT]->(e:ReferralEvent)
RETURN e.doc AS doc
"""

#: The only change events ever take: their ``doc`` without reason, outcome and note.
PURGE_EVENT_TEXTS: LiteralString = """
UNWIND $rows AS row
MATCH (e:ReferralEvent {id: row.id})
SET e.doc = row.doc
"""

"""Sample data on Neo4j: is any stored, and removing all of it (and only it) in the
transaction that asks (see ``Transaction.remove_sample_data``).

A node or ``ATTENDED`` link is sample data when its ``synthetic`` property is true;
attendance and coaching written before they carried the mark count when every person and
session they link is sample data. References are checked before anything is deleted,
so a refused removal leaves the store as it was. Deletes run in slices of ``batch_size``
inside the one transaction (a slice at a time keeps each statement small; the
transaction keeps the whole removal atomic).
"""

from __future__ import annotations

from typing import LiteralString

from referral_graph.adapters.neo4j.plumbing import CypherRunner
from referral_graph.domain.errors import SampleDataInUse

PRESENT: LiteralString = """
RETURN EXISTS { MATCH (p:Person) WHERE p.synthetic }
    OR EXISTS { MATCH (s:TrainingSession) WHERE s.synthetic }
    OR EXISTS { MATCH (x:AwarenessSession) WHERE x.synthetic }
    OR EXISTS { MATCH (c:CoachingSession) WHERE c.synthetic }
    OR EXISTS { MATCH (:Person)-[a:ATTENDED]->(:TrainingSession) WHERE a.synthetic }
    AS present
"""

_SAMPLE_ATTENDANCE: LiteralString = (
    "(coalesce(a.synthetic, false)"
    " OR (coalesce(p.synthetic, false) AND coalesce(s.synthetic, false)))"
)
_SAMPLE_COACHING: LiteralString = (
    "(coalesce(c.synthetic, false)"
    " OR (coalesce(p.synthetic, false) AND coalesce(coach.synthetic, false)))"
)

BLOCKERS: LiteralString = (
    """
CALL () {
  MATCH (s:Person)-[:SUPERVISES]->(p:Person)
  WHERE s.synthetic AND NOT coalesce(p.synthetic, false)
  RETURN count(DISTINCT p) AS supervised
}
CALL () {
  MATCH (p:Person)-[a:ATTENDED]->(s:TrainingSession)
  WHERE NOT """
    + _SAMPLE_ATTENDANCE
    + """
    AND (coalesce(p.synthetic, false) OR coalesce(s.synthetic, false))
  RETURN count(a) AS attendance
}
CALL () {
  MATCH (coach:Person)-[:COACHES]->(c:CoachingSession)-[:COACHED]->(p:Person)
  WHERE NOT """
    + _SAMPLE_COACHING
    + """
    AND (coalesce(p.synthetic, false) OR coalesce(coach.synthetic, false))
  RETURN count(c) AS coaching
}
CALL () {
  MATCH (f:Person)-[:FACILITATED]->(x:AwarenessSession)
  WHERE f.synthetic AND NOT coalesce(x.synthetic, false)
  RETURN count(x) AS awareness
}
RETURN supervised, attendance, coaching, awareness
"""
)

#: What each blocker count means (as the SQLite store says it).
BLOCKER_NAMES = {
    "supervised": "people supervised by a sample person",
    "attendance": "attendance records of a sample person or at a sample training",
    "coaching": "coaching sessions of or by a sample person",
    "awareness": "awareness sessions a sample person facilitated",
}

#: Per kind, dependants first: the sample records (``x``, a node or a link).
_MATCH: dict[str, LiteralString] = {
    "awareness sessions": "MATCH (x:AwarenessSession) WHERE x.synthetic",
    "coaching sessions": (
        "MATCH (coach:Person)-[:COACHES]->(x:CoachingSession)-[:COACHED]->(p:Person)"
        " WITH x, coach, p, x AS c WHERE " + _SAMPLE_COACHING
    ),
    "attendance": (
        "MATCH (p:Person)-[x:ATTENDED]->(s:TrainingSession)"
        " WITH x, p, s, x AS a WHERE " + _SAMPLE_ATTENDANCE
    ),
    "people": "MATCH (x:Person) WHERE x.synthetic",
    "training sessions": "MATCH (x:TrainingSession) WHERE x.synthetic",
}

COUNT: dict[str, LiteralString] = {
    kind: match + "\nRETURN count(DISTINCT x) AS n" for kind, match in _MATCH.items()
}
DELETE: dict[str, LiteralString] = {
    kind: match
    + "\nWITH DISTINCT x LIMIT $limit\n"
    + ("DELETE x" if kind == "attendance" else "DETACH DELETE x")
    + "\nRETURN count(*) AS n"
    for kind, match in _MATCH.items()
}


class Neo4jSampleData(CypherRunner):
    """The sample-data part of a Neo4j transaction (mixed into ``Neo4jTransaction``)."""

    def sample_data_present(self) -> bool:
        found = self._one(PRESENT)
        return bool(found and found["present"])

    def remove_sample_data(self, *, dry_run: bool = False) -> dict[str, int]:
        found = self._one(BLOCKERS)
        blockers = {
            name: int(found[key]) for key, name in BLOCKER_NAMES.items() if found and found[key]
        }
        if blockers:
            raise SampleDataInUse(blockers)
        counts: dict[str, int] = {}
        for kind in _MATCH:
            if dry_run:
                record = self._one(COUNT[kind])
                counts[kind] = 0 if record is None else int(record["n"])
                continue
            removed = 0
            while True:
                record = self._one(DELETE[kind], limit=self.batch_size)
                n = 0 if record is None else int(record["n"])
                removed += n
                if n < self.batch_size:
                    break
            counts[kind] = removed
        return counts

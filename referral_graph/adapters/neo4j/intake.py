"""Identifications on Neo4j.

Graph: ``(:Provider)-[:IDENTIFIED]->(:Identification)-[:SENT_TO]->(:Provider)``, and
``(:Identification)-[:BECAME]->(:Case)`` once the CCWC accepted it. Each node keeps the
model as JSON in ``doc`` plus the properties the queue, the lists and the audit filter
on. Inserts and compare-and-sets follow the conventions of :mod:`.cases` (a replay of a
unit of work whose first commit landed finds its own write and succeeds).
See :class:`referral_graph.store.intake.IntakePort`.
"""

from __future__ import annotations

from typing import Any, LiteralString

from referral_graph.adapters.neo4j.mapping import Row, set_datetimes
from referral_graph.adapters.neo4j.plumbing import CypherRunner, filtered, page_of, where
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.identification import Identification
from referral_graph.domain.isotime import iso
from referral_graph.store.port import IdentificationQuery, IntakePort, Listing, Page

TIMES = ("created_at",)

ADD: LiteralString = (
    """
MATCH (by:Provider {id: $row.identified_by_provider_id})
MATCH (ccwc:Provider {id: $row.to_provider_id})
OPTIONAL MATCH (c:Case {id: $row.case_id})
WITH by, ccwc, c
WHERE $row.case_id IS NULL OR c IS NOT NULL
MERGE (i:Identification {id: $row.id})
  ON CREATE SET i._new = true
WITH by, ccwc, c, i
WHERE i._new IS NOT NULL
SET i = $row"""
    + set_datetimes("i", "$row", TIMES)
    + """
CREATE (by)-[:IDENTIFIED]->(i)-[:SENT_TO]->(ccwc)
FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [c] END | CREATE (i)-[:BECAME]->(x))
RETURN i.id AS id
"""
)

SAVE: LiteralString = (
    """
MATCH (i:Identification {id: $row.id})
SET i._lock = true
REMOVE i._lock
WITH i, i.version = $expected AS ok
OPTIONAL MATCH (c:Case {id: $row.case_id})
OPTIONAL MATCH (other:Identification)-[:BECAME]->(c) WHERE other.id <> i.id
WITH i, ok, c, other, ($row.case_id IS NULL OR (c IS NOT NULL AND other IS NULL)) AS linkable
CALL (i, ok, c, linkable) {
  WITH i WHERE ok AND linkable
  SET i = $row"""
    + set_datetimes("i", "$row", TIMES)
    + """
  WITH i
  CALL (i) {
    MATCH (i)-[old:BECAME]->(:Case)
    DELETE old
  }
  FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [c] END | CREATE (i)-[:BECAME]->(x))
}
RETURN ok, linkable
"""
)

STORED: LiteralString = """
MATCH (i:Identification {id: $id})
RETURN i.doc AS doc, i.version AS version
"""

GET: LiteralString = "MATCH (i:Identification {id: $id}) RETURN i.doc AS doc"

OF_CASE: LiteralString = """
MATCH (i:Identification {case_id: $case_id})
RETURN i.doc AS doc
"""

LIST: LiteralString = "MATCH (x:Identification)\n"

FILTERS: dict[str, LiteralString] = {
    "provider_id": "(x.identified_by_provider_id = $provider_id"
    " OR x.to_provider_id = $provider_id)",
    "from_provider_id": "x.identified_by_provider_id = $from_provider_id",
    "to_provider_id": "x.to_provider_id = $to_provider_id",
    "statuses": "x.status IN $statuses",
    "since": "x.created_at >= $since",
    "until": "x.created_at < $until",
}


def identification_row(i: Identification) -> Row:
    """The node's properties (times as text; the queries store them as DATETIME)."""
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


class Neo4jIntake(CypherRunner, IntakePort):
    """The identifications part of a Neo4j transaction."""

    def add_identification(self, identification: Identification) -> None:
        if self._one(ADD, row=identification_row(identification)) is not None:
            return
        if self._landed(STORED, identification, id=identification.id):
            return  # a replay: the first commit inserted it
        if self._exists("Identification", identification.id):
            raise Conflict(f"An identification with id {identification.id!r} exists.", field="id")
        raise Conflict(
            f"Identification {identification.id!r} names a provider or case that does not exist.",
        )

    def save_identification(self, identification: Identification, expected_version: int) -> None:
        record = self._one(SAVE, row=identification_row(identification), expected=expected_version)
        if record is not None and record["ok"] and record["linkable"]:
            return
        if self._landed(STORED, identification, version=expected_version + 1, id=identification.id):
            return  # a replay: the first commit saved exactly this
        if record is not None and record["ok"]:
            raise Conflict(
                f"Case {identification.case_id!r} does not exist or came from another "
                "identification.",
                field="case_id",
            )
        raise StaleVersion("identification", identification.id)

    def get_identification(self, identification_id: str) -> Identification | None:
        doc = self._doc(GET, id=identification_id)
        return None if doc is None else Identification.model_validate_json(doc)

    def list_identifications(
        self, query: IdentificationQuery, page: Page
    ) -> Listing[Identification]:
        values: dict[str, Any] = {
            "provider_id": query.provider_id,
            "from_provider_id": query.from_provider_id,
            "to_provider_id": query.to_provider_id,
            "statuses": None if query.statuses is None else [s.value for s in query.statuses],
            "since": query.since,
            "until": query.until,
        }
        filters, params = filtered(values, FILTERS, query.area, "x.village_code")
        text = LIST + where(filters) + page_of("x", "x.created_at DESC, x.id DESC")
        return self._page(text, page, Identification.model_validate_json, **params)

    def identification_of_case(self, case_id: str) -> Identification | None:
        doc = self._doc(OF_CASE, case_id=case_id)
        return None if doc is None else Identification.model_validate_json(doc)

"""The directory on Neo4j: providers, pathways, the directory version, routing history.

Graph: ``(:Provider)-[:LOCATED_IN|COVERS]->(:Area)-[:IN]->(:Area)``,
``(:Provider)-[:PATHWAY]->(:Provider)``, ``(:ServiceGap)-[:GAP_OF]->(:Case)``; the
version is ``(:Meta {key: 'directory_version'})``.

Conventions (the cases and training modules follow them too):

* Inserts ``MERGE`` on the unique id with ``ON CREATE SET n._new = true`` and continue
  only for a node they created. The uniqueness constraint makes two concurrent MERGEs of
  one id meet on an index lock, so the loser sees the winner's node and returns no row
  (the adapter raises ``Conflict``) instead of failing the whole transaction.
* Compare-and-set first takes the node's write lock with a dummy write
  (``SET n._lock = true REMOVE n._lock``), then reads ``version``: a concurrent writer
  waits for the lock and reads the committed value, so exactly one of them matches.
* Listings return one row: the total and the requested page (see ``plumbing.page_of``).

See :class:`referral_graph.store.directory.DirectoryPort`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, LiteralString

from referral_graph.adapters.neo4j.mapping import (
    PROVIDER_TIMES,
    native_time,
    pathway_row,
    provider_areas,
    provider_row,
    set_datetimes,
)
from referral_graph.adapters.neo4j.plumbing import CypherRunner, filtered, page_of, where
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

# --- providers ---------------------------------------------------------------------

#: Writes ``row`` onto provider ``p`` and relinks it to its areas.
PROVIDER_BODY: LiteralString = (
    "SET p = row.props"
    + set_datetimes("p", "row.props", PROVIDER_TIMES)
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
    + PROVIDER_BODY
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
    + PROVIDER_BODY
    + "RETURN p.id AS id"
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

# --- routing history ---------------------------------------------------------------

ACTIVITY_VERSION: LiteralString = """
OPTIONAL MATCH (m:Meta {key: 'activity_version'})
RETURN coalesce(m.value, 0) AS value
"""

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


def _gap_doc(gap: ServiceGap) -> str:
    return json.dumps(
        {
            "id": gap.id,
            "case_id": gap.case_id,
            "service": gap.service.value,
            "village_code": gap.village_code,
            "reachable_by": list(gap.reachable_by),
            "at": iso(gap.at),
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
        parse_iso(d["at"]),
    )


class Neo4jDirectory(CypherRunner, DirectoryPort):
    """The directory part of a Neo4j transaction."""

    # --- providers -------------------------------------------------------------------
    def add_provider(self, provider: Provider) -> None:
        self._merge_areas(provider_areas(provider))
        if self._one(ADD_PROVIDER, row=provider_row(provider, text_times=True)) is None:
            if self._landed(STORED_PROVIDER, provider, id=provider.id):
                return  # a replay: the first commit inserted it (and bumped the version)
            raise Conflict(f"A provider with id {provider.id!r} exists.", field="id")
        self.bump_directory_version()

    def save_provider(self, provider: Provider, expected_version: int) -> None:
        locked = self._one(LOCK_PROVIDER, id=provider.id)
        if locked is None or locked["version"] != expected_version:
            if self._landed(
                STORED_PROVIDER, provider, version=expected_version + 1, id=provider.id
            ):
                return  # a replay: the first commit saved exactly this
            raise StaleVersion("provider", provider.id)
        self._merge_areas(provider_areas(provider))
        self._records(SAVE_PROVIDER, row=provider_row(provider, text_times=True))
        self.bump_directory_version()

    def get_provider(self, provider_id: str) -> Provider | None:
        doc = self._doc(GET_PROVIDER, id=provider_id)
        return None if doc is None else Provider.model_validate_json(doc)

    def get_providers(self, provider_ids: Iterable[str]) -> dict[str, Provider]:
        ids = list(dict.fromkeys(provider_ids))
        providers = [
            Provider.model_validate_json(doc) for doc in self._docs(GET_PROVIDERS, ids=ids)
        ]
        return {p.id: p for p in providers}

    def list_providers(self, query: ProviderQuery, page: Page) -> Listing[Provider]:
        values: dict[str, object] = {
            "service": None if query.service is None else query.service.value,
            "kind": None if query.kind is None else query.kind.value,
            "age": query.age,
            "gender": None if query.gender is None else query.gender.value,
            "active": query.active,
        }
        filters, params = filtered(values, PROVIDER_FILTERS)
        base = ALL_PROVIDERS
        if query.area is not None:
            params.update(lineage=area_prefixes(query.area), area=query.area)
            base = PROVIDERS_IN_AREA
        text = base + where(filters) + page_of("p", "p.id")
        return self._page(text, page, Provider.model_validate_json, **params)

    # --- pathways --------------------------------------------------------------------
    def add_pathway(self, pathway: Pathway) -> None:
        if self._one(ADD_PATHWAY, row=pathway_row(pathway)) is None:
            if self._landed(GET_PATHWAY, pathway, id=pathway.id):
                return  # a replay: the first commit inserted it
            exists = self._one(PATHWAY_EXISTS, id=pathway.id)
            if exists is not None and exists["exists"]:
                raise Conflict(f"A pathway with id {pathway.id!r} exists.", field="id")
            raise Conflict(
                f"Pathway {pathway.id!r} links a provider that does not exist.",
                field="to_provider_id",
            )
        self.bump_directory_version()

    def get_pathway(self, pathway_id: str) -> Pathway | None:
        doc = self._doc(GET_PATHWAY, id=pathway_id)
        return None if doc is None else Pathway.model_validate_json(doc)

    def list_pathways(self, query: PathwayQuery, page: Page) -> Listing[Pathway]:
        values: dict[str, object] = {
            "from_provider_id": query.from_provider_id,
            "to_provider_id": query.to_provider_id,
            "service": None if query.service is None else query.service.value,
        }
        filters, params = filtered(values, PATHWAY_FILTERS)
        text = PATHWAYS + where(filters) + page_of("w", "w.id")
        return self._page(text, page, Pathway.model_validate_json, **params)

    # --- directory version -----------------------------------------------------------
    def directory_version(self) -> int:
        record = self._one(DIRECTORY_VERSION)
        return 0 if record is None else int(record["value"])

    def bump_directory_version(self) -> int:
        record = self._one(BUMP_DIRECTORY_VERSION)
        assert record is not None
        return int(record["value"])

    # --- routing ---------------------------------------------------------------------
    def activity_version(self) -> int:
        record = self._one(ACTIVITY_VERSION)
        return 0 if record is None else int(record["value"])

    def open_referral_counts(self) -> dict[str, int]:
        return {
            str(r["provider_id"]): int(r["n"])
            for r in self._records(OPEN_COUNTS, open=[s.value for s in OPEN_STATUSES])
        }

    def provider_activity(self, since: datetime) -> dict[str, ProviderActivity]:
        open_counts = {
            str(r["provider_id"]): int(r["n"])
            for r in self._records(OPEN_COUNTS, open=[s.value for s in OPEN_STATUSES])
        }
        waits: dict[str, list[float]] = {}
        for r in self._records(ACKNOWLEDGE_TIMES, since=since):
            took = native_time(r["received_at"]) - native_time(r["created_at"])
            waits.setdefault(str(r["provider_id"]), []).append(took.total_seconds())
        return {
            pid: ProviderActivity(open_counts.get(pid, 0), tuple(waits.get(pid, ())))
            for pid in set(open_counts) | set(waits)
        }

    def record_service_gap(self, gap: ServiceGap) -> None:
        row: dict[str, Any] = {
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
        filters, params = filtered({}, {}, area, "x.village_code")
        text = SERVICE_GAPS + where(filters) + page_of("x", "x.at DESC, x.id")
        return self._page(text, page, _gap, **params)

"""Running Cypher inside one managed transaction: records, documents, listings, areas.

Every listing ends in :func:`page_of` and is read by :meth:`CypherRunner._page`: one
row with the total and the requested page, from one spelling of the filters (built by
:func:`filtered`), so that the count and the page can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, LiteralString, TypeVar

from neo4j import ManagedTransaction, Record
from neo4j.exceptions import ConstraintError
from pydantic import BaseModel

from referral_graph.adapters.neo4j.mapping import Row, area_rows
from referral_graph.domain.areas import scope
from referral_graph.domain.errors import Conflict
from referral_graph.store.port import Listing, Page

T = TypeVar("T")

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


def _missing_among(label: LiteralString) -> LiteralString:
    """Which of ``$ids`` name no node of ``label``."""
    return f"""
UNWIND $ids AS id
OPTIONAL MATCH (n:{label} {{id: id}})
WITH id, n WHERE n IS NULL
RETURN collect(id) AS missing
"""


def batches(rows: Sequence[Row], size: int) -> Iterable[list[Row]]:
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


def where(filters: Iterable[LiteralString]) -> LiteralString:
    """``WHERE a AND b`` over fixed predicate texts (values stay parameters)."""
    clauses = list(filters)
    return "WHERE " + " AND ".join(clauses) + "\n" if clauses else ""


def inside(prop: LiteralString, area: str) -> tuple[LiteralString, dict[str, object]]:
    """A predicate selecting ``prop`` values (area codes) inside ``area``.

    Provinces and districts prefix every code below them; a commune is the list of its
    villages, some of which do not start with its code (see :func:`areas.scope`).
    """
    found = scope(area)
    if found.prefix is not None:
        return f"{prop} STARTS WITH $area_prefix", {"area_prefix": found.prefix}
    return f"{prop} IN $area_codes", {"area_codes": list(found.codes)}


def filtered(
    values: Mapping[str, object],
    known: Mapping[str, LiteralString],
    area: str | None = None,
    area_prop: LiteralString = "x.area_code",
) -> tuple[list[LiteralString], dict[str, Any]]:
    """The predicates and parameters for the filters given (``None``: not filtered),
    each ``known[name]`` reading the parameter ``$name``, and for ``area`` on
    ``area_prop`` at any level of the gazetteer (join them with :func:`where`)."""
    params: dict[str, Any] = {k: v for k, v in values.items() if v is not None}
    filters = [known[k] for k in params]
    if area is not None:
        predicate, area_params = inside(area_prop, area)
        filters.append(predicate)
        params.update(area_params)
    return filters, params


def page_of(
    var: LiteralString, order: LiteralString, item: LiteralString = "x.doc"
) -> LiteralString:
    """Finish a listing of ``var``: the total and one page of ``item`` (an expression of
    ``x``, each node found; by default its ``doc``) in ``order``."""
    return (
        f"WITH {var} ORDER BY {order}\n"
        f"WITH collect({var}) AS found\n"
        "RETURN size(found) AS total,"
        f" [x IN found[$offset..($offset + $limit)] | {item}] AS items"
    )


class CypherRunner:
    """Helpers over one ``ManagedTransaction``; results are always consumed at once.

    ``replay`` is true when the store runs a unit of work again because its first commit
    ended without an answer (``IncompleteCommit``): the first commit may have landed, so
    an insert that finds its id already holding the same content, or a compare-and-set
    that finds its own step already applied, succeeds without writing anything.
    """

    def __init__(
        self, tx: ManagedTransaction, *, batch_size: int = 5_000, replay: bool = False
    ) -> None:
        self.tx = tx
        self.batch_size = batch_size
        self.replay = replay

    def _records(self, query: LiteralString, **params: Any) -> list[Record]:
        try:
            return list(self.tx.run(query, params))
        except ConstraintError as exc:  # a concurrent insert won the race for a key
            raise Conflict(f"An id or code is already taken: {exc.message}") from exc

    def _one(self, query: LiteralString, **params: Any) -> Record | None:
        records = self._records(query, **params)
        return records[0] if records else None

    def _docs(self, query: LiteralString, **params: Any) -> list[str]:
        return [str(r["doc"]) for r in self._records(query, **params)]

    def _doc(self, query: LiteralString, **params: Any) -> str | None:
        docs = self._docs(query, **params)
        return docs[0] if docs else None

    def _page(
        self, query: LiteralString, page: Page, read: Callable[[Any], T], **params: Any
    ) -> Listing[T]:
        """Run a query ending in :func:`page_of`: one page of items, each made by
        ``read`` (``Model.model_validate_json`` for the default ``doc``), and the total."""
        record = self._one(query, offset=page.offset, limit=page.limit, **params)
        assert record is not None  # an aggregation always returns a row
        return Listing([read(item) for item in record["items"]], int(record["total"]))

    def _landed(
        self,
        query: LiteralString,
        model: BaseModel,
        *,
        version: int | None = None,
        **params: Any,
    ) -> bool:
        """On a replay only: whether ``query`` finds a ``doc`` holding exactly ``model``
        (and, if given, a ``version`` of ``version``). Compared as models, not as text: a
        set's JSON order may differ between two builds of one model."""
        if not self.replay:
            return False
        record = self._one(query, **params)
        if record is None or record["doc"] is None:
            return False
        if version is not None and record["version"] != version:
            return False
        return type(model).model_validate_json(str(record["doc"])) == model

    def _missing(self, label: LiteralString, ids: Iterable[str]) -> list[str]:
        """Which of ``ids`` name no node of ``label``, sorted."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        record = self._one(_missing_among(label), ids=wanted)
        return [] if record is None else sorted(str(i) for i in record["missing"])

    def _exists(self, label: LiteralString, node_id: str) -> bool:
        return not self._missing(label, [node_id])

    def _require(
        self, label: LiteralString, ids: Iterable[str], field: str, known: Iterable[str] = ()
    ) -> None:
        """``Conflict`` naming ``field`` if any of ``ids`` (but those in ``known``) is
        no node of ``label``: checked before a write that links them."""
        skip = set(known)
        missing = self._missing(label, (i for i in ids if i not in skip))
        if missing:
            kind = {"TrainingSession": "training session"}.get(label, label.lower())
            raise Conflict(f"No {kind} with id {', '.join(repr(m) for m in missing)}.", field=field)

    def _merge_areas(self, codes: Iterable[str]) -> None:
        for batch in batches(area_rows(codes), self.batch_size):
            self._records(MERGE_AREAS, areas=batch)

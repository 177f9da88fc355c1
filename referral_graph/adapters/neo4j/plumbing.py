"""Running Cypher inside one managed transaction: records, documents, listings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, LiteralString

from neo4j import ManagedTransaction, Record
from neo4j.exceptions import ConstraintError
from pydantic import BaseModel

from referral_graph.adapters.neo4j import cypher
from referral_graph.adapters.neo4j.mapping import Row, area_rows
from referral_graph.domain.areas import scope
from referral_graph.domain.errors import Conflict
from referral_graph.store.port import Page


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

    def _listing(self, query: LiteralString, page: Page, **params: Any) -> tuple[int, list[str]]:
        """Run a query ending in :func:`cypher.page_of`: the total and one page of docs."""
        record = self._one(query, offset=page.offset, limit=page.limit, **params)
        assert record is not None  # an aggregation always returns a row
        return int(record["total"]), [str(d) for d in record["docs"]]

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

    def _merge_areas(self, codes: Iterable[str]) -> None:
        for batch in batches(area_rows(codes), self.batch_size):
            self._records(cypher.MERGE_AREAS, areas=batch)

"""Running Cypher inside one managed transaction: records, documents, listings, areas.

Every listing ends in :func:`page_of` and is read by :meth:`CypherRunner._page`: one
row with the total and the requested page, from one spelling of the filters (built by
:func:`filtered`), so that the count and the page can never disagree.

**Deferred writes.** A write whose answer the unit of work does not need at once (an
access record, an outbox message, a compare-and-set that only has to fail loudly, the
idempotent answer) is *deferred* (:meth:`CypherRunner._defer`): it waits until the next
query, or the end of the unit of work, and then all that wait run as **one** statement,
each in a ``CALL () { … }`` subquery of its own (:func:`compose`). A step on a referral
is then one read statement and one write statement, where it was a query per write;
each query is a round trip and a plan execution on both sides (measured on the build
machine: 1 transaction of 10 queries 285 tx/s, of 2 queries 477 tx/s). Writes that
answer nothing are folded into the front of the next query instead, when one comes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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


def _in_utc(value: Any) -> Any:
    """A time parameter in UTC: the driver packs an aware time by asking its zone for the
    offset with a time of its own, which ``zoneinfo``'s C code does not expect — with
    ``Asia/Phnom_Penh`` the interpreter crashed (SIGSEGV in ``neo4j.time``). Stored times
    are UTC anyway."""
    if isinstance(value, datetime) and value.tzinfo is not None and value.tzinfo is not UTC:
        return value.astimezone(UTC)
    return value


@dataclass(slots=True)
class Deferred:
    """A write waiting for the statement that carries it (see the module docstring).

    ``body`` is Cypher with its own parameters (``params``) and no ``RETURN``. With a
    ``result`` expression the write answers ``collect(result)`` (so always exactly one
    row, an empty list when the body matched nothing), which ``check`` is given once the
    statement has run; it raises if the write did not do what it had to. Without one it
    must end in an updating clause (it runs as a unit subquery)."""

    body: LiteralString
    params: dict[str, Any]
    result: LiteralString | None = None
    check: Callable[[list[Any]], None] | None = None


_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _runs(writes: Sequence[Deferred], largest: int) -> list[list[Deferred]]:
    """``writes`` in order, consecutive result-less writes of one body grouped (at most
    ``largest`` to a group)."""
    runs: list[list[Deferred]] = []
    for write in writes:
        last = runs[-1] if runs else None
        if (
            last is not None
            and write.result is None
            and last[0].result is None
            and last[0].body == write.body
            and "CALL" not in write.body  # a nested scope would not see the row
            and len(last) < largest
        ):
            last.append(write)
        else:
            runs.append([write])
    return runs


def compose(
    writes: Sequence[Deferred], then: LiteralString = "", largest: int = 5_000
) -> tuple[str, dict[str, Any]]:
    """One statement running ``writes`` in order, each in its own subquery with its
    parameters renamed ``w<i>_<name>``, answering one row with column ``w<i>`` for each
    write that has a ``result``; or, with ``then`` (a whole query of its own), the
    result-less writes followed by ``then``, which answers as it would alone.

    Consecutive result-less writes of one body (a batch of access records, say) become
    one subquery over ``UNWIND`` of their parameters: a statement's text and plan stay
    the same size however many there are."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    answers: list[str] = []
    for i, run in enumerate(_runs(writes, largest)):
        write = run[0]
        if len(run) > 1:
            body = _PARAMETER.sub(lambda m, i=i: f"w{i}.{m[1]}", write.body)  # type: ignore[misc]
            params[f"w{i}"] = [w.params for w in run]
            parts.append(f"CALL () {{\nUNWIND $w{i} AS w{i}\n{body}\n}}")
            continue
        body = _PARAMETER.sub(lambda m, i=i: f"$w{i}_{m[1]}", write.body)  # type: ignore[misc]
        params.update({f"w{i}_{name}": value for name, value in write.params.items()})
        if write.result is None:
            parts.append(f"CALL () {{\n{body}\n}}")
        else:
            parts.append(f"CALL () {{\n{body}\nRETURN collect({write.result}) AS w{i}\n}}")
            answers.append(f"w{i}")
    if then:
        return "\n".join([*parts, then]), params
    return "\n".join([*parts, "RETURN " + (", ".join(answers) or "true AS done")]), params


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
        self._claims: list[Deferred] = []  # run before the other deferred writes
        self._deferred: list[Deferred] = []

    def _run(self, query: str, params: Mapping[str, Any]) -> list[Record]:
        sent = {k: _in_utc(v) for k, v in params.items()}
        try:
            return list(self.tx.run(query, sent))
        except ConstraintError as exc:  # a concurrent insert won the race for a key
            raise Conflict(f"An id or code is already taken: {exc.message}") from exc

    def _records(self, query: LiteralString, **params: Any) -> list[Record]:
        """Run ``query`` after the deferred writes (folded into it when none of them
        answers anything, else as a statement of their own first)."""
        if self._claims or any(w.result is not None for w in self._deferred):
            self.flush()
        if self._deferred:
            writes, self._deferred = self._deferred, []
            text, all_params = compose(writes, then=query, largest=self.batch_size)
            clash = set(all_params) & set(params)
            assert not clash, f"parameters {clash} would be shadowed"
            return self._run(text, {**all_params, **params})
        return self._run(query, params)

    def _defer(
        self,
        body: LiteralString,
        /,
        *,
        result: LiteralString | None = None,
        check: Callable[[list[Any]], None] | None = None,
        first: bool = False,
        **params: Any,
    ) -> None:
        """Write ``body`` with the next statement (see :class:`Deferred`); ``first``:
        before every other deferred write (a claim that concurrent transactions queue
        on, so that they wait before they change anything else)."""
        (self._claims if first else self._deferred).append(Deferred(body, params, result, check))

    def flush(self) -> None:
        """Run the deferred writes now, as one statement, and check their answers (the
        store calls this at the end of every unit of work)."""
        writes = [*self._claims, *self._deferred]
        if not writes:
            return
        self._claims, self._deferred = [], []
        text, params = compose(writes, largest=self.batch_size)
        record = self._run(text, params)[0]
        for i, run in enumerate(_runs(writes, self.batch_size)):
            check = run[0].check
            if check is not None:  # a write with a check has a result: a run of its own
                check(list(record[f"w{i}"]))

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

    def _defer_areas(self, codes: Iterable[str]) -> None:
        """:meth:`_merge_areas`, deferred (a case's village before its insert)."""
        for batch in batches(area_rows(codes), self.batch_size):
            self._defer(MERGE_AREAS, areas=batch)

    def _merge_areas(self, codes: Iterable[str]) -> None:
        for batch in batches(area_rows(codes), self.batch_size):
            self._records(MERGE_AREAS, areas=batch)

"""What the SQLite transaction's parts share: the connection, and small SQL builders.

Every listing goes through :func:`page_of_rows` (or :func:`page_of_docs`, the same for
the rows' ``doc``): the count of what the filters select and one page of it, from one
spelling of the filters, so that the count and the page can never disagree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from referral_graph.domain.areas import scope
from referral_graph.domain.queries import Listing, Page

T = TypeVar("T")
V = TypeVar("V")
Row = tuple[Any, ...]

#: How many ids one ``IN (…)`` list binds (SQLite allows 32,766 variables; a smaller
#: list keeps each statement cheap to prepare).
CHUNK = 500


class SqlitePart:
    """The base of each part of a SQLite transaction (one per port): its connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


def scope_sql(column: str, area: str) -> tuple[str, list[object]]:
    """A condition selecting ``column`` values inside ``area`` (see ``areas.scope``)."""
    found = scope(area)
    if found.prefix is not None:
        return f"{column} GLOB ?", [f"{found.prefix}*"]
    marks = ",".join("?" * len(found.codes))
    return f"{column} IN ({marks})", list(found.codes)


def where(conditions: Sequence[str]) -> str:
    return f"WHERE {' AND '.join(conditions)}" if conditions else ""


class Filters:
    """The conditions of a query and their arguments, built one filter at a time.

    >>> f = Filters()
    >>> f.given("kind = ?", "ngo")
    >>> f.given("active = ?", None)  # not filtered on
    >>> f.given("min_age <= ? AND max_age >= ?", 15)
    >>> f.conditions, f.args
    (['kind = ?', 'min_age <= ? AND max_age >= ?'], ['ngo', 15, 15])
    """

    def __init__(self, *conditions: str) -> None:
        self.conditions: list[str] = list(conditions)
        self.args: list[object] = []

    def add(self, condition: str, args: Sequence[object] = ()) -> None:
        """A condition with its arguments, always."""
        self.conditions.append(condition)
        self.args += args

    def given(
        self, condition: str, value: V | None, convert: Callable[[V], object] = lambda v: v
    ) -> None:
        """``condition`` with ``convert(value)`` for each of its ``?`` — unless ``value``
        is None (the filter was left out)."""
        if value is not None:
            self.add(condition, [convert(value)] * condition.count("?"))


def in_chunks(conn: sqlite3.Connection, sql: str, ids: Iterable[str]) -> Iterator[Row]:
    """The rows of ``sql`` (whose ``{marks}`` stands for the ``IN`` list) over the
    distinct ``ids``, :data:`CHUNK` at a time."""
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        yield from conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)


def page_of_rows(
    conn: sqlite3.Connection,
    read: Callable[[Row], T],
    sources: str | Sequence[str],
    conditions: Sequence[str],
    args: Sequence[object],
    order: str,
    page: Page,
    *,
    columns: str | None = None,
) -> Listing[T]:
    """One page of the rows of ``sources`` meeting ``conditions``, each made an item by
    ``read``, in ``order``, with the number of all such rows.

    A source is ``table alias`` (or a table); several sources hold rows of one kind
    (``columns`` alike) and are listed together, the conditions applying to each (a log
    and the journal not yet settled into it). ``columns`` defaults to the ``doc``.
    """
    tables = [sources] if isinstance(sources, str) else list(sources)
    clause = where(conditions)
    each = [*args] * len(tables)
    counts = " + ".join(f"(SELECT count(*) FROM {t} {clause})" for t in tables)
    total = conn.execute(f"SELECT {counts}", each).fetchone()[0]
    selects = " UNION ALL ".join(
        f"SELECT {columns or t.split()[-1] + '.doc'} FROM {t} {clause}" for t in tables
    )
    rows = conn.execute(
        f"{selects} ORDER BY {order} LIMIT ? OFFSET ?", [*each, page.limit, page.offset]
    ).fetchall()
    return Listing([read(r) for r in rows], int(total))


def page_of_docs(
    conn: sqlite3.Connection,
    read: Callable[[str], T],
    source: str,
    conditions: Sequence[str],
    args: Sequence[object],
    order: str,
    page: Page,
) -> Listing[T]:
    """:func:`page_of_rows` of one source's ``doc`` column, each read by ``read``
    (``Model.model_validate_json``)."""
    return page_of_rows(conn, lambda row: read(row[0]), source, conditions, args, order, page)

"""Small SQL builders the SQLite transaction's parts share."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from referral_graph.domain.areas import scope
from referral_graph.store.port import Page


def scope_sql(column: str, area: str) -> tuple[str, list[object]]:
    """A condition selecting ``column`` values inside ``area`` (see ``areas.scope``)."""
    found = scope(area)
    if found.prefix is not None:
        return f"{column} GLOB ?", [f"{found.prefix}*"]
    marks = ",".join("?" * len(found.codes))
    return f"{column} IN ({marks})", list(found.codes)


def where(conditions: Sequence[str]) -> str:
    return f"WHERE {' AND '.join(conditions)}" if conditions else ""


def page_of_docs(
    conn: sqlite3.Connection,
    source: str,
    conditions: Sequence[str],
    args: Sequence[object],
    order: str,
    page: Page,
) -> tuple[int, list[str]]:
    """The number of rows of ``source`` (``table alias``) meeting ``conditions``, and the
    ``doc`` column of one page of them in ``order``."""
    alias = source.split()[-1]
    clause = where(conditions)
    count = conn.execute(f"SELECT count(*) FROM {source} {clause}", list(args)).fetchone()[0]
    rows = conn.execute(
        f"SELECT {alias}.doc FROM {source} {clause} ORDER BY {order} LIMIT ? OFFSET ?",
        [*args, page.limit, page.offset],
    ).fetchall()
    return int(count), [r[0] for r in rows]

"""Versioned schema migrations for the SQLite store (``PRAGMA user_version``)."""

from __future__ import annotations

import sqlite3
from importlib import resources

from referral_graph.domain.errors import StoreUnavailable


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files(__package__).joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(found)


def latest_version() -> int:
    return max(v for v, _ in _migrations())


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration newer than the database, each in its own transaction.

    Refuses a database whose schema is newer than this program knows.
    """
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    newest = latest_version()
    if current > newest:
        raise StoreUnavailable(
            f"The database schema is version {current}, newer than this program "
            f"understands ({newest}). Upgrade referral-graph before opening it."
        )
    for version, sql in _migrations():
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return newest


def _split(sql: str) -> list[str]:
    """Split a migration into statements (triggers keep their inner semicolons)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements

"""``referral-graph backup`` and ``referral-graph restore``
(see :mod:`referral_graph.archive.backup`).

    referral-graph backup --out backups/2026-03-02.sqlite3            # SQLite: the file
    referral-graph backup --out backups/2026-03-02.jsonl.gz --format jsonl
    referral-graph restore --from backups/2026-03-02.jsonl.gz         # into an empty store

The store is the one the settings name (``REFERRAL_GRAPH_STORE``, ``..._SQLITE_PATH``,
``NEO4J_URI`` …). A backup may run while the server serves; a restore goes into an
empty store (``--reset`` empties it first) and should run with the server stopped.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from referral_graph.archive.backup import BackupResult, backup_sqlite, export_store, restore
from referral_graph.bootstrap import make_store
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.settings import StoreKind, get_settings

console = Console(width=None if Console().is_terminal else 160)


class BackupFormat(StrEnum):
    SQLITE = "sqlite"
    JSONL = "jsonl"


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.1f} kB"


def _report(verb: str, result: BackupResult) -> None:
    console.print(f"{verb} {result.path} ({_size(result.bytes)}) in {result.seconds:.2f} s.")
    if result.counts:
        table = Table("kind", "records")
        for kind, n in sorted(result.counts.items()):
            table.add_row(kind, str(n))
        console.print(table)


def backup_command(
    out: Annotated[Path, typer.Option("--out", help="The file to write (replaced if it exists).")],
    fmt: Annotated[
        BackupFormat | None,
        typer.Option(
            "--format",
            help="sqlite: a copy of the database file (SQLite store only); jsonl: a "
            "store-neutral archive, gzip when the name ends in .gz. Default: sqlite for "
            "the SQLite store, jsonl for Neo4j.",
        ),
    ] = None,
) -> None:
    """Back up the store while it serves: a consistent copy as of one instant."""
    settings = get_settings()
    chosen = fmt or (
        BackupFormat.SQLITE if settings.store is StoreKind.SQLITE else BackupFormat.JSONL
    )
    if chosen is BackupFormat.SQLITE and settings.store is not StoreKind.SQLITE:
        raise typer.BadParameter(
            "the sqlite format is for the sqlite store only; use --format jsonl",
            param_hint="--format",
        )
    if chosen is BackupFormat.SQLITE and not settings.sqlite_path.is_file():
        console.print(f"[red]No SQLite database at {settings.sqlite_path}.[/red]")
        raise typer.Exit(1)
    store = make_store(settings)
    try:
        if chosen is BackupFormat.SQLITE:
            from referral_graph.adapters.sqlite.store import SqliteStore

            assert isinstance(store, SqliteStore)
            result = backup_sqlite(store, out)
        else:
            store.initialise()
            # Idempotency-Keys still inside their window: a retry after a restore replays.
            window = timedelta(hours=settings.idempotency_hours)
            result = export_store(store, out, keys_since=datetime.now(UTC) - window)
    except ReferralGraphError as exc:
        console.print(f"[red]Backup failed: {exc.detail}[/red]")
        raise typer.Exit(1) from None
    finally:
        store.close()
    _report(f"Backed up the {store.name} store to", result)


def restore_command(
    source: Annotated[
        Path,
        typer.Option(
            "--from",
            help="A SQLite backup file or an archive (.jsonl or .jsonl.gz).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    reset: Annotated[
        bool, typer.Option(help="Delete everything in the store first (else it must be empty).")
    ] = False,
    unsealed: Annotated[
        bool,
        typer.Option(
            help="Restore a SQLite backup made before backups carried a content checksum "
            "(nothing shows such a file is unchanged)."
        ),
    ] = False,
) -> None:
    """Restore a backup into an empty store (stop the server first). A backup whose
    content checksum fails (a changed record) is refused before anything is written."""
    store = make_store(get_settings())
    try:
        store.initialise()
        result = restore(source, store, reset=reset, unsealed=unsealed)
    except ReferralGraphError as exc:
        console.print(f"[red]Restore failed: {exc.detail}[/red]")
        raise typer.Exit(1) from None
    finally:
        store.close()
    _report(f"Restored into the {store.name} store from", result)

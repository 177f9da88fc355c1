"""The raw stores' write ceilings: small write transactions per second from Python.

    python -m benchmarks.raw_store                       # SQLite, then Neo4j if it answers
    BENCH_RAW_SECONDS=5 BENCH_RAW_STORES=neo4j python -m benchmarks.raw_store

What the API's write path is measured against (issue #24: API writes per second ≥ 25 %
of the raw store's 1-thread figure). One transaction writes one small record, the least
a write request can cost the store, with the same durability as the product:

* SQLite: the product's settings (WAL, ``synchronous=FULL``), a connection per thread,
  ``BEGIN IMMEDIATE``, one ``INSERT`` of a 4-column row, ``COMMIT`` — in a file of its
  own next to the benchmark's store (same disk);
* Neo4j: the product's driver (one per process, sessions on the named database), a
  managed write transaction creating one node with 4 properties — on the Neo4j of
  NEO4J_URI, whose ``RawBench`` nodes are deleted afterwards.

Each at 1 and 8 threads for ``BENCH_RAW_SECONDS`` (default 5). Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

THREADS = (1, 8)


def _rate(threads: int, seconds: float, make: Callable[[int], Callable[[int], None]]) -> float:
    """Transactions per second over ``threads`` threads, each running the function
    ``make(thread)`` returns (given a serial) as often as it can for ``seconds``."""
    counts = [0] * threads
    errors: list[BaseException] = []
    start = threading.Barrier(threads + 1)
    stop = threading.Event()

    def run(k: int) -> None:
        try:
            once = make(k)
            once(-1)  # warm: connection open, statement prepared
            start.wait()
            n = 0
            while not stop.is_set():
                once(n)
                n += 1
            counts[k] = n
        except BaseException as exc:  # reported below
            errors.append(exc)
            start.abort()

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    start.wait()
    t = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join()
    took = time.perf_counter() - t
    if errors:
        raise errors[0]
    return sum(counts) / took


def sqlite_ceiling(folder: Path, seconds: float) -> dict[str, Any]:
    path = folder / "raw-ceiling.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS raw (id TEXT PRIMARY KEY, at TEXT, n INT, doc TEXT)"
        )

    def make(thread: int) -> Callable[[int], None]:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA synchronous = FULL")

        def once(n: int) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT OR REPLACE INTO raw VALUES (?, ?, ?, ?)",
                (f"{thread}-{n}", "2026-11-26T00:00:00+00:00", n, '{"small": true}'),
            )
            conn.execute("COMMIT")

        return once

    figures = {f"{t}_thread_tx_per_s": round(_rate(t, seconds, make)) for t in THREADS}
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return {
        "what": "BEGIN IMMEDIATE; one INSERT; COMMIT (WAL, synchronous=FULL)",
        **figures,
    }


def neo4j_ceiling(seconds: float) -> dict[str, Any] | None:
    """None when the Neo4j of NEO4J_URI does not answer."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    from referral_graph.adapters.neo4j.store import NOTIFICATIONS
    from referral_graph.settings import Settings

    s = Settings()
    driver = GraphDatabase.driver(
        s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password.get_secret_value()), **NOTIFICATIONS
    )
    try:
        driver.verify_connectivity()
    except (ServiceUnavailable, Neo4jError, OSError):
        driver.close()
        return None
    query = "CREATE (:RawBench {id: $id, at: $at, n: $n, doc: $doc})"

    def make(thread: int) -> Callable[[int], None]:
        def once(n: int) -> None:
            with driver.session(database=s.neo4j_database) as session:
                session.execute_write(
                    lambda tx: tx.run(
                        query,
                        id=f"{thread}-{n}",
                        at="2026-11-26T00:00:00+00:00",
                        n=n,
                        doc='{"small": true}',
                    ).consume()
                )

        return once

    try:
        figures = {f"{t}_thread_tx_per_s": round(_rate(t, seconds, make)) for t in THREADS}
    finally:
        with driver.session(database=s.neo4j_database) as session:
            session.run(
                "MATCH (n:RawBench) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()
        driver.close()
    return {
        "what": "a managed write transaction creating one node (Python driver, Bolt)",
        "uri": s.neo4j_uri,
        **figures,
    }


def run() -> dict[str, Any]:
    seconds = float(os.environ.get("BENCH_RAW_SECONDS", "5"))
    stores = os.environ.get("BENCH_RAW_STORES", "sqlite,neo4j").split(",")
    out: dict[str, Any] = {"seconds": seconds, "load_average_1m": round(os.getloadavg()[0], 2)}
    if "sqlite" in stores:
        with tempfile.TemporaryDirectory(prefix="rg-raw-") as folder:
            out["sqlite"] = sqlite_ceiling(Path(folder), seconds)
    if "neo4j" in stores:
        out["neo4j"] = neo4j_ceiling(seconds) or {"skipped": "Neo4j is not reachable"}
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))

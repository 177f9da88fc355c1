"""`make bench`: every benchmark, figures printed and written to benchmarks/results/.

Sizes can be changed by environment variables:
- ``BENCH_HISTORY`` referrals in the SQLite history (default 1,000,000),
- ``BENCH_HISTORY_NEO4J`` referrals in the Neo4j history (default 200,000),
- ``BENCH_ONLY`` a comma list of parts: routing, stores, timeliness.
Neo4j parts run when Neo4j answers (``make neo4j``) and say so when it does not.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

RESULTS = Path(__file__).parent / "results"
console = Console(width=120)


def _neo4j() -> Any:
    from referral_graph.adapters.neo4j.store import Neo4jStore
    from referral_graph.domain.errors import StoreUnavailable
    from referral_graph.settings import Settings

    s = Settings()
    store = Neo4jStore(
        s.neo4j_uri, s.neo4j_user, s.neo4j_password.get_secret_value(), database=s.neo4j_database
    )
    try:
        store.ping()
    except StoreUnavailable:
        store.close()
        return None
    store.initialise()
    return store


def main() -> None:
    only = set(filter(None, os.environ.get("BENCH_ONLY", "routing,stores,timeliness").split(",")))
    figures: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if "routing" in only:
        from benchmarks import routing

        console.rule("routing on the national network")
        figures["routing"] = routing.run()
        console.print_json(json.dumps(figures["routing"]))
    neo4j = _neo4j() if only & {"stores", "timeliness"} else None
    if "stores" in only:
        console.rule("stores: loading, path and inbox queries, Cypher recommendation")
        if neo4j is None:
            figures["stores"] = {"skipped": "Neo4j is not reachable: run `make neo4j` first"}
        else:
            from benchmarks import neo4j_store

            figures["stores"] = neo4j_store.run()
        console.print_json(json.dumps(figures["stores"]))
    if "timeliness" in only:
        from benchmarks import timeliness
        from referral_graph.adapters.sqlite.store import SqliteStore

        console.rule("timeliness over a long history (SQLite)")
        store = SqliteStore(Path(tempfile.mkdtemp(prefix="rg-bench-")) / "history.sqlite3")
        store.initialise()
        size = int(os.environ.get("BENCH_HISTORY", "1000000"))
        figures["timeliness_sqlite"] = timeliness.run(store, size)
        store.close()
        console.print_json(json.dumps(figures["timeliness_sqlite"]))
        console.rule("timeliness over a long history (Neo4j)")
        if neo4j is None:
            figures["timeliness_neo4j"] = {"skipped": "Neo4j is not reachable"}
        else:
            size = int(os.environ.get("BENCH_HISTORY_NEO4J", "200000"))
            figures["timeliness_neo4j"] = timeliness.run(neo4j, size)
        console.print_json(json.dumps(figures["timeliness_neo4j"]))
    if neo4j is not None:
        neo4j.close()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "latest.json"
    out.write_text(json.dumps(figures, indent=2))
    console.print(f"Figures written to {out}")


if __name__ == "__main__":
    main()

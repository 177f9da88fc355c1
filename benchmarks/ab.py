"""A/B of the load benchmark: this checkout's server against another's, interleaved.

    git archive <base-commit> | tar -x -C /tmp/rg-base      # the other checkout
    BENCH_LOAD_STORES=sqlite,neo4j BENCH_LOAD_SECONDS=15 BENCH_LOAD_CLIENTS=16,64 \\
        python -m benchmarks.ab /tmp/rg-base --rounds 3

On a machine shared with other work, figures move by tens of percent from one quarter
of an hour to the next; a comparison is only fair when both sides run under the same
conditions. So each round runs ``benchmarks.load`` once per side, alternating which goes
first (A B, B A, A B …), on the same store preparation and the same load generator: only
the server process differs (``BENCH_SERVER_SOURCE``, see ``benchmarks.common.served``).
Every run's JSON goes to ``--out`` (default a temporary folder); the summary prints, per
store and side, the median over rounds of: API writes per second, its share of the raw
store's 1-thread ceiling measured in the same run, server CPU per write (and Neo4j's),
the closed-loop mix, and the paced mix p99.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _load(path: Path) -> dict[str, Any]:
    text = path.read_text()
    parsed: dict[str, Any] = json.loads(text[: text.rindex("}") + 1])
    return parsed


def figures(run: dict[str, Any], kind: str) -> dict[str, float] | None:
    s = run.get(kind)
    if not s or "levels" not in s:
        return None
    v = s["verdict_24"]
    best = max(s["levels"], key=lambda x: x["writes_only"]["writes_per_s"])
    mix = max(s["levels"], key=lambda x: x["mix"]["req_per_s"])["mix"]
    out = {
        "raw_1_thread_tx_per_s": min(v["raw_1_thread_tx_per_s"]),
        "api_writes_per_s": v["api_writes_per_s_best"],
        "api_writes_share_of_raw_pct": 100 * v["api_writes_share_of_raw"],
        "server_cpu_ms_per_write": best["writes_only"]["server_cpu_ms_per_request"],
        "mix_req_per_s": mix["req_per_s"],
        "server_cpu_ms_per_mix_request": mix["server_cpu_ms_per_request"],
        "paced_req_per_s": v["paced_achieved_req_per_s"],
        "paced_p99_ms": v["paced_p99_ms"],
        "load_average_1m": best["writes_only"]["load_average_1m"][0],
    }
    if "neo4j_cpu_ms_per_request" in best["writes_only"]:
        out["neo4j_cpu_ms_per_write"] = best["writes_only"]["neo4j_cpu_ms_per_request"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", type=Path, help="the other checkout (A)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="rg-ab-"))
    out.mkdir(parents=True, exist_ok=True)
    sides = {"A (base)": str(args.base.resolve()), "B (this)": ""}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    for round_ in range(args.rounds):
        order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
        for name in order:
            path = out / f"round{round_ + 1}-{name[0]}.json"
            env = {**os.environ, "BENCH_SERVER_SOURCE": sides[name]}
            started = time.strftime("%H:%M:%S")
            with path.open("w") as sink:
                subprocess.run(
                    [sys.executable, "-m", "benchmarks.load"],
                    env=env,
                    stdout=sink,
                    stderr=subprocess.DEVNULL,
                    check=True,
                )
            runs[name].append(_load(path))
            print(f"round {round_ + 1} {name}: started {started}, {path}", flush=True)
    summary: dict[str, Any] = {"folder": str(out), "rounds": args.rounds}
    for kind in ("sqlite", "neo4j"):
        for name in sides:
            found = [f for run in runs[name] if (f := figures(run, kind)) is not None]
            if not found:
                continue
            summary[f"{kind} {name}"] = {
                key: {
                    "median": round(statistics.median(f[key] for f in found), 3),
                    "runs": [round(f[key], 3) for f in found],
                }
                for key in found[0]
            }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()

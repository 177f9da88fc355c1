"""Helpers shared by the benchmarks: timing, percentiles, a served API in a subprocess."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def latencies(fn: Callable[[], Any], n: int, warmup: int = 20) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    took = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        took.append((time.perf_counter() - t) * 1000)
    return {"n": n, "p50_ms": percentile(took, 0.5), "p99_ms": percentile(took, 0.99)}


def rss_mb() -> float:
    """Peak resident memory of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


served_rss_mb: dict[str, float] = {}


def _peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(env: dict[str, str], workers: int = 1) -> Iterator[str]:
    """Run ``referral-graph serve`` against the given store; yields the base URL."""
    port = free_port()
    full = {
        **os.environ,
        **env,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "REFERRAL_GRAPH_TICK_SECONDS": "0",
        "REFERRAL_GRAPH_SEED_ON_START": "false",
        "REFERRAL_GRAPH_RATE_LIMIT_PER_MINUTE": "0",
        "REFERRAL_GRAPH_DEMO_USERS": "false",
    }
    log_path = Path(env.get("BENCH_LOG", "/tmp/referral-graph-bench-server.log"))
    log = open(log_path, "w")  # noqa: SIM115
    # A/B: BENCH_SERVER_SOURCE names another checkout (e.g. the base commit, from `git
    # archive`) whose server is measured instead, on the same store and load.
    source = os.environ.get("BENCH_SERVER_SOURCE")
    if source:
        full["PYTHONPATH"] = os.pathsep.join(filter(None, [source, full.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "referral_graph.cli", "serve", "--workers", str(workers)],
        env=full,
        cwd=source or None,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start; see the bench server log")
        # /health answers as soon as one worker is up; the others may still be building
        # their directory graphs, and a measurement started then timed their start-up.
        while log_path.read_text().count("Application startup complete") < workers:
            if time.monotonic() > deadline:
                raise RuntimeError(f"not all {workers} workers started; see {log_path}")
            time.sleep(0.2)
        yield url
    finally:
        served_rss_mb[url] = _peak_rss_mb(proc.pid)
        proc.terminate()
        try:  # a loaded machine can take long to flush what was written behind
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        log.close()


def concurrent_gets(
    urls: list[str], clients: int, seconds: float, headers: list[dict[str, str]] | None = None
) -> dict[str, float]:
    """``clients`` concurrent keep-alive clients GET the URLs round-robin for ``seconds``
    (``headers[i]`` goes with ``urls[i]``)."""
    import asyncio

    async def run() -> tuple[list[float], int]:
        took: list[float] = []
        errors = 0
        stop = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:

            async def worker(offset: int) -> None:
                nonlocal errors
                i = offset
                while time.monotonic() < stop:
                    t = time.perf_counter()
                    k = i % len(urls)
                    r = await client.get(urls[k], headers=headers[k] if headers else None)
                    took.append((time.perf_counter() - t) * 1000)
                    if r.status_code != 200:
                        errors += 1
                    i += clients

            await asyncio.gather(*(worker(k) for k in range(clients)))
        return took, errors

    took, errors = asyncio.run(run())
    return {
        "clients": clients,
        "requests": len(took),
        "req_per_s": len(took) / seconds,
        "p50_ms": percentile(took, 0.5),
        "p99_ms": percentile(took, 0.99),
        "errors": errors,
    }

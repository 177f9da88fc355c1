"""Fixtures for fault tests: the real Neo4j launcher, and the real API in a subprocess.

These tests stop and start the Neo4j of ``tools/neo4j/neo4j.sh`` (the one on
127.0.0.1:7687 that ``make neo4j`` starts) and wipe its database. Without a reachable
Neo4j they are skipped, or fail when REQUIRE_NEO4J=1. Neo4j is running again when they
finish, whatever happened.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from tests.neo4j_server import open_neo4j

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "tools" / "neo4j" / "neo4j.sh"


@dataclass
class Launcher:
    """``tools/neo4j/neo4j.sh`` (its readiness check runs on this interpreter)."""

    def run(self, command: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(LAUNCHER), command],
            env={**os.environ, "PYTHON": sys.executable},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def kill(self) -> None:
        done = self.run("kill", timeout=30)
        assert done.returncode == 0, done.stderr

    def start(self) -> None:
        done = self.run("start")
        assert done.returncode == 0, done.stderr

    def running(self) -> bool:
        return self.run("status", timeout=30).returncode == 0


@pytest.fixture(scope="module")
def neo4j_store() -> Iterator[Neo4jStore]:
    """A store on the launcher's Neo4j (skip or fail without it); Neo4j runs again after."""
    store = open_neo4j(max_transaction_retry_time=30)
    if not LAUNCHER.exists():  # pragma: no cover - the launcher ships with the repo
        store.close()
        pytest.skip("tools/neo4j/neo4j.sh is missing; these tests kill and restart it")
    yield store
    store.close()


@pytest.fixture
def launcher(neo4j_store: Neo4jStore) -> Iterator[Launcher]:
    """The launcher; its finaliser starts Neo4j again if a test left it down."""
    found = Launcher()
    yield found
    if not found.running():
        started = found.run("start")
        assert started.returncode == 0, f"could not restart Neo4j: {started.stderr}"


@pytest.fixture(scope="module")
def checkpointed(neo4j_store: Neo4jStore) -> None:
    """Neo4j restarted cleanly, so that its log is checkpointed (Community Edition has
    no ``db.checkpoint()``): a killed Neo4j replays its transaction log from the last
    checkpoint when it starts again, and after a big write (a benchmark) that takes
    minutes, not the seconds a fault test allows for."""
    launcher = Launcher()
    stopped = launcher.run("stop", timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    launcher.start()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def api_server(neo4j_store: Neo4jStore, tmp_path: Path) -> Iterator[Server]:
    """``python -m referral_graph.cli serve`` on the Neo4j store, on a free port.

    The store must be prepared before this fixture is requested (it seeds an empty one).
    """
    port = free_port()
    env = {
        **os.environ,
        "REFERRAL_GRAPH_STORE": "neo4j",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "REFERRAL_GRAPH_TICK_SECONDS": "0",
        "REFERRAL_GRAPH_SEED_ON_START": "true",
        "REFERRAL_GRAPH_RATE_LIMIT_PER_MINUTE": "0",
        "REFERRAL_GRAPH_DEMO_USERS": "false",
    }
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "referral_graph.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"the server exited:\n{server.log_tail()}"
            assert time.monotonic() < deadline, f"the server did not start:\n{server.log_tail()}"
            try:
                if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

"""``X-Forwarded-For`` from any client set the logged address of a real server (#20 item
13): uvicorn believed it from 127.0.0.1 by default. Now ``referral-graph serve`` believes
it only from ``REFERRAL_GRAPH_TRUSTED_PROXIES``. A real server in a subprocess; the
address is read from its JSON request log."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(tmp_path: Path, **env: str) -> Iterator[tuple[str, Path]]:
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    settings = {
        **os.environ,
        "REFERRAL_GRAPH_SQLITE_PATH": str(tmp_path / f"store-{port}.sqlite3"),
        "REFERRAL_GRAPH_STORE": "sqlite",
        "REFERRAL_GRAPH_SEED_ON_START": "false",
        "REFERRAL_GRAPH_DEMO_USERS": "false",
        "REFERRAL_GRAPH_TICK_SECONDS": "0",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        **env,
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "referral_graph.cli", "serve"],
            cwd=ROOT,
            env=settings,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url, log
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def logged_client(url: str, log: Path) -> str | None:
    answer = httpx.get(
        f"{url}/api/v1/sla-policy", headers={"X-Forwarded-For": "203.0.113.66"}, timeout=10
    )
    assert answer.status_code == 401
    for _ in range(50):
        for line in log.read_text().splitlines():
            if line.startswith("{") and '"/api/v1/sla-policy"' in line:
                found: str | None = json.loads(line).get("client")
                return found
        time.sleep(0.1)
    raise AssertionError(f"no log line for the request:\n{log.read_text()}")


def test_a_client_cannot_name_its_own_address(tmp_path: Path) -> None:
    with serving(tmp_path) as (url, log):
        assert logged_client(url, log) == "127.0.0.1"


def test_a_configured_proxy_names_the_client(tmp_path: Path) -> None:
    with serving(tmp_path, REFERRAL_GRAPH_TRUSTED_PROXIES='["127.0.0.1"]') as (url, log):
        assert logged_client(url, log) == "203.0.113.66"

"""The server's life cycle, as an operator sees it: ``referral-graph serve`` in a process.

* SIGTERM while requests are in flight: the listening socket closes at once, every
  request already accepted is answered (its writes committed), and the process exits
  0 soon after.
* A database it cannot use stops the start with a message that says why, in bounded
  time: a corrupt file, a schema newer than the program, a file another program holds
  locked.

In-flight requests are made deterministic by sending a request's headers and only half
of its body: the server has accepted the request and waits for the rest.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from referral_graph.adapters.sqlite.schema import latest_version
from referral_graph.adapters.sqlite.store import SqliteStore

ROOT = Path(__file__).resolve().parents[2]
USERNAME, PASSWORD = "ops.admin", "a long enough password"
START_BOUND = 90.0  # seconds for a start (seeding the programme network included)
FAIL_BOUND = 30.0  # seconds for a refused start (the store waits 10 s for a lock)

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(db: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "REFERRAL_GRAPH_STORE": "sqlite",
        "REFERRAL_GRAPH_SQLITE_PATH": str(db),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "REFERRAL_GRAPH_TICK_SECONDS": "0",
        "REFERRAL_GRAPH_DEMO_USERS": "false",
        "REFERRAL_GRAPH_RATE_LIMIT_PER_MINUTE": "0",
        "REFERRAL_GRAPH_MODE": "development",
    }


def cli(*args: str, env: dict[str, str], timeout: float = START_BOUND) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "referral_graph.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A server on a fresh SQLite file holding one admin account."""
    db, port = tmp_path / "store.sqlite3", free_port()
    env = server_env(db, port)
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "referral_graph.cli",
            "create-user",
            "--username",
            USERNAME,
            "--role",
            "admin",
            "--password",
            PASSWORD,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_BOUND,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "referral_graph.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Server(process, port, log)
    try:
        deadline = time.monotonic() + START_BOUND
        while True:
            assert process.poll() is None, f"the server exited:\n{running.output()}"
            assert time.monotonic() < deadline, f"no start:\n{running.output()}"
            try:
                if httpx.get(f"{running.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        yield running
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


# --- raw HTTP, to hold a request in flight -----------------------------------------------


def _sign_in_body() -> bytes:
    return urlencode({"username": USERNAME, "password": PASSWORD}).encode()


def start_request(port: int, body: bytes, sent: int) -> socket.socket:
    """Open a connection and send the headers and the first ``sent`` bytes of a
    sign-in; the server holds it in flight until the rest comes."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (
        "POST /api/v1/auth/token HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    conn.sendall(head + body[:sent])
    return conn


def send_get(port: int, path: str) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=30)
    conn.sendall(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    )
    return conn


def read_response(conn: socket.socket) -> tuple[int, bytes]:
    """The status and body of the whole answer (the server closes after it)."""
    data = b""
    with conn:
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 "), data[:200]
    return int(head.split(b" ", 2)[1]), body


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return True
    return False


# --- graceful shutdown -------------------------------------------------------------------


def test_sigterm_lets_accepted_requests_finish(server: Server, tmp_path: Path) -> None:
    body = _sign_in_body()
    half = len(body) // 2
    in_flight = [start_request(server.port, body, half) for _ in range(4)]
    answered_early = [send_get(server.port, "/api/v1/sla-policy") for _ in range(2)]
    answered_early += [send_get(server.port, "/health") for _ in range(2)]
    time.sleep(0.5)  # the server has accepted every one of them

    server.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 5
    while not refused(server.port):  # no new connection once shutting down
        assert time.monotonic() < deadline, "still accepting connections after SIGTERM"
        time.sleep(0.05)
    time.sleep(0.5)
    assert server.process.poll() is None, "exited with requests in flight"

    for conn in in_flight:
        conn.sendall(body[half:])
    finished = time.monotonic()
    answers = [read_response(conn) for conn in in_flight]
    assert [status for status, _ in answers] == [200] * 4, answers
    assert all("access_token" in json.loads(b) for _, b in answers)
    for conn in answered_early:
        status, _ = read_response(conn)
        assert status in (200, 401)  # answered (the SLA policy asks for a token)

    code = server.process.wait(timeout=30)
    took = time.monotonic() - finished
    assert code == 0, f"exit code {code}:\n{server.output()}"
    assert took < 10, f"took {took:.1f} s to exit"

    # The sign-ins answered during the shutdown were committed.
    store = SqliteStore(tmp_path / "store.sqlite3")
    try:
        user = store.read(lambda tx: tx.get_user_by_username(USERNAME))
        assert user is not None
        tokens = store.read(lambda tx: tx.list_tokens(user.id))
        assert len([t for t in tokens if t.kind == "refresh"]) == 4
    finally:
        store.close()


def test_every_worker_logs_json_lines(tmp_path: Path) -> None:
    """With --workers above one, uvicorn starts new processes: they must log as the
    parent does (they used to log nothing at all)."""
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "referral_graph.cli", "serve", "--workers", "2"],
            cwd=ROOT,
            env=server_env(tmp_path / "store.sqlite3", port),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_BOUND * 2
        while log.read_text().count("Application startup complete") < 2:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        for _ in range(4):
            assert httpx.get(f"http://127.0.0.1:{port}/api/v1/cases/x").status_code == 401
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    workers = {
        line["message"] for line in lines if line["message"].startswith("Started server process")
    }
    assert len(workers) == 2, workers
    requests = [line for line in lines if line["message"] == "request"]
    assert len(requests) == 4
    assert {(r["route"], r["status"]) for r in requests} == {("/api/v1/cases/{case_id}", 401)}
    assert all(r["request_id"] and r["time"] and r["level"] == "INFO" for r in requests)


# --- refused starts -----------------------------------------------------------------------


def refused_start(db: Path, tmp_path: Path) -> tuple[int, str, float]:
    """Start a server on ``db``: its exit code, what it printed, and the seconds taken."""
    started = time.monotonic()
    process = cli("serve", env=server_env(db, free_port()))
    try:
        out, _ = process.communicate(timeout=FAIL_BOUND + 30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        pytest.fail(f"the server neither started nor stopped:\n{out.decode(errors='replace')}")
    # Whitespace made one: a console may wrap a long line.
    text = " ".join(out.decode(errors="replace").split())
    return process.returncode, text, time.monotonic() - started


def test_a_corrupt_database_stops_the_start(tmp_path: Path) -> None:
    db = tmp_path / "corrupt.sqlite3"
    db.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    code, out, took = refused_start(db, tmp_path)
    assert code != 0, out
    assert f"Cannot open the SQLite store at {db}" in out, out
    assert "file is not a database" in out
    assert took < FAIL_BOUND


def test_a_database_from_a_newer_program_stops_the_start(tmp_path: Path) -> None:
    db = tmp_path / "newer.sqlite3"
    store = SqliteStore(db)
    store.initialise()
    store.close()
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    code, out, took = refused_start(db, tmp_path)
    assert code != 0, out
    assert "newer than this program" in out, out
    assert took < FAIL_BOUND


def test_a_locked_database_stops_the_start_in_bounded_time(tmp_path: Path) -> None:
    db = tmp_path / "locked.sqlite3"
    store = SqliteStore(db)
    store.initialise()
    store.close()
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        code, out, took = refused_start(db, tmp_path)
    finally:
        holder.close()
    assert code != 0, out
    assert "database is locked" in out, out
    assert took < FAIL_BOUND, f"took {took:.1f} s"

"""A meeting's actions survive a crash mid-save: the process closing a meeting is
SIGKILLed after writing its actions and before committing — on SQLite and on Neo4j —
and the store then holds none of them and the meeting as it was; closing it again
writes every action and closes it, once.

The process is real (``tests/reliability/meeting_crash_child.py``), the kill is real, and
the store is opened afresh afterwards (SQLite recovers from its write-ahead log; Neo4j
rolls back the transaction of the dropped connection).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.meetings import MeetingStatus
from referral_graph.domain.queries import ActionQuery, Page
from referral_graph.services.caller import Caller
from referral_graph.services.meetings import meetings
from referral_graph.services.meetings.meetings import NewMeeting
from referral_graph.store.port import Store
from tests.factories import load_small_network
from tests.reliability.conftest import ROOT
from tests.reliability.meeting_crash_child import ACTIONS, HELD_ON, MIDWAY, closing

pytestmark = pytest.mark.timeout(180)
T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def planned(store: Store) -> str:
    load_small_network(store)
    new = NewMeeting(area_code="1701", held_on=HELD_ON, participants=["hc-a", "ccwc-a"])
    return meetings.create_meeting(Caller.system(store, T), None, new).id


def crash_midway(kind: str, target: str, meeting_id: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.meeting_crash_child", kind, target, meeting_id],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + 120
        line = ""
        while MIDWAY not in line:
            line = child.stdout.readline()
            if not line and child.poll() is not None:
                raise AssertionError(f"the child ended early: {child.stderr.read()}")  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the child never reached the middle"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def check(store: Store, meeting_id: str) -> None:
    found = store.read(lambda tx: tx.get_meeting(meeting_id))
    assert found is not None
    assert (found.status, found.version) == (MeetingStatus.PLANNED, 1), "the meeting as it was"
    query = ActionQuery(meeting_id=meeting_id)
    assert store.read(lambda tx: tx.list_actions(query, Page())).count == 0, "no action half-saved"
    closed = meetings.close_meeting(Caller.system(store, T), meeting_id, closing())
    assert closed.status is MeetingStatus.CLOSED
    saved = store.read(lambda tx: tx.list_actions(query, Page())).items
    assert sorted(a.text for a in saved) == [f"Crash action {n}" for n in range(ACTIONS)]


def test_sqlite_keeps_none_of_a_crashed_closing(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite3"
    store = SqliteStore(path)
    store.initialise()
    meeting_id = planned(store)
    store.close()
    crash_midway("sqlite", str(path), meeting_id)
    assert Path(f"{path}-wal").exists(), "the killed writer left its write-ahead log"
    reopened = SqliteStore(path)
    try:
        reopened.initialise()
        check(reopened, meeting_id)
    finally:
        reopened.close()


@pytest.fixture
def neo4j(neo4j_server: Neo4jStore) -> Neo4jStore:
    neo4j_server.reset()
    return neo4j_server


@pytest.mark.neo4j
def test_neo4j_keeps_none_of_a_crashed_closing(neo4j: Neo4jStore) -> None:
    meeting_id = planned(neo4j)
    crash_midway("neo4j", "-", meeting_id)
    check(neo4j, meeting_id)

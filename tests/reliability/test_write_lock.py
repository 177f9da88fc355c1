"""A write gets the SQLite write lock soon even when another process (a second worker)
holds it most of the time: SQLite's own busy handler waited seconds (up to 100 ms between
tries) for the millisecond in twenty the other writer left free."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from tests.factories import T0

pytestmark = pytest.mark.slow

#: Another process: takes the write lock for 20 ms, lets go for 1 ms, for ``seconds``.
HOG = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
    end = time.monotonic() + float(sys.argv[2])
    print("holding", flush=True)
    while time.monotonic() < end:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO login_failures (username, at) VALUES ('hog', 'x')")
        time.sleep(0.02)
        conn.execute("COMMIT")
        time.sleep(0.001)
    """
)


def test_a_write_gets_in_between_another_process_s_transactions(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    store = SqliteStore(db)
    store.initialise()
    hog = subprocess.Popen(
        [sys.executable, "-c", HOG, str(db), "6"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert hog.stdout is not None and hog.stdout.readline().strip() == "holding"
        waits = []
        for n in range(15):
            started = time.monotonic()
            store.write(
                lambda tx, n=n: tx.record_login_failure("writer", T0 + timedelta(seconds=n))
            )
            waits.append(time.monotonic() - started)
            time.sleep(0.05)
        assert hog.poll() is None, "the other writer stopped before the writes were done"
    finally:
        hog.kill()
        hog.wait()
    count = store.read(lambda tx: tx.login_failures_since("writer", T0))
    store.close()
    assert count == 15
    assert max(waits) < 1.0, [round(w, 3) for w in waits]

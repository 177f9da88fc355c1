"""A first start on an empty Neo4j prints the demo accounts without burying them under
the driver's notifications, and a sign-in logs no warning (issue #20, item 5: a first
start wrote 4,359 lines, nearly all ``neo4j.notifications``).

The real API app with its own runtime (seeding the programme network, creating the demo
accounts) over the Neo4j named by NEO4J_URI; every log record is captured as it is made.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.logging_setup import configure_logging
from referral_graph.settings import Settings

pytestmark = pytest.mark.neo4j


class Records(logging.Handler):
    """Every record that reaches the root logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured() -> Iterator[Records]:
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("INFO")  # as `referral-graph serve` sets up logging
    records = Records()
    root.addHandler(records)
    try:
        yield records
    finally:
        root.removeHandler(records)
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_first_start_on_neo4j_shows_the_demo_passwords_and_little_else(
    neo4j_store: Neo4jStore, captured: Records, capsys: pytest.CaptureFixture[str]
) -> None:
    neo4j_store.reset()
    settings = Settings(store="neo4j", tick_seconds=0, rate_limit_per_minute=0)
    with TestClient(create_app(settings=settings)) as client:
        started = list(captured.records)
        printed = capsys.readouterr().out
        found = re.search(r"^\s+demo-ccwc\s+(\S+)\s", printed, re.MULTILINE)
        assert found is not None, printed
        assert "Demo accounts (development mode; shown only now)" in printed

        captured.records.clear()
        answer = client.post(
            "/api/v1/auth/token", data={"username": "demo-ccwc", "password": found[1]}
        )
        assert answer.status_code == 200, answer.text
        signing_in = list(captured.records)

    from_driver = [r for r in started if r.name.startswith("neo4j")]
    assert from_driver == [], [r.getMessage()[:200] for r in from_driver[:3]]
    assert len(started) < 20, [f"{r.name}: {r.getMessage()[:100]}" for r in started]
    warnings = [r for r in signing_in if r.levelno >= logging.WARNING]
    assert warnings == [], [f"{r.name}: {r.getMessage()[:200]}" for r in warnings]


def test_the_driver_still_reports_what_matters(neo4j_store: Neo4jStore, captured: Records) -> None:
    """Deprecations are still reported (only noise is filtered out)."""
    neo4j_store.read(lambda tx: tx.directory_version())  # the store works
    with neo4j_store.driver.session(database=neo4j_store.database) as session:
        # ``id()`` is deprecated in Neo4j 5: a DEPRECATION warning, not filtered.
        session.run("MATCH (n) WHERE id(n) = -1 RETURN n").consume()
    reported = [r for r in captured.records if r.name == "neo4j.notifications"]
    assert any("deprecated" in r.getMessage().lower() for r in reported), reported

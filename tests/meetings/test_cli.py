"""``referral-graph meeting``: the agenda an area's graph gives, a meeting's pack, the list
(the group registered on the main app, over the audit scenario's store)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.cli import app as main_app
from referral_graph.services.caller import Caller
from referral_graph.services.meetings import meetings
from referral_graph.services.meetings.meetings import NewMeeting
from referral_graph.settings import get_settings
from tests.audit.conftest import NOW, History
from tests.audit.test_no_free_text import TEXTS
from tests.meetings.conftest import HELD_ON

KHMER = re.compile(r"[\u1780-\u17FF]")


@pytest.fixture
def cli(history: History, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    assert isinstance(history.store, SqliteStore)
    monkeypatch.setenv("REFERRAL_GRAPH_STORE", "sqlite")
    monkeypatch.setenv("REFERRAL_GRAPH_SQLITE_PATH", str(history.store.path))
    monkeypatch.setenv("REFERRAL_GRAPH_SEED_ON_START", "false")
    get_settings.cache_clear()
    yield main_app
    get_settings.cache_clear()


def run(cli: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["meeting", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_agenda_of_an_area_on_a_day(cli: typer.Typer) -> None:
    code, out, _ = run(cli, "agenda", "--area", "1701", "--date", HELD_ON.isoformat())
    assert code == 0, out
    assert out.startswith("district meeting · 1701 · 2026-03-20")
    assert re.search(r"^1\. \[Overdue handoffs\] 1 handoffs waiting on Test ccwc-a", out, re.M)
    assert "→ Proposed action: Call Test ccwc-a today" in out
    code, khmer, _ = run(cli, "agenda", "--area", "1701", "--date", "2026-03-20", "--lang", "km")
    assert code == 0 and KHMER.search(khmer)
    code, raw, _ = run(cli, "agenda", "--area", "1702", "--date", "2026-03-20", "--format", "json")
    body = json.loads(raw)
    assert body["level"] == "district" and body["period_since"] == "2026-02-18"
    assert {"child_waiting", "repeated_declines"} <= {i["kind"] for i in body["items"]}
    for text in TEXTS:
        assert text.lower() not in (out + khmer + raw).lower()


def test_bad_input_exits_with_a_message(cli: typer.Typer) -> None:
    code, _, err = run(cli, "agenda", "--area", "99", "--date", "2026-03-20")
    assert code == 2 and "gazetteer" in err
    code, _, err = run(cli, "agenda", "--area", "1701", "--date", "20 March")
    assert code == 2 and "--date" in err
    code, _, err = run(
        cli, "agenda", "--area", "1701", "--date", "2026-03-20", "--level", "commune"
    )
    assert code == 2 and err.startswith("level:")
    code, _, err = run(cli, "pack", "--area", "1701", "--date", "2026-01-01")
    assert code == 2 and "No meeting" in err
    code, _, err = run(cli, "pack")
    assert code == 2 and "--meeting" in err


def test_the_pack_of_a_meeting(cli: typer.Typer, history: History, tmp_path: Path) -> None:
    made = meetings.create_meeting(
        Caller.system(history.store, NOW), None, NewMeeting(area_code="1701", held_on=HELD_ON)
    )
    out = tmp_path / "pack.html"
    args = ["pack", "--area", "1701", "--date", "2026-03-20", "--lang", "km", "--out", str(out)]
    code, _, err = run(cli, *args)
    assert code == 0, err
    page = out.read_text("utf-8")
    assert '<html lang="km">' in page and "របៀបវារៈ" in page
    code, table, _ = run(cli, "pack", "--meeting", made.id, "--format", "csv", "--month", "2026-03")
    rows = list(csv.DictReader(io.StringIO(table)))
    agenda = [r for r in rows if r["section"] == "agenda"]
    assert [r["key"] for r in agenda] == [i.id for i in made.agenda]
    summary = {r["metric"]: r["value"] for r in rows if r["section"] == "summary"}
    assert summary["referrals"] == "< 5", "the server's small-cell setting applies"
    code, listed, _ = run(cli, "list", "--area", "17")
    assert code == 0 and made.id in listed and "district" in listed

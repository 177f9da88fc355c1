"""``referral-graph report`` writes the monthly report (registered here on its own app,
as ``referral_graph/cli.py`` registers it)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.cli.audit import report
from referral_graph.settings import get_settings
from tests.audit.conftest import History


@pytest.fixture
def app(history: History, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    assert isinstance(history.store, SqliteStore)
    monkeypatch.setenv("REFERRAL_GRAPH_STORE", "sqlite")
    monkeypatch.setenv("REFERRAL_GRAPH_SQLITE_PATH", str(history.store.path))
    get_settings.cache_clear()
    cli = typer.Typer()
    cli.command("report")(report)
    cli.command("other")(lambda: None)  # two commands: typer keeps the sub-command name
    yield cli
    get_settings.cache_clear()


def test_report_to_a_file_in_khmer(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "march.html"
    args = ["report", "--area", "17", "--month", "2026-03", "--format", "html", "--lang", "km"]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert '<html lang="km">' in page and "ខែមីនា ឆ្នាំ២០២៦" in page


def test_report_as_csv_on_standard_output(app: typer.Typer) -> None:
    for cells, referrals in ([], "< 5"), (["--min-cell", "0"], "4"):
        args = ["report", "--area", "1701", "--month", "2026-03", *cells]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        summary = {r["metric"]: r["value"] for r in rows if r["section"] == "summary"}
        assert summary["referrals"] == referrals, "small cells are suppressed by default"
    coverage = [r for r in rows if r["section"] == "coverage"]
    assert coverage, "the command reads coverage through the routing engine"


def test_bad_input_exits_with_a_message(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["report", "--area", "99", "--month", "2026-03"])
    assert result.exit_code == 2
    assert "area" in result.output and "gazetteer" in result.output
    result = CliRunner().invoke(app, ["report", "--area", "17", "--month", "2026-3"])
    assert result.exit_code == 2 and "month" in result.output

"""The ``export`` and ``import`` commands against a SQLite store named by the environment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.cli.interop import app
from referral_graph.domain.vocabulary import Service
from referral_graph.services import cases, referrals
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralRequest
from referral_graph.settings import get_settings
from referral_graph.store.port import Store
from tests.factories import T0, load_small_network, opening
from tests.interop.test_spreadsheet import GOOD_PATHWAYS, GOOD_PROVIDERS, Row, directory, workbook

runner = CliRunner()


def _open(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    store.initialise()
    return store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A store file the commands open through the settings (small network loaded)."""
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("REFERRAL_GRAPH_STORE", "sqlite")
    monkeypatch.setenv("REFERRAL_GRAPH_SQLITE_PATH", str(path))
    get_settings.cache_clear()
    store = _open(path)
    load_small_network(store)
    store.close()
    yield path
    get_settings.cache_clear()


def _refer(store: Store) -> str:
    case = cases.open_case(Caller.system(store, T0, "tester"), opening())
    request = ReferralRequest(
        case_id=case.id,
        from_provider_id="ccwc-a",
        to_provider_id="hc-a",
        service=Service.MEDICAL_CARE,
        reason="Needs a check",
    )
    referrals.make_referral(Caller.system(store, T0, "t"), request)
    return case.id


def test_export_fhir_one_case_and_all(db: Path, tmp_path: Path) -> None:
    store = _open(db)
    case_ids = sorted(_refer(store) for _ in range(2))
    store.close()
    one = runner.invoke(app, ["export", "fhir", "--case", case_ids[0]])
    assert one.exit_code == 0, one.output
    Bundle.model_validate(json.loads(one.stdout))
    out = tmp_path / "all.json"
    every = runner.invoke(app, ["export", "fhir", "--all", "--out", str(out)])
    assert every.exit_code == 0, every.output
    assert len(json.loads(out.read_text())) == 2
    lines = runner.invoke(app, ["export", "fhir", "--all", "--ndjson"]).stdout.splitlines()
    assert [Bundle.model_validate(json.loads(x)).type for x in lines] == ["collection"] * 2
    assert runner.invoke(app, ["export", "fhir"]).exit_code == 2
    missing = runner.invoke(app, ["export", "fhir", "--case", "nope"])
    assert missing.exit_code == 1


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_hsds(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "hsds"
    result = runner.invoke(app, ["export", "hsds", "--out", str(out), "--format", fmt])
    assert result.exit_code == 0, result.output
    source = _open(db)
    expected = directory(source)
    source.reset()
    source.close()
    path = out / "directory.json" if fmt == "json" else out
    imported = runner.invoke(app, ["import", "hsds", str(path)])
    assert imported.exit_code == 0, imported.output
    target = _open(db)
    assert directory(target) == expected
    target.close()


def test_import_spreadsheet_prints_errors_and_exits_1(db: Path, tmp_path: Path) -> None:
    bad: list[Row] = [("bad-area", "X", "ngo", "170199", "", "counselling")]
    path = workbook(tmp_path / "d.xlsx", GOOD_PROVIDERS + bad, GOOD_PATHWAYS)
    dry = runner.invoke(app, ["import", "spreadsheet", str(path), "--dry-run"])
    assert dry.exit_code == 1
    assert "unknown commune code" in dry.stdout and "Dry run" in dry.stdout
    partial = runner.invoke(app, ["import", "spreadsheet", str(path), "--mode", "valid-only"])
    assert partial.exit_code == 1 and "Written." in partial.stdout
    clean = workbook(tmp_path / "ok.xlsx", GOOD_PROVIDERS, GOOD_PATHWAYS)
    again = runner.invoke(app, ["import", "spreadsheet", str(clean)])
    assert again.exit_code == 0, again.stdout
    assert "2 unchanged" in again.stdout


def test_import_spreadsheet_does_not_claim_it_wrote(db: Path, tmp_path: Path) -> None:
    """Defect 8: with every row invalid, valid-only wrote nothing yet printed "Written."."""
    bad: list[Row] = [("bad-area", "X", "ngo", "170199", "", "counselling")]
    path = workbook(tmp_path / "bad.xlsx", bad, [])
    printed = runner.invoke(app, ["import", "spreadsheet", str(path), "--mode", "valid-only"])
    assert printed.exit_code == 1
    assert "Written." not in printed.stdout and "Nothing was written" in printed.stdout


def test_import_hsds_of_another_directory_with_a_mapping(db: Path) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "hsds"
    example = str(data / "examples" / "organization_full.json")
    mapping = ["--mapping", str(data / "mapping-example.yaml")]
    dry = runner.invoke(app, ["import", "hsds", example, *mapping, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was written." in dry.stdout and "mapped" in dry.stdout
    refused = runner.invoke(app, ["import", "hsds", example])  # no mapping: no kind, no area
    assert refused.exit_code == 1 and "refused" in refused.stdout
    done = runner.invoke(app, ["import", "hsds", example, *mapping])
    assert done.exit_code == 0 and "Written." in done.stdout
    store = _open(db)
    assert "hsds-d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610" in {p.id for p in directory(store)[0]}
    store.close()

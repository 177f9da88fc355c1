"""Spreadsheet import: row-by-row errors, dry runs, all-or-nothing and valid-only."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.queries import PathwayQuery, ProviderQuery, every
from referral_graph.domain.vocabulary import DeliveryMode, Gender, Language, Service
from referral_graph.interop import sheets
from referral_graph.interop.spreadsheet import (
    PATHWAY_COLUMNS,
    PROVIDER_COLUMNS,
    ImportMode,
    ImportReport,
    import_sheets,
)
from referral_graph.store.port import Store, Transaction
from tests.factories import T0, FakeClock, load_small_network

Row = Sequence[object]

GOOD_PROVIDERS: list[Row] = [
    # id, name, kind, area_code, covers, services, modes, min_age, max_age, genders,
    # lgbtiq_affirming, languages, interpreter_support, weekly_capacity, always_open,
    # contact, active
    (
        "ngo-new", "Youth counselling NGO", "ngo_counsellor", "1701", "1702;170101",
        "counselling; group_therapy", "in_person;online", 12, 24, "female;non_binary",
        True, "khm;eng", "yes", 20, False, "012 345 678", True,
    ),
    (
        "line-new", "Night helpline", "helpline", 1, "", "phone_counselling", "phone",
        None, None, None, None, None, None, None, "true", None, None,
    ),
]  # fmt: skip
GOOD_PATHWAYS: list[Row] = [
    ("pw-new-1", "hc-a", "ngo-new", "counselling", "agreed at the March network meeting"),
    ("pw-new-2", "ccwc-a", "line-new", "phone_counselling", None),
]
BAD_PROVIDERS: list[Row] = [
    # rows shorter than the header: the missing cells are empty
    ("bad-area", "X", "ngo", "170199", "", "counselling"),
    ("bad-svc", "X", "ngo", "1701", "", "counselling;yoga"),
    ("bad-age", "X", "ngo", "1701", "", "counselling", "", 18, 10),
]
BAD_PATHWAYS: list[Row] = [
    ("pw-bad-1", "hc-a", "nobody", "counselling", None),
    ("pw-bad-2", "ccwc-a", "hc-a", "shelter", None),
]


def workbook(path: Path, providers: list[Row], pathways: list[Row]) -> Path:
    """Write an XLSX workbook with the documented layout."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, header, rows in (
        ("providers", PROVIDER_COLUMNS, providers),
        ("Pathways", PATHWAY_COLUMNS, pathways),
    ):
        sheet = book.create_sheet(title)
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def write_csv(path: Path, header: Sequence[str], rows: list[Row]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


def directory(store: Store) -> tuple[list[Provider], list[Pathway]]:
    """Every provider and pathway, ordered by id."""

    def work(tx: Transaction) -> tuple[list[Provider], list[Pathway]]:
        providers = list(every(lambda page: tx.list_providers(ProviderQuery(), page)))
        return providers, list(every(lambda page: tx.list_pathways(PathwayQuery(), page)))

    return store.read(work)


def run(
    store: Store,
    path: Path,
    clock: FakeClock,
    *,
    dry_run: bool = False,
    mode: str = "all-or-nothing",
) -> ImportReport:
    return import_sheets(
        store, sheets.read_path(path), now=clock(), dry_run=dry_run, mode=ImportMode(mode)
    )


@pytest.fixture
def network(store: Store) -> Store:
    load_small_network(store)
    return store


def reasons(report: ImportReport) -> set[tuple[str, int, str]]:
    return {(e.sheet, e.row, e.column) for e in report.errors}


# --- reading -------------------------------------------------------------------------------


def test_good_rows_are_read_with_every_column(
    network: Store, tmp_path: Path, clock: FakeClock
) -> None:
    report = run(network, workbook(tmp_path / "d.xlsx", GOOD_PROVIDERS, GOOD_PATHWAYS), clock)
    assert report.errors == [] and report.written
    assert (report.providers.created, report.pathways.created) == (2, 2)
    ngo = next(p for p in directory(network)[0] if p.id == "ngo-new")
    assert ngo.covers == ("1702", "170101")
    assert ngo.services == {Service.COUNSELLING, Service.GROUP_THERAPY}
    assert ngo.modes == {DeliveryMode.IN_PERSON, DeliveryMode.ONLINE}
    assert (ngo.eligibility.min_age, ngo.eligibility.max_age) == (12, 24)
    assert ngo.eligibility.genders == {Gender.FEMALE, Gender.NON_BINARY}
    assert ngo.eligibility.lgbtiq_affirming and ngo.interpreter_support
    assert ngo.languages == {Language.KHMER, Language.ENGLISH}
    assert (ngo.weekly_capacity, ngo.contact, ngo.active) == (20, "012 345 678", True)
    assert not ngo.hours.always_open and ngo.hours.periods  # office hours
    assert (ngo.version, ngo.updated_at) == (1, T0)
    line = next(p for p in directory(network)[0] if p.id == "line-new")
    assert line.hours.always_open and not line.hours.periods
    assert line.area_code == "01"  # typed as the number 1
    assert line.languages == {Language.KHMER} and line.eligibility.max_age == 120


def test_csv_files_import_the_same_way(network: Store, tmp_path: Path, clock: FakeClock) -> None:
    write_csv(tmp_path / "providers.csv", PROVIDER_COLUMNS, GOOD_PROVIDERS)
    write_csv(tmp_path / "pathways.csv", PATHWAY_COLUMNS, GOOD_PATHWAYS)
    report = run(network, tmp_path, clock)
    assert report.errors == []
    assert (report.providers.created, report.pathways.created) == (2, 2)
    one = write_csv(tmp_path / "only.csv", PATHWAY_COLUMNS, GOOD_PATHWAYS[:1])
    assert run(network, one, clock).pathways.unchanged == 1


def test_a_csv_with_bare_carriage_returns_reads_as_lines(tmp_path: Path) -> None:
    """Old spreadsheet exports end lines with a carriage return alone; such a file
    raised inside the csv module (a 500 from the import route, found by schemathesis)."""
    text = write_csv(tmp_path / "p.csv", PROVIDER_COLUMNS, GOOD_PROVIDERS).read_text()
    as_mac = text.replace("\r\n", "\n").replace("\n", "\r").encode()
    (found,) = sheets.read_bytes("p.csv", as_mac).values()
    assert [n for n, _ in found.rows] == [2, 3]
    assert found.rows[0][1]["id"] == "ngo-new"
    with pytest.raises(InvalidInput, match="no header row"):  # schemathesis' file
        sheets.read_bytes("x.csv", b"\r0")


def test_an_unreadable_csv_is_refused_with_its_line(tmp_path: Path) -> None:
    huge = "id,name\nngo-x," + "y" * (csv.field_size_limit() + 1) + "\n"
    with pytest.raises(InvalidInput) as refused:
        sheets.read_bytes("p.csv", huge.encode())
    assert refused.value.field == "file"
    assert "line 2" in refused.value.detail


# --- errors and modes ----------------------------------------------------------------------


def test_dry_run_reports_every_bad_row_and_writes_nothing(
    network: Store, tmp_path: Path, clock: FakeClock
) -> None:
    before = directory(network)
    path = workbook(
        tmp_path / "d.xlsx", GOOD_PROVIDERS + BAD_PROVIDERS, GOOD_PATHWAYS + BAD_PATHWAYS
    )
    report = run(network, path, clock, dry_run=True)
    assert report.dry_run and not report.written
    assert reasons(report) == {
        ("providers", 4, "area_code"),
        ("providers", 5, "services"),
        ("providers", 6, "min_age"),
        ("pathways", 4, "to_provider_id"),
        ("pathways", 5, "service"),
    }
    by_row = {(e.sheet, e.row): e.reason for e in report.errors}
    assert "unknown commune code '170199'" in by_row[("providers", 4)]
    assert "unknown service 'yoga'" in by_row[("providers", 5)]
    assert "bad age range" in by_row[("providers", 6)]
    assert "unknown provider 'nobody'" in by_row[("pathways", 4)]
    assert "does not offer 'shelter'" in by_row[("pathways", 5)]
    assert (report.providers.rows, report.providers.valid) == (5, 2)
    assert (report.pathways.rows, report.pathways.valid) == (4, 2)
    assert directory(network) == before


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    network: Store, tmp_path: Path, clock: FakeClock
) -> None:
    before = directory(network)
    version = network.read(lambda tx: tx.directory_version())
    path = workbook(tmp_path / "d.xlsx", GOOD_PROVIDERS + BAD_PROVIDERS[:1], GOOD_PATHWAYS)
    report = run(network, path, clock)
    assert not report.written and len(report.errors) == 1
    assert directory(network) == before
    assert network.read(lambda tx: tx.directory_version()) == version


def test_valid_only_writes_the_good_rows(network: Store, tmp_path: Path, clock: FakeClock) -> None:
    path = workbook(
        tmp_path / "d.xlsx", GOOD_PROVIDERS + BAD_PROVIDERS, GOOD_PATHWAYS + BAD_PATHWAYS
    )
    report = run(network, path, clock, mode="valid-only")
    assert report.written and len(report.errors) == 5
    providers, pathways = directory(network)
    ids = {p.id for p in providers} | {w.id for w in pathways}
    assert {"ngo-new", "line-new", "pw-new-1", "pw-new-2"} <= ids
    assert not {"bad-area", "bad-svc", "bad-age", "pw-bad-1", "pw-bad-2"} & ids


def test_a_pathway_to_a_failed_provider_row_says_so(
    network: Store, tmp_path: Path, clock: FakeClock
) -> None:
    path = workbook(
        tmp_path / "d.xlsx", BAD_PROVIDERS[:1], [("pw-x", "hc-a", "bad-area", "counselling", "")]
    )
    report = run(network, path, clock, mode="valid-only")
    assert any("providers row 2" in e.reason for e in report.errors if e.sheet == "pathways")


def test_header_and_duplicate_errors(network: Store, tmp_path: Path, clock: FakeClock) -> None:
    write_csv(
        tmp_path / "p.csv",
        ["id", "name", "kind", "area_code", "langauges"],
        [("x", "X", "ngo", "17", "khm")],
    )
    report = run(network, tmp_path / "p.csv", clock, mode="valid-only")
    assert {(e.column, e.reason) for e in report.errors} >= {("services", "missing column")}
    assert [(w.column, w.reason) for w in report.warnings] == [
        ("langauges", "unknown column: ignored")
    ]
    assert report.providers.valid == 0
    dup = write_csv(tmp_path / "dup.csv", PROVIDER_COLUMNS, [GOOD_PROVIDERS[1], GOOD_PROVIDERS[1]])
    report = run(network, dup, clock, mode="valid-only")
    assert [(e.row, e.column) for e in report.errors] == [(3, "id")]
    assert report.providers.created == 1


def test_unreadable_files_are_refused() -> None:
    with pytest.raises(InvalidInput):
        sheets.read_bytes("x.xlsx", b"not a zip")
    with pytest.raises(InvalidInput):
        sheets.read_bytes("x.csv", b"\xff\xfe\x00bad")
    book = openpyxl.Workbook()
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(InvalidInput, match="providers"):
        sheets.read_bytes("x.xlsx", data.getvalue())


# --- re-import -----------------------------------------------------------------------------


def test_reimport_is_idempotent(network: Store, tmp_path: Path, clock: FakeClock) -> None:
    path = workbook(tmp_path / "d.xlsx", GOOD_PROVIDERS, GOOD_PATHWAYS)
    run(network, path, clock)
    after_first = directory(network)
    version = network.read(lambda tx: tx.directory_version())
    clock.advance(days=1)
    again = run(network, path, clock)
    assert not again.written and again.errors == []  # nothing changed, nothing written
    assert (again.providers.unchanged, again.pathways.unchanged) == (2, 2)
    assert again.providers.created == again.providers.updated == 0
    assert directory(network) == after_first
    assert network.read(lambda tx: tx.directory_version()) == version


def test_reimport_updates_and_keeps_what_the_layout_lacks(
    network: Store, tmp_path: Path, clock: FakeClock
) -> None:
    def name_in_khmer(tx: Transaction) -> None:
        current = tx.get_provider("hc-a")
        assert current is not None
        tx.save_provider(current.model_copy(update={"name_km": "មណ្ឌលសុខភាព", "version": 2}), 1)

    network.write(name_in_khmer)
    rows: list[Row] = [
        ("hc-a", "Health centre A", "health_centre", "170101", "", "medical_care;counselling")
    ]
    write_csv(tmp_path / "p.csv", PROVIDER_COLUMNS[:6], rows)
    clock.advance(hours=2)
    report = run(network, tmp_path / "p.csv", clock)
    assert report.providers.updated == 1
    hc = next(p for p in directory(network)[0] if p.id == "hc-a")
    assert hc.name == "Health centre A" and hc.name_km == "មណ្ឌលសុខភាព"
    assert hc.services == {Service.MEDICAL_CARE, Service.COUNSELLING}
    assert (hc.version, hc.updated_at) == (3, clock())


# --- over HTTP -----------------------------------------------------------------------------


def _upload(client: TestClient, path: Path, **params: str) -> Any:
    with path.open("rb") as f:
        return client.post(
            "/api/v1/directory/import",
            params=params,
            files={"file": (path.name, f, "application/octet-stream")},
        )


def test_api_import_dry_run_then_write(client: TestClient, tmp_path: Path) -> None:
    path = workbook(tmp_path / "d.xlsx", GOOD_PROVIDERS, GOOD_PATHWAYS)
    dry = _upload(client, path, dry_run="true")
    assert dry.status_code == 200, dry.text
    assert dry.json()["written"] is False
    assert client.get("/api/v1/providers/ngo-new").status_code == 404
    real = _upload(client, path)
    assert real.status_code == 200 and real.json()["providers"]["created"] == 2
    assert client.get("/api/v1/providers/ngo-new").status_code == 200


def test_api_all_or_nothing_answers_422_with_row_errors(client: TestClient, tmp_path: Path) -> None:
    path = workbook(tmp_path / "d.xlsx", GOOD_PROVIDERS + BAD_PROVIDERS, GOOD_PATHWAYS)
    response = _upload(client, path)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "file" and len(body["errors"]) == 3
    assert {e["field"] for e in body["errors"]} == {
        "providers[4].area_code",
        "providers[5].services",
        "providers[6].min_age",
    }
    assert client.get("/api/v1/providers/ngo-new").status_code == 404
    partial = _upload(client, path, mode="valid-only")
    assert partial.status_code == 200
    assert client.get("/api/v1/providers/ngo-new").status_code == 200


def test_api_refuses_bad_and_oversized_uploads(client: TestClient, tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK not really a workbook")
    assert _upload(client, junk).status_code == 422
    big = tmp_path / "big.csv"
    big.write_text("id,name\n" + "x,y\n" * 20_000)
    assert _upload(client, big).status_code == 413


# --- defect 8: unknown columns, "written", formulas ------------------------------------------


def test_an_unknown_column_is_ignored_not_fatal(
    network: Store, tmp_path: Path, clock: FakeClock
) -> None:
    """On the base, a ``phone`` column made every row invalid, even in valid-only mode."""
    header = ["id", "name", "kind", "area_code", "services", "phone"]
    rows: list[Row] = [("ngo-p", "NGO with a phone", "ngo", "1701", "counselling", "012 34")]
    path = write_csv(tmp_path / "p.csv", header, rows)
    for mode in ("all-or-nothing", "valid-only"):
        report = run(network, path, clock, mode=mode, dry_run=True)
        assert report.errors == [] and report.providers.valid == 1
        assert [(w.column, w.row) for w in report.warnings] == [("phone", 1)]
    report = run(network, path, clock)
    assert report.written and [p.id for p in directory(network)[0]].count("ngo-p") == 1


def test_written_is_true_only_when_something_was_written(
    network: Store, tmp_path: Path, clock: FakeClock
) -> None:
    bad = workbook(tmp_path / "bad.xlsx", BAD_PROVIDERS, [])
    report = run(network, bad, clock, mode="valid-only")
    assert report.errors and report.providers.valid == 0 and not report.written
    good = workbook(tmp_path / "good.xlsx", GOOD_PROVIDERS, [])
    assert run(network, good, clock).written
    assert not run(network, good, clock).written  # the same file again changes nothing


def test_the_api_says_written_only_when_it_wrote(client: TestClient, tmp_path: Path) -> None:
    bad = workbook(tmp_path / "bad.xlsx", BAD_PROVIDERS, [])
    answer = _upload(client, bad, mode="valid-only")
    assert answer.status_code == 200 and answer.json()["written"] is False
    assert answer.json()["errors"]

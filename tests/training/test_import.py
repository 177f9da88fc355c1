"""Attendance sheet import (CSV and XLSX): a dry run lists row errors and writes
nothing; a real run writes everything or nothing; importing again changes nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.training import CompetencyStatus, PersonRole, TrainingTopic
from referral_graph.interop import attendance as attendance_import
from referral_graph.interop.attendance import (
    COLUMNS,
    AttendanceImportReport,
    import_attendance,
)
from referral_graph.interop.sheets import Sheet
from referral_graph.services import capacity_building
from referral_graph.services.caller import Caller
from referral_graph.store.port import Page, PeopleQuery, Store, TrainingQuery, Transaction
from tests.factories import T0
from tests.training.conftest import TODAY, person, training

Row = Sequence[object]
HEADER = (
    "session_id",
    "topic",
    "starts_on",
    "ends_on",
    "mode",
    "area_code",
    "trainer",
    "person_id",
    "provider_id",
    "name",
    "role",
    "completed",
)
# Rows 2–5: a session the import creates (two new volunteers, one known person), and a
# session on record with a person on record.
PFA_FEB = ("", "psychological_first_aid", "2026-02-10", "2026-02-12", "", "1702", "TPO")
GOOD: list[Row] = [
    (*PFA_FEB, "", "vhsg-t1", "Sok  Dara", "", ""),
    (*PFA_FEB, "", "vhsg-t1", "Chan Lina", "", "yes"),
    (*PFA_FEB, "known", "", "", "", "true"),
    ("gbv-jan", "", "", "", "", "", "", "known", "", "", "", ""),
]
BAD: list[Row] = [
    # 2: unknown topic; 3: bad date; 4: unknown person; 5: unknown provider; 6: unknown
    # session; 7: in person without an area; 8: ends before it starts; 9: repeats row 10's
    # person and session; 10: fine; 11: completed before the session ends.
    ("", "yoga", "2026-02-10", "", "", "1702", "TPO", "known", "", "", "", ""),
    ("", "gbv", "10/02/2026", "", "", "1702", "TPO", "known", "", "", "", ""),
    ("gbv-jan", "", "", "", "", "", "", "ghost", "", "", "", ""),
    ("gbv-jan", "", "", "", "", "", "", "", "nowhere", "New One", "", ""),
    ("nope", "", "", "", "", "", "", "known", "", "", "", ""),
    ("", "gbv", "2026-02-10", "", "in_person", "", "TPO", "known", "", "", "", ""),
    ("", "gbv", "2026-02-10", "2026-02-01", "", "1702", "TPO", "known", "", "", "", ""),
    ("gbv-jan", "", "", "", "", "", "", "other", "", "", "", ""),
    ("gbv-jan", "", "", "", "", "", "", "other", "", "", "", ""),
    ("", "gbv", "2026-03-05", "", "online", "", "TPO", "known", "", "", "", "true"),
]  # fmt: skip


@pytest.fixture
def world(net: Store) -> Store:
    person(net, "known", "hc-t2", role=PersonRole.HEALTH_STAFF)
    person(net, "other", "hc-t2", role=PersonRole.HEALTH_STAFF)
    training(net, "gbv-jan", TrainingTopic.GBV, date(2026, 1, 20))
    return net


def csv_sheet(rows: list[Row], header: Sequence[str] = HEADER) -> Sheet:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return attendance_import.read_bytes("attendance.csv", out.getvalue().encode())


def xlsx_bytes(rows: list[Row], header: Sequence[str] = HEADER) -> bytes:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["this sheet is not read"])
    sheet = book.create_sheet("Attendance")
    sheet.append(list(header))
    for row in rows:
        cells: list[object] = []
        for column, value in zip(header, row, strict=True):
            if column in ("starts_on", "ends_on") and value:
                cells.append(datetime.fromisoformat(str(value)))  # a real date cell
            else:
                cells.append(value if value != "" else None)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot(store: Store) -> tuple[int, int, int]:
    def work(tx: Transaction) -> tuple[int, int, int]:
        people = tx.list_people(PeopleQuery(), Page(limit=500)).count
        sessions = tx.list_training_sessions(TrainingQuery(), Page(limit=500))
        attended = sum(len(tx.session_attendance(s.id)) for s in sessions.items)
        return people, sessions.count, attended

    return store.read(work)


def run(store: Store, sheet: Sheet, **kwargs: object) -> AttendanceImportReport:
    return import_attendance(store, sheet, now=T0, today=TODAY, **kwargs)  # type: ignore[arg-type]


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(world: Store) -> None:
    before = snapshot(world)
    report = run(world, csv_sheet(GOOD), dry_run=True)
    assert report.errors == []
    assert (report.dry_run, report.written, report.rows, report.valid) == (True, False, 4, 4)
    assert len(report.sessions_created) == 1
    assert report.sessions_created[0].startswith("trn_")
    assert len(report.people_created) == 2
    assert (report.attendance_new, report.attendance_existing) == (4, 0)
    assert snapshot(world) == before


def test_a_real_run_writes_everything_and_a_second_changes_nothing(world: Store) -> None:
    people, sessions, attended = snapshot(world)
    report = run(world, csv_sheet(GOOD))
    assert report.written
    assert snapshot(world) == (people + 2, sessions + 1, attended + 4)
    (new_session,) = report.sessions_created
    made = capacity_building.get_training_session(Caller.system(world, T0), new_session)
    assert (made.topic, made.starts_on, made.ends_on, made.area_code) == (
        TrainingTopic.PSYCHOLOGICAL_FIRST_AID,
        date(2026, 2, 10),
        date(2026, 2, 12),
        "1702",
    )
    names = {
        capacity_building.get_person(Caller.system(world, T0), p).name
        for p in report.people_created
    }
    assert names == {"Sok Dara", "Chan Lina"}
    (dara,) = [
        p
        for p in report.people_created
        if capacity_building.get_person(Caller.system(world, T0), p).name[0] == "S"
    ]
    assert (
        capacity_building.get_person(Caller.system(world, T0), dara).role
        is PersonRole.VHSG_VOLUNTEER
    )  # from the kind
    held = capacity_building.person_competencies(
        Caller.system(world, T0), "known", TODAY
    ).competencies
    assert {(c.topic, c.status) for c in held} == {
        (TrainingTopic.PSYCHOLOGICAL_FIRST_AID, CompetencyStatus.VALID),
        (TrainingTopic.GBV, CompetencyStatus.VALID),
    }

    again = run(world, csv_sheet(GOOD))
    assert again.written
    assert (again.sessions_created, again.people_created) == ([], [])
    assert (again.attendance_new, again.attendance_existing) == (0, 4)
    assert snapshot(world) == (people + 2, sessions + 1, attended + 4)


def test_row_errors_name_row_and_column_and_nothing_is_written(world: Store) -> None:
    before = snapshot(world)
    sheet = csv_sheet(BAD + GOOD)
    dry = run(world, sheet, dry_run=True)
    found = {(e.row, e.column) for e in dry.errors}
    assert found == {
        (2, "topic"),
        (3, "starts_on"),
        (4, "person_id"),
        (5, "provider_id"),
        (6, "session_id"),
        (7, "area_code"),
        (8, "ends_on"),
        (10, "person_id"),
        (11, "completed"),
    }
    assert next(e for e in dry.errors if e.row == 10).reason == "same person and session as row 9"
    assert next(e for e in dry.errors if e.row == 2).value == "yoga"
    assert (dry.rows, dry.valid) == (14, 5)
    real = run(world, sheet)
    assert (real.written, real.errors) == (False, dry.errors)
    assert snapshot(world) == before


def test_header_problems_block_every_row(world: Store) -> None:
    header = (*HEADER[:-1], "attended")
    report = run(world, csv_sheet(GOOD, header), dry_run=True)
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (1, "attended", "unknown column")
    ]
    assert report.valid == 0
    neither = run(world, csv_sheet([("x",)], ("venue",)), dry_run=True)
    assert {e.column for e in neither.errors if e.row == 1} == {"session_id", "person_id"}


def test_a_session_on_record_must_agree_with_the_columns_given(world: Store) -> None:
    rows: list[Row] = [
        ("gbv-jan", "gbv", "2026-01-20", "", "", "", "TPO trainer", "known", "", "", "", ""),
        ("gbv-jan", "psychological_first_aid", "", "", "", "", "", "other", "", "", "", ""),
    ]
    report = run(world, csv_sheet(rows), dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(3, "topic")]


def test_two_people_of_one_name_need_an_id(world: Store) -> None:
    person(world, "twin-1", "vhsg-t1", name="Sok Dara")
    person(world, "twin-2", "vhsg-t1", name="sok dara")
    report = run(world, csv_sheet(GOOD[:1]), dry_run=True)
    (error,) = report.errors
    assert (error.row, error.column) == (2, "name")
    assert "twin-1" in error.reason


def test_a_named_person_on_record_is_matched_by_name(world: Store) -> None:
    person(world, "dara", "vhsg-t1", name="SOK DARA")
    report = run(world, csv_sheet(GOOD[:1]))
    assert report.written
    assert report.people_created == []
    assert (
        capacity_building.person_competencies(Caller.system(world, T0), "dara", TODAY).competencies
        != []
    )


def test_a_coordinator_names_only_people_and_places_of_their_area(world: Store) -> None:
    angkor_chum = "1701"
    reach = lambda provider: provider.area_code.startswith(angkor_chum)  # noqa: E731
    report = run(world, csv_sheet(GOOD), dry_run=True, reach=reach, area=angkor_chum)
    assert {(e.row, e.column) for e in report.errors} == {
        (2, "area_code"),
        (2, "provider_id"),
        (3, "area_code"),
        (3, "provider_id"),
        (4, "area_code"),
        (4, "person_id"),
        (5, "person_id"),
    }


def test_xlsx_is_read_from_the_attendance_sheet_with_date_cells(
    world: Store, tmp_path: Path
) -> None:
    path = tmp_path / "march.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    sheet = attendance_import.read_path(path)
    assert sheet.header == HEADER
    dry = run(world, sheet, dry_run=True)
    assert (dry.errors, dry.valid) == ([], 4)
    before = snapshot(world)
    bad = attendance_import.read_bytes("bad.xlsx", xlsx_bytes([*GOOD, BAD[2]]))
    failed = run(world, bad)
    assert (failed.written, [(e.row, e.column) for e in failed.errors]) == (
        False,
        [(6, "person_id")],
    )
    assert snapshot(world) == before
    assert run(world, sheet).written
    assert snapshot(world)[2] == before[2] + 4


def test_unreadable_files_name_the_file(world: Store) -> None:
    for name, data in (
        ("a.csv", "session_id,person_id\n".encode("utf-16")),
        ("a.xlsx", b"PK not really a zip"),
        ("a.csv", b""),
    ):
        with pytest.raises(InvalidInput) as caught:
            attendance_import.read_bytes(name, data)
        assert caught.value.field == "file"


def test_every_documented_column_is_accepted(world: Store) -> None:
    assert set(HEADER) <= set(COLUMNS)
    report = run(world, csv_sheet([], COLUMNS), dry_run=True)
    assert report.errors == []


def test_the_command_line_imports_with_a_dry_run_first(
    world: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from referral_graph import cli

    path = tmp_path / "attendance.csv"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(GOOD)
    path.write_text(out.getvalue(), encoding="utf-8")
    monkeypatch.setattr(
        "referral_graph.cli.training.build_runtime", lambda settings: _runtime(world)
    )
    before = snapshot(world)
    dry = CliRunner().invoke(cli.app, ["import-attendance", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was written." in dry.output
    assert snapshot(world) == before
    real = CliRunner().invoke(cli.app, ["import-attendance", str(path)])
    assert real.exit_code == 0, real.output
    assert snapshot(world)[2] == before[2] + 4
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, BAD[2]])
    failed = CliRunner().invoke(cli.app, ["import-attendance", str(bad)])
    assert failed.exit_code == 1
    assert "ghost" in failed.output
    report = CliRunner().invoke(cli.app, ["capacity-report", "--area", "1702"])
    assert report.exit_code == 0, report.output
    assert "Chub Ta Trav" in report.output
    as_json = CliRunner().invoke(cli.app, ["capacity-report", "--area", "1702", "--format", "json"])
    assert '"grouped_by": "commune"' in as_json.output
    village = CliRunner().invoke(cli.app, ["capacity-report", "--area", "17020101"])
    assert village.exit_code == 2


class _Unclosable:
    """The test's store, which the command must not close for the test."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        if name == "close":
            return lambda: None
        return getattr(self._store, name)


def _runtime(store: Store) -> object:
    from referral_graph.bootstrap import Runtime
    from referral_graph.settings import Settings

    return Runtime(
        settings=Settings(seed_on_start=False),
        store=_Unclosable(store),  # type: ignore[arg-type]
        clock=lambda: T0,
    )

"""Import of training attendance sheets (CSV or XLSX).

**Layout.** One table: a CSV file, or the sheet named ``attendance`` of a workbook (else
its first sheet). Row 1 is the header; column names are case-insensitive; dates are
``YYYY-MM-DD`` (or date cells); booleans ``true``/``false`` (also ``yes``/``no``,
``1``/``0``). One row is one person at one training session:

* **the session** — either ``session_id`` naming a session on record, or the columns
  ``topic``, ``starts_on``, ``ends_on`` (default: ``starts_on``), ``mode`` (``in_person``
  by default, ``phone``, ``online``), ``area_code`` (where it was held; required in
  person), ``venue``, ``trainer`` and ``refresher`` (default ``false``) describing a
  session the import creates. Rows with the same topic, dates, mode, area and trainer
  are the same session; its id is made from those values (``trn_…``), so importing
  the sheet again finds it instead of creating another. A ``session_id`` not on record
  together with those columns creates the session under that id. Session columns given
  next to a ``session_id`` on record must agree with it.
* **the person** — either ``person_id`` naming a person on record, or ``provider_id``
  and ``name``: the provider's one person of that name (case and spacing ignored), or
  a new person (id ``per_…`` made from provider and name) with ``role`` (by default
  from the provider's kind: VHSG volunteer, CCWC member, health staff, teacher,
  counsellor, else other), ``gender`` and ``contact``. Two people of one name at one
  provider cannot be told apart: give ``person_id``.
* ``completed`` — default ``true``. A completed training counts from the session's last
  day, which must not be after today.

**Checks** (each failure is one :class:`RowError`: row, column, reason): unknown or
duplicate columns, a missing session or person, unknown topic, mode, role or gender,
bad dates or area codes, a session column that contradicts the session on record, the
same person and session twice, completion before the session ends; for a coordinator,
people and providers outside their area are unknown and new in-person sessions must be
held inside it.

**Writing.** A dry run checks every row against the store and writes nothing. Otherwise
the import is one transaction that writes everything or, if any row has an error,
nothing. Attendance already on record is left as it is (and counted as such).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, Field, ValidationError

from referral_graph.domain.areas import area_contains
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.models import Provider
from referral_graph.domain.training import (
    Attendance,
    Person,
    PersonRole,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import DeliveryMode, Gender, ProviderKind
from referral_graph.interop.sheet_rows import Row, RowError
from referral_graph.interop.sheets import Sheet, make_sheet, read_csv
from referral_graph.services.capacity_building.common import EARLIEST, LATEST, Reach, all_pages
from referral_graph.store.port import PeopleQuery, Store, Transaction

SHEET = "attendance"
SESSION_COLUMNS = (
    "topic",
    "starts_on",
    "ends_on",
    "mode",
    "area_code",
    "venue",
    "trainer",
    "refresher",
)
PERSON_COLUMNS = ("provider_id", "name", "role", "gender", "contact")
COLUMNS = ("session_id", *SESSION_COLUMNS, "person_id", *PERSON_COLUMNS, "completed")
#: The role of a person created by the import when the sheet gives none.
DEFAULT_ROLES = {
    ProviderKind.VHSG: PersonRole.VHSG_VOLUNTEER,
    ProviderKind.CCWC: PersonRole.CCWC_MEMBER,
    ProviderKind.HEALTH_CENTRE: PersonRole.HEALTH_STAFF,
    ProviderKind.SCHOOL: PersonRole.TEACHER,
    ProviderKind.NGO_COUNSELLOR: PersonRole.COUNSELLOR,
    ProviderKind.DOSVY: PersonRole.SOCIAL_WORKER,
    ProviderKind.CLINICAL_SUPERVISOR: PersonRole.CLINICAL_SUPERVISOR,
}


class AttendanceImportReport(BaseModel):
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    written: bool = False
    rows: int = 0
    valid: int = 0
    sessions_created: list[str] = Field(default_factory=list)
    people_created: list[str] = Field(default_factory=list)
    attendance_new: int = 0
    attendance_existing: int = 0
    errors: list[RowError] = Field(default_factory=list)


# --- reading ---------------------------------------------------------------------------
def read_xlsx(data: bytes) -> Sheet:
    """The ``attendance`` sheet of a workbook (name case-insensitive), else its first."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise InvalidInput("The file is not a readable XLSX workbook.", field="file") from None
    try:
        named = [w for w in workbook.worksheets if w.title.strip().lower() == SHEET]
        candidates = named or workbook.worksheets
        if not candidates:
            raise InvalidInput("The workbook has no sheet.", field="file")
        chosen = candidates[0]
        rows = chosen.iter_rows(values_only=True)
        header = next(rows, ())
        return make_sheet(SHEET, header, rows)
    finally:
        workbook.close()


def read_bytes(filename: str, data: bytes) -> Sheet:
    """The attendance table of an uploaded file: XLSX (by name or content), else UTF-8
    CSV."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        sheet = read_xlsx(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("A CSV file must be UTF-8 text.", field="file") from None
        (found,) = read_csv(text).values()
        sheet = Sheet(SHEET, found.header, found.rows)
    if not any(sheet.header):
        raise InvalidInput("The attendance table has no header row.", field="file")
    return sheet


def read_path(path: Path) -> Sheet:
    return read_bytes(path.name, path.read_bytes())


# --- checking --------------------------------------------------------------------------
def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def _name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _day(row: Row, column: str) -> date | None:
    """A ``YYYY-MM-DD`` cell (or a date cell, which reads as midnight)."""
    text = row.cells.get(column, "")
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None or moment.time() != time(0):
            row.fail(column, f"{text!r} is not a date (YYYY-MM-DD)")
            return None
        value = moment.date()
    if not EARLIEST <= value <= LATEST:
        row.fail(column, f"{value} is not between {EARLIEST} and {LATEST}")
        return None
    return value


def _model_errors(row: Row, exc: ValidationError, fallback: str) -> None:
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        row.fail(loc[0] if loc and loc[0] in COLUMNS else fallback, str(error["msg"]))


@dataclass
class Plan:
    """What the import would write, and why other rows cannot be written."""

    report: AttendanceImportReport
    sessions: dict[str, TrainingSession] = field(default_factory=dict)  # built here
    people: dict[str, Person] = field(default_factory=dict)  # built here
    attendance: dict[tuple[str, str], int] = field(default_factory=dict)  # → row
    rows: list[Attendance] = field(default_factory=list)
    new_sessions: dict[str, TrainingSession] = field(default_factory=dict)  # used by valid rows
    new_people: dict[str, Person] = field(default_factory=dict)


@dataclass
class _Checker:
    tx: Transaction
    plan: Plan
    now: datetime
    today: date
    reach: Reach
    area: str | None
    add_reach: Reach = None  # the providers new people may be added to (None: reach's)
    _providers: dict[str, Provider | None] = field(default_factory=dict)
    _named: dict[str, dict[str, list[Person]]] = field(default_factory=dict)
    _attended: dict[str, set[str]] = field(default_factory=dict)

    # -- sessions --
    def _session_fields(self, row: Row) -> dict[str, Any] | None:
        for column in ("topic", "starts_on", "trainer"):
            if not row.cells.get(column):
                row.fail(column, "required (or give the session_id of a session on record)")
        topic = row.one("topic", TrainingTopic, "training topic")
        starts = _day(row, "starts_on")
        ends = _day(row, "ends_on") or starts
        mode = row.one("mode", DeliveryMode, "mode") or DeliveryMode.IN_PERSON
        area = row.area("area_code", row.cells.get("area_code", "")) or None
        if starts and ends and ends < starts:
            row.fail("ends_on", "before starts_on")
        if mode is DeliveryMode.IN_PERSON and area is None:
            row.fail("area_code", "required for an in-person session")
        if area and self.area is not None and not area_contains(self.area, area):
            row.fail("area_code", f"outside your area ({self.area})")
        if row.errors:
            return None
        return {
            "topic": topic,
            "starts_on": starts,
            "ends_on": ends,
            "mode": mode,
            "area_code": area,
            "venue": row.cells.get("venue") or None,
            "trainer": row.cells["trainer"],
            "refresher": row.flag("refresher", False),
        }

    def _agrees(self, row: Row, session: TrainingSession) -> None:
        """Session columns given next to a session on record must match it."""
        checks: dict[str, Callable[[], object]] = {
            "topic": lambda: row.one("topic", TrainingTopic, "training topic"),
            "starts_on": lambda: _day(row, "starts_on"),
            "ends_on": lambda: _day(row, "ends_on"),
            "mode": lambda: row.one("mode", DeliveryMode, "mode"),
            "area_code": lambda: row.area("area_code", row.cells.get("area_code", "")),
            "trainer": lambda: row.cells.get("trainer"),
        }
        for column, value in checks.items():
            if not row.cells.get(column):
                continue
            given, on_record = value(), getattr(session, column)
            if given is not None and given != on_record:
                row.fail(column, f"session {session.id!r} has {column} {on_record!s}")

    def session(self, row: Row) -> TrainingSession | None:
        ident = row.cells.get("session_id", "")
        if ident:
            known = self.plan.sessions.get(ident) or self.tx.get_training_session(ident)
            if known is not None:
                self._agrees(row, known)
                return known
            if not any(row.cells.get(c) for c in SESSION_COLUMNS):
                row.fail("session_id", f"unknown training session {ident!r}")
                return None
        fields = self._session_fields(row)
        if fields is None:
            return None
        if not ident:
            key = [str(fields[c] or "") for c in ("topic", "starts_on", "ends_on", "mode")]
            key += [fields["area_code"] or "", _name_key(fields["trainer"])]
            ident = f"trn_{_digest(*key)}"
            known = self.plan.sessions.get(ident) or self.tx.get_training_session(ident)
            if known is not None:
                return known
        try:
            built = TrainingSession.model_validate(fields | {"id": ident, "created_at": self.now})
        except ValidationError as exc:
            _model_errors(row, exc, "session_id")
            return None
        self.plan.sessions[ident] = built
        return built

    # -- people --
    def _provider(self, row: Row) -> Provider | None:
        ident = row.cells.get("provider_id", "")
        if ident not in self._providers:
            found = self.tx.get_provider(ident)
            if found is not None and self.reach is not None and not self.reach(found):
                found = None
            self._providers[ident] = found
        provider = self._providers[ident]
        if provider is None:
            row.fail("provider_id", f"unknown provider {ident!r}")
        return provider

    def _by_name(self, provider_id: str) -> dict[str, list[Person]]:
        if provider_id not in self._named:
            query = PeopleQuery(provider_id=provider_id)
            named: dict[str, list[Person]] = {}
            for p in all_pages(lambda page: self.tx.list_people(query, page)):
                named.setdefault(_name_key(p.name), []).append(p)
            self._named[provider_id] = named
        return self._named[provider_id]

    def _existing_person(self, row: Row, ident: str) -> Person | None:
        person = self.plan.people.get(ident) or self.tx.get_person(ident)
        if person is not None and self.reach is not None:
            provider = self.tx.get_provider(person.provider_id)
            if provider is None or not self.reach(provider):
                person = None
        if person is None:
            row.fail("person_id", f"unknown person {ident!r}")
            return None
        given = row.cells.get("provider_id")
        if given and given != person.provider_id:
            row.fail("provider_id", f"person {ident!r} belongs to {person.provider_id!r}")
        return person

    def person(self, row: Row) -> Person | None:
        ident = row.cells.get("person_id", "")
        if ident:
            return self._existing_person(row, ident)
        name = row.cells.get("name", "")
        for column in ("provider_id", "name"):
            if not row.cells.get(column):
                row.fail(column, "required (or give the person_id of a person on record)")
        if not row.cells.get("provider_id"):
            return None
        provider = self._provider(row)
        if provider is None or not name:
            return None
        key = _name_key(name)
        ident = f"per_{_digest(provider.id, key)}"
        known = self.plan.people.get(ident) or self.tx.get_person(ident)
        if known is not None:
            return known  # made by an earlier row or import (maybe renamed since)
        same = self._by_name(provider.id).get(key, [])
        if len(same) > 1:
            ids = ", ".join(p.id for p in same)
            row.fail("name", f"{len(same)} people of this name at {provider.id!r} ({ids})")
            return None
        if same:
            return same[0]
        adds = self.add_reach or self.reach
        if adds is not None and not adds(provider):
            row.fail("provider_id", f"you may not add people to {provider.id!r}")
            return None
        role = row.one("role", PersonRole, "role") or DEFAULT_ROLES.get(
            provider.kind, PersonRole.OTHER
        )
        gender = row.one("gender", Gender, "gender")
        if row.errors:
            return None
        try:
            built = Person.model_validate(
                {
                    "id": ident,
                    "provider_id": provider.id,
                    "name": re.sub(r"\s+", " ", name).strip(),
                    "role": role,
                    "gender": gender,
                    "contact": row.cells.get("contact") or None,
                    "updated_at": self.now,
                }
            )
        except ValidationError as exc:
            _model_errors(row, exc, "name")
            return None
        self.plan.people[ident] = built
        return built

    # -- one row --
    def check(self, row: Row) -> None:
        session = self.session(row)
        person = self.person(row)
        completed = row.flag("completed", True)
        if session is None or person is None or row.errors:
            return
        if completed and session.ends_on > self.today:
            row.fail(
                "completed",
                f"session {session.id!r} ends on {session.ends_on}; completion can be "
                "recorded from that day",
            )
            return
        key = (session.id, person.id)
        if key in self.plan.attendance:
            row.fail("person_id", f"same person and session as row {self.plan.attendance[key]}")
            return
        self.plan.attendance[key] = row.line
        if session.id not in self._attended:
            on_record = self.tx.get_training_session(session.id) is not None
            attended = self.tx.session_attendance(session.id) if on_record else []
            self._attended[session.id] = {a.person_id for a in attended}
        report = self.plan.report
        if person.id in self._attended[session.id]:
            report.attendance_existing += 1
        else:
            report.attendance_new += 1
            self.plan.rows.append(
                Attendance(
                    session_id=session.id,
                    person_id=person.id,
                    completed=completed,
                    recorded_at=self.now,
                )
            )
        if session.id in self.plan.sessions:
            self.plan.new_sessions[session.id] = session
        if person.id in self.plan.people:
            self.plan.new_people[person.id] = person


def _header_errors(sheet: Sheet) -> list[RowError]:
    def error(column: str, reason: str) -> RowError:
        return RowError(sheet=SHEET, row=1, column=column, reason=reason)

    errors = []
    header = set(sheet.header)
    if "session_id" not in header and "topic" not in header:
        errors.append(error("session_id", "missing column (or give topic, starts_on, trainer)"))
    if "person_id" not in header and not {"provider_id", "name"} <= header:
        errors.append(error("person_id", "missing column (or give provider_id and name)"))
    seen: set[str] = set()
    for column in sheet.header:
        if column and column not in COLUMNS:
            errors.append(error(column, "unknown column"))
        elif column and column in seen:
            errors.append(error(column, "duplicate column"))
        seen.add(column)
    return errors


def plan_import(
    tx: Transaction,
    sheet: Sheet,
    *,
    now: datetime,
    today: date,
    dry_run: bool,
    reach: Reach = None,
    area: str | None = None,
    add_reach: Reach = None,
) -> Plan:
    """Check every row against the store as ``tx`` sees it; write nothing."""
    plan = Plan(AttendanceImportReport(dry_run=dry_run))
    report = plan.report
    header_errors = _header_errors(sheet)
    report.errors += header_errors
    checker = _Checker(tx, plan, now, today, reach, area, add_reach)
    for number, cells in sheet.rows:
        row = Row(SHEET, number, cells)
        if "" in cells:
            row.fail("(no column)", f"a value outside the header's columns: {cells['']!r}")
        checker.check(row)
        report.rows += 1
        report.valid += not row.errors and not header_errors
        report.errors += row.errors
    report.sessions_created = sorted(plan.new_sessions)
    report.people_created = sorted(plan.new_people)
    return plan


def import_attendance(
    store: Store,
    sheet: Sheet,
    *,
    now: datetime,
    today: date,
    dry_run: bool = False,
    reach: Reach = None,
    area: str | None = None,
    add_reach: Reach = None,
) -> AttendanceImportReport:
    """Check every row; then, unless ``dry_run`` or any row failed, write the new sessions,
    people and attendance in one transaction. Whose people the caller names: ``reach``;
    adds: ``add_reach`` (else ``reach``); new in-person sessions' area: ``area``."""
    kept: dict[str, Any] = dict(now=now, today=today, reach=reach, area=area, add_reach=add_reach)  # noqa: C408
    if dry_run:
        return store.read(lambda tx: plan_import(tx, sheet, dry_run=True, **kept)).report

    def work(tx: Transaction) -> AttendanceImportReport:
        plan = plan_import(tx, sheet, dry_run=False, **kept)
        if plan.report.errors:
            return plan.report
        for session in plan.new_sessions.values():
            tx.add_training_session(session)
        for person in plan.new_people.values():
            tx.add_person(person)
        if plan.rows:
            tx.record_attendance(plan.rows)
            tx.bump_directory_version()
        plan.report.written = True
        return plan.report

    return store.write(work)

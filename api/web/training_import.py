"""Importing an attendance sheet (CSV or XLSX) of training sessions (issue 10): checked
first (a dry run that writes nothing), then written all or nothing, as POST
/api/v1/trainings/attendance-import.

The checked sheet is carried by the "write it" form (base64, when it fits in a
request), so that what is written is what was checked. A coordinator's import is held
to their area and the people of providers located there.
"""

from __future__ import annotations

import base64
import binascii
import csv
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.web.auth import redirect
from api.web.forms import query_string
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.errors import InvalidInput
from referral_graph.interop import attendance as attendance_import
from referral_graph.interop.attendance import AttendanceImportReport
from referral_graph.services.capacity_building.attendance_sheet import import_attendance

router = APIRouter()

#: Row errors of an attendance sheet shown on the page (the rest are counted).
MAX_ROW_ERRORS = 200
#: Room left in a request for the fields beside a kept sheet (CSRF token, boundaries).
FORM_ROOM = 4096
#: The longest file name carried back to the form.
NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class Upload:
    """An attendance sheet posted: a file chosen, or the one kept from the check."""

    filename: str = ""
    data: bytes = b""
    write: bool = False
    problem: str | None = None


async def upload_of(request: Request) -> Upload:
    """The sheet of the import form: the file field, else the kept copy (base64)."""
    form = await request.form()
    write = form.get("write") == "yes"
    chosen = form.get("file")
    if isinstance(chosen, UploadFile) and chosen.filename:
        data = await chosen.read()
        if data:
            return Upload(chosen.filename, data, write)
    kept, name = form.get("content"), form.get("filename")
    if isinstance(kept, str) and kept:
        try:
            data = base64.urlsafe_b64decode(kept.encode("ascii"))
        except (ValueError, binascii.Error):
            return Upload(write=write, problem="err_sheet")
        return Upload(name if isinstance(name, str) else "", data, write)
    return Upload(write=write, problem="err_file_required")


@dataclass(frozen=True, slots=True)
class Kept:
    """The checked sheet carried by the "write it" form (None: too large to carry)."""

    filename: str
    content: str | None


def _import_page(
    ctx: Web,
    *,
    errors: Mapping[str, str] | None = None,
    report: AttendanceImportReport | None = None,
    kept: Kept | None = None,
    written: Mapping[str, int] | None = None,
    status: int = 200,
) -> Response:
    limit = ctx.runtime.settings.max_body_bytes
    return page(
        ctx.request,
        "trainings_import.html",
        principal=ctx.principal,
        status=status,
        title="imp_title",
        errors=errors or {},
        report=report,
        row_errors=(report.errors[:MAX_ROW_ERRORS] if report else []),
        more_errors=max(0, len(report.errors) - MAX_ROW_ERRORS) if report else 0,
        kept=kept,
        written=written,
        columns=attendance_import.COLUMNS,
        limit_kb=max(1, (limit - FORM_ROOM) // 1024),
    )


@router.get("/trainings/import", include_in_schema=False)
def import_form(
    ctx: WebDep,
    done: str = "",
    sessions: int = 0,
    people: int = 0,
    new: int = 0,
    existing: int = 0,
) -> Response:
    """The form to upload an attendance sheet; after a write, what was written."""
    ctx.allow("POST", "/api/v1/trainings/attendance-import")
    written = None
    if done == "written":
        written = {"sessions": sessions, "people": people, "new": new, "existing": existing}
    return _import_page(ctx, written=written)


#: What reading a sheet raises on a file that is not one (besides ``InvalidInput``).
_UNREADABLE = (InvalidInput, csv.Error, zipfile.BadZipFile, ValueError, KeyError, OSError)


@router.post("/trainings/import", include_in_schema=False, dependencies=[Depends(check_csrf)])
def import_sheet(ctx: WebDep, upload: Annotated[Upload, Depends(upload_of)]) -> Response:
    """Check an attendance sheet (``write`` not 'yes': a dry run that writes nothing) or
    write it (as POST /api/v1/trainings/attendance-import): every row or, with any row
    error, none."""
    ctx.allow("POST", "/api/v1/trainings/attendance-import")
    if upload.problem:
        return _import_page(ctx, errors={"file": upload.problem}, status=422)
    try:
        sheet = attendance_import.read_bytes(upload.filename, upload.data)
    except _UNREADABLE:
        return _import_page(ctx, errors={"file": "err_sheet"}, status=422)
    caller = ctx.caller("/app/trainings/import", {"dry_run": not upload.write})
    report = import_attendance(caller, sheet, today=ctx.today, dry_run=not upload.write)
    if report.written:
        counts = query_string(
            done="written",
            sessions=len(report.sessions_created),
            people=len(report.people_created),
            new=report.attendance_new,
            existing=report.attendance_existing,
        )
        return redirect(f"{ctx.base}/trainings/import?{counts}#import-result")
    content = base64.urlsafe_b64encode(upload.data).decode("ascii")
    fits = len(content) + len(upload.filename) + FORM_ROOM <= ctx.runtime.settings.max_body_bytes
    kept = Kept(upload.filename[:NAME_MAX], content if fits else None)
    return _import_page(ctx, report=report, kept=kept, status=422 if report.errors else 200)

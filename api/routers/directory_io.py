"""Directory exchange: HSDS 3.0 export and spreadsheet import (coordinators and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep, StoreDep
from api.errors import rows_refused
from api.responses import problems
from referral_graph.interop import hsds, sheets, spreadsheet
from referral_graph.interop.spreadsheet import ImportMode, ImportReport

router = APIRouter(prefix="/api/v1/directory", tags=["directory"])


@router.get("/hsds", responses=problems())
def export_hsds(store: StoreDep) -> JSONResponse:
    """The whole directory as one page of an HSDS 3.0 ``organization_list`` (full
    organizations with their services nested); pathways ride in ``x_pathways``."""
    return JSONResponse(hsds.export_document(store))


@router.post("/import", response_model=ImportReport, responses=problems(413))
def import_directory(
    runtime: RuntimeDep,
    store: StoreDep,
    file: Annotated[
        UploadFile,
        File(description="An XLSX workbook (sheets providers, pathways) or one CSV table."),
    ],
    dry_run: Annotated[bool, Query(description="Check every row; write nothing.")] = False,
    mode: Annotated[
        ImportMode,
        Query(description="all-or-nothing: any bad row → nothing written; valid-only."),
    ] = ImportMode.ALL_OR_NOTHING,
) -> ImportReport | JSONResponse:
    """Import providers and pathways from a spreadsheet (column layout: see
    ``referral_graph.interop.spreadsheet``). Answers the report; a real all-or-nothing
    run with bad rows answers 422 with each row error in ``errors`` and writes nothing.
    Uploads are bound by the request body limit (413 beyond it)."""
    tables = sheets.read_bytes(file.filename or "", file.file.read())
    report = spreadsheet.import_sheets(store, tables, now=runtime.now(), dry_run=dry_run, mode=mode)
    if report.dry_run or report.written:
        return report
    return rows_refused(
        report.errors,
        "in the spreadsheet; nothing was written (fix them, or import with mode=valid-only).",
    )

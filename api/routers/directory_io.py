"""Directory exchange: HSDS 3.0 out (paged) and in, spreadsheets in (administrators)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse

from api.deps import CallerDep
from api.errors import rows_refused
from api.responses import problems
from referral_graph.domain.errors import InvalidInput
from referral_graph.interop import hsds_tabular, sheets
from referral_graph.interop.hsds_mapping import read_mapping
from referral_graph.interop.spreadsheet import ImportMode, ImportReport
from referral_graph.services import directory_exchange as use
from referral_graph.services.directory_exchange import HsdsImportReport

router = APIRouter(prefix="/api/v1/directory", tags=["directory"])


@router.get("/hsds", responses=problems())
def export_hsds(
    caller: CallerDep,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=use.MAX_PER_PAGE, description="Organizations per page.")
    ] = 50,
) -> JSONResponse:
    """The directory as HSDS 3.0 ``organization_list`` pages (full organizations with
    their services nested), paged as the HSDS API reference pages: ``page``,
    ``per_page``; the answer says ``total_items``, ``total_pages``, ``page_number``,
    ``first_page``, ``last_page``. Pathways from the page's providers ride in
    ``x_pathways``."""
    return JSONResponse(use.hsds_page(caller, page, per_page))


def _hsds_file(name: str, data: bytes) -> object:
    """An uploaded HSDS document: JSON (any form), or a zip of the tabular package."""
    if name.lower().endswith(".zip") or data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                texts = {
                    info.filename.rsplit("/", 1)[-1]: archive.read(info).decode("utf-8-sig")
                    for info in archive.infolist()
                    if info.filename.endswith((".csv", ".json")) and info.file_size < 50_000_000
                }
        except (zipfile.BadZipFile, UnicodeDecodeError, KeyError):
            raise InvalidInput("The zip file cannot be read.", field="file") from None
        declared = json.loads(texts.pop("datapackage.json", "null"))
        return hsds_tabular.read_tables(texts, declared)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"The file is not HSDS JSON: {exc}", field="file") from None


@router.post("/hsds-import", response_model=HsdsImportReport, responses=problems(403))
def import_hsds(
    caller: CallerDep,
    file: Annotated[
        UploadFile,
        File(description="HSDS 3.0 JSON (any form) or a zip of the tabular package."),
    ],
    mapping: Annotated[
        UploadFile | None,
        File(description="Mapping file (YAML or JSON): taxonomies, areas, defaults."),
    ] = None,
    dry_run: Annotated[bool, Query(description="Check and report; write nothing.")] = False,
) -> HsdsImportReport:
    """Import another organization's HSDS directory (or our own export). The report
    lists what was mapped, converted, assumed, skipped, split and refused; only
    organizations that can be placed are written."""
    doc = _hsds_file(file.filename or "", file.file.read())
    rules = None
    if mapping is not None:
        try:
            text = mapping.file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("The mapping file must be UTF-8 text.", field="mapping") from None
        rules = read_mapping(text, mapping.filename or "mapping")
    return use.import_hsds(caller, doc, rules, dry_run=dry_run)


@router.post("/import", response_model=ImportReport, responses=problems(403, 413))
def import_directory(
    caller: CallerDep,
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
    ``referral_graph.interop.spreadsheet``). Answers the report (``written`` says whether
    anything was written; unknown columns are ``warnings``); a real all-or-nothing run
    with bad rows answers 422 with each row error in ``errors`` and writes nothing.
    Uploads are bound by the request body limit (413 beyond it)."""
    tables = sheets.read_bytes(file.filename or "", file.file.read())
    report = use.import_spreadsheet(caller, tables, dry_run=dry_run, mode=mode)
    if report.dry_run or not (report.errors and mode is ImportMode.ALL_OR_NOTHING):
        return report
    return rows_refused(
        report.errors,
        "in the spreadsheet; nothing was written (fix them, or import with mode=valid-only).",
    )

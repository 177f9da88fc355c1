"""Directory exchange use cases: HSDS 3.0 out (paged as the HSDS API reference pages)
and in (our exports and other people's directories, with a report), and spreadsheets in.

Reading the directory is open to every signed-in role; importing changes it, so only an
administrator (or the system: the CLI) may, dry run included (it reveals what is stored).
"""

from __future__ import annotations

from functools import partial

from pydantic import BaseModel, Field

from referral_graph.domain.errors import Forbidden, InvalidInput
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.queries import Page, PathwayQuery, ProviderQuery, every
from referral_graph.interop import hsds, hsds_import, spreadsheet
from referral_graph.interop.hsds_import import ImportNote, NoteKind, Reading
from referral_graph.interop.hsds_mapping import Mapping
from referral_graph.interop.sheets import Sheets
from referral_graph.interop.spreadsheet import ImportMode, ImportReport
from referral_graph.security.model import Role
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction

Json = hsds.Json
MAX_PER_PAGE = 500


def _may_import(caller: Caller) -> None:
    if caller.principal.role not in (Role.ADMIN, Role.SYSTEM):
        raise Forbidden("Only an administrator imports into the directory.")


def hsds_page(caller: Caller, page: int = 1, per_page: int = 50) -> Json:
    """One page of the directory as an HSDS ``organization_list`` (``page`` from 1),
    with the pathways that start at its providers."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"page from 1, per_page from 1 to {MAX_PER_PAGE}.", field="per_page")

    def work(tx: Transaction) -> Json:
        window = Page(limit=per_page, offset=(page - 1) * per_page)
        listing = tx.list_providers(ProviderQuery(), window)
        pathways: list[Pathway] = []
        for p in listing.items:
            query = PathwayQuery(from_provider_id=p.id)
            pathways += every(partial(tx.list_pathways, query))
        return hsds.document(
            listing.items, pathways, page=page, per_page=per_page, total=listing.count
        )

    return caller.store.read(work)


def _directory(tx: Transaction) -> tuple[list[Provider], list[Pathway]]:
    providers = list(every(partial(tx.list_providers, ProviderQuery())))
    return providers, list(every(partial(tx.list_pathways, PathwayQuery())))


def hsds_document(caller: Caller) -> Json:
    """The whole directory as one HSDS document (the CLI's export)."""
    providers, pathways = caller.store.read(_directory)
    return hsds.document(providers, pathways)


class HsdsImportReport(BaseModel):
    """What an HSDS import did (or, for a dry run, would do), and every note on it."""

    form: str = Field(description="The HSDS form read: organization, service_list, tabular …")
    dry_run: bool
    written: bool = Field(False, description="True only if something was written.")
    organizations: int = 0
    providers_created: int = 0
    providers_updated: int = 0
    providers_unchanged: int = 0
    pathways_created: int = 0
    pathways_updated: int = 0
    pathways_unchanged: int = 0
    counts: dict[NoteKind, int] = Field(default_factory=dict, description="Notes by kind.")
    notes: list[ImportNote] = Field(default_factory=list)


def _check_pathways(tx: Transaction, reading: Reading) -> None:
    known = {p.id: p for p in reading.providers}
    wanted = {i for w in reading.pathways for i in (w.from_provider_id, w.to_provider_id)}
    known |= tx.get_providers(wanted - known.keys())
    for w in reading.pathways:
        for end in (w.from_provider_id, w.to_provider_id):
            if end not in known:
                raise InvalidInput(f"Pathway {w.id!r} names unknown provider {end!r}.")
        if w.service not in known[w.to_provider_id].services:
            raise InvalidInput(
                f"Pathway {w.id!r}: {w.to_provider_id!r} does not offer {w.service.value!r}."
            )


def _same(a: Provider, b: Provider) -> bool:
    ignore = {"version", "updated_at"}
    return a.model_dump(exclude=ignore) == b.model_dump(exclude=ignore)


def _plan(
    tx: Transaction, reading: Reading, caller: Caller, report: HsdsImportReport
) -> tuple[list[Provider], list[Pathway]]:
    _check_pathways(tx, reading)
    stored = tx.get_providers(p.id for p in reading.providers)
    providers: list[Provider] = []
    for p in reading.providers:
        before = stored.get(p.id)
        if before is None:
            report.providers_created += 1
            providers.append(p)
        elif _same(p, before):
            report.providers_unchanged += 1
        else:
            report.providers_updated += 1
            bump = {"version": before.version + 1, "updated_at": caller.now}
            providers.append(p.model_copy(update=bump))
    pathways: list[Pathway] = []
    for w in reading.pathways:
        old = tx.get_pathway(w.id)
        if old == w:
            report.pathways_unchanged += 1
            continue
        pathways.append(w)
        report.pathways_created += old is None
        report.pathways_updated += old is not None
    return providers, pathways


def import_hsds(
    caller: Caller, doc: object, mapping: Mapping | None = None, *, dry_run: bool = False
) -> HsdsImportReport:
    """Import an HSDS document of any form in one transaction: every organization that
    can be placed is written (or, in a dry run, counted), every other is refused in the
    report; a pathway naming an unknown provider refuses the whole import."""
    _may_import(caller)
    reading = hsds_import.read_document(doc, mapping)
    counts: dict[NoteKind, int] = {}
    for note in reading.notes:
        counts[note.kind] = counts.get(note.kind, 0) + 1

    def work(tx: Transaction) -> HsdsImportReport:
        # A fresh report each time: a store may run the unit of work again.
        report = HsdsImportReport(
            form=reading.form,
            dry_run=dry_run,
            organizations=reading.organizations,
            counts=counts,
            notes=reading.notes,
        )
        providers, pathways = _plan(tx, reading, caller, report)
        if not dry_run and (providers or pathways):
            tx.load_directory(providers, pathways)
            report.written = True
        return report

    if dry_run:
        return caller.store.read(work)
    return caller.store.write(work)


def import_spreadsheet(
    caller: Caller,
    sheets: Sheets,
    *,
    dry_run: bool = False,
    mode: ImportMode = ImportMode.ALL_OR_NOTHING,
) -> ImportReport:
    """Import providers and pathways from spreadsheet tables (see
    :mod:`referral_graph.interop.spreadsheet`)."""
    _may_import(caller)
    return spreadsheet.import_sheets(
        caller.store, sheets, now=caller.now, dry_run=dry_run, mode=mode
    )

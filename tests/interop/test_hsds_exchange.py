"""HSDS exchange with other people (defects 3–7): the specification's own example data
imports in every form with a shipped mapping file and round-trips to an export the
official schemas and the specification's datapackage.json accept; time zones, every
service, languages, phones and contacts; dry runs; the admin route; paging."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from referral_graph.domain.hours import OpeningPeriod
from referral_graph.domain.vocabulary import Language, Service
from referral_graph.interop import hsds_tabular
from referral_graph.interop.hsds_import import NoteKind
from referral_graph.interop.hsds_mapping import Mapping, load_mapping, read_mapping
from referral_graph.services import directory_exchange as exchange
from referral_graph.services.caller import Caller
from referral_graph.services.directory_exchange import HsdsImportReport
from referral_graph.store.port import Store
from tests.factories import T0, load_small_network, provider
from tests.interop.conftest import Partners
from tests.interop.test_spreadsheet import directory

DATA = Path(__file__).resolve().parents[1] / "data" / "hsds"
EXAMPLES = DATA / "examples"
MAPPING = DATA / "mapping-example.yaml"
FORMS = [
    "organization_full",
    "service_full",
    "service_list",
    "service_at_location_full",
    "service_at_location_list",
    "tabular",
    "csv",
]


def _example(form: str) -> Any:
    if form == "csv":
        return hsds_tabular.read_package(EXAMPLES / "csv")
    return json.loads((EXAMPLES / f"{form}.json").read_text("utf-8"))


def _import(store: Store, doc: Any, mapping: Mapping | None = None, **kw: Any) -> HsdsImportReport:
    return exchange.import_hsds(Caller.system(store, T0), doc, mapping, **kw)


def _org(*services: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": "0f0f0f0f-0000-4000-8000-000000000001",
        "name": "Partner NGO",
        "description": "A partner",
        "services": list(services),
        **extra,
    }


def _service(ident: str, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "name": "Community Counselling", "status": "active", **extra}


SCHEMAS = sorted(p for p in (DATA / "schema").glob("*.json") if p.name != "openapi.json")


def _registry(change: Any = lambda schema: schema) -> Registry:
    """The specification's schemas, each under its file name (how they ``$ref`` each
    other), read as Draft 2020-12."""
    return Registry().with_resources(
        (p.name, DRAFT202012.create_resource(change(json.loads(p.read_text("utf-8")))))
        for p in SCHEMAS
    )


def _strict(schema: Any) -> Any:
    """The schema with ``additionalProperties: false`` on every object, as the
    specification's own check of its examples runs."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if "properties" in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _without_x(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_x(v) for k, v in value.items() if not k.startswith("x_")}
    if isinstance(value, list):
        return [_without_x(v) for v in value]
    return value


def _validate_organizations(doc: dict[str, Any]) -> None:
    """Each organization of an export, and each of its services, against the official
    JSON schemas (Draft 2020-12, formats checked; the specification's compiled
    organization schema is these two together), and again without our ``x_`` fields
    against the schemas closed to anything else."""
    checks = Draft202012Validator.FORMAT_CHECKER
    loose, closed = _registry(), _registry(_strict)

    def errors(registry: Registry, name: str, value: Any) -> list[str]:
        schema = registry.contents(name)
        found = Draft202012Validator(schema, registry=registry, format_checker=checks)
        return [f"{name} {list(e.path)}: {e.message}" for e in found.iter_errors(value)]

    assert doc["contents"]
    for org in doc["contents"]:
        bare = {k: v for k, v in org.items() if k != "services"}
        assert org["services"]
        for registry, strip in ((loose, False), (closed, True)):
            fix = _without_x if strip else (lambda v: v)
            assert errors(registry, "organization.json", fix(bare)) == []
            for service in org["services"]:
                assert errors(registry, "service.json", fix(service)) == []


def _frictionless(descriptor: Path) -> Any:
    """``frictionless validate`` of a package. Importing frictionless lifts the csv
    module's field size limit for the whole process; it is put back afterwards."""
    limit = csv.field_size_limit()
    try:
        import frictionless

        return frictionless.Package(str(descriptor)).validate()
    finally:
        csv.field_size_limit(limit)


# --- the specification's example data ----------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_the_specification_example_imports(store: Store, form: str) -> None:
    mapping = load_mapping(MAPPING)
    report = _import(store, _example(form), mapping)
    assert report.written, report.notes
    assert NoteKind.REFUSED not in report.counts, report.notes
    (imported,), _ = directory(store)
    assert imported.id == "hsds-d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert imported.services == {Service.COUNSELLING}
    assert imported.name == "Example Organization Inc."
    assert imported.languages == {Language.KHMER}  # Urdu is skipped, and reported
    if form not in ("service_list", "service_at_location_list"):  # lists carry no languages
        assert any("Urdu" in n.detail for n in report.notes if n.kind is NoteKind.SKIPPED)
    assert (imported.eligibility.min_age, imported.eligibility.max_age) == (12, 100)
    if form not in ("service_list", "service_at_location_list"):  # lists give no phones
        assert [p.number for p in imported.phones] == ['"+44 1234 234567"']
        assert imported.phones[0].extension == "100"
    if form in ("organization_full", "service_full", "service_at_location_full", "csv"):
        assert [c.name for c in imported.contacts] == ["Ann Persona"]
        assert imported.contacts[0].phones[0].number == '"+44 1234 234567"'
    if form in ("organization_full", "service_full", "tabular", "csv"):
        assert imported.website in ("http://example.com", "http://example.com/counselling")
        assert imported.email == "email@example.com"
    # 10:00–18:00 at UTC+3 on Thursdays and Fridays is 14:00–22:00 in Cambodia
    if form not in ("service_list", "service_at_location_list"):
        assert imported.hours.periods == (
            OpeningPeriod(days=frozenset({3, 4}), opens=time(14, 0), closes=time(22, 0)),
        )
        assert any(n.kind is NoteKind.CONVERTED and "timezone" in n.detail for n in report.notes)


def test_the_example_organization_list_is_refused_and_said_so(store: Store) -> None:
    report = _import(store, _example("organization_list"), load_mapping(MAPPING))
    assert report.form == "organization_list" and not report.written
    refused = [n.detail for n in report.notes if n.kind is NoteKind.REFUSED]
    assert refused == ["none of its services maps to a service of ours"]


def test_the_example_round_trips_to_an_export_the_schemas_accept(
    store: Store, tmp_path: Path
) -> None:
    _import(store, _example("organization_full"), load_mapping(MAPPING))
    load_small_network(store)
    doc = exchange.hsds_document(Caller.system(store, T0))
    _validate_organizations(json.loads(json.dumps(doc)))
    broken = json.loads(json.dumps(doc))  # calibration: the check does find errors
    broken["contents"][0]["services"][0].pop("status")
    with pytest.raises(AssertionError, match="status"):
        _validate_organizations(broken)
    broken = json.loads(json.dumps(doc))
    broken["contents"][0]["phones"] = [{"id": "not-a-uuid", "number": "1"}]
    with pytest.raises(AssertionError, match="uuid"):
        _validate_organizations(broken)
    again = _import(store, doc)  # our own export reads back as it is
    assert again.providers_unchanged == 7 and not again.written


def test_the_tabular_export_follows_the_specification_datapackage(
    store: Store, tmp_path: Path
) -> None:
    """Defect 6: every table with the specification's columns in its order and its
    types (a valid table time), checked by frictionless against the specification's
    own datapackage.json, and against the written one (which adds our two tables)."""
    load_small_network(store)
    named = provider("formula", "ngo_counsellor", {Service.COUNSELLING}, name="=HYPERLINK(1)")
    store.write(lambda tx: tx.load_directory([named], []))
    _import(store, _example("organization_full"), load_mapping(MAPPING))
    ours = tmp_path / "ours"
    hsds_tabular.write_package(exchange.hsds_document(Caller.system(store, T0)), ours)
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs)
    shutil.copyfile(DATA / "datapackage.json", theirs / "datapackage.json")
    for folder in (theirs, ours):
        report = _frictionless(folder / "datapackage.json")
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    schedules = (ours / "schedules.csv").read_text("utf-8")
    assert "07:30:00" in schedules and "+07:00" not in schedules
    assert "'=HYPERLINK(1)" in (ours / "organizations.csv").read_text("utf-8")
    back = hsds_tabular.read_package(ours)
    assert {o["name"] for o in back["contents"]} >= {"=HYPERLINK(1)"}


# --- time zones, services, languages -----------------------------------------------------

MAPPING_TEXT = """
defaults: {kind: ngo_counsellor, area_code: "1701"}
services:
  - {name: Community Counselling, services: [counselling]}
  - {name: Legal help, services: [legal_aid]}
"""


def test_opening_hours_keep_their_time_zone(store: Store) -> None:
    """Defect 3: 09:00-05:00 is 21:00 in Phnom Penh (not 09:00), and crossing midnight
    splits the period."""
    hours = {"id": "s-1", "freq": "WEEKLY", "byday": "MO", "opens_at": "09:00-05:00",
             "closes_at": "17:00-05:00"}  # fmt: skip
    report = _import(store, _org(_service("a", schedules=[hours])), read_mapping(MAPPING_TEXT))
    (p,), _ = directory(store)
    assert p.hours.periods == (
        OpeningPeriod(days=frozenset({1}), opens=time(0, 0), closes=time(5, 0)),
        OpeningPeriod(days=frozenset({0}), opens=time(21, 0), closes=time(23, 59, 59)),
    )
    assert any(n.kind is NoteKind.CONVERTED for n in report.notes)


def test_every_service_of_an_organization_is_kept(store: Store) -> None:
    """Defect 4: services that differ in ages, languages, hours or status become one
    provider each (reported); services alike share one."""
    kids = _service("a", minimum_age=5, maximum_age=17, languages=[{"code": "km"}])
    youth = _service("b", name="Legal help", minimum_age=18, maximum_age=24, status="inactive",
                     languages=[{"code": "en"}])  # fmt: skip
    same = _service("c", name="Legal help", minimum_age=5, maximum_age=17,
                    languages=[{"code": "khm"}])  # fmt: skip
    report = _import(store, _org(kids, youth, same), read_mapping(MAPPING_TEXT))
    providers, _ = directory(store)
    assert len(providers) == 2 and report.counts[NoteKind.SPLIT] == 2
    by_age = {p.eligibility.min_age: p for p in providers}
    assert by_age[5].services == {Service.COUNSELLING, Service.LEGAL_AID} and by_age[5].active
    assert by_age[5].languages == {Language.KHMER}
    assert by_age[18].services == {Service.LEGAL_AID} and not by_age[18].active
    assert by_age[18].languages == {Language.ENGLISH}
    again = _import(store, _org(kids, youth, same), read_mapping(MAPPING_TEXT))
    assert again.providers_unchanged == 2  # the split ids are stable


def test_iso_639_1_and_639_3_codes_are_both_read(store: Store) -> None:
    """Defect 5: ``km`` (ISO 639-1) is Khmer as ``khm`` is; ``fr`` is reported."""
    langs = [{"code": c} for c in ("km", "en", "vi", "lo", "tpu", "fr", "xx")]
    report = _import(store, _org(_service("a", languages=langs)), read_mapping(MAPPING_TEXT))
    (p,), _ = directory(store)
    assert p.languages == {Language.KHMER, Language.ENGLISH, Language.VIETNAMESE,
                           Language.LAO, Language.TAMPUAN}  # fmt: skip
    skipped = [n.detail for n in report.notes if n.kind is NoteKind.SKIPPED]
    assert any("French" in d for d in skipped) and any("'xx'" in d for d in skipped)


def test_a_dry_run_reports_and_writes_nothing(store: Store) -> None:
    report = _import(store, _example("organization_full"), load_mapping(MAPPING), dry_run=True)
    assert report.dry_run and not report.written and report.providers_created == 1
    assert report.counts[NoteKind.MAPPED] >= 2
    assert directory(store) == ([], [])


def test_without_a_mapping_a_foreign_directory_is_refused_with_reasons(store: Store) -> None:
    report = _import(store, _example("organization_full"))
    assert report.counts[NoteKind.REFUSED] == 1 and not report.written
    assert "a kind" in next(n.detail for n in report.notes if n.kind is NoteKind.REFUSED)
    with pytest.raises(Exception, match="mapping"):
        read_mapping("services: [{name: x, services: [not_a_service]}]")


# --- over HTTP -----------------------------------------------------------------------------


def test_admins_import_hsds_over_the_api(partners: Partners) -> None:
    example = (EXAMPLES / "organization_full.json").read_bytes()
    files = {
        "file": ("org.json", example, "application/json"),
        "mapping": ("mapping.yaml", MAPPING.read_bytes(), "application/yaml"),
    }
    c = partners.client
    dry = c.post("/api/v1/directory/hsds-import?dry_run=true", files=files,
                 headers=partners.headers("admin"))  # fmt: skip
    assert dry.status_code == 200, dry.text
    assert dry.json()["providers_created"] == 1 and dry.json()["written"] is False
    done = c.post("/api/v1/directory/hsds-import", files=files, headers=partners.headers("admin"))
    assert done.status_code == 200 and done.json()["written"] is True
    refused = c.post("/api/v1/directory/hsds-import", files=files, headers=partners.headers("hc"))
    assert refused.status_code == 403
    package = copy.deepcopy(files)
    package["file"] = ("bad.json", b"{not json", "application/json")
    bad = c.post("/api/v1/directory/hsds-import", files=package, headers=partners.headers("admin"))
    assert bad.status_code == 422 and bad.json()["field"] == "file"


def test_the_hsds_export_is_paged(partners: Partners) -> None:
    """Defect 7: ``page`` and ``per_page``, with ``total_items`` and ``total_pages``."""
    c, seen, page = partners.client, [], 1
    while True:
        answer = c.get("/api/v1/directory/hsds", params={"page": page, "per_page": 4},
                       headers=partners.headers("hc"))  # fmt: skip
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["total_items"], body["total_pages"], body["page_number"]) == (6, 2, page)
        assert body["size"] == len(body["contents"]) <= 4
        seen += [o["name"] for o in body["contents"]]
        if body["last_page"]:
            break
        page += 1
    assert len(seen) == len(set(seen)) == 6 and page == 2
    assert (
        c.get("/api/v1/directory/hsds?per_page=501", headers=partners.headers("hc")).status_code
        == 422
    )
    beyond = c.get("/api/v1/directory/hsds?page=9", headers=partners.headers("hc")).json()
    assert beyond["empty"] and beyond["contents"] == []

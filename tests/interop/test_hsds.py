"""HSDS 3.0: the directory goes out and comes back exactly, and re-imports never duplicate."""

from __future__ import annotations

import csv
import json
import re
import string
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.hours import Hours, OpeningPeriod
from referral_graph.domain.models import (
    Eligibility,
    Pathway,
    Provider,
)
from referral_graph.domain.queries import PathwayQuery, ProviderQuery, every
from referral_graph.domain.vocabulary import (
    DeliveryMode,
    Gender,
    Language,
    ProviderKind,
    Service,
)
from referral_graph.interop import hsds, hsds_import, hsds_tabular
from referral_graph.interop.hsds_import import NoteKind
from referral_graph.interop.hsds_mapping import Mapping
from referral_graph.services import directory_exchange as exchange
from referral_graph.services.caller import Caller
from referral_graph.services.directory_exchange import HsdsImportReport
from referral_graph.store.port import Store, Transaction
from tests.factories import T0, provider, small_network

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def rich_network() -> tuple[list[Provider], list[Pathway]]:
    """The small network plus providers that use every field."""
    providers, pathways = small_network()
    providers += [
        provider(
            "ngo-km",
            ProviderKind.NGO_COUNSELLOR,
            {Service.COUNSELLING, Service.PHONE_COUNSELLING, Service.PSYCHO_EDUCATION},
            name="Counselling NGO, Siem Reap",
            name_km="អង្គការប្រឹក្សា",
            area_code="1701",
            covers=("1702", "170101", "17"),
            modes=frozenset({DeliveryMode.IN_PERSON, DeliveryMode.ONLINE, DeliveryMode.PHONE}),
            eligibility=Eligibility(
                min_age=12,
                max_age=24,
                genders=frozenset({Gender.FEMALE, Gender.NON_BINARY}),
                lgbtiq_affirming=True,
            ),
            languages=frozenset({Language.KHMER, Language.ENGLISH, Language.TAMPUAN}),
            interpreter_support=True,
            weekly_capacity=0,
            hours=Hours(
                always_open=True,
                periods=(
                    OpeningPeriod(
                        days=frozenset({5, 6}), opens=time(8, 15, 30), closes=time(12, 0)
                    ),
                ),
            ),
            contact='Call 012 345 678, "ask for Dara"; Telegram ok',
            synthetic=False,
            version=7,
            updated_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        ),
        provider(
            "closed-shelter",
            ProviderKind.SHELTER,
            {Service.SHELTER},
            active=False,
            hours=Hours(),
            weekly_capacity=12,
        ),
    ]
    return providers, pathways


def _store(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    store.initialise()
    return store


def _load(store: Store, providers: list[Provider], pathways: list[Pathway]) -> None:
    store.write(lambda tx: tx.load_directory(providers, pathways))


def _directory(store: Store) -> tuple[list[Provider], list[Pathway]]:
    def work(tx: Transaction) -> tuple[list[Provider], list[Pathway]]:
        providers = list(every(lambda page: tx.list_providers(ProviderQuery(), page)))
        return providers, list(every(lambda page: tx.list_pathways(PathwayQuery(), page)))

    return store.read(work)


def export(store: Store) -> dict[str, Any]:
    return exchange.hsds_document(Caller.system(store, T0))


def load(store: Store, doc: Any, mapping: Mapping | None = None) -> HsdsImportReport:
    return exchange.import_hsds(Caller.system(store, T0), doc, mapping)


@pytest.fixture
def source(store: Store) -> Store:
    _load(store, *rich_network())
    return store


# --- round trips ---------------------------------------------------------------------------


def test_json_round_trip_is_exact(source: Store, tmp_path: Path) -> None:
    doc = json.loads(json.dumps(export(source)))
    target = _store(tmp_path / "target.sqlite3")
    summary = load(target, doc)
    assert summary.providers_created == 8 and summary.pathways_created == 3
    assert _directory(target) == _directory(source)


def test_tabular_package_round_trip_is_exact(source: Store, tmp_path: Path) -> None:
    written = hsds_tabular.write_package(export(source), tmp_path / "pkg")
    assert tmp_path / "pkg" / "datapackage.json" in written
    target = _store(tmp_path / "target.sqlite3")
    load(target, hsds_tabular.read_package(tmp_path / "pkg"))
    assert _directory(target) == _directory(source)


def test_reimport_changes_nothing_and_never_duplicates(source: Store, tmp_path: Path) -> None:
    doc = export(source)
    target = _store(tmp_path / "target.sqlite3")
    load(target, doc)
    version = target.read(lambda tx: tx.directory_version())
    again = load(target, doc)
    assert again.providers_unchanged == 8 and again.pathways_unchanged == 3
    assert again.providers_created == again.providers_updated == 0
    assert target.read(lambda tx: tx.directory_version()) == version
    assert _directory(target) == _directory(source)


def test_reimport_updates_in_place(source: Store) -> None:
    doc = export(source)
    doc["contents"][0]["name"] = "Renamed in the HSDS file"
    summary = load(source, doc)
    assert summary.providers_updated == 1 and summary.providers_created == 0
    providers, _ = _directory(source)
    assert len(providers) == 8
    assert providers[0].name == "Renamed in the HSDS file"


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from('\n\r\t,;"'),
    min_size=1,
    max_size=40,
)
_ident = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}", fullmatch=True)
_areas = st.sampled_from(["17", "1701", "170101", "17010101", "12", "1901", "1702"])


@st.composite
def _providers(draw: st.DrawFn) -> Provider:
    low = draw(st.integers(0, 120))
    periods = draw(
        st.lists(
            st.builds(
                lambda days, a, b: OpeningPeriod(
                    days=days, opens=time(a // 60, a % 60), closes=time(b // 60, b % 60)
                ),
                st.frozensets(st.integers(0, 6), min_size=1),
                st.integers(0, 600),
                st.integers(601, 1439),
            ),
            max_size=3,
        )
    )
    return Provider(
        id=draw(_ident),
        name=draw(_text),
        name_km=draw(st.none() | _text),
        kind=draw(st.sampled_from(ProviderKind)),
        area_code=draw(_areas),
        covers=tuple(draw(st.lists(_areas, max_size=4, unique=True))),
        services=draw(st.frozensets(st.sampled_from(Service), min_size=1)),
        modes=draw(st.frozensets(st.sampled_from(DeliveryMode))),
        eligibility=Eligibility(
            min_age=low,
            max_age=draw(st.integers(low, 120)),
            genders=draw(st.frozensets(st.sampled_from(Gender))),
            lgbtiq_affirming=draw(st.booleans()),
        ),
        languages=draw(st.frozensets(st.sampled_from(Language))),
        interpreter_support=draw(st.booleans()),
        weekly_capacity=draw(st.none() | st.integers(0, 100_000)),
        hours=Hours(always_open=draw(st.booleans()), periods=tuple(periods)),
        contact=draw(st.none() | _text),
        active=draw(st.booleans()),
        synthetic=draw(st.booleans()),
        version=draw(st.integers(1, 10_000)),
        updated_at=draw(st.datetimes(timezones=st.just(UTC))),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_providers())
def test_any_provider_survives_the_organization_mapping(p: Provider) -> None:
    org = json.loads(json.dumps(hsds.organization(p)))
    notes: list[Any] = []
    assert hsds_import.read_organization(org, Mapping(), notes) == [p], notes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_providers(), max_size=3, unique_by=lambda p: p.id))
def test_any_directory_survives_the_csv_package(providers: list[Provider]) -> None:
    doc = hsds.document(providers, [])
    flat = hsds_tabular.flatten(doc)
    tables = {
        r["name"]: hsds_tabular.read_csv(r, hsds_tabular.write_csv(r, flat[r["name"]]))
        for r in hsds_tabular.descriptor()["resources"]
    }
    assert hsds_import.read_document(hsds_tabular.unflatten(tables)).providers == providers


# --- what the export looks like ------------------------------------------------------------


def test_export_has_what_hsds_3_requires(source: Store) -> None:
    doc = export(source)
    assert doc["total_items"] == len(doc["contents"]) == 8
    for org in doc["contents"]:
        assert org["name"] and org["description"] and UUID.match(org["id"])
        for location in org["locations"]:
            assert UUID.match(location["id"]) and location["location_type"] == "physical"
        for service in org["services"]:
            assert UUID.match(service["id"]) and service["name"]
            assert service["status"] in ("active", "inactive")
            assert service["service_at_locations"][0]["location_id"] == org["locations"][0]["id"]
            for key in ("languages", "schedules", "service_areas", "attributes"):
                assert all(UUID.match(item["id"]) for item in service[key])
    assert [w["id"] for w in doc["x_pathways"]] == ["pw-1", "pw-2", "pw-3"]


def test_export_is_stable(source: Store) -> None:
    assert export(source) == export(source)


def test_the_package_declares_every_file_and_its_keys_resolve(
    source: Store, tmp_path: Path
) -> None:
    hsds_tabular.write_package(export(source), tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    ids: dict[str, set[str]] = {}
    rows: dict[str, list[dict[str, str]]] = {}
    for resource in package["resources"]:
        with (tmp_path / resource["path"]).open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            assert reader.fieldnames == [fd["name"] for fd in resource["schema"]["fields"]]
            rows[resource["name"]] = list(reader)
        if "primaryKey" in resource["schema"] or resource["name"] != "x_extensions":
            ids[resource["name"]] = {r["id"] for r in rows[resource["name"]]}
            assert len(ids[resource["name"]]) == len(rows[resource["name"]])  # primary key
    for resource in package["resources"]:
        for fk in resource["schema"].get("foreignKeys", []):
            target = ids[fk["reference"]["resource"]]
            assert all(r[fk["fields"]] in target for r in rows[resource["name"]] if r[fk["fields"]])
    assert len(rows["organization"]) == 8
    assert set(string.hexdigits) >= set(rows["service"][0]["id"].replace("-", ""))


def test_api_exports_hsds(client: TestClient) -> None:
    response = client.get("/api/v1/directory/hsds")
    assert response.status_code == 200
    body = response.json()
    assert body["total_items"] == 6
    providers = hsds_import.read_document(body).providers
    assert {p.id for p in providers} == {p.id for p in small_network()[0]}


# --- refusals ------------------------------------------------------------------------------


def _doc_with_pathway(**changes: Any) -> dict[str, Any]:
    providers, pathways = small_network()
    doc = hsds.document(providers, pathways)
    doc["x_pathways"][0] |= changes
    return doc


@pytest.mark.parametrize(
    "changes",
    [{"to_provider_id": "nobody"}, {"service": "shelter"}, {"service": "not-a-service"}],
)
def test_a_bad_pathway_refuses_the_whole_import(store: Store, changes: dict[str, str]) -> None:
    with pytest.raises(InvalidInput):
        load(store, _doc_with_pathway(**changes))
    assert _directory(store) == ([], [])


def test_an_organization_without_a_kind_is_refused_and_reported(store: Store) -> None:
    doc = hsds.document(small_network()[0][:1], [])
    doc["contents"][0]["attributes"] = []
    report = load(store, doc)
    assert report.counts == {NoteKind.REFUSED: 1} and not report.written
    assert "a kind" in report.notes[0].detail
    assert _directory(store) == ([], [])
    with pytest.raises(InvalidInput, match="Not an HSDS document"):
        load(store, {"organizations": []})

"""The exchange use cases on each store: an HSDS import of the specification's example
and its export, FHIR search and a Task update (Neo4j when reachable)."""

from __future__ import annotations

from pathlib import Path

from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.interop import fhir as fhir_map
from referral_graph.interop import fhir_search
from referral_graph.interop.hsds_mapping import load_mapping
from referral_graph.services import cases, directory_exchange, fhir
from referral_graph.services.caller import Caller
from referral_graph.store.port import Store
from tests.factories import T0, load_small_network, opening, refer_to_health_centre
from tests.interop.test_hsds_exchange import MAPPING, _example


def test_hsds_example_imports_and_exports_on_each_store(both_stores: Store) -> None:
    system = Caller.system(both_stores, T0, "t")
    report = directory_exchange.import_hsds(
        system, _example("organization_full"), load_mapping(MAPPING)
    )
    assert report.written and report.providers_created == 1
    doc = directory_exchange.hsds_page(system, 1, 10)
    assert doc["total_items"] == 1
    assert doc["contents"][0]["phones"][0]["number"] == '"+44 1234 234567"'
    again = directory_exchange.import_hsds(system, doc)
    assert again.providers_unchanged == 1 and not again.written


def test_fhir_search_and_update_on_each_store(both_stores: Store, tmp_path: Path) -> None:
    load_small_network(both_stores)
    system = Caller.system(both_stores, T0, "t")
    case = cases.open_case(system, opening())
    referral = refer_to_health_centre(both_stores, T0, case.id)
    query = fhir_search.parse("Task", [("owner", "Organization/hc-a"), ("status", "requested")])
    found = fhir.search(system, query, base="https://x.test/fhir")
    assert found["total"] == 1
    task = fhir_map.as_json(fhir_map.task(referral))
    moved = fhir.update_task(system, task["id"], {**task, "status": "received"})
    assert moved["status"] == "received"
    stored = both_stores.read(lambda tx: tx.get_referral(referral.id))
    assert stored is not None and stored.status is ReferralStatus.RECEIVED

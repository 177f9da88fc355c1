"""The coverage page lists gaps first, with filters by service, district and programme
(issue 21, item 5), in process: gaps above the full table, communes outside the
programme marked, each filter narrowing what is listed, in English and Khmer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from referral_graph.bootstrap import Runtime
from referral_graph.domain.areas import lineage_codes
from tests.e2e.server_app import ShiftableClock, build
from tests.e2e.test_web_pages import sign_in

Site = tuple[FastAPI, Runtime, ShiftableClock]
GAP = re.compile(
    r'<li class="gap" data-commune="(\d+)" data-service="(\w+)" data-in-programme="(yes|no)">'
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(Path(tmp_path_factory.mktemp("web-coverage")))


@pytest.fixture
def coordinator(site: Site) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as client:
        sign_in(client, "e2e-coord-rtk")  # Ratanakiri: Ban Lung and Bar Kaev are the programme's
        yield client


def gaps(client: TestClient, **params: str) -> list[tuple[str, str, str]]:
    page = client.get("/app/coverage", params={"area": "16", **params})
    assert page.status_code == 200
    return GAP.findall(page.text)


def test_gaps_come_first_and_those_outside_the_programme_are_marked(
    coordinator: TestClient,
) -> None:
    page = coordinator.get("/app/coverage", params={"area": "16"}).text
    assert page.index('id="gaps"') < page.index('<table class="coverage">')
    found = GAP.findall(page)
    assert found, "Ratanakiri has gaps"
    for commune, _, inside in found:
        in_programme = bool({"1602", "1603"} & set(lineage_codes(commune)))
        assert (inside == "yes") == in_programme, commune
    assert {inside for *_, inside in found} == {"yes", "no"}
    assert "outside the programme" in page


def test_each_filter_narrows_the_gaps(coordinator: TestClient) -> None:
    everything = gaps(coordinator)
    inside = gaps(coordinator, programme="in")
    outside = gaps(coordinator, programme="out")
    assert inside and outside and sorted(inside + outside) == sorted(everything)
    assert {i for *_, i in inside} == {"yes"} and {i for *_, i in outside} == {"no"}
    shelter = gaps(coordinator, service="shelter")
    assert shelter and {s for _, s, _ in shelter} == {"shelter"}
    ban_lung = gaps(coordinator, district="1602")
    assert ban_lung and all("1602" in lineage_codes(c) for c, _, _ in ban_lung)
    both = gaps(coordinator, district="1602", service="shelter")
    assert set(both) <= set(ban_lung) and {s for _, s, _ in both} <= {"shelter"}
    # a filter typed by hand that means nothing is ignored, never a 500
    assert gaps(coordinator, service="massage", programme="maybe") == everything


def test_the_gaps_read_in_khmer(coordinator: TestClient) -> None:
    coordinator.get("/app/lang/km")
    page = coordinator.get("/app/coverage", params={"area": "16"}).text
    assert "ចន្លោះខ្វះខាត" in page and "ក្រៅកម្មវិធី" in page
    assert "Outside the programme" not in page

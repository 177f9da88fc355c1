"""Routing in the web app, in process (issue 21): a CCWC records the languages a person
speaks and whether they interpret; the case page holds "n providers left out — why?"
in the page itself (no script needed), in English and Khmer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from referral_graph.bootstrap import Runtime
from referral_graph.domain.vocabulary import Language
from tests.api.web_forms import field_error, post_form
from tests.e2e.server_app import ShiftableClock, build
from tests.e2e.test_web_pages import KHMER, open_case, sign_in

Site = tuple[FastAPI, Runtime, ShiftableClock]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(Path(tmp_path_factory.mktemp("web-routing")))


@pytest.fixture
def anon(site: Site) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as client:
        yield client


def test_a_ccwc_records_the_languages_a_person_speaks(anon: TestClient, site: Site) -> None:
    sign_in(anon, "e2e-ccwc")
    form = {
        "name": "Srey Mom",
        "role": "ccwc_member",
        "languages": ["khm", "krr"],
        "interprets": "yes",
    }
    r = post_form(anon, "/app/people", form, "/app/people")
    assert r.status_code == 303
    person_id = r.headers["location"].split("#p-", 1)[1]
    person = site[1].store.read(lambda tx: tx.get_person(person_id))
    assert person is not None
    assert person.languages == {Language.KHMER, Language.KREUNG} and person.interprets
    page = anon.get("/app/people").text
    listed = page[page.index(f'data-person="{person_id}"') :]
    assert "Speaks: Khmer, Kreung · Can interpret for others" in listed[:2000]
    bad = post_form(
        anon, "/app/people", {"name": "X", "role": "teacher", "languages": ["zzz"]}, "/app/people"
    )
    assert bad.status_code == 422
    assert field_error(bad.text, "languages") == "Not valid."


def test_the_case_page_says_who_was_left_out_and_why(anon: TestClient) -> None:
    sign_in(anon, "e2e-ccwc")
    case_id = open_case(anon)
    page = anon.get(f"/app/cases/{case_id}").text
    summary = re.search(
        r'<details class="why-not" id="why-not">\s*<summary>([^<]+)</summary>', page
    )
    assert summary and re.fullmatch(r"\d+ providers left out — why\?", summary.group(1))
    n = int(summary.group(1).split()[0])
    assert page.count("data-rule=") == n
    anon.get("/app/lang/km")
    khmer = anon.get(f"/app/cases/{case_id}").text
    summary = re.search(r"<summary>([^<]*មិនត្រូវបានណែនាំ[^<]*)</summary>", khmer)
    assert summary and KHMER.search(summary.group(1))
    block = khmer[
        khmer.index('id="why-not"') : khmer.index("</details>", khmer.index('id="why-not"'))
    ]
    assert "Does not serve" not in block and "Marked inactive" not in block
    assert KHMER.search(block)

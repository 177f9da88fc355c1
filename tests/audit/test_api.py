"""The audit over HTTP: every endpoint answers, and bad input is a 422 problem."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.api.test_referral_journey import assert_problem
from tests.audit.conftest import History
from tests.audit.test_report import secrets_of

MARCH = "since=2026-03-01&until=2026-04-01"
#: Every count as it is (the scenario's groups are all small cells).
EXACT = f"{MARCH}&min_cell=0"


def test_delays_by_every_grouping(client: TestClient) -> None:
    for by, keys in [
        ("district", ["1701", "1702"]),
        ("province", ["17"]),
        ("month", ["2026-03"]),
        ("provider", ["hc-a", "ccwc-a", "tpo-a", "helpline"]),
    ]:
        response = client.get(f"/api/v1/audit/delays?area=17&{EXACT}&group_by={by}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert [g["key"] for g in body["table"]["groups"]] == keys
        assert body["overall"]["acknowledge"]["n"] == 8
    edges = client.get(f"/api/v1/audit/delays?{EXACT}&group_by=edge").json()
    assert "ccwc-a → hc-a" in {g["key"] for g in edges["table"]["groups"]}


def test_patterns_and_measures(client: TestClient) -> None:
    bottlenecks = client.get(f"/api/v1/audit/bottlenecks?area=17&{EXACT}&limit=2").json()
    assert [p["provider_id"] for p in bottlenecks["providers"]] == ["ccwc-a", "tpo-a"]
    loops = client.get(f"/api/v1/audit/loops?area=17&{EXACT}").json()["loops"]
    assert loops["cases_with_ping_pong"] == 1
    declines = client.get(f"/api/v1/audit/declines?area=17&{EXACT}").json()["declines"]
    assert declines["declined"] == 2
    assert [r["code"] for r in declines["reasons"]] == ["no_capacity", "other"]
    measures = client.get("/api/v1/audit/measures?min_cell=0").json()  # the last 90 days
    assert measures["measures"]["referrals"] == 12
    assert measures["area"] is None


def test_small_cells_are_suppressed_by_default(client: TestClient) -> None:
    """Fewer than 5 shows as "< 5" (the server's REFERRAL_GRAPH_REPORT_MIN_CELL), in
    every audit answer and in the report; groups smaller than that are left out."""
    declines = client.get(f"/api/v1/audit/declines?area=17&{MARCH}").json()["declines"]
    assert declines["declined"] == "< 5" and declines["min_cell"] == 5
    assert {r["count"] for r in declines["reasons"]} == {"< 5"}
    (edge,) = declines["edges"]  # ccwc-a → hc-a: 5 referrals, 2 of them declined
    assert (edge["referrals"], edge["declined"], edge["decline_share"]) == (5, "< 5", None)
    delays = client.get(f"/api/v1/audit/delays?area=17&{MARCH}&group_by=provider").json()
    assert [g["key"] for g in delays["table"]["groups"]] == ["hc-a"]
    assert delays["overall"]["decide"]["missed"] == "< 5"
    assert delays["overall"]["acknowledge"]["within"] == 7
    measures = client.get(f"/api/v1/audit/measures?area=17&{MARCH}").json()["measures"]
    assert (measures["referrals"], measures["completed"], measures["closed_cases"]) == (
        10,
        "< 5",
        "< 5",
    )
    assert measures["completed_share"] is None, "a share of a small cell is not shown"
    report = client.get("/api/v1/audit/report?area=17&month=2026-03").json()
    assert report["min_cell"] == 5 and report["measures"]["declined"] == "< 5"
    page = client.get("/api/v1/audit/report?area=17&month=2026-03&format=html").text
    assert "&lt; 5" in page and "are shown as “&lt; 5”" in page
    rows = client.get("/api/v1/audit/report?area=17&month=2026-03&format=csv").text
    assert "summary,,,,declined,< 5" in rows


def test_the_report_in_each_format(client: TestClient) -> None:
    as_json = client.get("/api/v1/audit/report?area=17&month=2026-03&min_cell=0")
    assert as_json.status_code == 200 and as_json.json()["measures"]["referrals"] == 10
    as_csv = client.get("/api/v1/audit/report?area=1701&month=2026-03&format=csv&lang=km")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "referral-report-1701-2026-03-km.csv" in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert any(r["section"] == "summary" and r["metric"] == "referrals" for r in rows)
    page = client.get("/api/v1/audit/report?area=170101&month=2026-03&format=html&lang=km")
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="km">' in page.text and "ចារឈូក" in page.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/delays?area=1", "area"),
        ("/delays?area=99", "area"),
        ("/delays?area=17010101", "area"),
        ("/delays?area=17&group_by=village", "group_by"),
        ("/delays?since=2026-04-01&until=2026-03-01", "until"),
        ("/delays?since=yesterday", "since"),
        ("/bottlenecks?area=9999", "area"),
        ("/bottlenecks?limit=0", "limit"),
        ("/loops?min_cell=-1", "min_cell"),
        ("/declines?area=abc", "area"),
        ("/measures?until=2020-01-01T00:00:00Z&since=2020-01-01T00:00:00Z", "until"),
        ("/report?area=17&month=2026-13", "month"),
        ("/report?area=17&month=26-03", "month"),
        ("/report?area=17", "month"),
        ("/report?month=2026-03", "area"),
        ("/report?area=2599&month=2026-03", "area"),
        ("/report?area=17&month=2026-03&format=pdf", "format"),
        ("/report?area=17&month=2026-03&lang=fr", "lang"),
    ],
)
def test_bad_input_is_a_422_problem_naming_the_field(
    client: TestClient, query: str, field: str
) -> None:
    assert_problem(client.get(f"/api/v1/audit{query}"), 422, field)


def test_the_routes_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for name in ("delays", "bottlenecks", "loops", "declines", "measures", "report"):
        responses = paths[f"/api/v1/audit/{name}"]["get"]["responses"]
        assert {"200", "422", "503"} <= set(responses)
    assert "text/csv" in paths["/api/v1/audit/report"]["get"]["responses"]["200"]["content"]


def test_no_answer_names_a_case_or_a_referral(client: TestClient, history: History) -> None:
    names = ("bottlenecks", "loops", "declines", "measures")
    paths = [f"/{name}?{q}" for name in names for q in (MARCH, EXACT)]
    paths += [f"/delays?{EXACT}&group_by={by}" for by in ("provider", "edge", "month")]
    paths += [
        f"/report?area={area}&month=2026-03&format={f}&lang={lang}{cells}"
        for area in ("17", "1702")
        for f in ("json", "csv", "html")
        for lang in ("en", "km")
        for cells in ("", "&min_cell=0")
    ]
    for path in paths:
        response = client.get(f"/api/v1/audit{path}")
        assert response.status_code == 200, (path, response.text)
        for secret in secrets_of(history):
            assert secret not in response.text, (path, secret)

"""The monthly report renders as CSV and printable HTML, in English and Khmer, and
gives nothing away about any case."""

from __future__ import annotations

import csv
import io
import re

import pytest

from referral_graph.audit.labels import CATALOGUE, label
from referral_graph.audit.render import CSV_COLUMNS, to_csv, to_html
from referral_graph.audit.report import MonthlyReport
from referral_graph.services import audit
from referral_graph.services.caller import Caller
from tests.audit.conftest import DECLINE_REASON, History


@pytest.fixture
def report(history: History) -> MonthlyReport:
    """The report with every count as it is (``min_cell=0``: the scenario is small)."""
    return audit.monthly_report(
        Caller.system(history.store, history.now), area="17", month="2026-03"
    )


def secrets_of(history: History) -> list[str]:
    """What must never appear: case ids and codes, referral ids, free text (notes, the
    referral reasons, the decline and cancellation reasons people typed)."""
    found = [c.id for c in history.cases.values()] + [c.code for c in history.cases.values()]
    found += list(history.refs.values())
    texts = ["Private note about the child", "Seen at home", "Family moved away"]
    return [*found, *texts, DECLINE_REASON, "no doctor available", "Sok Dara"]


def test_the_report_holds_the_months_figures(report: MonthlyReport) -> None:
    assert (report.area.code, report.area.label.en, report.area.label.km) == (
        "17",
        "Siemreap",
        "សៀមរាប",
    )
    assert report.measures.referrals == 10
    assert report.overdue_now == 2  # r7 (March) and r12 (April); D is in Stung Treng
    assert [g.key for g in report.by_area.groups] == ["1701", "1702"]
    assert report.by_area.group_by == "district"
    assert report.bottlenecks[0].provider_id == "ccwc-a"
    assert report.loops.cases_with_ping_pong == 1
    assert [r.code for r in report.declines.reasons] == ["no_capacity", "other"]
    assert report.measures.closed_cases == 1  # A, by its closure record (B is not closed)
    assert report.measures.time_to_first_professional_contact.reached == 3


def test_a_district_report_breaks_down_by_commune(history: History) -> None:
    found = audit.monthly_report(
        Caller.system(history.store, history.now), area="1701", month="2026-03"
    )
    assert found.by_area.group_by == "commune"
    assert [g.key for g in found.by_area.groups] == ["170101"]
    assert found.measures.referrals == 4


@pytest.mark.parametrize("lang", ["en", "km"])
def test_html_is_a_printable_page_in_each_language(
    report: MonthlyReport, history: History, lang: str
) -> None:
    page = to_html(report, lang)  # type: ignore[arg-type]
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page
    assert '"Noto Sans Khmer", "Khmer OS"' in page and "sans-serif" in page
    assert "@media print" in page
    assert 'class="bar bar-acknowledge w' in page, "the chart is drawn in HTML"
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page), "no CDN, no remote"
    for secret in secrets_of(history):
        assert secret not in page
    assert label("declines", lang) in page, "decline reasons are counted by code"  # type: ignore[arg-type]
    assert "Cambodia time (UTC+7)" in page or "ម៉ោងកម្ពុជា" in page
    assert "UTC<" not in page and " UTC ·" not in page, "the footer is local time"
    for key in ("title", "median", "bottlenecks", "declines", "first_professional_contact"):
        assert label(key, lang) in page  # type: ignore[arg-type]


def test_the_khmer_page_speaks_khmer(report: MonthlyReport) -> None:
    page = to_html(report, "km")
    for words in (
        "របាយការណ៍ប្រចាំខែនៃបណ្ដាញបញ្ជូនករណី",
        "ការបញ្ជូនដែលបានធ្វើ",
        "បានបដិសេធ",
        "ហួសកាលកំណត់ឥឡូវនេះ",
        "មេដ្យាន",
        "ចំណុចកកស្ទះ",
        "ខែមីនា ឆ្នាំ២០២៦",
        "សៀមរាប",
        "អង្គរជុំ",
    ):
        assert words in page, words
    assert "១០" in page, "counts in Khmer digits (10 referrals)"
    english = to_html(report, "en")
    assert "Referral network monthly report" in english and "March 2026" in english
    assert "Angkor Chum" in english


def test_every_label_has_khmer_in_khmer_script() -> None:
    khmer = re.compile(r"[\u1780-\u17FF]")
    for key, entry in CATALOGUE.items():
        assert entry["en"] and entry["km"], key
        assert khmer.search(entry["km"]), key


@pytest.mark.parametrize("lang", ["en", "km"])
def test_csv_parses_and_gives_nothing_away(
    report: MonthlyReport, history: History, lang: str
) -> None:
    text = to_csv(report, lang)  # type: ignore[arg-type]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    summary = {r["metric"]: r["value"] for r in rows if r["section"] == "summary"}
    assert summary["referrals"] == "10" and summary["overdue_now"] == "2"
    steps = {(r["step"], r["metric"]): r["value"] for r in rows if r["section"] == "steps"}
    assert steps[("acknowledge", "median_hours")] == "1.0"
    assert steps[("first_contact", "within")] == "5"
    reasons = [(r["key"], r["value"]) for r in rows if r["section"] == "decline_reasons"]
    assert reasons == [("no_capacity", "1"), ("other", "1")]
    loops = [r["key"] for r in rows if r["section"] == "loop_patterns"]
    assert "ccwc-a → hc-a → ccwc-a" in loops
    for secret in secrets_of(history):
        assert secret not in text
    if lang == "km":
        names = {r["name"] for r in rows if r["section"] == "by_area"}
        assert "អង្គរជុំ" in names

"""The printable report and its CSV agree on every figure, in English and Khmer, with
small cells suppressed or not: each figure the page prints (its cell names the CSV row in
``data-f``) is read back as a reader would — Khmer digits, "days" or "h", "%" — and
compared with the CSV's value; and the page prints the CSV's figures of every section a
meeting reads (issue #19: "Past deadline 14" on the page against "missed 4" in the CSV).
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

Key = tuple[str, str, str, str]

#: Sections whose every figure the page must print (metrics it leaves to the CSV: the
#: counts behind a share, 90th percentiles of group tables).
WHOLE = {
    "summary": {"cohort_cases"},  # the first-service table's "cases opened"
    "steps": {"assessed", "within"},
    "steps_by_risk": {"assessed", "within"},
    "bottlenecks": set(),
    "loops": {"repeat_referrals"},
    "declines": set(),
    "decline_reasons": set(),
    "edge_declines": set(),
    "edge_decline_reasons": set(),
    "first_professional_contact": set(),
    "first_service": set(),
    "groups": set(),
    "trend": set(),
    "coverage": set(),
    "capacity": set(),
    "awareness_topics": set(),
    "sources": set(),
    "relayed": set(),
}
KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


class Figures(HTMLParser):
    """The text of every element carrying ``data-f``."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[Key, str] = {}
        self._open: list[tuple[Key | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "meta", "link", "input"):
            return
        key = dict(attrs).get("data-f")
        parts = tuple((key or "").split("|"))
        self._open.append((parts if key else None, []))  # type: ignore[arg-type]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "meta", "link", "input") or not self._open:
            return
        key, text = self._open.pop()
        if self._open:
            self._open[-1][1].extend(text)
        if key is not None:
            assert key not in self.found, f"{key} printed twice"
            self.found[key] = "".join(text).strip()

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][1].append(data)


def csv_figures(text: str) -> dict[Key, str]:
    rows = csv.DictReader(io.StringIO(text))
    return {(r["section"], r["key"], r["step"], r["metric"]): r["value"] for r in rows}


def same(shown: str, value: str, what: Key) -> bool:
    """Whether the page's ``shown`` text says the CSV's ``value``."""
    shown = shown.translate(KHMER_DIGITS).replace("\u00a0", " ")
    if value == "":
        return shown == "—"
    if value.startswith("<"):
        return shown == value
    number = NUMBER.search(shown)
    assert number is not None, (what, shown, value)
    seen = float(number.group().replace(",", ""))
    if shown.endswith("%"):
        return round(float(value) * 100) == seen
    if "day" in shown or "ថ្ងៃ" in shown:
        return abs(seen * 24 - float(value)) <= 0.05 * 24 + 1e-6
    return abs(seen - float(value)) <= 0.05 + 1e-6


@pytest.mark.parametrize("lang", ["en", "km"])
@pytest.mark.parametrize("area", ["17", "1701"])
@pytest.mark.parametrize("cells", ["0", "5"])
def test_the_page_and_the_csv_agree_on_every_figure(
    client: TestClient, lang: str, area: str, cells: str
) -> None:
    query = f"/api/v1/audit/report?area={area}&month=2026-03&lang={lang}&min_cell={cells}"
    page = client.get(query + "&format=html")
    table = client.get(query + "&format=csv")
    assert page.status_code == table.status_code == 200
    parser = Figures()
    parser.feed(page.text)
    shown, figures = parser.found, csv_figures(table.text)
    assert len(shown) > 100, "the page marks its figures"
    for key, text in shown.items():
        assert key in figures, f"{key} is on the page but not in the CSV"
        assert same(text, figures[key], key), (key, text, figures[key])
    for key in figures:
        section, metric = key[0], key[3]
        if section in WHOLE and metric not in WHOLE[section]:
            assert key in shown, f"{key} is in the CSV but not on the page"


def test_the_bottleneck_columns_say_what_they_show(client: TestClient) -> None:
    """Hours waited are hours on the page as in the CSV (it once said hours and showed
    days), and the footer is Cambodian local time."""
    query = "/api/v1/audit/report?area=17&month=2026-03&min_cell=0"
    parser = Figures()
    parser.feed(client.get(query + "&format=html").text)
    figures = csv_figures(client.get(query + "&format=csv").text)
    waited = {k: v for k, v in parser.found.items() if k[3] == "open_waiting_hours"}
    assert waited, "a provider has referrals waiting"
    for key, text in waited.items():
        assert "day" not in text and float(text.replace(",", "")) == pytest.approx(
            float(figures[key]), abs=0.05
        )
    page = client.get(query + "&format=html").text
    assert "Hours waited by those waiting now" in page
    assert re.search(r"Generated: <time datetime=\"2026-04-02T08:00\+07:00\">", page)

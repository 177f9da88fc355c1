"""The Khmer fonts the app serves are cut to its texts (``make fonts``): each Khmer text
the app shows — the catalogue, recommendation reasons, the monthly report, the seeded
providers' names and the gazetteer's place names — is drawn from the subset, never from
the fallback, and app.css declares exactly what the subset holds."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from api.web import fonts, i18n
from api.web.i18n.tables import TABLES
from referral_graph.audit.labels import CATALOGUE as REPORT
from referral_graph.domain.areas import gazetteer
from referral_graph.routing import reasons
from seed.loader import load_programme

pytest.importorskip("fontTools")


def _app_texts() -> Iterator[tuple[str, str]]:
    """(where, Khmer text) for what the app shows, read from where it lives."""
    for key, (_, km) in i18n.MESSAGES.items():
        yield f"catalogue {key}", km
    for table, entries in TABLES.items():
        for code, (_, km) in entries.items():
            yield f"table {table}.{code}", km
    for name in ("CATALOGUE", "SERVICE_NAMES", "RISK_NAMES", "MODE_NAMES", "TOPIC_NAMES"):
        for key, (_, km) in getattr(reasons, name).items():
            yield f"reason {name}.{key}", km
    for month in reasons.MONTHS_KM:
        yield "month", month
    for key, texts in REPORT.items():
        yield f"report {key}", texts["km"]
    providers, _ = load_programme()
    for provider in providers:
        yield f"provider {provider.id}", provider.name_km or ""
    for area in gazetteer().all():
        yield f"area {area.code}", area.name_km


def _khmer(text: str) -> set[int]:
    return {ord(c) for c in fonts.KHMER.findall(text)}


@pytest.mark.parametrize("weight", fonts.WEIGHTS)
def test_every_khmer_text_of_the_app_is_in_the_subset(weight: str) -> None:
    held = fonts.font_points(fonts.app_font(weight))
    missing = {
        where: "".join(sorted(chr(p) for p in _khmer(text) - held))
        for where, text in _app_texts()
        if _khmer(text) - held
    }
    assert not missing, f"run `make fonts`: the subset lacks {dict(list(missing.items())[:10])}"


def test_the_subset_is_much_smaller_than_the_font() -> None:
    for weight in fonts.WEIGHTS:
        cut = fonts.app_font(weight).stat().st_size
        assert cut < 0.7 * fonts.source_font(weight).stat().st_size


def test_app_css_declares_what_the_subset_holds() -> None:
    css = fonts.CSS.read_text(encoding="utf-8")
    held = fonts.font_points(fonts.app_font("400"))
    assert fonts.font_points(fonts.app_font("700")) == held
    ranges = re.findall(r"unicode-range: ([^;]+);", css)
    assert fonts.unicode_range(held) in ranges  # the subset's own faces
    assert fonts.unicode_range(fonts.complement(held)) in ranges  # the fallback's
    switch = fonts.font_points(fonts.OUT / "khmer-switch.woff2")
    assert {ord(c) for c in fonts.SWITCH_WORD} <= switch
    assert css.count(fonts.BEGIN) == css.count(fonts.END) == 1


def test_unicode_ranges_join_runs() -> None:
    assert fonts.unicode_range([0x1782, 0x1780, 0x1781, 0x1784]) == "U+1780-1782, U+1784"
    assert 0x1780 not in fonts.complement(frozenset({0x1780}))
    assert 0x1781 in fonts.complement(frozenset({0x1780}))

"""The monthly report's awareness sessions: held in the area in the local month, counted
per sub-area, age group, gender and topic, read page by page, in CSV and HTML, English
and Khmer. Expected figures are summed here from the raw counts, not by the report."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from referral_graph.audit.labels import label
from referral_graph.audit.period import month_period
from referral_graph.audit.render import to_csv, to_html
from referral_graph.audit.report import MonthlyReport, build_report, local_days
from referral_graph.domain.training import (
    AgeGroup,
    AwarenessSession,
    AwarenessTopic,
    ParticipantCount,
)
from referral_graph.domain.vocabulary import Gender
from referral_graph.services import audit as audit_service
from referral_graph.services.audit import read_awareness
from referral_graph.services.caller import Caller
from referral_graph.store.port import Store, Transaction
from tests.factories import load_small_network

NOW = datetime(2026, 4, 2, 1, 0, tzinfo=UTC)
#: (id, day, village or commune, topic, {(age group, gender): count}).
RAW: list[tuple[str, date, str, AwarenessTopic, dict[tuple[str, str], int]]] = [
    (
        "aw-1",
        date(2026, 3, 1),  # first local day of the month
        "17010101",  # a village of Char Chhuk, Angkor Chum
        AwarenessTopic.POSITIVE_PARENTING,
        {("25_plus", "female"): 12, ("25_plus", "male"): 5, ("under_12", "female"): 3},
    ),
    (
        "aw-2",
        date(2026, 3, 14),
        "170102",  # a commune of Angkor Chum
        AwarenessTopic.GBV,
        {("18_24", "female"): 7, ("18_24", "male"): 4, ("12_17", "non_binary"): 1},
    ),
    (
        "aw-3",
        date(2026, 3, 31),  # last local day of the month
        "170201",  # Angkor Thum
        AwarenessTopic.POSITIVE_PARENTING,
        {("12_17", "female"): 20, ("12_17", "male"): 18, ("12_17", "undisclosed"): 2},
    ),
    (
        "aw-feb",
        date(2026, 2, 28),  # the month before
        "170101",
        AwarenessTopic.MENTAL_HEALTH,
        {("25_plus", "female"): 30},
    ),
    (
        "aw-apr",
        date(2026, 4, 1),  # the month after
        "170101",
        AwarenessTopic.MENTAL_HEALTH,
        {("25_plus", "female"): 40},
    ),
    (
        "aw-stung-treng",
        date(2026, 3, 10),  # the month, another province
        "190101",
        AwarenessTopic.CHILD_RIGHTS,
        {("25_plus", "male"): 50},
    ),
]
IN_SIEM_REAP_IN_MARCH = ("aw-1", "aw-2", "aw-3")


def session(
    ident: str, day: date, area: str, topic: AwarenessTopic, counts: dict[tuple[str, str], int]
) -> AwarenessSession:
    return AwarenessSession(
        id=ident,
        provider_id="ccwc-a",
        held_on=day,
        area_code=area,
        topic=topic,
        participants=tuple(
            ParticipantCount(age_group=AgeGroup(a), gender=Gender(g), count=n)
            for (a, g), n in counts.items()
        ),
        synthetic=True,
    )


def expected(idents: tuple[str, ...]) -> tuple[int, Counter[tuple[str, str]]]:
    """Sessions and the participants per (age group, gender) of the named raw sessions."""
    cells: Counter[tuple[str, str]] = Counter()
    for ident, _, _, _, counts in RAW:
        if ident in idents:
            cells.update(counts)
    return len(idents), cells


@pytest.fixture
def awareness_store(store: Store) -> Store:
    load_small_network(store)

    def add(tx: Transaction) -> None:
        for raw in RAW:
            tx.add_awareness_session(session(*raw))

    store.write(add)
    return store


def report_of(store: Store, area: str, month: str = "2026-03") -> MonthlyReport:
    period = month_period(month)
    since, until = local_days(period)
    sessions = store.read(lambda tx: read_awareness(tx, area, since, until))
    return build_report(
        [],
        area=area,
        month=month,
        period=period,
        now=NOW,
        names={},
        overdue_now=0,
        awareness=sessions,
    )


def test_a_month_is_its_local_calendar_days() -> None:
    assert local_days(month_period("2026-03")) == (date(2026, 3, 1), date(2026, 4, 1))
    assert local_days(month_period("2026-12")) == (date(2026, 12, 1), date(2027, 1, 1))


def test_sessions_held_in_the_province_in_the_month_are_counted(awareness_store: Store) -> None:
    found = report_of(awareness_store, "17").awareness
    sessions, cells = expected(IN_SIEM_REAP_IN_MARCH)
    assert found.total.sessions == sessions == 3
    assert found.total.reached == sum(cells.values()) == 72
    for age in AgeGroup:
        for gender in Gender:
            assert found.total.participants[age][gender] == cells[(age.value, gender.value)]
        want = sum(n for (a, _), n in cells.items() if a == age.value)
        assert found.total.by_age[age] == want
    for gender in Gender:
        want = sum(n for (_, g), n in cells.items() if g == gender.value)
        assert found.total.by_gender[gender] == want
    assert found.total.by_gender[Gender.FEMALE] == 12 + 3 + 7 + 20


def test_a_province_report_breaks_down_by_district(awareness_store: Store) -> None:
    found = report_of(awareness_store, "17").awareness
    assert found.group_by == "district"
    assert [(g.key, g.sessions) for g in found.groups] == [("1701", 2), ("1702", 1)]
    angkor_chum = found.groups[0]
    _, cells = expected(("aw-1", "aw-2"))
    assert angkor_chum.reached == sum(cells.values()) == 32
    assert angkor_chum.label.en == "Angkor Chum"
    assert sum(g.reached for g in found.groups) == found.total.reached
    topics = {t.topic: (t.sessions, t.reached) for t in found.topics}
    assert topics == {
        AwarenessTopic.POSITIVE_PARENTING: (2, 20 + 40),
        AwarenessTopic.GBV: (1, 12),
    }


def test_a_district_report_breaks_down_by_commune(awareness_store: Store) -> None:
    found = report_of(awareness_store, "1701").awareness
    assert found.group_by == "commune"
    assert [(g.key, g.sessions, g.reached) for g in found.groups] == [
        ("170101", 1, 20),
        ("170102", 1, 12),
    ]


def test_other_provinces_and_months_are_left_out(awareness_store: Store) -> None:
    stung_treng = report_of(awareness_store, "19").awareness
    assert (stung_treng.total.sessions, stung_treng.total.reached) == (1, 50)
    february = report_of(awareness_store, "17", "2026-02").awareness
    assert (february.total.sessions, february.total.reached) == (1, 30)
    nothing = report_of(awareness_store, "16").awareness
    assert nothing.total.sessions == 0 and nothing.groups == [] and nothing.topics == []


def test_sessions_are_read_page_by_page(
    awareness_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_service, "AWARENESS_PAGE", 2)
    sessions = awareness_store.read(
        lambda tx: read_awareness(tx, "17", date(2026, 2, 1), date(2026, 5, 1))
    )
    assert sorted(s.id for s in sessions) == ["aw-1", "aw-2", "aw-3", "aw-apr", "aw-feb"]


def test_the_builder_keeps_only_the_area_and_month() -> None:
    """Sessions handed over from outside the area or month are not counted."""
    everything = [session(*raw) for raw in RAW]
    period = month_period("2026-03")
    found = build_report(
        [],
        area="17",
        month="2026-03",
        period=period,
        now=NOW,
        names={},
        overdue_now=0,
        awareness=everything,
    ).awareness
    assert found.total.sessions == 3 and found.total.reached == 72


@pytest.mark.parametrize("lang", ["en", "km"])
def test_csv_has_the_awareness_rows(awareness_store: Store, lang: str) -> None:
    text = to_csv(report_of(awareness_store, "17"), lang)  # type: ignore[arg-type]
    rows = list(csv.DictReader(io.StringIO(text)))
    total = {(r["step"], r["metric"]): r["value"] for r in rows if r["section"] == "awareness"}
    _, cells = expected(IN_SIEM_REAP_IN_MARCH)
    assert total[("", "sessions")] == "3" and total[("", "reached")] == "72"
    for age in AgeGroup:
        for gender in Gender:
            want = cells[(age.value, gender.value)]
            assert total[(age.value, f"reached_{gender.value}")] == str(want)
    by_area = {
        (r["key"], r["metric"]): r["value"]
        for r in rows
        if r["section"] == "awareness_by_area" and r["step"] == ""
    }
    assert by_area == {
        ("1701", "sessions"): "2",
        ("1701", "reached"): "32",
        ("1702", "sessions"): "1",
        ("1702", "reached"): "40",
    }
    names = {r["name"] for r in rows if r["section"] == "awareness_by_area"}
    assert names == ({"អង្គរជុំ", "អង្គរធំ"} if lang == "km" else {"Angkor Chum", "Angkor Thum"})
    topics = {
        (r["key"], r["metric"]): r["value"] for r in rows if r["section"] == "awareness_topics"
    }
    assert topics[("positive_parenting", "reached")] == "60"


@pytest.mark.parametrize("lang", ["en", "km"])
def test_html_shows_the_awareness_section(awareness_store: Store, lang: str) -> None:
    page = to_html(report_of(awareness_store, "17"), lang)  # type: ignore[arg-type]
    section = page[page.index(label("awareness", lang)) :]  # type: ignore[arg-type]
    for key in ("sessions_held", "people_reached", "age_12_17", "gender_female", "topic_gbv"):
        assert label(key, lang) in section, key  # type: ignore[arg-type]
    if lang == "km":
        assert "វគ្គលើកកម្ពស់ការយល់ដឹង" in page and "អង្គរជុំ" in section
        assert "៧២" in section, "72 people reached, in Khmer digits"
    else:
        assert "Awareness sessions" in page and "Angkor Chum" in section
        assert ">72<" in section


def test_html_says_when_no_session_was_held(awareness_store: Store) -> None:
    page = to_html(report_of(awareness_store, "16"), "en")
    assert label("no_awareness", "en") in page


def test_the_monthly_report_holds_the_months_sessions(awareness_store: Store) -> None:
    from referral_graph.services import audit

    found = audit.monthly_report(
        Caller.system(awareness_store, NOW), area="17", month="2026-03"
    ).awareness
    _, cells = expected(IN_SIEM_REAP_IN_MARCH)
    assert (found.total.sessions, found.total.reached) == (3, sum(cells.values()))
    assert [g.key for g in found.groups] == ["1701", "1702"]

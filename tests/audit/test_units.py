"""The pure pieces: statistics, months, chains and loops, CSV safety, labels."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_graph.audit.cells import share_of, small
from referral_graph.audit.delays import measure
from referral_graph.audit.groups import Label
from referral_graph.audit.labels import digits, month_name
from referral_graph.audit.patterns import chain_of, count_reasons, loop_in
from referral_graph.audit.period import Period, month_of, month_period
from referral_graph.audit.render import to_csv, to_html
from referral_graph.audit.report import build_report
from referral_graph.audit.stats import median, percentile
from referral_graph.domain.errors import InvalidInput
from referral_graph.store.port import HopFact

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def fact(ident: str, sender: str, receiver: str, **extra: object) -> HopFact:
    fields: dict[str, object] = {
        "id": ident,
        "case_id": "case_1",
        "from_provider_id": sender,
        "to_provider_id": receiver,
        "continues_referral_id": None,
        "service": "counselling",
        "risk": "high",
        "status": "requested",
        "hop": 1,
        "village_code": "17010101",
        "case_opened_at": T,
        "created_at": T,
        "received_at": None,
        "accepted_at": None,
        "rejected_at": None,
        "in_progress_at": None,
        "closed_at": None,
        "acknowledge_due": T + timedelta(hours=4),
        "decide_due": T + timedelta(hours=12),
        "first_contact_due": T + timedelta(hours=24),
        "status_reason_code": None,
        "recommendation_rank": None,
    }
    fields.update(extra)
    return HopFact(**fields)  # type: ignore[arg-type]


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=2, max_size=200))
def test_percentiles_agree_with_the_standard_library(values: list[float]) -> None:
    assert median(values) == pytest.approx(statistics.median(values))
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    assert percentile(values, 90) == pytest.approx(deciles[8])
    assert percentile(values, 10) == pytest.approx(deciles[0])


def test_empty_and_single_values() -> None:
    assert median([]) is None and percentile([], 90) is None
    assert percentile([7.0], 90) == 7.0
    with pytest.raises(ValueError, match="between"):
        percentile([1.0], 101)


def test_months_are_local_months() -> None:
    march = month_period("2026-03")
    assert march.since == datetime(2026, 2, 28, 17, 0, tzinfo=UTC)
    assert month_period("2026-12").until == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert month_of(datetime(2026, 3, 31, 17, 30, tzinfo=UTC)) == "2026-04"
    assert datetime(2026, 3, 31, 16, 59, tzinfo=UTC) in march
    for bad in ("2026-13", "2026-3", "March", "1999-01"):
        with pytest.raises(InvalidInput) as raised:
            month_period(bad)
        assert raised.value.field == "month"
    with pytest.raises(InvalidInput):
        Period(T, T)


def test_a_step_not_taken_counts_late_only_once_its_deadline_passed() -> None:
    waiting = fact("r", "a", "b")
    assert measure(waiting, T + timedelta(hours=3)) == (None, None, None)
    ack, decide, contact = measure(waiting, T + timedelta(hours=5))
    assert (ack, decide, contact) == ((None, False), None, None)
    declined = fact(
        "r",
        "a",
        "b",
        status="rejected",
        received_at=T + timedelta(hours=1),
        rejected_at=T + timedelta(hours=13),
        closed_at=T + timedelta(hours=13),
    )
    assert measure(declined, T + timedelta(days=9)) == ((1.0, True), (13.0, False), None)
    cancelled_in_time = fact("r", "a", "b", status="cancelled", closed_at=T + timedelta(hours=2))
    assert measure(cancelled_in_time, T + timedelta(days=9)) == (None, None, None)
    no_deadline = fact("r", "a", "b", received_at=T + timedelta(hours=9), acknowledge_due=None)
    assert measure(no_deadline, T)[0] == (9.0, None)


def test_chains_and_loops() -> None:
    r1 = fact("r1", "A", "B")
    r2 = fact("r2", "B", "C", continues_referral_id="r1")
    r3 = fact("r3", "C", "B", continues_referral_id="r2")
    r4 = fact("r4", "B", "A", continues_referral_id="r3")
    known = {f.id: f for f in (r1, r2, r3, r4)}
    assert chain_of(r4, known) == ["A", "B", "C", "B", "A"]
    assert loop_in(chain_of(r2, known)) is None
    assert loop_in(chain_of(r3, known)) == ("B", "C", "B")
    assert loop_in(chain_of(r4, known)) == ("A", "B", "C", "B", "A")
    assert chain_of(r3, {"r3": r3}) == ["C", "B"], "chains stop where the facts do"
    cyclic = replace(r1, continues_referral_id="r1")
    assert chain_of(cyclic, {"r1": cyclic}) == ["A", "B"]


def test_reasons_are_counted_by_their_code_and_named_in_both_languages() -> None:
    rows = count_reasons(["no_capacity", "no_capacity", "not_eligible", None], min_cell=2)
    assert [(r.code, r.count) for r in rows] == [
        ("no_capacity", 2),
        ("not_eligible", "< 2"),
        ("other", "< 2"),
    ]
    assert rows[0].label.en == "no counsellor or staff available"
    assert rows[0].label.km == "គ្មានអ្នកប្រឹក្សា ឬបុគ្គលិកទំនេរ"


def test_small_cells() -> None:
    assert [small(n, 5) for n in (0, 1, 4, 5, 12)] == [0, "< 5", "< 5", 5, 12]
    assert [small(n, 0) for n in (0, 1, 4)] == [0, 1, 4]
    assert share_of(5, 10, 5) == 0.5
    assert share_of(4, 10, 5) is None, "the part is a small cell"
    assert share_of(6, 10, 5) is None, "the rest (4) is a small cell"
    assert share_of(0, 10, 5) == 0.0 and share_of(10, 10, 5) == 1.0
    assert share_of(2, 4, 5) is None and share_of(0, 0, 0) is None


def test_csv_cells_never_run_as_formulas() -> None:
    declined = fact("r1", "A", "B", status="rejected", received_at=T, rejected_at=T, closed_at=T)
    formula = '=HYPERLINK("http://x","y")'
    report = build_report(
        [declined],
        area="17",
        month="2026-03",
        period=month_period("2026-03"),
        now=T + timedelta(days=1),
        names={"B": Label(en=formula, km=formula)},
        overdue_now=0,
    )
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    names = [r["name"] for r in rows if r["section"] == "by_provider" and r["key"] == "B"]
    assert names and set(names) == {"'" + formula}


def test_khmer_digits_and_months() -> None:
    assert digits("12.5%", "km") == "១២.៥%"
    assert digits("12.5%", "en") == "12.5%"
    assert month_name("2026-12", "km") == "ខែធ្នូ ឆ្នាំ២០២៦"
    assert month_name("2026-01", "en") == "January 2026"


def test_html_escapes_what_administrators_typed() -> None:
    declined = fact("r1", "A", "B", status="rejected", received_at=T, rejected_at=T, closed_at=T)
    script = "<script>alert(1)</script>"
    report = build_report(
        [declined],
        area="1701",
        month="2026-03",
        period=month_period("2026-03"),
        now=T + timedelta(days=1),
        names={"B": Label(en=script, km=script)},
        overdue_now=0,
    )
    page = to_html(report, "en")
    assert "<script>" not in page and "&lt;script&gt;" in page

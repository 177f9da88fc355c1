"""The audit's figures agree with the event log, and with the scenario worked by hand."""

from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Any

import pytest

from referral_graph.audit.groups import GroupBy
from referral_graph.audit.period import Period, month_period
from referral_graph.services import audit
from referral_graph.services.audit import AuditScope
from referral_graph.services.caller import Caller
from tests.audit import oracle
from tests.audit.conftest import DECLINE_REASON, History

MARCH = month_period("2026-03")


def close(actual: Any, expected: Any) -> bool:
    if expected is None or actual is None:
        return actual is expected
    return bool(actual == pytest.approx(expected, abs=1e-3))


def assert_same(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for name, value in expected.items():
        assert close(actual[name], value), (name, actual[name], value)


def march_logged(history: History, area: str = "17") -> list[oracle.Logged]:
    items = oracle.logged(history.store, history.refs.values())
    return [x for x in items if x.made in MARCH and x.case.village_code.startswith(area)]


@pytest.mark.parametrize("by", list(GroupBy))
def test_delays_per_group_match_the_event_log(history: History, by: GroupBy) -> None:
    report = audit.delays(
        Caller.system(history.store, history.now), AuditScope("17", MARCH), group_by=by
    )
    expected = oracle.grouped(march_logged(history), by.value)
    assert {g.key for g in report.table.groups} == set(expected)
    for group in report.table.groups:
        items = expected[group.key]
        assert group.referrals == len(items)
        for step, stats in group.steps.items():
            assert_same(stats.model_dump(), oracle.step_figures(items, step.value, history.now))


def test_overall_delays_match_the_event_log_and_the_hand_count(history: History) -> None:
    report = audit.delays(
        Caller.system(history.store, history.now),
        AuditScope("17", MARCH),
        group_by=GroupBy.DISTRICT,
    )
    items = march_logged(history)
    assert len(items) == 10  # r1–r7, r9–r11: D is in Stung Treng, F's referral is April's
    for step, stats in report.overall.items():
        assert_same(stats.model_dump(), oracle.step_figures(items, step.value, history.now))
    ack, decide, contact = (report.overall[s] for s in report.overall)
    # acknowledged: 1, 6 (late), 2, 2, .5, 1, 1, 1 h; r7 never, r11 cancelled after 8 h
    assert (ack.n, ack.median_hours, ack.assessed, ack.within, ack.missed) == (8, 1.0, 10, 7, 2)
    # decided: r4 after 15 h (late); r7 never (missed); r11 cancelled before its deadline
    assert (decide.n, decide.assessed, decide.within, decide.missed) == (8, 9, 7, 1)
    # first contact: r2 after 30 h (late), r7 never; declined r3/r4 expect none
    assert (contact.n, contact.median_hours, contact.assessed, contact.within) == (6, 3.0, 7, 5)
    assert contact.share_within == pytest.approx(5 / 7)
    assert [g.key for g in report.table.groups] == ["1701", "1702"]


def test_time_to_first_professional_contact(history: History) -> None:
    report = audit.delays(
        Caller.system(history.store, history.now), AuditScope("17", MARCH), group_by=GroupBy.MONTH
    )
    items = oracle.logged(history.store, history.refs.values())
    items = [x for x in items if x.case.village_code.startswith("17")]
    cases, hours = oracle.first_contact_hours(items, MARCH.since, MARCH.until, professional=True)
    got = report.time_to_first_professional_contact
    assert (got.cases, got.reached, got.not_reached) == (cases, len(hours), cases - len(hours))
    assert close(got.durations.median_hours, statistics.median(hours))
    assert close(got.durations.p90_hours, oracle.p90(hours))
    # A: 3 h (medical care); B: 21 h (helpline after two declines); E: 3 h; C: first aid only
    assert (got.cases, got.reached, got.durations.median_hours) == (4, 3, 3.0)
    assert got.durations.p90_hours == pytest.approx(17.4)


def test_measures_a_primero_user_looks_for(history: History) -> None:
    m = audit.measure_report(
        Caller.system(history.store, history.now), AuditScope("17", MARCH)
    ).measures
    items = march_logged(history)
    statuses = [x.status for x in items]
    case_ids = {x.case.id for x in items}
    every = oracle.logged(history.store, history.refs.values())
    # Closed by the case's own closure record: A only. B's referrals are all closed
    # (two declines, a completed call) but the child's case is not.
    closed = {x.case.id for x in items if x.case.status.value == "closed"}
    ranked = [x.referral.recommendation_rank for x in items if x.referral.recommendation_rank]
    assert m.referrals == len(items) == 10
    assert (
        (m.completed, m.declined, m.cancelled, m.failed, m.open)
        == (
            statuses.count("completed"),
            statuses.count("rejected"),
            statuses.count("cancelled"),
            statuses.count("failed"),
            sum(s not in oracle.CLOSED for s in statuses),
        )
        == (3, 2, 1, 0, 4)
    )
    assert m.completed_share == pytest.approx(0.3)
    assert (m.cases, m.referrals_per_case) == (len(case_ids), 2.5)
    assert (m.closed_cases, m.closure_rate) == (len(closed), 0.25) == (1, 0.25)
    assert (m.with_recommendation, m.followed_top_recommendation) == (len(ranked), 2)
    assert m.top_recommendation_share == pytest.approx(ranked.count(1) / len(ranked))
    _, hours = oracle.first_contact_hours(
        [x for x in every if x.case.village_code.startswith("17")],
        MARCH.since,
        MARCH.until,
        professional=False,
    )
    assert m.time_to_first_service.reached == len(hours) == 4
    assert close(m.time_to_first_service.durations.median_hours, statistics.median(hours))


def test_bottlenecks_rank_where_waiting_piles_up(history: History) -> None:
    rows = audit.bottleneck_report(
        Caller.system(history.store, history.now), AuditScope("17", MARCH)
    ).providers
    assert [r.provider_id for r in rows] == ["ccwc-a", "tpo-a", "hc-a"]
    ccwc, tpo, hc = rows
    items = {x.referral.id: x for x in march_logged(history)}
    r7 = items[history.refs["r7"]]
    assert r7.referral.due is not None
    r7_late = (history.now - r7.referral.due.acknowledge).total_seconds() / 3600
    # r7 waits since hour 6 unacknowledged; r11 was cancelled 4 h past its deadline
    assert (ccwc.open, ccwc.overdue_open, ccwc.past_deadline) == (1, 1, 2)
    assert ccwc.hours_past_deadline == pytest.approx(r7_late + 4, abs=0.01)
    assert ccwc.open_waiting_hours == pytest.approx(
        (history.now - r7.made).total_seconds() / 3600, abs=0.01
    )
    # r2 reached first contact 6 h late (its worst step)
    assert (tpo.past_deadline, tpo.hours_past_deadline, tpo.open) == (1, 6.0, 0)
    # r4 was decided 3 h late
    assert (hc.past_deadline, hc.hours_past_deadline) == (1, 3.0)
    assert "helpline" not in {r.provider_id for r in rows}


def test_loops_find_the_ping_pong_and_the_longer_loop(history: History) -> None:
    found = audit.loop_report(
        Caller.system(history.store, history.now), AuditScope("17", MARCH)
    ).loops
    assert (found.cases, found.cases_with_loop, found.cases_with_ping_pong) == (4, 2, 1)
    patterns = {tuple(p.providers): p for p in found.patterns}
    assert set(patterns) == {("ccwc-a", "hc-a", "ccwc-a"), ("ccwc-a", "hc-a", "tpo-a", "ccwc-a")}
    assert patterns[("ccwc-a", "hc-a", "ccwc-a")].ping_pong
    assert not patterns[("ccwc-a", "hc-a", "tpo-a", "ccwc-a")].ping_pong
    assert [label.en for label in patterns[("ccwc-a", "hc-a", "ccwc-a")].labels] == [
        "Test ccwc-a",
        "Test hc-a",
        "Test ccwc-a",
    ]
    assert found.repeat_referrals == 1  # B went to hc-a twice


def test_loops_see_chains_begun_before_the_period(history: History) -> None:
    since = history.cases["C"].opened_at + timedelta(hours=3)
    period = Period(since, MARCH.until)  # r6 is before, r7 (the return) inside
    found = audit.loop_report(
        Caller.system(history.store, history.now), AuditScope("1701", period)
    ).loops
    assert [p.providers for p in found.patterns] == [["ccwc-a", "hc-a", "ccwc-a"]]


def test_declines_per_edge_with_reasons(history: History) -> None:
    d = audit.decline_report(
        Caller.system(history.store, history.now), AuditScope("17", MARCH)
    ).declines
    assert (d.referrals, d.declined, d.cases_declined_repeatedly) == (10, 2, 1)
    assert [(r.code, r.count, r.label.en) for r in d.reasons] == [
        ("no_capacity", 1, "no counsellor or staff available"),
        ("other", 1, "other reason"),
    ]
    assert DECLINE_REASON not in d.model_dump_json(), "free text never leaves the audit"
    (edge,) = d.edges
    assert (edge.from_provider_id, edge.to_provider_id) == ("ccwc-a", "hc-a")
    assert (edge.referrals, edge.declined, edge.cases_declined_repeatedly) == (5, 2, 1)
    assert edge.decline_share == pytest.approx(0.4)


def test_small_groups_are_suppressed_on_request(history: History) -> None:
    table = audit.delays(
        Caller.system(history.store, history.now),
        AuditScope("17", MARCH),
        group_by=GroupBy.PROVIDER,
        min_cell=3,
    ).table
    assert [g.key for g in table.groups] == ["hc-a"]  # 5 referrals; tpo 2, ccwc 2, line 1
    assert table.suppressed_groups == 3
    loops = audit.loop_report(
        Caller.system(history.store, history.now), AuditScope("17", MARCH), min_cell=2
    ).loops
    assert loops.patterns == [] and loops.suppressed_patterns == 2
    assert loops.cases_with_loop == 2, "totals at or above the threshold stay whole"
    declines = audit.decline_report(
        Caller.system(history.store, history.now), AuditScope("17", MARCH), min_cell=3
    ).declines
    assert [(r.code, r.count) for r in declines.reasons] == [
        ("no_capacity", "< 3"),
        ("other", "< 3"),
    ]
    assert declines.declined == "< 3", "a small cell is shown as such, never its number"
    assert [e.to_provider_id for e in declines.edges] == ["hc-a"]


def test_area_filter_and_whole_history(history: History) -> None:
    whole = Period(MARCH.since, history.now)
    stung_treng = audit.measure_report(
        Caller.system(history.store, history.now), AuditScope("19", whole)
    )
    assert stung_treng.measures.referrals == 1
    everything = audit.measure_report(
        Caller.system(history.store, history.now), AuditScope(None, whole)
    )
    assert everything.measures.referrals == 12
    months = audit.delays(
        Caller.system(history.store, history.now), AuditScope(None, whole), group_by=GroupBy.MONTH
    ).table
    assert [(g.key, g.referrals) for g in months.groups] == [("2026-03", 11), ("2026-04", 1)]

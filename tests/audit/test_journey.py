"""The dashboard's time per step: every median over the same referrals, so that first
contact can never look faster than acknowledging (issue #23: the chart showed first
contact at 2 min and acknowledge at 4 min, medians over different referrals)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_graph.audit.delays import step_delays
from referral_graph.audit.flows import flows
from referral_graph.audit.journey import journey, journeys_by_receiver
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import Window
from tests.audit.test_units import T, fact

A, D, F = Window.ACKNOWLEDGE, Window.DECIDE, Window.FIRST_CONTACT
NOW = T + timedelta(days=3)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def started(ident: str, ack: float, decide: float, contact: float, receiver: str = "hc") -> HopFact:
    return fact(
        ident,
        "ccwc",
        receiver,
        status="in_progress",
        received_at=T + minutes(ack),
        accepted_at=T + minutes(decide),
        in_progress_at=T + minutes(contact),
    )


def test_the_case_seen_in_the_field() -> None:
    # Two quick referrals reached first contact (1, 2 min); three others were
    # acknowledged slowly (4-6 min) and wait for a decision.
    facts = [started("r1", 0.5, 1, 1.5), started("r2", 1, 1.5, 2.5)] + [
        fact(f"w{i}", "ccwc", "hc", status="received", received_at=T + minutes(m))
        for i, m in enumerate((4, 5, 6))
    ]
    # The per-step medians of the deadline figures disagree with one another ...
    per_step = step_delays(facts, NOW)
    assert per_step[A].median_hours == pytest.approx(4 / 60, abs=1e-3)
    assert per_step[F].median_hours == pytest.approx(2 / 60, abs=1e-3)
    # ... the chart's medians, over the two that reached first contact, do not.
    found = journey("", facts, NOW)
    assert found.referrals == 5
    assert found.reached == 2
    assert found.median_hours[A] == pytest.approx(0.75 / 60, abs=1e-3)
    assert found.median_hours[D] == pytest.approx(1.25 / 60, abs=1e-3)
    assert found.median_hours[F] == pytest.approx(2 / 60, abs=1e-3)
    # the share within the deadline still covers every handoff with an answer
    assert found.share_within[A] == per_step[A].share_within == 1.0


def test_nothing_reached_first_contact() -> None:
    found = journey("", [fact("w", "ccwc", "hc", received_at=T + minutes(3))], NOW)
    assert found.reached == 0
    assert found.median_hours == {A: None, D: None, F: None}


steps = st.tuples(
    st.floats(0, 500), st.floats(0, 500), st.floats(0, 500), st.booleans(), st.booleans()
)


@given(st.lists(steps, min_size=1, max_size=40))
def test_medians_never_contradict_the_order_of_the_steps(
    referrals: list[tuple[float, float, float, bool, bool]],
) -> None:
    facts = []
    for i, (a, b, c, decided, contacted) in enumerate(referrals):
        ack, dec, con = sorted((a, b, c))
        facts.append(
            fact(
                str(i),
                "ccwc",
                "hc",
                received_at=T + minutes(ack),
                accepted_at=T + minutes(dec) if decided or contacted else None,
                in_progress_at=T + minutes(con) if contacted else None,
            )
        )
    found = journey("", facts, NOW)
    if found.reached:
        first, then, last = (found.median_hours[w] for w in (A, D, F))
        assert first is not None and then is not None and last is not None
        assert first <= then <= last


def test_journeys_by_receiver_largest_first() -> None:
    facts = [started("a", 1, 2, 3, "hc-1"), started("b", 1, 2, 3, "hc-2")]
    facts.append(started("c", 5, 6, 7, "hc-2"))
    found = journeys_by_receiver(facts, NOW)
    assert [j.key for j in found] == ["hc-2", "hc-1"]
    assert found[0].median_hours[F] == pytest.approx(5 / 60, abs=1e-3)


def test_flows_by_kind_of_provider() -> None:
    facts = [
        started("a", 1, 2, 60, "hc-1"),
        started("b", 1, 2, 120, "hc-2"),
        fact("c", "ccwc", "hc-1"),
        fact("d", "school-1", "ccwc"),
    ]
    kinds = {"ccwc": "ccwc", "hc-1": "health_centre", "hc-2": "health_centre"}
    found = flows(facts, kinds)
    first = found[0]
    assert (first.from_kind, first.to_kind, first.referrals) == ("ccwc", "health_centre", 3)
    assert first.reached == 2
    assert first.median_hours_to_first_contact == pytest.approx(1.5)
    # a provider gone from the directory is counted, not dropped
    assert (found[1].from_kind, found[1].to_kind) == ("unknown", "ccwc")

"""A case's life as pure rules (``domain/case_life.py``): needs met, waiting or unmet;
the hops that left a child waiting; sooner deadlines when the risk rises; changing,
following up, closing and reopening a case."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_graph.domain.case_life import (
    NeedState,
    changed_case,
    closed_case,
    follow_up_due,
    follow_up_set,
    followed_up,
    left_waiting,
    need_added_at,
    need_states,
    never_referred,
    open_duplicate,
    reopened_case,
    rises,
    sooner_terms,
)
from referral_graph.domain.errors import Conflict, InvalidInput, NeedsUnmet
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import CaseEventKind, CaseStatus, Referral
from referral_graph.domain.reasons import ClosureReason
from referral_graph.domain.sla import first_alert_time
from referral_graph.domain.vocabulary import RiskLevel, Service
from referral_graph.policies.sla import packaged_policy
from tests.contract.helpers import case, referral
from tests.factories import T0

S = ReferralStatus
C, M, P = Service.COUNSELLING, Service.MEDICAL_CARE, Service.PSYCHOLOGICAL_FIRST_AID
HOUR = timedelta(hours=1)


def hop(ident: str, service: Service, status: S, hours: float = 0, **extra: Any) -> Referral:
    at = T0 + hours * HOUR
    return referral(
        ident,
        service=service,
        status=status,
        at=at,
        step_times={S.REQUESTED: at, status: at + HOUR},
        **extra,
    )


def test_a_need_is_met_waiting_or_unmet() -> None:
    c = case(needs={C, M, P})
    path = [
        hop("r1", C, S.COMPLETED),
        hop("r2", M, S.REJECTED),
        hop("r3", M, S.RECEIVED, 2),
    ]
    assert need_states(c, path) == {
        C: NeedState.MET,
        M: NeedState.WAITING,
        P: NeedState.UNMET,
    }
    # a completed referral meets a need even beside a later decline
    assert need_states(case(needs={C}), [hop("a", C, S.COMPLETED), hop("b", C, S.FAILED, 3)]) == {
        C: NeedState.MET
    }


def test_the_latest_hop_of_an_unmet_need_left_the_child_waiting() -> None:
    c = case(needs={C, M})
    first = hop("r1", C, S.REJECTED)
    again = hop("r2", C, S.FAILED, 5)
    assert left_waiting(c, [first]) == [first]
    assert left_waiting(c, [first, again]) == [again]  # only the latest one
    assert left_waiting(c, [first, hop("r3", C, S.REQUESTED, 5)]) == []  # referred again
    assert left_waiting(c, [first, hop("r3", C, S.COMPLETED, 5)]) == []  # met
    cancelled = hop("r4", M, S.CANCELLED, 1)
    assert left_waiting(c, [first, cancelled]) == [first, cancelled]  # oldest first
    # a need set aside, or a closed case, leaves nobody waiting
    assert left_waiting(case(needs={M}), [first]) == []
    assert left_waiting(case(needs={C}, status=CaseStatus.CLOSED, closed_at=T0), [first]) == []


def test_needs_never_referred_and_since_when() -> None:
    c = case(needs={C, M})
    assert never_referred(c, [hop("r1", C, S.REJECTED)]) == [M]
    assert need_added_at(c, M) == T0
    later = T0 + 3 * HOUR
    changed = changed_case(c, [], at=later, actor="ccwc", needs=frozenset({C, M, P}))
    assert need_added_at(changed, P) == later
    assert need_added_at(changed, C) == T0


def test_an_open_duplicate_is_found_by_service_and_receiver() -> None:
    waiting = hop("r1", C, S.RECEIVED)
    path = [waiting, hop("r2", M, S.REJECTED)]
    assert open_duplicate(path, C, "hc-a") == waiting
    assert open_duplicate(path, C, "tpo-a") is None
    assert open_duplicate(path, M, "hc-a") is None  # the medical one ended


def test_a_rise_in_risk_brings_deadlines_forward_never_back() -> None:
    policy = packaged_policy()
    made = T0
    r = referral("r1", risk=RiskLevel.MEDIUM, due=policy.deadlines_for(RiskLevel.MEDIUM, made))
    now = made + 2 * HOUR
    raised = sooner_terms(r, policy, RiskLevel.EMERGENCY, now)
    assert raised is not None and raised.due is not None and r.due is not None
    assert raised.risk is RiskLevel.EMERGENCY and raised.version == r.version + 1
    assert raised.due.acknowledge == now + HOUR  # counted from the change
    assert raised.due.first_contact == now + 3 * HOUR
    assert raised.next_alert_at == first_alert_time(S.REQUESTED, made, raised.due)
    assert sooner_terms(r, policy, RiskLevel.LOW, now) is None  # a fall changes nothing
    assert sooner_terms(r, policy, RiskLevel.MEDIUM, now) is None
    closed = r.model_copy(update={"status": S.COMPLETED})
    assert sooner_terms(closed, policy, RiskLevel.EMERGENCY, now) is None


@given(
    old=st.sampled_from(list(RiskLevel)),
    new=st.sampled_from(list(RiskLevel)),
    hours=st.floats(min_value=0, max_value=24 * 30),
)
def test_retimed_deadlines_are_never_later(old: RiskLevel, new: RiskLevel, hours: float) -> None:
    policy = packaged_policy()
    r = referral("r1", risk=old, due=policy.deadlines_for(old, T0))
    raised = sooner_terms(r, policy, new, T0 + hours * HOUR)
    assert (raised is not None) == rises(old, new)
    if raised is not None:
        assert raised.due is not None and r.due is not None
        for window in ("acknowledge", "decide", "first_contact"):
            assert getattr(raised.due, window) <= getattr(r.due, window)


def test_changing_risk_and_needs_leaves_events_on_the_timeline() -> None:
    c = case(needs={C, M})
    at = T0 + HOUR
    changed = changed_case(c, [], at=at, actor="ccwc", risk=RiskLevel.EMERGENCY, note="threat")
    assert changed.risk is RiskLevel.EMERGENCY and changed.version == c.version + 1
    assert [e.kind for e in changed.history] == [CaseEventKind.RISK_CHANGED]
    assert changed.history[0].note == "threat"
    assert changed_case(c, [], at=at, actor="ccwc", risk=c.risk) is c  # nothing to change

    aside = changed_case(
        c,
        [hop("r1", M, S.REJECTED)],
        at=at,
        actor="ccwc",
        needs=frozenset({C}),
        set_aside_reason=ClosureReason.CHILD_DECLINED,
    )
    event = aside.history[-1]
    assert event.kind is CaseEventKind.NEEDS_CHANGED and event.needs == frozenset({C})
    assert event.closure_reason is ClosureReason.CHILD_DECLINED


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"needs": frozenset({C})}, InvalidInput, "set_aside_reason"),
        (
            {"needs": frozenset({C}), "set_aside_reason": ClosureReason.OTHER},
            InvalidInput,
            "note",
        ),
        ({"needs": frozenset()}, InvalidInput, "needs"),
        (
            {"needs": frozenset({M}), "set_aside_reason": ClosureReason.CHILD_MOVED},
            Conflict,
            "needs",
        ),
    ],
)
def test_taking_a_need_off_is_refused_without_a_reason_or_while_it_waits(
    kwargs: dict[str, Any], error: type[Exception], field: str
) -> None:
    c = case(needs={C, M})
    with pytest.raises(error) as refused:
        changed_case(c, [hop("r1", C, S.RECEIVED)], at=T0, actor="ccwc", **kwargs)
    assert getattr(refused.value, "field", None) == field


def test_a_closed_case_cannot_be_changed() -> None:
    closed = case(status=CaseStatus.CLOSED, closed_at=T0)
    with pytest.raises(Conflict):
        changed_case(closed, [], at=T0, actor="ccwc", risk=RiskLevel.LOW)
    with pytest.raises(Conflict):
        follow_up_set(closed, date(2026, 3, 9), today=date(2026, 3, 2), at=T0, actor="c", note=None)


def test_follow_ups_are_planned_from_today_and_fall_due() -> None:
    c = case()
    today = date(2026, 3, 2)
    with pytest.raises(InvalidInput) as past:
        follow_up_set(c, today - timedelta(days=1), today=today, at=T0, actor="c", note=None)
    assert past.value.field == "follow_up_on"
    planned = follow_up_set(c, today + timedelta(days=7), today=today, at=T0, actor="c", note="x")
    assert planned.follow_up_on == today + timedelta(days=7)
    assert not follow_up_due(planned, today)
    assert follow_up_due(planned, today + timedelta(days=7))
    assert follow_up_due(planned, today + timedelta(days=30))

    made = followed_up(planned, note="Back at school", next_on=None, today=today, at=T0, actor="c")
    assert made.follow_up_on is None and made.history[-1].kind is CaseEventKind.FOLLOWED_UP
    with pytest.raises(InvalidInput) as empty:
        followed_up(planned, note=" ", next_on=None, today=today, at=T0, actor="c")
    assert empty.value.field == "note"


def test_closing_is_refused_while_a_need_is_unmet_unless_overridden() -> None:
    c = case(needs={C, M}, follow_up_on=date(2026, 3, 9))
    path = [hop("r1", C, S.COMPLETED), hop("r2", M, S.REJECTED)]
    close = {"at": T0 + HOUR, "actor": "ccwc"}
    with pytest.raises(NeedsUnmet) as unmet:
        closed_case(
            c, path, reason=ClosureReason.CHILD_MOVED, outcome="Moved", override=None, **close
        )
    assert unmet.value.unmet_needs == [M] and unmet.value.field == "override"
    with pytest.raises(InvalidInput) as met:
        closed_case(
            c, path, reason=ClosureReason.NEEDS_MET, outcome="Done", override="why", **close
        )
    assert met.value.field == "reason"

    closed = closed_case(
        c,
        path,
        reason=ClosureReason.CHILD_MOVED,
        outcome="Moved to Phnom Penh with the mother",
        override="The family moved; referred on by phone",
        **close,
    )
    assert closed.status is CaseStatus.CLOSED and closed.closed_at == T0 + HOUR
    assert closed.closure is not None and closed.closure.unmet_needs == frozenset({M})
    assert closed.closure.override and closed.closure.closed_by == "ccwc"
    assert closed.follow_up_on is None  # no reminders for a closed case
    assert closed.history[-1].kind is CaseEventKind.CLOSED
    with pytest.raises(Conflict, match="already closed"):
        closed_case(closed, path, reason=ClosureReason.OTHER, outcome="x", override="y", **close)


def test_closing_is_refused_while_a_referral_is_open_and_needs_an_outcome() -> None:
    c = case(needs={C})
    with pytest.raises(Conflict, match="still open"):
        closed_case(
            c,
            [hop("r1", C, S.ACCEPTED)],
            reason=ClosureReason.NEEDS_MET,
            outcome="x",
            override=None,
            at=T0,
            actor="c",
        )
    with pytest.raises(InvalidInput) as no_outcome:
        closed_case(
            c,
            [hop("r1", C, S.COMPLETED)],
            reason=ClosureReason.NEEDS_MET,
            outcome="  ",
            override=None,
            at=T0,
            actor="c",
        )
    assert no_outcome.value.field == "outcome"


def test_a_met_case_closes_without_override_and_reopens_with_a_reason() -> None:
    c = case(needs={C})
    closed = closed_case(
        c,
        [hop("r1", C, S.COMPLETED)],
        reason=ClosureReason.NEEDS_MET,
        outcome="Counselled six times",
        override="ignored when nothing is unmet",
        at=T0,
        actor="ccwc",
    )
    assert closed.closure is not None and closed.closure.override is None
    with pytest.raises(InvalidInput):
        reopened_case(closed, reason=" ", at=T0, actor="ccwc")
    again = reopened_case(closed, reason="Violence at home again", at=T0 + HOUR, actor="ccwc")
    assert again.status is CaseStatus.OPEN and again.closure is None and again.closed_at is None
    assert [e.kind for e in again.history] == [CaseEventKind.CLOSED, CaseEventKind.REOPENED]
    with pytest.raises(Conflict):
        reopened_case(again, reason="twice", at=T0, actor="ccwc")
    purged = closed.purged(T0 + timedelta(days=2000))
    with pytest.raises(Conflict, match="purged"):
        reopened_case(purged, reason="too late", at=T0, actor="ccwc")

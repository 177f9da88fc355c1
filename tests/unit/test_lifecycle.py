"""Every allowed and every forbidden step of the referral lifecycle."""

from __future__ import annotations

import itertools

import pytest

from referral_graph.domain.errors import IllegalTransition, InvalidInput
from referral_graph.domain.lifecycle import (
    CLOSED_STATUSES,
    OUTCOME_REQUIRED,
    REASON_REQUIRED,
    TRANSITIONS,
    ReferralStatus,
    StepRequest,
    check_transition,
)

S = ReferralStatus
EXPECTED = {
    (S.REQUESTED, S.RECEIVED),
    (S.REQUESTED, S.CANCELLED),
    (S.RECEIVED, S.ACCEPTED),
    (S.RECEIVED, S.REJECTED),
    (S.RECEIVED, S.CANCELLED),
    (S.ACCEPTED, S.IN_PROGRESS),
    (S.ACCEPTED, S.FAILED),
    (S.ACCEPTED, S.CANCELLED),
    (S.IN_PROGRESS, S.ON_HOLD),
    (S.IN_PROGRESS, S.COMPLETED),
    (S.IN_PROGRESS, S.FAILED),
    (S.IN_PROGRESS, S.CANCELLED),
    (S.ON_HOLD, S.IN_PROGRESS),
    (S.ON_HOLD, S.FAILED),
    (S.ON_HOLD, S.CANCELLED),
}
ALL_PAIRS = list(itertools.product(S, S))


def complete_step(to: ReferralStatus) -> StepRequest:
    return StepRequest(to, reason="a reason", outcome="an outcome")


def test_the_table_is_exactly_the_documented_lifecycle() -> None:
    table = {(a, b) for a, nexts in TRANSITIONS.items() for b in nexts}
    assert table == EXPECTED


@pytest.mark.parametrize(("current", "target"), sorted(EXPECTED))
def test_allowed_step_passes(current: ReferralStatus, target: ReferralStatus) -> None:
    check_transition(current, complete_step(target))


@pytest.mark.parametrize(("current", "target"), [p for p in ALL_PAIRS if p not in EXPECTED])
def test_forbidden_step_names_current_and_allowed(
    current: ReferralStatus, target: ReferralStatus
) -> None:
    with pytest.raises(IllegalTransition) as err:
        check_transition(current, complete_step(target))
    assert err.value.current == current.value
    assert err.value.allowed == [s.value for s in TRANSITIONS[current]]
    assert current.value in err.value.detail


@pytest.mark.parametrize("target", sorted(REASON_REQUIRED))
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_declines_failures_and_cancellations_need_a_reason(
    target: ReferralStatus, reason: str | None
) -> None:
    source = next(a for a, b in EXPECTED if b == target)
    with pytest.raises(InvalidInput) as err:
        check_transition(source, StepRequest(target, reason=reason, outcome="x"))
    assert err.value.field == "reason"


def test_completion_needs_an_outcome() -> None:
    assert {S.COMPLETED} == OUTCOME_REQUIRED
    with pytest.raises(InvalidInput) as err:
        check_transition(S.IN_PROGRESS, StepRequest(S.COMPLETED))
    assert err.value.field == "outcome"


def test_closed_statuses_have_no_way_out_and_map_to_fhir() -> None:
    assert {S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELLED} == CLOSED_STATUSES
    assert S.IN_PROGRESS.fhir_code == "in-progress"
    assert S.ON_HOLD.fhir_code == "on-hold"

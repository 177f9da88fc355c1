"""Coded reasons of declines, failures, cancellations and closures."""

from __future__ import annotations

import pytest

from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.lifecycle import REASON_REQUIRED, ReferralStatus
from referral_graph.domain.reasons import (
    REASON_NAMES,
    STEP_REASONS,
    ClosureReason,
    StepReason,
    check_reason,
    reason_name,
    reasons_for,
)

S = ReferralStatus


def test_every_step_that_needs_a_reason_has_a_pick_list_ending_in_other() -> None:
    assert set(STEP_REASONS) == set(REASON_REQUIRED)
    for status in REASON_REQUIRED:
        assert reasons_for(status)[-1] is StepReason.OTHER


def test_every_code_has_a_name_in_english_and_khmer() -> None:
    for code in [*StepReason, *ClosureReason]:
        en, km = REASON_NAMES[code]
        assert en and km and en != km
        assert reason_name(code, "km") == km and reason_name(code) == en


def test_a_text_without_a_code_is_recorded_as_other() -> None:
    assert check_reason(S.REJECTED, None, "Counsellor on leave") is StepReason.OTHER


def test_a_code_alone_is_enough() -> None:
    assert (
        check_reason(S.FAILED, StepReason.CHILD_UNREACHABLE, None) is StepReason.CHILD_UNREACHABLE
    )


@pytest.mark.parametrize(
    ("status", "code", "text", "field"),
    [
        (S.REJECTED, None, "  ", "reason_code"),
        (S.REJECTED, StepReason.OTHER, None, "reason"),
        (S.REJECTED, StepReason.CHILD_UNREACHABLE, None, "reason_code"),
        (S.ACCEPTED, StepReason.NO_CAPACITY, None, "reason_code"),
    ],
)
def test_a_wrong_or_missing_reason_names_its_field(
    status: ReferralStatus, code: StepReason | None, text: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_reason(status, code, text)
    assert refused.value.field == field


def test_steps_without_a_reason_carry_no_code() -> None:
    assert check_reason(S.ACCEPTED, None, None) is None

"""Deadlines by risk level: wall-clock hours, or working days around Cambodia's holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from referral_graph.domain.sla import SlaPolicy, Span
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.policies.sla import packaged_policy

FRIDAY_10H = datetime(2026, 4, 10, 3, 0, tzinfo=UTC)  # 10:00 in Phnom Penh


def test_emergency_and_high_count_wall_clock_hours() -> None:
    due = packaged_policy().deadlines_for(RiskLevel.EMERGENCY, FRIDAY_10H)
    assert (due.acknowledge - FRIDAY_10H).total_seconds() == 3600
    assert (due.first_contact - FRIDAY_10H).total_seconds() == 3 * 3600
    high = packaged_policy().deadlines_for(RiskLevel.HIGH, FRIDAY_10H)
    assert (high.first_contact - FRIDAY_10H).total_seconds() == 24 * 3600


def test_medium_skips_the_weekend_and_khmer_new_year() -> None:
    due = packaged_policy().deadlines_for(RiskLevel.MEDIUM, FRIDAY_10H)
    # Friday 10 April → Monday 13 April (one working day); 14–16 April are Khmer New Year.
    assert due.acknowledge == datetime(2026, 4, 13, 3, 0, tzinfo=UTC)
    assert due.decide == datetime(2026, 4, 17, 3, 0, tzinfo=UTC)
    assert due.first_contact == datetime(2026, 4, 20, 3, 0, tzinfo=UTC)


def test_extra_closed_days_count_as_holidays() -> None:
    policy = packaged_policy().model_copy(update={"extra_closed_days": (date(2026, 4, 13),)})
    due = policy.deadlines_for(RiskLevel.MEDIUM, FRIDAY_10H)
    assert due.acknowledge == datetime(2026, 4, 17, 3, 0, tzinfo=UTC)


def test_a_policy_must_cover_every_risk_and_keep_windows_in_order() -> None:
    good = packaged_policy().model_dump()
    del good["deadlines"]["low"]
    with pytest.raises(ValidationError, match="missing"):
        SlaPolicy.model_validate(good)
    swapped = packaged_policy().model_dump()
    swapped["deadlines"]["high"]["acknowledge"] = {"amount": 48, "unit": "hours"}
    with pytest.raises(ValidationError, match="acknowledge"):
        SlaPolicy.model_validate(swapped)
    with pytest.raises(ValidationError, match="whole days"):
        Span(amount=1.5, unit="working_days")


def test_deadlines_carry_the_policy_version() -> None:
    due = packaged_policy().deadlines_for(RiskLevel.LOW, FRIDAY_10H)
    assert due.policy_version == packaged_policy().version
    assert due.reminder_at == 0.5

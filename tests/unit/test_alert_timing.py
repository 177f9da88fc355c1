"""When a message about an alert may reach a person: working time for working-day
windows (not at 04:00 on a Sunday, not on Khmer New Year), never in quiet hours unless
it is an emergency; and what a person may choose."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from referral_graph.domain.alerting import (
    Channel,
    NotificationSettings,
    Part,
    QuietHours,
    WorkingHours,
    delivery_time,
    parts_told,
)
from referral_graph.domain.sla import AlertKind
from referral_graph.domain.vocabulary import RiskLevel
from referral_graph.policies.sla import packaged_policy

PP = ZoneInfo("Asia/Phnom_Penh")
POLICY = packaged_policy()
NIGHT = QuietHours(starts=time(21, 0), ends=time(6, 0))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=PP)  # type: ignore[misc]


def when(
    fired: datetime,
    risk: RiskLevel = RiskLevel.MEDIUM,
    *,
    working_days: bool = True,
    quiet: QuietHours | None = None,
) -> datetime:
    at = delivery_time(
        fired.astimezone(UTC),
        risk=risk,
        working_days=working_days,
        quiet=quiet,
        hours=WorkingHours(),
        is_working_day=POLICY.is_working_day,
        timezone=POLICY.timezone,
    )
    assert at.tzinfo is UTC, "the time keeps the alert's zone"
    return at.astimezone(PP)


def test_working_time_passes_unchanged() -> None:
    assert when(local(2026, 3, 4, 10, 15)) == local(2026, 3, 4, 10, 15)


def test_sunday_4am_waits_for_monday_morning() -> None:
    assert when(local(2026, 3, 8, 4, 0)) == local(2026, 3, 9, 7, 30)


def test_before_and_after_hours_of_a_working_day() -> None:
    assert when(local(2026, 3, 4, 6, 0)) == local(2026, 3, 4, 7, 30)
    assert when(local(2026, 3, 4, 17, 0)) == local(2026, 3, 5, 7, 30)
    assert when(local(2026, 3, 6, 18, 0)) == local(2026, 3, 9, 7, 30), "Friday night: Monday"


def test_khmer_new_year_is_skipped() -> None:
    # 14 to 16 April 2026 are Khmer New Year; the 18th and 19th a weekend
    assert when(local(2026, 4, 13, 18, 0)) == local(2026, 4, 17, 7, 30)
    assert when(local(2026, 4, 15, 10, 0)) == local(2026, 4, 17, 7, 30)


def test_hour_windows_are_sent_at_once_even_on_sundays() -> None:
    fired = local(2026, 3, 8, 4, 0)
    assert when(fired, RiskLevel.HIGH, working_days=False) == fired


def test_quiet_hours_hold_back_all_but_emergencies() -> None:
    fired = local(2026, 3, 4, 23, 10)
    high = when(fired, RiskLevel.HIGH, working_days=False, quiet=NIGHT)
    assert high == local(2026, 3, 5, 6, 0)
    assert when(local(2026, 3, 5, 2, 0), RiskLevel.HIGH, working_days=False, quiet=NIGHT) == local(
        2026, 3, 5, 6, 0
    )
    assert when(fired, RiskLevel.EMERGENCY, working_days=False, quiet=NIGHT) == fired


def test_quiet_hours_and_working_time_together() -> None:
    late = QuietHours(starts=time(7, 0), ends=time(8, 0))  # no messages before 8
    assert when(local(2026, 3, 8, 4, 0), quiet=late) == local(2026, 3, 9, 8, 0)


def test_quiet_hours_within_a_day() -> None:
    lunch = QuietHours(starts=time(11, 30), ends=time(14, 0))
    assert lunch.contains(time(12, 0)) and not lunch.contains(time(14, 0))
    assert when(local(2026, 3, 4, 12, 0), quiet=lunch) == local(2026, 3, 4, 14, 0)


def test_working_hours_are_read_from_settings_text() -> None:
    assert WorkingHours.parse("08:00-16:30") == WorkingHours(time(8), time(16, 30))
    with pytest.raises(ValueError, match="start before"):
        WorkingHours.parse("17:00-08:00")


def test_who_is_told() -> None:
    assert parts_told(AlertKind.REMINDER) == {Part.RECEIVER}
    assert parts_told(AlertKind.ESCALATION) == set(Part)


def test_settings_check_addresses() -> None:
    chosen = NotificationSettings(channels=frozenset({Channel.SMS, Channel.EMAIL}))
    assert chosen.missing_address() is Channel.EMAIL
    ok = NotificationSettings(
        channels=frozenset({Channel.SMS}), phone="+85512345678", email="a@example.org"
    )
    assert ok.missing_address() is None and ok.address(Channel.SMS) == "+85512345678"
    for bad in ({"phone": "012 345 678"}, {"email": "not-an-address"}, {"telegram_chat_id": "x"}):
        with pytest.raises(ValidationError):
            NotificationSettings.model_validate(bad)
    with pytest.raises(ValidationError, match="different times"):
        QuietHours(starts=time(6), ends=time(6))

"""The programme's sample data describes the day it is seeded, not 25 November 2026:
on any day (the first of a month too) the current month has awareness sessions, most
providers are trained and nothing is dated after that day; the same day gives the same
records (issue #20)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.models import Provider, utc_now
from referral_graph.services import capacity_building
from referral_graph.services.caller import Caller
from seed.loader import load_programme
from seed.seeding import seed_programme
from seed.training import TrainingData, programme_training
from seed.training_data import day_start, load_training_document, seeding_day
from tests.unit.test_training_seed import COMMUNITY, PFA, TODAY, latest_valid

#: The YAML's day, the day issue #20 found the e2e test failing, the first of a month,
#: a leap day and a day years later.
DAYS = [TODAY, date(2026, 12, 7), date(2027, 3, 1), date(2028, 2, 29), date(2031, 1, 1)]


@pytest.fixture(scope="module")
def providers() -> list[Provider]:
    return load_programme()[0]


@pytest.fixture(scope="module")
def seeded(providers: list[Provider]) -> dict[date, TrainingData]:
    return {day: programme_training(providers, today=day) for day in DAYS}


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_nothing_is_dated_after_the_day_it_is_seeded(
    seeded: dict[date, TrainingData], day: date
) -> None:
    data = seeded[day]
    start = day_start(day)
    assert max(s.ends_on for s in data.sessions) <= day
    assert max(c.held_on for c in data.coaching) <= day
    assert max(a.held_on for a in data.awareness) <= day
    stamps: list[datetime] = [
        *(p.updated_at for p in data.people),
        *(s.created_at for s in data.sessions),
        *(a.recorded_at for a in data.attendance),
        *(c.created_at for c in data.coaching),
        *(a.created_at for a in data.awareness),
    ]
    assert max(stamps) <= start  # never in the future of whoever seeds it that day


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_each_programme_province_has_awareness_sessions_on_the_day_itself(
    seeded: dict[date, TrainingData], day: date
) -> None:
    on_the_day = Counter(a.area_code[:2] for a in seeded[day].awareness if a.held_on == day)
    assert set(on_the_day) == {"16", "17", "19"}


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_most_providers_are_trained_on_the_day_and_some_are_not(
    seeded: dict[date, TrainingData], providers: list[Provider], day: date
) -> None:
    ours = [p for p in providers if p.kind in COMMUNITY]
    best = latest_valid(seeded[day], PFA)
    valid = sum(best.get(p.id, date.min) >= day for p in ours)
    assert 0.75 <= valid / len(ours) < 1.0, f"{valid} of {len(ours)}"


@pytest.mark.parametrize("day", DAYS[1:], ids=str)
def test_the_calendar_moves_by_whole_weeks(day: date) -> None:
    """Trainings keep their weekdays (the calendar starts rounds on Mondays), and the
    day the data describes is the day it is seeded."""
    doc = load_training_document()
    moved = doc.seeded_on(day)
    assert (moved.as_of - doc.as_of).days % 7 == 0
    assert 0 <= (day - moved.as_of).days < 7
    before = [*doc.calendar.initial.values(), *doc.calendar.catch_up, doc.calendar.online_refresher]
    after = [
        *moved.calendar.initial.values(),
        *moved.calendar.catch_up,
        moved.calendar.online_refresher,
    ]
    for old, new in zip(before, after, strict=True):
        assert (new - old).days % 7 == 0
        assert 0 <= (day - doc.as_of).days - (new - old).days < 7


def test_the_same_people_on_any_day(seeded: dict[date, TrainingData]) -> None:
    """Only dates move: who works where, and who attended what, stay."""
    base = seeded[TODAY]
    for day in DAYS[1:]:
        data = seeded[day]
        assert [(p.id, p.name, p.active) for p in data.people] == [
            (p.id, p.name, p.active) for p in base.people
        ]
        assert [s.topic for s in data.sessions] == [s.topic for s in base.sessions]
        assert len(data.attendance) == len(base.attendance)


def test_the_same_day_gives_the_same_records(
    seeded: dict[date, TrainingData], providers: list[Provider]
) -> None:
    day = date(2027, 3, 1)
    again = programme_training(providers, today=day)
    assert again.awareness == seeded[day].awareness
    assert again.coaching == seeded[day].coaching
    assert again.attendance == seeded[day].attendance


def test_by_default_it_describes_today_in_cambodia(providers: list[Provider]) -> None:
    today = seeding_day()
    data = programme_training(providers)
    assert max(a.held_on for a in data.awareness) == today
    assert seeding_day(datetime.fromisoformat("2027-02-28T17:30:00+00:00")) == date(2027, 3, 1)


def test_seeded_on_the_first_of_a_month_this_month_has_awareness_sessions(
    tmp_path: Path,
) -> None:
    """What the coordinator's capacity page shows for "this month" on 1 March."""
    day = date(2027, 3, 1)
    store = SqliteStore(tmp_path / "first.sqlite3")
    store.initialise()
    try:
        seed_programme(store, today=day)
        summary = capacity_building.awareness_summary(
            Caller.system(store, utc_now()), "17", "2027-03", day
        )
    finally:
        store.close()
    assert summary.totals.sessions > 0
    assert summary.totals.participants > 0

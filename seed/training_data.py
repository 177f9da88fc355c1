"""The capacity-building seed's shared parts (split from :mod:`seed.training`):
``capacity.yaml`` as a document, the records a generator makes (:class:`TrainingData`),
and the helpers both the programme and the national generators use."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Final
from zoneinfo import ZoneInfo

from pydantic import Field

from referral_graph.domain.areas import lineage_codes
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    PersonRole,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import Gender, ProviderKind
from seed.loader import SeedError, Spec, check_unique, parse_document

T = TrainingTopic
G = Gender

#: Short topic names for session ids.
TOPIC_CODES: Final[Mapping[TrainingTopic, str]] = {
    T.PSYCHOLOGICAL_FIRST_AID: "pfa",
    T.CHILD_PROTECTION_BASICS: "cpb",
    T.MENTAL_HEALTH_BASICS: "mhb",
    T.GBV: "gbv",
    T.SUPPORTING_CHILDREN_AFFECTED_BY_VIOLENCE: "scav",
    T.COUNSELLING_SKILLS: "cs",
    T.FACILITATION: "fac",
}

# --- the YAML document -------------------------------------------------------------------


class Standing(StrEnum):
    """How up to date a provider's people are in their training."""

    VALID = "valid"
    LAPSED = "lapsed"
    EXPIRING = "expiring"
    NEVER_TRAINED = "never_trained"


class StaffEntry(Spec):
    """One of TPO's own people, written by hand."""

    id: str
    provider_id: str
    name: str
    role: PersonRole
    gender: Gender | None = None
    supervised_by: list[str] = Field(default_factory=list)


class PeopleRule(Spec):
    role: PersonRole
    count: tuple[int, int]
    women: float = Field(ge=0, le=1)


class Calendar(Spec):
    initial: dict[str, date]
    refresher: dict[str, date]
    catch_up: list[date] = Field(min_length=3, max_length=3)
    online_refresher: date
    coaching_from: date
    awareness_from: date


class Names(Spec):
    family: list[str] = Field(min_length=1)
    female: list[str] = Field(min_length=1)
    male: list[str] = Field(min_length=1)


class TrainingDocument(Spec):
    """``capacity.yaml``."""

    as_of: date
    random_seed: int
    trainer: str
    staff: list[StaffEntry]
    people: dict[ProviderKind, PeopleRule]
    curriculum: dict[PersonRole, list[TrainingTopic]]
    days: dict[TrainingTopic, int]
    default_days: int = Field(ge=1)
    calendar: Calendar
    degraded: dict[Standing, dict[ProviderKind, int]]
    keep_trained: list[str]
    names: Names

    def seeded_on(self, day: date) -> TrainingDocument:
        """The document moved by the whole weeks from ``as_of`` to ``day`` (trainings keep
        their weekdays; ``as_of`` lands 0–6 days before ``day``), so the sample data is as
        fresh on any day as on the day it was written, with the same people, trainings
        and chances drawn. The same ``day`` always gives the same document."""
        shift = timedelta(weeks=(day - self.as_of).days // 7)
        cal = self.calendar
        moved = cal.model_copy(
            update={
                "initial": {k: d + shift for k, d in cal.initial.items()},
                "refresher": {k: d + shift for k, d in cal.refresher.items()},
                "catch_up": [d + shift for d in cal.catch_up],
                "online_refresher": cal.online_refresher + shift,
                "coaching_from": cal.coaching_from + shift,
                "awareness_from": cal.awareness_from + shift,
            }
        )
        return self.model_copy(update={"as_of": self.as_of + shift, "calendar": moved})


#: Where the programme is: its sample data is dated by the day there.
PROGRAMME_TIMEZONE: Final = ZoneInfo("Asia/Phnom_Penh")


def seeding_day(now: datetime | None = None) -> date:
    """The day sample data seeded ``now`` describes: today in Cambodia."""
    return (now or datetime.now(UTC)).astimezone(PROGRAMME_TIMEZONE).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Cambodia (no record of that day is stamped
    later, so that nothing seeded today is stamped in the future)."""
    return datetime.combine(day, time(0), tzinfo=PROGRAMME_TIMEZONE).astimezone(UTC)


def load_training_document(directory: Traversable | None = None) -> TrainingDocument:
    root = directory if directory is not None else files("seed") / "programme"
    return parse_document(TrainingDocument, root, "capacity.yaml")


# --- coaching in the programme ----------------------------------------------------------

#: Coaching [A]: never coached, coaching stopped (overdue now); days between sessions.
NEVER_COACHED: Final = 0.04
COACHING_STOPPED: Final = 0.15
COACHING_GAP: Final = (60, 100)
COUNSELLOR_COACHING_GAP: Final = (25, 40)
#: How the coaching happened, per province: face to face, by phone, online [A] (remote
#: coaching where distances are long: the programme description).
COACHING_MODES: Final[Mapping[str, tuple[float, float, float]]] = {
    "17": (0.7, 0.2, 0.1),
    "16": (0.45, 0.4, 0.15),
    "19": (0.45, 0.4, 0.15),
}
COACHING_NOTES: Final = (
    None,
    "Reviewed the steps of psychological first aid",
    "Self-care and stress after difficult cases",
    "Questions on the referral pathway",
    "Practised facilitation of an awareness session",
    "Listening and safe questions with children",
)


# --- what the generators make ----------------------------------------------------------


@dataclass(slots=True)
class TrainingData:
    """People, trainings, attendance, coaching and awareness sessions, in loading order
    (a supervisor before the people they supervise)."""

    people: list[Person] = field(default_factory=list)
    sessions: list[TrainingSession] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    coaching: list[CoachingSession] = field(default_factory=list)
    awareness: list[AwarenessSession] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return (
            len(self.people)
            + len(self.sessions)
            + len(self.attendance)
            + len(self.coaching)
            + len(self.awareness)
        )

    def check(self) -> None:
        """Unique ids; raises :class:`SeedError` otherwise."""
        check_unique("person", [p.id for p in self.people])
        check_unique("training session", [s.id for s in self.sessions])
        check_unique("attendance", [f"{a.session_id}/{a.person_id}" for a in self.attendance])
        check_unique("coaching session", [c.id for c in self.coaching])
        check_unique("awareness session", [s.id for s in self.awareness])


def moment(day: date, hour: int = 10) -> datetime:
    """A fixed time of ``day`` (UTC) to stamp records with, so that loading repeats."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


def session_id(area_code: str | None, topic: TrainingTopic, starts_on: date) -> str:
    return f"training-{area_code or 'online'}-{TOPIC_CODES[topic]}-{starts_on:%Y%m%d}"


class NamePicker:
    """Synthetic people's names: a family name, then a given name (Khmer order)."""

    def __init__(self, names: Names, rng: random.Random) -> None:
        self.names = names
        self.rng = rng

    def draw(self, women: float, taken: Iterable[str] = ()) -> tuple[str, Gender]:
        used = set(taken)
        while True:
            gender = G.FEMALE if self.rng.random() < women else G.MALE
            given = self.names.female if gender is G.FEMALE else self.names.male
            name = f"{self.rng.choice(self.names.family)} {self.rng.choice(given)}"
            if name not in used:
                return name, gender


def district_of(code: str) -> str:
    """The district an area lies in, by the gazetteer's parent links."""
    lineage = lineage_codes(code)
    if len(lineage) < 2:
        raise SeedError(f"area {code!r} lies in no district")
    return lineage[1]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of records are made:
    none of them is garbage, and its passes over them would take most of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

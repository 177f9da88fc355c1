"""Capacity building: the people of providers, their trainings, coaching and supervision,
and the awareness sessions they run.

Whether a community provider can really give psychological first aid depends on whether
its people are trained and recently coached. A competency is never stored: it follows
from attendance at a training session of a topic and the topic's validity in the
:class:`TrainingPolicy`, so it lapses by itself when its time is up and comes back after
a refresher. Pure: no I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Self

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.models import Identifier, Model, ShortText, as_utc, known_area, utc_now
from referral_graph.domain.vocabulary import (
    AreaLevel,
    DeliveryMode,
    Gender,
    Language,
    ProviderKind,
    Service,
)


class PersonRole(StrEnum):
    """What a person does for their provider."""

    VHSG_VOLUNTEER = "vhsg_volunteer"
    CCWC_MEMBER = "ccwc_member"
    HEALTH_STAFF = "health_staff"
    TEACHER = "teacher"
    COUNSELLOR = "counsellor"
    SOCIAL_WORKER = "social_worker"
    CLINICAL_SUPERVISOR = "clinical_supervisor"
    TRAINER = "trainer"
    OTHER = "other"


class TrainingTopic(StrEnum):
    """Topics of the programme's trainings; each confers a competency of the same name."""

    PSYCHOLOGICAL_FIRST_AID = "psychological_first_aid"
    CHILD_PROTECTION_BASICS = "child_protection_basics"
    MENTAL_HEALTH_BASICS = "mental_health_basics"
    GBV = "gbv"
    SUPPORTING_CHILDREN_AFFECTED_BY_VIOLENCE = "supporting_children_affected_by_violence"
    COUNSELLING_SKILLS = "counselling_skills"
    FACILITATION = "facilitation"


class AwarenessTopic(StrEnum):
    VIOLENCE_AGAINST_CHILDREN = "violence_against_children"
    GBV = "gbv"
    MENTAL_HEALTH = "mental_health"
    POSITIVE_PARENTING = "positive_parenting"
    CHILD_RIGHTS = "child_rights"
    ONLINE_SAFETY = "online_safety"
    WHERE_TO_GET_HELP = "where_to_get_help"


class AgeGroup(StrEnum):
    """Age groups awareness sessions count participants in (counts only, no names)."""

    UNDER_12 = "under_12"
    FROM_12_TO_17 = "12_17"
    FROM_18_TO_24 = "18_24"
    FROM_25 = "25_plus"


class CompetencyStatus(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"  # valid, but the refresher falls due within the warning period
    LAPSED = "lapsed"


# --- records -------------------------------------------------------------------------


class Person(Model):
    """A staff member or volunteer of a provider. Named: people who give services are
    not children, and the network needs to know who can do what."""

    id: Identifier
    provider_id: Identifier
    name: ShortText
    role: PersonRole
    gender: Gender | None = None
    contact: str | None = Field(None, max_length=200)
    languages: frozenset[Language] = Field(
        frozenset(),
        description="Languages the person speaks (ISO 639-3 codes: khm, tpu, krr, jra …); "
        "routing counts a provider as speaking a language when an active person does.",
    )
    interprets: bool = Field(
        False, description="Can interpret between the languages they speak, for others."
    )
    active: bool = True
    supervised_by: tuple[Identifier, ...] = Field(
        (), description="People who supervise or coach this person (SUPERVISES edges)."
    )
    synthetic: bool = Field(False, description="Sample data: invented, not a real person.")
    version: int = 1
    updated_at: datetime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _not_own_supervisor(self) -> Self:
        if self.id in self.supervised_by:
            raise ValueError("a person cannot supervise themself")
        return self


class TrainingSession(Model):
    """One training or refresher of one topic, on given days, in a place or online."""

    id: Identifier
    topic: TrainingTopic
    starts_on: date
    ends_on: date
    mode: DeliveryMode = DeliveryMode.IN_PERSON
    area_code: str | None = Field(None, description="Where it was held (in person).")
    venue: str | None = Field(None, max_length=200)
    trainer: ShortText
    refresher: bool = False
    synthetic: bool = Field(False, description="Sample data, not a real training.")
    created_at: datetime = Field(default_factory=utc_now)

    @field_validator("area_code")
    @classmethod
    def _area(cls, v: str | None) -> str | None:
        return None if v is None else known_area(v)

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        if self.mode == DeliveryMode.IN_PERSON and self.area_code is None:
            raise ValueError("an in-person session needs the area_code where it was held")
        return self


class Attendance(Model):
    """A person attended (and completed) a training session."""

    session_id: Identifier
    person_id: Identifier
    completed: bool = True
    synthetic: bool = Field(False, description="Sample data, not a real attendance.")
    recorded_at: datetime = Field(default_factory=utc_now)

    _tz = field_validator("recorded_at")(as_utc)


class CoachingSession(Model):
    """Coaching or mentoring of one person by another (face to face, phone or online)."""

    id: Identifier
    person_id: Identifier
    coach_id: Identifier
    held_on: date
    mode: DeliveryMode = DeliveryMode.IN_PERSON
    note: str | None = Field(None, max_length=500)
    synthetic: bool = Field(False, description="Sample data, not real coaching.")
    created_at: datetime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _two_people(self) -> Self:
        if self.person_id == self.coach_id:
            raise ValueError("a person cannot coach themself")
        return self


class ParticipantCount(Model):
    age_group: AgeGroup
    gender: Gender
    count: int = Field(ge=0, le=100_000)


class AwarenessSession(Model):
    """An awareness-raising session run in a village or commune (counts only)."""

    id: Identifier
    provider_id: Identifier
    facilitator_id: Identifier | None = Field(None, description="The person who ran it.")
    held_on: date
    area_code: str = Field(description="The village or commune where it was held.")
    topic: AwarenessTopic
    participants: tuple[ParticipantCount, ...] = Field(min_length=1)
    synthetic: bool = Field(False, description="Sample data, not a real session.")
    created_at: datetime = Field(default_factory=utc_now)

    @field_validator("area_code")
    @classmethod
    def _area(cls, v: str) -> str:
        known_area(v)
        if gazetteer().area(v).level not in (AreaLevel.VILLAGE, AreaLevel.COMMUNE):
            raise ValueError(f"{v!r} is not a village or commune code")
        return v

    @field_validator("participants")
    @classmethod
    def _distinct(cls, v: tuple[ParticipantCount, ...]) -> tuple[ParticipantCount, ...]:
        keys = [(p.age_group, p.gender) for p in v]
        if len(set(keys)) != len(keys):
            raise ValueError("each age group and gender is counted once")
        return v

    @property
    def total(self) -> int:
        return sum(p.count for p in self.participants)


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """One completed attendance as routing and the capacity views read it."""

    person_id: str
    provider_id: str
    topic: TrainingTopic
    trained_on: date  # the session's last day
    session_id: str
    person_active: bool = True


# --- policy --------------------------------------------------------------------------


class ServiceRequirement(BaseModel):
    """Providers of ``kinds`` offer ``service`` only while an active person of theirs
    holds a valid ``topic`` competency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service: Service
    topic: TrainingTopic
    kinds: frozenset[ProviderKind] = Field(min_length=1)


class TrainingPolicy(BaseModel):
    """How long each competency lasts, which services follow training, and how often
    people should be coached. Defaults: ``policies/training-policy.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(1, ge=1)
    valid_months: dict[TrainingTopic, Annotated[int, Field(ge=1, le=120)]]
    requirements: tuple[ServiceRequirement, ...] = ()
    coaching_interval_days: int = Field(90, ge=1, le=730)
    expiry_warning_days: int = Field(60, ge=0, le=365)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        missing = [t.value for t in TrainingTopic if t not in self.valid_months]
        if missing:
            raise ValueError(f"valid_months lacks {', '.join(missing)}")
        return self

    def valid_until(self, topic: TrainingTopic, trained_on: date) -> date:
        """The last day a competency earned on ``trained_on`` is valid."""
        return trained_on + relativedelta(months=self.valid_months[topic]) - timedelta(days=1)

    def requirement(self, kind: ProviderKind, service: Service) -> ServiceRequirement | None:
        for r in self.requirements:
            if r.service == service and kind in r.kinds:
                return r
        return None


# --- derived views -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Competency:
    person_id: str
    topic: TrainingTopic
    earned_on: date
    valid_until: date
    status: CompetencyStatus


def competencies(
    records: Iterable[TrainingRecord], policy: TrainingPolicy, today: date
) -> list[Competency]:
    """Each person's competency per topic, from their latest completed session."""
    latest: dict[tuple[str, TrainingTopic], date] = {}
    for r in records:
        key = (r.person_id, r.topic)
        if key not in latest or r.trained_on > latest[key]:
            latest[key] = r.trained_on
    out = []
    warn = timedelta(days=policy.expiry_warning_days)
    for (person_id, topic), earned in sorted(latest.items()):
        until = policy.valid_until(topic, earned)
        if until < today:
            status = CompetencyStatus.LAPSED
        elif until - today < warn:
            status = CompetencyStatus.EXPIRING
        else:
            status = CompetencyStatus.VALID
        out.append(Competency(person_id, topic, earned, until, status))
    return out


@dataclass(frozen=True, slots=True)
class TrainedStaff:
    """How many active people of a provider hold a valid competency now, and when the
    first of them needs a refresher (what routing says in its reason)."""

    topic: TrainingTopic
    count: int
    next_refresher: date | None


def trained_staff(
    periods: Iterable[tuple[str, date, date]], topic: TrainingTopic, today: date
) -> TrainedStaff:
    """From ``(person_id, trained_on, valid_until)`` of active people's ``topic``
    trainings: the people covered on ``today``, and the first day one of them needs a
    refresher (each person's latest covering period counts)."""
    until: dict[str, date] = {}
    for person_id, trained_on, valid_until in periods:
        if trained_on <= today <= valid_until:
            until[person_id] = max(valid_until, until.get(person_id, valid_until))
    return TrainedStaff(topic, len(until), min(until.values()) if until else None)


def staffed(staff: TrainedStaff | None) -> bool:
    """Whether a service is offered as far as training goes: it does not follow training
    at that provider (``None``), or someone holds the competency."""
    return staff is None or staff.count > 0


def coaching_overdue(
    people: Iterable[Person],
    last_coached: Mapping[str, date],
    policy: TrainingPolicy,
    today: date,
) -> list[tuple[Person, date | None]]:
    """Active people not coached within the interval (never coached: ``None``)."""
    limit = today - timedelta(days=policy.coaching_interval_days)
    out = []
    for p in people:
        if not p.active:
            continue
        last = last_coached.get(p.id)
        if last is None or last < limit:
            out.append((p, last))
    return out

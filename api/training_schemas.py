"""Request bodies of the capacity-building API (people, trainings, coaching, awareness).

Each rule that spans fields is checked on the field it is about, so a problem names
that field (``ends_on``, ``area_code``, ``coach_id``, ``supervised_by``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from referral_graph.domain.models import Identifier, ShortText
from referral_graph.domain.training import (
    AwarenessTopic,
    ParticipantCount,
    PersonRole,
    TrainingPolicy,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import DeliveryMode, Gender, Language
from referral_graph.services.capacity_building.common import EARLIEST, LATEST


def _plausible(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


Day = Annotated[date, AfterValidator(_plausible)]
Contact = Annotated[str, Field(max_length=200)]
Supervisors = Annotated[list[Identifier], Field(max_length=20)]
Languages = Annotated[list[Language], Field(max_length=len(Language))]


class PersonCreate(BaseModel):
    """A staff member or volunteer of the provider in the path."""

    model_config = ConfigDict(extra="forbid")

    id: Identifier | None = Field(None, description="Generated when omitted.")
    name: ShortText
    role: PersonRole
    gender: Gender | None = None
    contact: Contact | None = None
    languages: Languages = Field(
        default_factory=list,
        description="Languages they speak, ISO 639-3 (khm, tpu, krr, jra, brb, kdt, lao, cmo …).",
    )
    interprets: bool = Field(False, description="Can interpret between their languages.")
    active: bool = True
    supervised_by: Supervisors = Field(
        default_factory=list, description="Ids of the people who supervise or coach them."
    )

    @field_validator("supervised_by")
    @classmethod
    def _not_self(cls, v: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("id") is not None and info.data["id"] in v:
            raise ValueError("a person cannot supervise themself")
        return v


class PersonUpdate(BaseModel):
    """Fields to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    role: PersonRole | None = None
    gender: Gender | None = None
    contact: Contact | None = None
    languages: Languages | None = None
    interprets: bool | None = None
    active: bool | None = None
    provider_id: Identifier | None = Field(None, description="Move them to another provider.")
    supervised_by: Supervisors | None = None
    expected_version: int | None = Field(None, ge=1)


class TrainingSessionCreate(BaseModel):
    """A training (or refresher) of one topic."""

    model_config = ConfigDict(extra="forbid")

    id: Identifier | None = Field(None, description="Generated when omitted.")
    topic: TrainingTopic
    starts_on: Day
    ends_on: Day | None = Field(None, description="Default: starts_on (a one-day session).")
    mode: DeliveryMode = DeliveryMode.IN_PERSON
    area_code: str | None = Field(
        None,
        pattern=r"^\d{2}(\d{2}){0,3}$",
        description="Where it was held (required in person).",
        validate_default=True,
    )
    venue: str | None = Field(None, max_length=200)
    trainer: ShortText
    refresher: bool = False

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, v: date | None, info: ValidationInfo) -> date | None:
        starts = info.data.get("starts_on")
        if v is not None and starts is not None and v < starts:
            raise ValueError("must not be before starts_on")
        return v

    @field_validator("area_code")
    @classmethod
    def _where(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None and info.data.get("mode") is DeliveryMode.IN_PERSON:
            raise ValueError("required for an in-person session")
        return v


class AttendanceItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: Identifier
    completed: bool = True


class AttendanceCreate(BaseModel):
    """Who attended (and completed) the session."""

    model_config = ConfigDict(extra="forbid")

    attendance: list[AttendanceItem] = Field(min_length=1, max_length=500)


class CoachingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Identifier | None = Field(None, description="Generated when omitted.")
    person_id: Identifier = Field(description="Who was coached.")
    coach_id: Identifier = Field(description="Who coached them.")
    held_on: Day
    mode: DeliveryMode = DeliveryMode.IN_PERSON
    note: str | None = Field(None, max_length=500, description="A short note, no case details.")

    @field_validator("coach_id")
    @classmethod
    def _two_people(cls, v: str, info: ValidationInfo) -> str:
        if v == info.data.get("person_id"):
            raise ValueError("a person cannot coach themself")
        return v


class AwarenessCreate(BaseModel):
    """An awareness-raising session: where, on what, and how many came (counts only)."""

    model_config = ConfigDict(extra="forbid")

    id: Identifier | None = Field(None, description="Generated when omitted.")
    provider_id: Identifier = Field(description="The provider that ran it.")
    facilitator_id: Identifier | None = Field(None, description="The person who ran it.")
    held_on: Day
    area_code: str = Field(
        pattern=r"^\d{6}(\d{2})?$", description="The village or commune where it was held."
    )
    topic: AwarenessTopic
    participants: list[ParticipantCount] = Field(min_length=1, max_length=32)


class TrainingPolicyChange(BaseModel):
    policy: TrainingPolicy
    applies_to: str

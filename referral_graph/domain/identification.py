"""Intake: a child identified by whoever first knows, sent to the commune's CCWC.

A VHSG volunteer, a teacher, a health centre or Child Helpline 1280 is usually the
first to know about a child, but only a CCWC opens a case (cambodia.md: identified →
registered by the CCWC focal person → referred). An :class:`Identification` is what
the first to know sends: no name, an age or an age band, gender, risk, needs, village,
how the child came to notice (Primero's CP KPI "source of identification") and consent
as far as it is known. It lands with the CCWC of the child's commune — through the
identifier's agreed pathway when one exists — which opens it (that is its
acknowledgement), then accepts it as a case (which keeps the identifier and the source)
or declines it with a reason. It is the handoff from the identifier to the CCWC, with
the deadlines of the SLA policy for its risk, running from when it was sent.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import Field, field_validator, model_validator

from referral_graph.domain.models import (
    MAX_AGE,
    Consent,
    Identifier,
    Model,
    ShortText,
    as_utc,
    known_area,
)
from referral_graph.domain.sla import Deadlines
from referral_graph.domain.vocabulary import (
    AreaLevel,
    Gender,
    IdentificationSource,
    Language,
    ProviderKind,
    RiskLevel,
    Service,
)


class AgeBand(StrEnum):
    """An age range, for when the identifier does not know the exact age."""

    UNDER_6 = "0_5"
    FROM_6_TO_11 = "6_11"
    FROM_12_TO_14 = "12_14"
    FROM_15_TO_17 = "15_17"
    FROM_18_TO_24 = "18_24"

    @property
    def bounds(self) -> tuple[int, int]:
        low, high = self.value.split("_")
        return int(low), int(high)

    @classmethod
    def of(cls, age: int) -> AgeBand:
        return next(b for b in cls if b.bounds[0] <= age <= b.bounds[1])


class IdentificationStatus(StrEnum):
    SENT = "sent"  # waiting for the CCWC to open it
    ACKNOWLEDGED = "acknowledged"  # the CCWC opened it; waiting for its decision
    ACCEPTED = "accepted"  # the CCWC opened a case from it
    DECLINED = "declined"

    @property
    def waiting(self) -> bool:
        return self in (IdentificationStatus.SENT, IdentificationStatus.ACKNOWLEDGED)


class DeclineReason(StrEnum):
    """Why a CCWC declined an identification (codes; "other" needs a few words)."""

    ALREADY_A_CASE = "already_a_case"  # the child has a case already
    NO_PROTECTION_CONCERN = "no_protection_concern"
    OUTSIDE_AREA = "outside_area"  # the child lives in another commune
    NOT_ELIGIBLE = "not_eligible"  # e.g. older than the programme serves
    OTHER = "other"


#: The source an identifier's kind of provider usually is (its form's default).
SOURCE_OF_KIND: dict[ProviderKind, IdentificationSource] = {
    ProviderKind.VHSG: IdentificationSource.VHSG,
    ProviderKind.SCHOOL: IdentificationSource.TEACHER,
    ProviderKind.HEALTH_CENTRE: IdentificationSource.HEALTH_CENTRE,
    ProviderKind.REFERRAL_HOSPITAL: IdentificationSource.HEALTH_CENTRE,
    ProviderKind.PROVINCIAL_HOSPITAL: IdentificationSource.HEALTH_CENTRE,
    ProviderKind.HELPLINE: IdentificationSource.HELPLINE,
    ProviderKind.POLICE: IdentificationSource.POLICE,
    ProviderKind.CCWC: IdentificationSource.CCWC,
}


def source_of(kind: ProviderKind) -> IdentificationSource:
    return SOURCE_OF_KIND.get(kind, IdentificationSource.OTHER)


class Identification(Model):
    """A child identified by someone other than the CCWC, sent to the CCWC to register.

    No name, ever. Free text (``note``, ``contact_arrangement``, ``decline_note``) is
    seen by the two ends only; coordinators see the rest."""

    id: Identifier
    identified_by_provider_id: Identifier = Field(description="Who identified the child.")
    to_provider_id: Identifier = Field(description="The CCWC it was sent to.")
    pathway_id: Identifier | None = Field(
        None, description="The agreed pathway it followed, if there is one."
    )
    source: IdentificationSource = Field(description="How the child came to notice.")
    age: int | None = Field(None, ge=0, le=MAX_AGE)
    age_band: AgeBand | None = None
    gender: Gender
    risk: RiskLevel
    needs: frozenset[Service] = Field(min_length=1)
    language: Language = Language.KHMER
    village_code: str
    consent: Consent | None = Field(None, description="Consent, as far as it is known.")
    incident_at: datetime | None = Field(
        None, description="When the violence happened, if known (post-rape care clocks)."
    )
    contact_arrangement: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=1000)
    status: IdentificationStatus = IdentificationStatus.SENT
    created_by: ShortText
    created_at: datetime
    due: Deadlines | None = Field(None, description="Deadlines of the policy in force.")
    acknowledged_at: datetime | None = None
    acknowledged_by: ShortText | None = None
    decided_at: datetime | None = None
    decided_by: ShortText | None = None
    decline_reason: DeclineReason | None = None
    decline_note: str | None = Field(None, max_length=1000)
    case_id: Identifier | None = Field(None, description="The case it became.")
    version: int = 1

    _tz = field_validator("created_at")(as_utc)
    _incident_tz = field_validator("incident_at")(lambda v: None if v is None else as_utc(v))

    @field_validator("village_code")
    @classmethod
    def _village(cls, v: str) -> str:
        return known_area(v, level=AreaLevel.VILLAGE)

    @model_validator(mode="after")
    def _age(self) -> Self:
        if self.age is None and self.age_band is None:
            raise ValueError("give the age, or an age band when the age is not known")
        if self.age is not None and self.age_band is not None:
            low, high = self.age_band.bounds
            if not low <= self.age <= high:
                raise ValueError(f"age {self.age} is outside the age band {self.age_band.value}")
        return self

    @property
    def band(self) -> AgeBand:
        """The age band, from the exact age when that is known."""
        if self.age_band is not None:
            return self.age_band
        assert self.age is not None  # one of the two is always given
        return AgeBand.of(self.age)

    @property
    def pending_due_at(self) -> datetime | None:
        """The deadline it waits on now: being opened, then a decision (None once
        decided)."""
        if self.due is None or not self.status.waiting:
            return None
        if self.status is IdentificationStatus.SENT:
            return self.due.acknowledge
        return self.due.decide

    def redacted(self) -> Identification:
        """Without free text (coordinators)."""
        return self.model_copy(
            update={"note": None, "contact_arrangement": None, "decline_note": None}
        )

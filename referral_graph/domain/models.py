"""Pure domain models: providers, pathways, cases, referrals and their events.

No I/O happens here. Models are immutable pydantic models; a change makes a new copy
(``model_copy(update=...)``) and the store saves it with compare-and-set on ``version``.
Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from referral_graph.domain.areas import gazetteer, lineage_codes
from referral_graph.domain.contact_points import ContactPerson, Phone
from referral_graph.domain.errors import UnknownArea
from referral_graph.domain.free_text import CASE_NOTE, CONSENT_RECORDED_BY, CONTACT_ARRANGEMENT
from referral_graph.domain.hours import OFFICE_HOURS, Hours
from referral_graph.domain.lifecycle import HOLDING_STATUSES, ReferralStatus
from referral_graph.domain.reasons import ClosureReason, StepReason
from referral_graph.domain.sla import PENDING_WINDOW, AlertKind, Deadlines, Window
from referral_graph.domain.vocabulary import (
    AreaLevel,
    DeliveryMode,
    Gender,
    IdentificationSource,
    Language,
    ProviderKind,
    RelayChannel,
    RiskLevel,
    Service,
)

#: Oldest person the programme serves: youth are 18–24.
MAX_AGE = 24

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=2000)]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("times must carry a timezone")
    return value.astimezone(UTC)


def known_area(code: str, *, level: AreaLevel | None = None) -> str:
    """Validate a gazetteer code (a ``ValueError`` lets pydantic name the field)."""
    try:
        area = gazetteer().area(code)
    except UnknownArea as exc:
        raise ValueError(exc.detail) from None
    if level is not None and area.level != level:
        raise ValueError(f"{code!r} is a {area.level.value} code; a {level.value} code is needed")
    return code


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Eligibility(Model):
    """Who a provider may serve. Empty ``genders`` means every gender."""

    min_age: int = Field(0, ge=0, le=120)
    max_age: int = Field(120, ge=0, le=120)
    genders: frozenset[Gender] = frozenset()
    lgbtiq_affirming: bool = False

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.min_age > self.max_age:
            raise ValueError("min_age must not exceed max_age")
        return self

    def admits(self, age: int, gender: Gender) -> bool:
        return self.min_age <= age <= self.max_age and (not self.genders or gender in self.genders)


class Provider(Model):
    """A provider in the directory: a CCWC, a health centre, a counsellor, a helpline …"""

    id: Identifier
    name: ShortText
    name_km: str | None = Field(None, max_length=200)
    kind: ProviderKind
    area_code: str = Field(description="The gazetteer area the provider sits in.")
    covers: tuple[str, ...] = Field(
        (), description="Gazetteer areas it serves; empty means only its own area."
    )
    services: frozenset[Service] = Field(min_length=1)
    modes: frozenset[DeliveryMode] = frozenset({DeliveryMode.IN_PERSON})
    eligibility: Eligibility = Eligibility()
    languages: frozenset[Language] = frozenset({Language.KHMER})
    interpreter_support: bool = False
    weekly_capacity: int | None = Field(None, ge=0, le=100_000)
    hours: Hours = OFFICE_HOURS
    contact: str | None = Field(None, max_length=200)
    phones: tuple[Phone, ...] = Field((), description="Phone numbers (from an HSDS import).")
    email: str | None = Field(None, max_length=200)
    website: str | None = Field(None, max_length=500)
    contacts: tuple[ContactPerson, ...] = Field((), description="People to ask for.")
    overseen_by: tuple[Identifier, ...] = Field(
        (), description="Who escalations about this provider go to (supervisor, chair …)."
    )
    active: bool = True
    synthetic: bool = Field(False, description="Invented for the seed, not a real provider.")
    version: int = 1
    updated_at: datetime = Field(default_factory=utc_now)

    @field_validator("area_code")
    @classmethod
    def _area(cls, v: str) -> str:
        return known_area(v)

    @field_validator("covers")
    @classmethod
    def _covers(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(known_area(code) for code in dict.fromkeys(v))

    @property
    def coverage(self) -> tuple[str, ...]:
        """The areas served: ``covers``, or the provider's own area when empty."""
        return self.covers or (self.area_code,)

    def serves_area(self, code: str) -> bool:
        """Whether a child living in area ``code`` lies inside this provider's coverage."""
        inside = lineage_codes(code)
        return any(c in inside for c in self.coverage)


class Pathway(Model):
    """An agreed referral link: ``from_provider`` normally refers to ``to_provider``."""

    id: Identifier
    from_provider_id: Identifier
    to_provider_id: Identifier
    service: Service
    note: str | None = Field(None, max_length=500)
    active: bool = True
    synthetic: bool = False

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.from_provider_id == self.to_provider_id:
            raise ValueError("a pathway links two different providers")
        return self


class Consent(Model):
    """Consent to share and refer, recorded before any referral."""

    given_by: Annotated[
        str,
        Field(
            pattern=r"^(child|caregiver|guardian|court_order)$",
            description="Who gave consent, as a kind of person (never their name).",
        ),
    ]
    recorded_by: ShortText = Field(description=CONSENT_RECORDED_BY)
    recorded_at: datetime

    _tz = field_validator("recorded_at")(as_utc)


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CaseEventKind(StrEnum):
    """What happened to a case besides its referrals' steps (those are referral events)."""

    RISK_CHANGED = "risk_changed"
    NEEDS_CHANGED = "needs_changed"
    INCIDENT_RECORDED = "incident_recorded"
    FOLLOW_UP_SET = "follow_up_set"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"
    REOPENED = "reopened"
    STEP_DISPUTED = "step_disputed"


class CaseEvent(Model):
    """One entry of a case's own timeline: who changed what, and when. Codes, not
    prose, except ``note`` (a reopening's or a dispute's reason), which only the case's
    own CCWC and the handoff's ends see."""

    at: datetime
    actor: ShortText
    kind: CaseEventKind
    risk: RiskLevel | None = None
    needs: frozenset[Service] | None = None
    previous_risk: RiskLevel | None = Field(None, description="The risk before a change.")
    previous_needs: frozenset[Service] | None = Field(
        None, description="The needs before a change."
    )
    closure_reason: ClosureReason | None = None
    follow_up_on: date | None = None
    referral_id: Identifier | None = None
    note: str | None = Field(None, max_length=1000)
    step: ReferralStatus | None = Field(
        None, description="The referral step a ``step_disputed`` event is about."
    )
    incident_at: datetime | None = Field(
        None, description="The incident time an ``incident_recorded`` event put on record."
    )


class CaseClosure(Model):
    """How a case was closed: a code, what came of it, and — when a need was still
    unmet — why it was closed anyway."""

    reason: ClosureReason
    outcome: str | None = Field(None, max_length=1000)
    unmet_needs: frozenset[Service] = Field(
        frozenset(), description="Needs neither met nor waiting when it was closed."
    )
    override: str | None = Field(
        None, max_length=1000, description="Why it was closed with needs unmet."
    )
    closed_by: ShortText


class Case(Model):
    """A child or young person who needs support, known only by a pseudonymous code."""

    id: Identifier
    code: Annotated[str, Field(min_length=4, max_length=32)]
    age: int | None = Field(ge=0, le=MAX_AGE, description="None only once purged.")
    gender: Gender | None = Field(description="None only once purged.")
    risk: RiskLevel
    needs: frozenset[Service] = Field(min_length=1)
    language: Language = Language.KHMER
    village_code: str
    wants_lgbtiq_affirming: bool = False
    consent: Consent | None = None
    contact_arrangement: str | None = Field(None, max_length=500, description=CONTACT_ARRANGEMENT)
    note: str | None = Field(None, max_length=2000, description=CASE_NOTE)
    opened_by_provider_id: Identifier
    opened_by: ShortText
    opened_at: datetime
    status: CaseStatus = CaseStatus.OPEN
    closed_at: datetime | None = None
    closure: CaseClosure | None = Field(None, description="Set while the case is closed.")
    incident_at: datetime | None = Field(
        None, description="When the violence happened, if known (post-rape care clocks)."
    )
    identified_by_provider_id: Identifier | None = Field(
        None, description="The provider that first identified the child, if not the CCWC."
    )
    identification_source: IdentificationSource | None = None
    follow_up_on: date | None = Field(None, description="When the CCWC next checks on the child.")
    history: tuple[CaseEvent, ...] = Field(
        (), description="What happened to the case itself, oldest first."
    )
    purged_at: datetime | None = Field(
        None, description="When retention removed its personal fields and notes."
    )
    version: int = 1

    _tz = field_validator("opened_at")(as_utc)
    _incident_tz = field_validator("incident_at")(lambda v: None if v is None else as_utc(v))

    @model_validator(mode="after")
    def _personal_fields(self) -> Self:
        if self.purged_at is None and (self.age is None or self.gender is None):
            raise ValueError("age and gender are required (only a purged case lacks them)")
        return self

    def purged(self, at: datetime) -> Case:
        """The case as retention leaves it: no age, gender, notes, contact or consenting
        person; a fresh code so no paper file can be matched to it."""
        from referral_graph.domain.ids import new_case_code

        consent = self.consent
        if consent is not None:
            consent = consent.model_copy(update={"recorded_by": "(removed)"})
        closure = self.closure
        if closure is not None:
            closure = closure.model_copy(
                update={"outcome": None, "override": None, "closed_by": "(removed)"}
            )
        return self.model_copy(
            update={
                "code": new_case_code(self.village_code),
                "age": None,
                "gender": None,
                "note": None,
                "contact_arrangement": None,
                "wants_lgbtiq_affirming": False,
                "consent": consent,
                "closure": closure,
                "history": tuple(e.model_copy(update={"note": None}) for e in self.history),
                "opened_by": "(removed)",
                "purged_at": at,
                "version": self.version + 1,
            }
        )

    @field_validator("village_code")
    @classmethod
    def _village(cls, v: str) -> str:
        return known_area(v, level=AreaLevel.VILLAGE)


REMOVED = "(removed)"


class RelayedStep(Model):
    """A receiver's step someone else put on record for it, after the receiver confirmed
    it by phone, SMS … ("relayed by …, confirmed by phone"): who, how, and when it was
    typed (the step's own time is in ``Referral.step_times``)."""

    channel: RelayChannel
    by: ShortText = Field(description="Who recorded it (their username).")
    by_provider_id: Identifier | None = Field(
        None, description="The provider they recorded it from (none for a coordinator)."
    )
    recorded_at: datetime


class Referral(Model):
    """One handoff of a case from one provider to the next."""

    id: Identifier
    case_id: Identifier
    from_provider_id: Identifier
    to_provider_id: Identifier
    service: Service
    reason: LongText
    risk: RiskLevel
    status: ReferralStatus = ReferralStatus.REQUESTED
    continues_referral_id: Identifier | None = Field(
        None, description="The referral this one continues (onward referral)."
    )
    hop: int = Field(1, ge=1, description="Position along the case's path.")
    recommendation_rank: int | None = Field(
        None, ge=1, description="Rank of the chosen provider in the recommendation followed."
    )
    parallel_reason: str | None = Field(
        None,
        max_length=1000,
        description="Why the case was referred for this need while another referral for "
        "it was open (free text).",
    )
    status_reason: str | None = None
    status_reason_code: StepReason | None = Field(
        None, description="The coded reason of a decline, failure or cancellation."
    )
    outcome: str | None = None
    created_by: ShortText
    created_at: datetime
    updated_at: datetime
    step_times: dict[ReferralStatus, datetime] = Field(
        default_factory=dict, description="When the referral first entered each status."
    )
    due: Deadlines | None = Field(None, description="Deadlines of the policy in force.")
    next_alert_at: datetime | None = Field(
        None, description="When the scheduler next looks at this referral."
    )
    relayed: dict[ReferralStatus, RelayedStep] = Field(
        default_factory=dict,
        description="The receiver's steps someone else recorded on its behalf, by status.",
    )
    version: int = 1

    def purged(self) -> Referral:
        """Without free text (retention)."""
        return self.model_copy(
            update={
                "reason": REMOVED,
                "status_reason": None,
                "outcome": None,
                "parallel_reason": None,
            }
        )

    @property
    def pending_due_at(self) -> datetime | None:
        """The deadline of the window the referral waits on now (None once contact is
        made, or when it has no deadlines)."""
        window = PENDING_WINDOW.get(self.status)
        return None if window is None or self.due is None else self.due.of(window)

    @property
    def closed_at(self) -> datetime | None:
        """When the referral closed: the time of its closing step (which may have been
        put on record later, ``occurred_at``), None while it is open."""
        if not self.status.is_closed:
            return None
        return self.step_times.get(self.status, self.updated_at)

    @property
    def followed_top_recommendation(self) -> bool | None:
        """Whether the sender chose the top recommendation (None: none was cited)."""
        return None if self.recommendation_rank is None else self.recommendation_rank == 1

    @property
    def holds_case(self) -> bool:
        """Whether the receiver holds the case now (and so may refer it onward)."""
        return self.status in HOLDING_STATUSES


class ReferralEvent(Model):
    """An immutable record of one step of a referral."""

    id: Identifier
    referral_id: Identifier
    sequence: int = Field(ge=1)
    at: datetime
    actor: ShortText
    from_status: ReferralStatus | None
    to_status: ReferralStatus
    reason: str | None = None
    reason_code: StepReason | None = None
    outcome: str | None = None
    note: str | None = None
    occurred_at: datetime | None = Field(
        None,
        description="When the step really happened, if it was put on record later "
        "(``at`` is when it was recorded).",
    )
    relayed_for: Identifier | None = Field(
        None, description="The provider on whose behalf someone else recorded the step."
    )
    relay_channel: RelayChannel | None = Field(
        None, description="How that provider confirmed it (by phone, SMS …)."
    )

    @property
    def happened_at(self) -> datetime:
        """When the step happened: ``occurred_at`` if given, else when it was recorded."""
        return self.occurred_at or self.at


class TimelinessAlert(Model):
    """A reminder or escalation about one window of one referral; fired exactly once."""

    id: str
    referral_id: Identifier
    case_id: Identifier
    provider_id: Identifier
    window: Window
    kind: AlertKind
    risk: RiskLevel
    due_at: datetime
    fired_at: datetime
    notify: tuple[str, ...] = Field(description="Providers told: receiver, or overseers.")
    suggestions: tuple[str, ...] = Field(
        (), description="For an emergency not acknowledged in time: providers to re-route to."
    )

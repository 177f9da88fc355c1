"""Shapes of the HTTP API that are not domain models: envelopes, problems, inputs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from referral_graph.domain.hours import Hours
from referral_graph.domain.ids import new_id
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import (
    Case,
    Eligibility,
    Identifier,
    Provider,
    Referral,
    ShortText,
)
from referral_graph.domain.paths import Hop
from referral_graph.domain.queries import Listing, Page
from referral_graph.domain.vocabulary import (
    DeliveryMode,
    Gender,
    Language,
    ProviderKind,
    RiskLevel,
    Service,
)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def new_record(
    model: type[M], body: BaseModel, prefix: str, *, exclude_none: bool = False, **fields: Any
) -> M:
    """A new ``model`` from a create request's ``body`` and ``fields`` decided on the
    server: its id the one the body names, or a fresh one starting with ``prefix``."""
    data = body.model_dump(exclude_none=exclude_none)
    data |= {"id": getattr(body, "id", None) or new_id(prefix), **fields}
    return model.model_validate(data)


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = Field(None, description="The request field at fault, if one is.")
    errors: list[dict[str, Any]] | None = Field(
        None, description="Each invalid field with its reason (validation errors)."
    )
    current_status: str | None = None
    allowed: list[str] | None = None
    referral_id: str | None = Field(
        None, description="A duplicate referral: the open one it repeats (if yours to see)."
    )
    unmet_needs: list[str] | None = Field(
        None, description="Closing a case: the needs neither met nor waiting."
    )


class Envelope(BaseModel, Generic[T]):
    """A page of a list: ``data`` is the page, ``count`` the total matching."""

    data: list[T]
    count: int
    limit: int
    offset: int

    @classmethod
    def of(cls, listing: Listing[T], page: Page) -> Envelope[T]:
        """The page of a store listing."""
        return cls(data=listing.items, count=listing.count, limit=page.limit, offset=page.offset)


class Health(BaseModel):
    status: str
    store: str
    version: str


class ProviderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Identifier | None = Field(None, description="Generated when omitted.")
    name: ShortText
    name_km: str | None = Field(None, max_length=200)
    kind: ProviderKind
    area_code: str = Field(min_length=2, max_length=8)
    covers: list[str] = Field(default_factory=list, max_length=100)
    services: list[Service] = Field(min_length=1, max_length=len(Service))
    modes: list[DeliveryMode] = Field(default_factory=lambda: [DeliveryMode.IN_PERSON])
    eligibility: Eligibility = Eligibility()
    languages: list[Language] = Field(default_factory=lambda: [Language.KHMER], max_length=20)
    interpreter_support: bool = False
    weekly_capacity: int | None = Field(None, ge=0, le=100_000)
    hours: Hours | None = None
    contact: str | None = Field(None, max_length=200)
    active: bool = True


class ProviderUpdate(BaseModel):
    """Fields to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    name_km: str | None = Field(None, max_length=200)
    kind: ProviderKind | None = None
    area_code: str | None = Field(None, min_length=2, max_length=8)
    covers: list[str] | None = Field(None, max_length=100)
    services: list[Service] | None = Field(None, min_length=1, max_length=len(Service))
    modes: list[DeliveryMode] | None = None
    eligibility: Eligibility | None = None
    languages: list[Language] | None = Field(None, max_length=20)
    interpreter_support: bool | None = None
    weekly_capacity: int | None = Field(None, ge=0, le=100_000)
    hours: Hours | None = None
    contact: str | None = Field(None, max_length=200)
    active: bool | None = None
    expected_version: int | None = Field(None, ge=1)


class PathwayCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Identifier | None = None
    from_provider_id: Identifier
    to_provider_id: Identifier
    service: Service
    note: str | None = Field(None, max_length=500)


class HopOut(BaseModel):
    """One referral along a case's path with the seconds each step took."""

    hop: int
    referral_id: str
    from_provider_id: str
    to_provider_id: str
    service: Service
    status: ReferralStatus
    created_at: Any
    step_times: dict[ReferralStatus, Any]
    step_seconds: dict[str, float]
    total_seconds: float | None
    continues_referral_id: str | None

    @classmethod
    def of(cls, hop: Hop) -> HopOut:
        r: Referral = hop.referral
        return cls(
            hop=r.hop,
            referral_id=r.id,
            from_provider_id=r.from_provider_id,
            to_provider_id=r.to_provider_id,
            service=r.service,
            status=r.status,
            created_at=r.created_at,
            step_times=r.step_times,
            step_seconds=hop.step_seconds,
            total_seconds=hop.total_seconds,
            continues_referral_id=r.continues_referral_id,
        )


class CaseHandoffView(BaseModel):
    """What a handoff needs of a case: no notes, no consent details, no other
    referrals of the child."""

    id: str
    code: str
    age: int | None
    gender: Gender | None
    risk: RiskLevel
    needs: list[Service]
    language: Language
    wants_lgbtiq_affirming: bool
    contact_arrangement: str | None = Field(
        None,
        description="Only for the provider that holds the case (accepted, in progress, on "
        "hold); never once it declined or its part is over.",
    )
    status: str
    incident_at: datetime | None = Field(
        None, description="When the violence happened, if known (post-rape care clocks)."
    )

    @classmethod
    def of(cls, case: Case, *, with_contact: bool) -> CaseHandoffView:
        return cls(
            id=case.id,
            code=case.code,
            age=case.age,
            gender=case.gender,
            risk=case.risk,
            needs=sorted(case.needs),
            language=case.language,
            wants_lgbtiq_affirming=case.wants_lgbtiq_affirming,
            contact_arrangement=case.contact_arrangement if with_contact else None,
            status=case.status.value,
            incident_at=case.incident_at,
        )


class CasePath(BaseModel):
    case_id: str
    hops: list[HopOut]


__all__ = ["Provider"]

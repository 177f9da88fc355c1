"""Users, roles and the principal a request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from referral_graph.domain.alerting import NotificationSettings
from referral_graph.domain.models import Identifier


class Role(StrEnum):
    """What a person's work needs to see.

    - ``ccwc``: a member of one commune's CCWC: opens cases there, refers them, sees
      those cases and their paths.
    - ``provider``: staff of one provider: its inbox and the referrals to or from it,
      with only the case fields a handoff needs.
    - ``supervisor``: a clinical supervisor: the providers they oversee and their
      referrals.
    - ``coordinator``: an area (district, province or the nation): audit and reports,
      pseudonymous, without free-text notes.
    - ``admin``: the directory, users and policies; no case contents.
    - ``system``: the command line and the scheduler; never a user's role.
    """

    CCWC = "ccwc"
    PROVIDER = "provider"
    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    SYSTEM = "system"


USER_ROLES = tuple(r for r in Role if r is not Role.SYSTEM)
PROVIDER_ROLES = frozenset({Role.CCWC, Role.PROVIDER, Role.SUPERVISOR})

Username = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[a-z0-9_.@-]+$")]


class User(BaseModel):
    """An account. ``provider_id`` ties CCWC, provider and supervisor roles to their
    provider in the directory; ``area_code`` ties a coordinator to an area (``KH`` for
    the whole country)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Identifier
    username: Username
    role: Role
    provider_id: Identifier | None = None
    area_code: str | None = Field(None, pattern=r"^(KH|\d{2}|\d{4}|\d{6})$")
    password_hash: str = Field(repr=False)
    active: bool = True
    created_at: datetime
    notifications: NotificationSettings = Field(
        default_factory=NotificationSettings,
        description="How the person hears of alerts beyond the web app (their choice).",
    )
    version: int = 1

    @model_validator(mode="after")
    def _scope(self) -> Self:
        if self.role is Role.SYSTEM:
            raise ValueError("the system role is not for users")
        if self.role in PROVIDER_ROLES and not self.provider_id:
            raise ValueError(f"a {self.role.value} user needs provider_id")
        if self.role is Role.COORDINATOR and not self.area_code:
            raise ValueError("a coordinator needs area_code")
        return self


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as, and the token it came with."""

    user_id: str
    username: str
    role: Role
    provider_id: str | None = None
    area_code: str | None = None
    token_id: str | None = None
    expires_at: datetime | None = None  # when the token it came with stops working
    family_id: str | None = None  # the sign-in its access token descends from

    @property
    def label(self) -> str:
        return f"{self.username} ({self.role.value})"


SYSTEM = Principal(user_id="system", username="system", role=Role.SYSTEM)


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """A refresh token, an integration's API token, or a revoked access token's id (or a
    revoked family's, which stops every access token of the family).

    Only a SHA-256 of the secret is kept; the secret is shown once. A refresh token's
    ``family_id`` names the sign-in it descends from by rotation: signing out, or
    using a rotated refresh token again, revokes the whole family.
    """

    id: str
    user_id: str
    kind: str  # refresh | api | revoked_access
    token_hash: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None = None
    family_id: str | None = None


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """One read of case data, one write, or one refused attempt at a foreign case or
    referral: who, as what, did what, when, from where, and the case it concerned (so
    that "who looked at this case" finds reads through its referrals too)."""

    id: str
    at: datetime
    user_id: str
    username: str
    role: str
    action: str  # read | write | denied
    method: str
    path: str
    object_id: str | None
    client: str | None
    case_id: str | None = None

"""Accounts and integration tokens (administrators), and the access log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from api.deps import CallerDep, PageDep, RuntimeDep
from api.responses import problems
from api.schemas import Envelope
from referral_graph.domain.queries import AccessQuery
from referral_graph.security.model import Role, User
from referral_graph.services import accounts
from referral_graph.services.accounts import NewUser

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class UserOut(BaseModel):
    id: str
    username: str
    role: Role
    provider_id: str | None
    area_code: str | None
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls.model_validate(user.model_dump(exclude={"password_hash", "version"}))


class ApiTokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(None, ge=1, le=3650, description="Lifetime; none: until revoked.")


class Copied(BaseModel):
    """A view whose every field is copied from the attribute of that name."""

    @classmethod
    def of(cls, source: object) -> Self:
        return cls(**{f: getattr(source, f) for f in cls.model_fields})


class ApiTokenOut(Copied):
    id: str
    name: str
    kind: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreated(ApiTokenOut):
    token: str = Field(description="Shown once: only its hash is kept.")


@router.get("/users", responses=problems())
def list_users(caller: CallerDep, page: PageDep) -> Envelope[UserOut]:
    listing = accounts.list_users(caller, page)
    return Envelope(
        data=[UserOut.of(u) for u in listing.items],
        count=listing.count,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/users", status_code=status.HTTP_201_CREATED, responses=problems(409))
def create_user(caller: CallerDep, body: NewUser) -> UserOut:
    """Create an account: CCWC, provider and supervisor accounts name their provider,
    coordinators their area (``KH`` for the whole country)."""
    return UserOut.of(accounts.create_user(caller, body))


@router.get("/users/{user_id}", responses=problems(404))
def get_user(caller: CallerDep, user_id: str) -> UserOut:
    return UserOut.of(accounts.get_user(caller, user_id))


@router.post("/users/{user_id}/deactivate", responses=problems(404, 409))
def deactivate_user(runtime: RuntimeDep, caller: CallerDep, user_id: str) -> UserOut:
    """Deactivate an account: its tokens stop working at once. Your own account and the
    last active administrator cannot be deactivated (409)."""
    user = accounts.set_active(caller, user_id, active=False)
    runtime.principals.forget_all()
    return UserOut.of(user)


@router.post(
    "/users/{user_id}/api-tokens", status_code=status.HTTP_201_CREATED, responses=problems(404)
)
def create_api_token(caller: CallerDep, user_id: str, body: ApiTokenRequest) -> ApiTokenCreated:
    """An API token for an integration acting as this user (shown once)."""
    record, secret = accounts.create_api_token(caller, user_id, body.name, body.days)
    return ApiTokenCreated(token=secret, **ApiTokenOut.of(record).model_dump())


@router.get("/users/{user_id}/api-tokens", responses=problems(404))
def list_api_tokens(caller: CallerDep, user_id: str) -> list[ApiTokenOut]:
    return [ApiTokenOut.of(t) for t in accounts.list_api_tokens(caller, user_id)]


@router.delete("/users/{user_id}/api-tokens/{token_id}", status_code=204, responses=problems(404))
def revoke_api_token(runtime: RuntimeDep, caller: CallerDep, user_id: str, token_id: str) -> None:
    accounts.revoke_api_token(caller, user_id, token_id)
    runtime.principals.forget_all()


class AccessOut(Copied):
    id: str
    at: datetime
    user_id: str
    username: str
    role: str
    action: str
    method: str
    path: str
    object_id: str | None
    client: str | None
    case_id: str | None


@router.get("/access-log", responses=problems())
def access_log(
    runtime: RuntimeDep,
    caller: CallerDep,
    page: PageDep,
    object_id: Annotated[str | None, Query(max_length=100)] = None,
    user_id: Annotated[str | None, Query(max_length=100)] = None,
    case_id: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Every read, write and refused attempt concerning this case, "
            "through its referrals, FHIR Tasks and Bundle too.",
        ),
    ] = None,
) -> Envelope[AccessOut]:
    """Who read or changed what, newest first: "who looked at this case, and when"
    (``case_id``). ``action`` is ``read``, ``write`` or ``denied`` (an attempt at a
    case or referral the account may not see, answered as not found)."""
    runtime.write_behind.flush()
    listing = accounts.list_access(caller, AccessQuery(object_id, user_id, case_id), page)
    return Envelope(
        data=[AccessOut.of(r) for r in listing.items],
        count=listing.count,
        limit=page.limit,
        offset=page.offset,
    )

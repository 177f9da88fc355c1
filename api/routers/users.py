"""Accounts and integration tokens (administrators), and the access log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from api.deps import CallerDep, PageDep, RuntimeDep, StoreDep
from api.responses import problems
from api.schemas import Envelope
from referral_graph.domain.errors import NotFound
from referral_graph.security.model import AccessRecord, Role, TokenRecord, User
from referral_graph.services import accounts
from referral_graph.services.accounts import NewUser
from referral_graph.store.port import AccessQuery

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


class ApiTokenOut(BaseModel):
    id: str
    name: str
    kind: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, t: TokenRecord) -> ApiTokenOut:
        return cls(
            id=t.id,
            name=t.name,
            kind=t.kind,
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
        )


class ApiTokenCreated(ApiTokenOut):
    token: str = Field(description="Shown once: only its hash is kept.")


@router.get("/users", responses=problems())
def list_users(store: StoreDep, page: PageDep) -> Envelope[UserOut]:
    listing = store.read(lambda tx: tx.list_users(page))
    return Envelope(
        data=[UserOut.of(u) for u in listing.items],
        count=listing.count,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/users", status_code=status.HTTP_201_CREATED, responses=problems(409))
def create_user(runtime: RuntimeDep, store: StoreDep, body: NewUser) -> UserOut:
    """Create an account: CCWC, provider and supervisor accounts name their provider,
    coordinators their area (``KH`` for the whole country)."""
    return UserOut.of(accounts.create_user(store, runtime.now(), body))


def _user(store: StoreDep, user_id: str) -> User:
    user = store.read(lambda tx: tx.get_user(user_id))
    if user is None:
        raise NotFound("user", user_id)
    return user


@router.get("/users/{user_id}", responses=problems(404))
def get_user(store: StoreDep, user_id: str) -> UserOut:
    return UserOut.of(_user(store, user_id))


@router.post("/users/{user_id}/deactivate", responses=problems(404, 409))
def deactivate_user(runtime: RuntimeDep, caller: CallerDep, user_id: str) -> UserOut:
    """Deactivate an account: its tokens stop working at once. Your own account and the
    last active administrator cannot be deactivated (409)."""
    user = accounts.set_active(
        caller.store, user_id, active=False, acting_user_id=caller.principal.user_id
    )
    runtime.principals.forget_all()
    return UserOut.of(user)


@router.post(
    "/users/{user_id}/api-tokens", status_code=status.HTTP_201_CREATED, responses=problems(404)
)
def create_api_token(
    runtime: RuntimeDep, store: StoreDep, user_id: str, body: ApiTokenRequest
) -> ApiTokenCreated:
    """An API token for an integration acting as this user (shown once)."""
    record, secret = accounts.create_api_token(store, runtime.now(), user_id, body.name, body.days)
    return ApiTokenCreated(token=secret, **ApiTokenOut.of(record).model_dump())


@router.get("/users/{user_id}/api-tokens", responses=problems(404))
def list_api_tokens(store: StoreDep, user_id: str) -> list[ApiTokenOut]:
    _user(store, user_id)
    tokens = store.read(lambda tx: tx.list_tokens(user_id))
    return [ApiTokenOut.of(t) for t in tokens if t.kind == "api"]


@router.delete("/users/{user_id}/api-tokens/{token_id}", status_code=204, responses=problems(404))
def revoke_api_token(runtime: RuntimeDep, store: StoreDep, user_id: str, token_id: str) -> None:
    accounts.revoke_api_token(store, runtime.now(), user_id, token_id)
    runtime.principals.forget_all()


class AccessOut(BaseModel):
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

    @classmethod
    def of(cls, r: AccessRecord) -> AccessOut:
        return cls(**{f: getattr(r, f) for f in cls.model_fields})


@router.get("/access-log", responses=problems())
def access_log(
    runtime: RuntimeDep,
    store: StoreDep,
    page: PageDep,
    object_id: Annotated[str | None, Query(max_length=100)] = None,
    user_id: Annotated[str | None, Query(max_length=100)] = None,
) -> Envelope[AccessOut]:
    """Who read or changed what, newest first: "who looked at this case, and when"."""
    runtime.write_behind.flush()
    listing = store.read(lambda tx: tx.list_access(AccessQuery(object_id, user_id), page))
    return Envelope(
        data=[AccessOut.of(r) for r in listing.items],
        count=listing.count,
        limit=page.limit,
        offset=page.offset,
    )

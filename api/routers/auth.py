"""Sign-in (OAuth2 password flow), token refresh, sign-out, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel

from api.deps import RuntimeDep, UnrecordedCallerDep
from api.responses import problems
from api.security import PrincipalDep
from referral_graph.domain.errors import Unauthenticated
from referral_graph.services import accounts

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type)
    expires_in: int


class RefreshRequest(BaseModel):
    refresh_token: str


class LogoutRequest(BaseModel):
    refresh_token: str | None = None


class Me(BaseModel):
    user_id: str
    username: str
    role: str
    provider_id: str | None
    area_code: str | None


def _tokens(t: accounts.Tokens) -> TokenResponse:
    return TokenResponse(
        access_token=t.access_token, refresh_token=t.refresh_token, expires_in=t.expires_in
    )


@router.post("/token", responses=problems(401, 429))
def sign_in(
    runtime: RuntimeDep,
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
) -> TokenResponse:
    """Sign in with a username and password (OAuth2 password flow). Five wrong
    passwords for one account from one address lock that address out of it for 15
    minutes (429 with ``Retry-After``); twenty from one address lock it out of all."""
    client = request.client.host if request.client else None
    tokens = accounts.sign_in(
        runtime.store, runtime.now(), username, password, runtime.settings, client
    )
    return _tokens(tokens)


@router.post("/refresh", responses=problems(401))
def refresh(runtime: RuntimeDep, body: RefreshRequest) -> TokenResponse:
    """Trade a refresh token for new tokens; the old refresh token stops working. Used
    again, it signs out every session rotated from the same sign-in (its family)."""
    try:
        tokens = accounts.refresh(
            runtime.store, runtime.now(), body.refresh_token, runtime.settings
        )
    except Unauthenticated:
        runtime.principals.forget_all()  # a family may have been revoked just now
        raise
    return _tokens(tokens)


@router.post("/logout", status_code=204, responses=problems(401))
def logout(runtime: RuntimeDep, caller: UnrecordedCallerDep, body: LogoutRequest) -> None:
    """Sign out: revoke the access token in use and every token of its family (the
    refresh tokens rotated from the same sign-in), with or without the refresh token."""
    accounts.sign_out(caller, body.refresh_token)
    runtime.principals.forget_all()


@router.get("/me", responses=problems(401))
def me(principal: PrincipalDep) -> Me:
    return Me(
        user_id=principal.user_id,
        username=principal.username,
        role=principal.role.value,
        provider_id=principal.provider_id,
        area_code=principal.area_code,
    )

"""Passwords (argon2id), signed access tokens (JWT) and opaque tokens (hashed)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from referral_graph.domain.errors import Unauthenticated
from referral_graph.security.model import Principal, Role, User

_HASHER = PasswordHasher()
API_TOKEN_PREFIX = "rgk_"  # noqa: S105 (a prefix, not a secret)
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


#: A hash to verify against when the user does not exist, so that a wrong username
#: takes as long as a wrong password.
DUMMY_HASH = _HASHER.hash("not-a-real-password")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def opaque_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def issue_access_token(
    user: User, now: datetime, secret: str, ttl: timedelta, family: str | None = None
) -> tuple[str, str]:
    """A signed, short-lived access token and its id (``jti``); ``family`` names the
    sign-in it descends from (claim ``fam``), so that revoking the family stops it."""
    jti = secrets.token_hex(16)
    claims: dict[str, Any] = {
        "sub": user.id,
        "name": user.username,
        "role": user.role.value,
        "pid": user.provider_id,
        "area": user.area_code,
        "jti": jti,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "typ": "access",
    }
    if family is not None:
        claims["fam"] = family
    return jwt.encode(claims, secret, algorithm=ALGORITHM), jti


def read_access_token(
    token: str, secret: str, now: datetime, *, max_lifetime: timedelta | None = None
) -> Principal:
    """The principal a valid token names; ``Unauthenticated`` for anything else, a token
    whose lifetime (``exp - iat``) exceeds ``max_lifetime`` included (a forged
    long-lived token is refused even when its signature holds)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "jti"], "verify_exp": False},
        )
    except jwt.PyJWTError:
        raise Unauthenticated("The access token is not valid.") from None
    if claims.get("typ") != "access" or int(claims["exp"]) <= int(now.timestamp()):
        raise Unauthenticated("The access token has expired; sign in again or refresh.")
    lifetime = int(claims["exp"]) - int(claims["iat"])
    if max_lifetime is not None and lifetime > max_lifetime.total_seconds():
        raise Unauthenticated("The access token is not valid: it lives longer than allowed.")
    try:
        role = Role(claims["role"])
    except (KeyError, ValueError):
        raise Unauthenticated("The access token is not valid.") from None
    if role is Role.SYSTEM:
        raise Unauthenticated("The access token is not valid.")
    return Principal(
        user_id=str(claims["sub"]),
        username=str(claims.get("name", "")),
        role=role,
        provider_id=claims.get("pid"),
        area_code=claims.get("area"),
        token_id=str(claims["jti"]),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        family_id=str(claims["fam"]) if claims.get("fam") else None,
    )


def principal_of(
    user: User,
    token_id: str | None = None,
    expires_at: datetime | None = None,
    family_id: str | None = None,
) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        provider_id=user.provider_id,
        area_code=user.area_code,
        token_id=token_id,
        expires_at=expires_at,
        family_id=family_id,
    )


def revoked_family_hash(family_id: str) -> str:
    """The hash under which a revoked family is recorded (as a revoked access token)."""
    return digest(f"family:{family_id}")

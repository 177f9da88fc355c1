"""Use cases of accounts: users, sign-in with throttling, tokens, sign-out, and the
access log.

Those on behalf of someone take a :class:`~referral_graph.services.caller.Caller` (who
may call them is the route's rule: administrators, or anyone signed in for signing
out). Signing in, refreshing and reading a bearer token come before anyone is known:
they take the store itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from referral_graph.domain.errors import (
    AccountProtected,
    Conflict,
    InvalidInput,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from referral_graph.domain.ids import new_id
from referral_graph.domain.models import Identifier
from referral_graph.domain.queries import AccessQuery, Listing, Page, every
from referral_graph.security.credentials import (
    API_TOKEN_PREFIX,
    DUMMY_HASH,
    digest,
    hash_password,
    issue_access_token,
    opaque_token,
    principal_of,
    read_access_token,
    revoked_family_hash,
    verify_password,
)
from referral_graph.security.model import (
    AccessRecord,
    Principal,
    Role,
    TokenRecord,
    User,
    Username,
)
from referral_graph.security.passwords import MIN_LENGTH, password_problem
from referral_graph.services.caller import Caller
from referral_graph.settings import InsecureSecret, Settings
from referral_graph.store.port import Store, Transaction

MIN_PASSWORD = MIN_LENGTH


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    password: str = Field(
        min_length=MIN_PASSWORD,
        max_length=200,
        repr=False,
        description="At least 10 characters; not a common or breached password, not the "
        "username, not easy to guess.",
    )
    role: Role
    provider_id: Identifier | None = None
    area_code: str | None = Field(None, pattern=r"^(KH|\d{2}|\d{4}|\d{6})$")

    @field_validator("password")
    @classmethod
    def _strong(cls, password: str, info: ValidationInfo) -> str:
        problem = password_problem(password, info.data.get("username"))
        if problem is not None:
            raise ValueError(f"the password is refused: {problem}")
        return password


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int


def _user(tx: Transaction, user_id: str) -> User:
    user = tx.get_user(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def list_users(caller: Caller, page: Page) -> Listing[User]:
    return caller.store.read(lambda tx: tx.list_users(page))


def get_user(caller: Caller, user_id: str) -> User:
    return caller.store.read(lambda tx: _user(tx, user_id))


def create_user(caller: Caller, new: NewUser) -> User:
    """Create an account; its provider or area must exist."""
    now, wanted = caller.now, new

    def work(tx: Transaction) -> User:
        if wanted.provider_id is not None and tx.get_provider(wanted.provider_id) is None:
            raise InvalidInput(f"No provider with id {wanted.provider_id!r}.", field="provider_id")
        if wanted.area_code not in (None, "KH"):
            from referral_graph.domain.areas import gazetteer

            if wanted.area_code not in gazetteer():
                raise InvalidInput(f"Unknown area {wanted.area_code!r}.", field="area_code")
        try:
            user = User(
                id=new_id("usr"),
                username=wanted.username,
                role=wanted.role,
                provider_id=wanted.provider_id,
                area_code=wanted.area_code,
                password_hash=hash_password(wanted.password),
                created_at=now,
            )
        except ValidationError as exc:  # the role needs a provider or an area
            reason = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
            raise InvalidInput(f"{reason[:1].upper()}{reason[1:]}.", field="role") from None
        tx.add_user(user)
        return user

    return caller.store.write(work)


def set_active(caller: Caller, user_id: str, active: bool) -> User:
    """Activate or deactivate an account. Nobody deactivates their own account
    (the caller), and the last active administrator stays: both answer
    ``AccountProtected`` (409), decided in the transaction that writes."""

    def work(tx: Transaction) -> User:
        user = tx.get_user(user_id)
        if user is None:
            raise NotFound("user", user_id)
        if not active and user.active:
            _may_deactivate(tx, user, caller.principal.user_id)
        updated = user.model_copy(update={"active": active, "version": user.version + 1})
        tx.save_user(updated, user.version)
        return updated

    return caller.store.write(work)


def _may_deactivate(tx: Transaction, user: User, acting_user_id: str | None) -> None:
    if user.id == acting_user_id:
        raise AccountProtected("You cannot deactivate your own account; another administrator can.")
    if user.role is Role.ADMIN:
        admins = (u for u in every(tx.list_users) if u.role is Role.ADMIN and u.active)
        if not any(u.id != user.id for u in admins):
            raise AccountProtected(
                f"{user.username!r} is the last active administrator; create or activate "
                "another administrator first."
            )


def reset_password(caller: Caller, username: str, password: str) -> User:
    """Give an account a new password (the one-time demo passwords, a forgotten one):
    its sign-in failures are cleared and its refresh tokens revoked, so every session
    signs in again."""

    def work(tx: Transaction) -> User:
        user = tx.get_user_by_username(username)
        if user is None:
            raise InvalidInput(f"No account named {username!r}.", field="username")
        problem = password_problem(password, user.username)
        if problem is not None:
            raise InvalidInput(f"The password is refused: {problem}.", field="password")
        updated = user.model_copy(
            update={"password_hash": hash_password(password), "version": user.version + 1}
        )
        tx.save_user(updated, user.version)
        tx.clear_login_failures(user.username)
        for token in tx.list_tokens(user.id):
            if token.kind == "refresh" and token.revoked_at is None:
                tx.revoke_token(token.id, caller.now)
                if token.family_id is not None:
                    revoke_family(tx, user.id, token.family_id, caller.now)
        return updated

    return caller.store.write(work)


def _token_secret(settings: Settings) -> str:
    """The signing secret; the development one is refused in production."""
    try:
        return settings.token_secret()
    except InsecureSecret:
        raise Unauthenticated(
            "Sign-in is disabled: the server runs in production with the development secret."
        ) from None


def _issue(
    tx: Transaction, user: User, now: datetime, settings: Settings, family: str | None = None
) -> Tokens:
    """New tokens for ``user``: a new family at sign-in, the same one on refresh."""
    family = family or new_id("fam")
    access, _jti = issue_access_token(
        user,
        now,
        _token_secret(settings),
        timedelta(minutes=settings.access_token_minutes),
        family,
    )
    refresh = opaque_token()
    tx.add_token(
        TokenRecord(
            id=new_id("tok"),
            user_id=user.id,
            kind="refresh",
            token_hash=digest(refresh),
            name="sign-in",
            created_at=now,
            expires_at=now + timedelta(days=settings.refresh_token_days),
            family_id=family,
        )
    )
    return Tokens(access, refresh, settings.access_token_minutes * 60)


def revoke_family(tx: Transaction, user_id: str, family_id: str, now: datetime) -> None:
    """Revoke every refresh token of the family and, through a record of the family
    itself, every access token that names it (``principal_for`` checks it)."""
    tx.revoke_token_family(family_id, now)
    marker = revoked_family_hash(family_id)
    if tx.find_token(marker) is not None:
        return
    try:
        tx.add_token(
            TokenRecord(
                id=f"tok_family_{family_id}",
                user_id=user_id,
                kind="revoked_access",
                token_hash=marker,
                name="family revoked",
                created_at=now,
                expires_at=None,
                revoked_at=now,
            )
        )
    except Conflict:  # revoked by a concurrent request meanwhile: just as good
        return


#: The source of an attempt whose client address is unknown.
UNKNOWN_SOURCE = "unknown"

_THROTTLED = {
    "account": ("Too many failed sign-ins for this account from your address; wait and try again."),
    "source": "Too many failed sign-ins from your address; wait and try again.",
}


def sign_in(
    store: Store,
    now: datetime,
    username: str,
    password: str,
    settings: Settings,
    source: str | None = None,
) -> Tokens:
    """Check the password and issue tokens, throttled per account *and* source address.

    Each attempt is recorded as a failure *before* its password is checked, in the
    transaction that counts the earlier ones (``claim_login_attempt``): of twenty
    guesses sent at once, at most ``login_max_failures`` reach the password check.
    An account is locked for one source address only: five anonymous guesses from
    elsewhere do not lock its owner out (``login_max_failures`` per account and
    source, ``login_max_failures_per_source`` per source across accounts, in
    ``login_window_minutes``). A right password clears that account's attempts from
    that source (never the source's attempts at other accounts)."""
    window = timedelta(minutes=settings.login_window_minutes)
    where = source or UNKNOWN_SOURCE

    def claim(tx: Transaction) -> tuple[str | None, User | None]:
        refused = tx.claim_login_attempt(
            username,
            where,
            now,
            now - window,
            settings.login_max_failures,
            settings.login_max_failures_per_source,
        )
        return refused, None if refused else tx.get_user_by_username(username)

    refused, user = store.write(claim)
    if refused is not None:
        raise TooManyAttempts(_THROTTLED[refused], retry_after=int(window.total_seconds()))
    ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
    if user is None or not ok or not user.active:
        raise Unauthenticated("Wrong username or password.")  # the attempt stays counted

    def issue(tx: Transaction) -> Tokens:
        tx.clear_login_failures(username, where)
        return _issue(tx, user, now, settings)

    return store.write(issue)


def _live_token(
    tx: Transaction, secret: str, kind: str, now: datetime, invalid: str
) -> tuple[TokenRecord, User]:
    """The token of ``kind`` with this secret, neither revoked nor expired at ``now``, and
    its user, still active; else ``Unauthenticated(invalid)``."""
    record = tx.find_token(digest(secret))
    if (
        record is None
        or record.kind != kind
        or record.revoked_at is not None
        or (record.expires_at is not None and record.expires_at <= now)
    ):
        raise Unauthenticated(invalid)
    user = tx.get_user(record.user_id)
    if user is None or not user.active:
        raise Unauthenticated(invalid)
    return record, user


REUSED = (
    "The refresh token was used already: every session it started is signed out; sign in again."
)


def refresh(store: Store, now: datetime, refresh_token: str, settings: Settings) -> Tokens:
    """Trade a live refresh token for new tokens of its family (the old one is revoked:
    rotation). A rotated refresh token used again means that two parties hold it, one
    of them not the user: its successor and the whole family are revoked (OAuth 2.0
    Security BCP, refresh token rotation) and the answer is ``Unauthenticated``."""

    def work(tx: Transaction) -> Tokens | None:
        record = tx.find_token(digest(refresh_token))
        if (
            record is not None
            and record.kind == "refresh"
            and record.revoked_at is not None
            and record.family_id is not None
        ):
            revoke_family(tx, record.user_id, record.family_id, now)
            return None  # committed, then refused
        record, user = _live_token(
            tx, refresh_token, "refresh", now, "The refresh token is not valid; sign in again."
        )
        tx.revoke_token(record.id, now)
        return _issue(tx, user, now, settings, record.family_id)

    tokens = store.write(work)
    if tokens is None:
        raise Unauthenticated(REUSED)
    return tokens


def sign_out(caller: Caller, refresh_token: str | None) -> None:
    """Sign the session out: revoke the access token in use (by its id) and its whole
    family (every refresh token rotated from the same sign-in, and every access token
    issued with them), whether or not the refresh token is given; a refresh token of
    the caller's that is given revokes its family too."""
    who, now, token = caller.principal, caller.now, refresh_token

    def work(tx: Transaction) -> None:
        if who.token_id is not None:
            tx.add_token(
                TokenRecord(
                    id=new_id("tok"),
                    user_id=who.user_id,
                    kind="revoked_access",
                    token_hash=digest(f"jti:{who.token_id}"),
                    name="signed out",
                    created_at=now,
                    expires_at=None,
                    revoked_at=now,
                )
            )
        if who.family_id is not None:
            revoke_family(tx, who.user_id, who.family_id, now)
        if token:
            record = tx.find_token(digest(token))
            if record is not None and record.user_id == who.user_id:
                tx.revoke_token(record.id, now)
                if record.family_id is not None:
                    revoke_family(tx, who.user_id, record.family_id, now)

    caller.store.write(work)


def create_api_token(
    caller: Caller, user_id: str, name: str, days: int | None
) -> tuple[TokenRecord, str]:
    """A token for an integration, acting as the user; the secret is returned once."""
    secret = opaque_token(API_TOKEN_PREFIX)
    now = caller.now

    def work(tx: Transaction) -> TokenRecord:
        _user(tx, user_id)
        record = TokenRecord(
            id=new_id("tok"),
            user_id=user_id,
            kind="api",
            token_hash=digest(secret),
            name=name,
            created_at=now,
            expires_at=None if days is None else now + timedelta(days=days),
        )
        tx.add_token(record)
        return record

    return caller.store.write(work), secret


def list_api_tokens(caller: Caller, user_id: str) -> list[TokenRecord]:
    """The user's integration tokens, revoked ones too (``NotFound`` if no such user)."""

    def work(tx: Transaction) -> list[TokenRecord]:
        _user(tx, user_id)
        return [t for t in tx.list_tokens(user_id) if t.kind == "api"]

    return caller.store.read(work)


def revoke_api_token(caller: Caller, user_id: str, token_id: str) -> None:
    now = caller.now

    def work(tx: Transaction) -> None:
        owned = {t.id for t in tx.list_tokens(user_id) if t.kind == "api"}
        if token_id not in owned or not tx.revoke_token(token_id, now):
            raise NotFound("API token", token_id)

    caller.store.write(work)


def list_access(caller: Caller, query: AccessQuery, page: Page) -> Listing[AccessRecord]:
    """Who read or changed what, newest first (reads recorded behind the answer show
    once the runtime's write-behind is flushed)."""
    return caller.store.read(lambda tx: tx.list_access(query, page))


def principal_for(store: Store, now: datetime, bearer: str, settings: Settings) -> Principal:
    """Who a bearer token speaks for: a signed access token or an API token."""
    if bearer.startswith(API_TOKEN_PREFIX):

        def by_api_token(tx: Transaction) -> Principal:
            record, user = _live_token(tx, bearer, "api", now, "The API token is not valid.")
            return principal_of(user, record.id, record.expires_at)

        return store.read(by_api_token)
    claimed = read_access_token(
        bearer,
        _token_secret(settings),
        now,
        max_lifetime=timedelta(minutes=settings.access_token_minutes),
    )

    def still_valid(tx: Transaction) -> Principal:
        if tx.find_token(digest(f"jti:{claimed.token_id}")) is not None or (
            claimed.family_id is not None
            and tx.find_token(revoked_family_hash(claimed.family_id)) is not None
        ):
            raise Unauthenticated("The access token was revoked; sign in again.")
        user = tx.get_user(claimed.user_id)
        if user is None or not user.active:
            raise Unauthenticated("The account is no longer active.")
        return principal_of(user, claimed.token_id, claimed.expires_at, claimed.family_id)

    return store.read(still_valid)

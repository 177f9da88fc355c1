"""Who a browser request acts as, its language, and its CSRF token.

The session is the API's own access token in an HttpOnly, SameSite=Strict cookie, with
the refresh token beside it (rotated on use), so a page resolves its principal exactly
as the API does (``accounts.principal_for``). POST forms carry a per-session CSRF token
in a hidden field that must match the CSRF cookie (double submit), and a POST whose
Origin names another site is refused.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request
from starlette.types import Message, Receive, Scope, Send

from api.asgi import HttpMiddleware, Watched
from api.idempotency import request_hash
from api.policy import rule_for
from api.web.i18n import Lang, as_lang
from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import Forbidden, InvalidInput, Unauthenticated
from referral_graph.security.model import Principal, Role
from referral_graph.services import accounts, witness
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building import local_today
from referral_graph.services.recorded import RecordedStore, record
from referral_graph.settings import Mode

ACCESS_COOKIE = "rg_session"
REFRESH_COOKIE = "rg_refresh"
CSRF_COOKIE = "rg_csrf"
LANG_COOKIE = "rg_lang"
CSRF_FIELD = "csrf"
_PENDING = "web_set_cookies"
_POSTED = "web_posted_form"
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


class SignInNeeded(Exception):
    """No valid session: the page answers with a redirect to the sign-in form."""


class CsrfRejected(Exception):
    """A POST without the session's CSRF token, or from another site."""


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.get_runtime()
    return runtime


def base_of(request: Request) -> str:
    """The path the web app is mounted at ('/app'), without a trailing slash."""
    return str(request.scope.get("root_path", "")).rstrip("/")


# --- cookies -----------------------------------------------------------------------
def _secure(request: Request, runtime: Runtime) -> bool:
    return request.url.scheme == "https" or runtime.settings.mode is Mode.PRODUCTION


def queue_cookie(
    request: Request,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    http_only: bool = True,
    same_site: str = "Strict",
) -> None:
    """Set a cookie on whatever response this request ends with (see CookieJar)."""
    parts = [f"{name}={value}", f"Path={base_of(request) or '/'}", f"SameSite={same_site}"]
    if http_only:
        parts.append("HttpOnly")
    if _secure(request, runtime_of(request)):
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    state: dict[str, Any] = request.scope.setdefault("state", {})
    pending = [c for c in state.get(_PENDING, []) if not c.startswith(f"{name}=")]
    pending.append("; ".join(parts))
    state[_PENDING] = pending


def clear_cookie(request: Request, name: str) -> None:
    queue_cookie(request, name, "", max_age=0)


class CookieJar(HttpMiddleware):
    """Adds the cookies queued during a request to its response (whatever made it)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        def add(message: Message) -> None:
            pending = scope.get("state", {}).get(_PENDING, [])
            headers = list(message.get("headers", []))
            headers += [(b"set-cookie", c.encode("latin-1")) for c in pending]
            message["headers"] = headers

        await self.app(scope, receive, Watched(send, add))


def set_session(request: Request, tokens: accounts.Tokens) -> None:
    runtime = runtime_of(request)
    queue_cookie(request, ACCESS_COOKIE, tokens.access_token)
    days = runtime.settings.refresh_token_days
    queue_cookie(request, REFRESH_COOKIE, tokens.refresh_token, max_age=days * 86400)


def end_session(request: Request) -> None:
    clear_cookie(request, ACCESS_COOKIE)
    clear_cookie(request, REFRESH_COOKIE)


# --- language and CSRF ---------------------------------------------------------------
def lang_of(request: Request) -> Lang:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in ("en", "km"):
        return as_lang(chosen)
    wanted = request.headers.get("accept-language", "").lower()
    return "km" if wanted.startswith("km") else "en"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, minted (and set as a cookie) on first need."""
    known: str | None = request.scope.setdefault("state", {}).get("web_csrf")
    if known:
        return known
    token = request.cookies.get(CSRF_COOKIE) or ""
    if len(token) < 32:
        token = secrets.token_urlsafe(32)
        queue_cookie(request, CSRF_COOKIE, token)
    request.scope["state"]["web_csrf"] = token
    return token


def renew_csrf(request: Request) -> None:
    """A new token for a new session (sign-in, sign-out)."""
    token = secrets.token_urlsafe(32)
    queue_cookie(request, CSRF_COOKIE, token)
    request.scope.setdefault("state", {})["web_csrf"] = token


def same_origin(request: Request) -> bool:
    """Whether the POST comes from this site. Browsers send ``Origin: null`` under the
    app's ``Referrer-Policy: no-referrer``; then the token alone decides."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def check_csrf(request: Request) -> None:
    """Refuse a POST whose form token does not match the cookie, or from elsewhere."""
    form = await request.form()
    # Kept for the refusal's page: an expired form comes back filled (api/web/errors.py).
    request.scope.setdefault("state", {})[_POSTED] = [
        (k, v) for k, v in form.multi_items() if isinstance(v, str) and k != CSRF_FIELD
    ]
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    if (
        not isinstance(sent, str)
        or len(cookie) < 32
        or not hmac.compare_digest(sent.encode(), cookie.encode())
        or not same_origin(request)
    ):
        raise CsrfRejected()


def posted_form(request: Request) -> list[tuple[str, str]] | None:
    """The text fields of the POST this request made (read by :func:`check_csrf`), or
    None when it read none."""
    posted: list[tuple[str, str]] | None = request.scope.get("state", {}).get(_POSTED)
    return posted


def form_idempotency(request: Request, principal: Principal) -> tuple[str, str, int] | None:
    """The ``Idempotency-Key`` of a form POST (the phone's offline queue sends one with
    each step it replays), scoped to the signed-in user as the API scopes it, with the
    fingerprint of the posted fields (without the CSRF token, which a later session may
    have renewed): the same key with other fields is refused (422)."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidInput("Send 1–100 letters, digits or _.:- only.", field="Idempotency-Key")
    fields = urlencode(sorted(posted_form(request) or []))
    digest = request_hash(request.method, request.url.path, fields.encode())
    return f"{principal.user_id}:{key}", digest, 200


# --- the principal -------------------------------------------------------------------
def _principal(request: Request, runtime: Runtime) -> Principal:
    settings, now = runtime.settings, runtime.now()
    token = request.cookies.get(ACCESS_COOKIE)
    if token:
        try:
            return runtime.principal(token)
        except Unauthenticated:
            pass
    refresh = request.cookies.get(REFRESH_COOKIE)
    if refresh:
        try:
            tokens = accounts.refresh(runtime.store, now, refresh, settings)
        except Unauthenticated:
            runtime.principals.forget_all()  # a family may have been revoked just now
            end_session(request)
        else:
            set_session(request, tokens)
            return accounts.principal_for(runtime.store, now, tokens.access_token, settings)
    raise SignInNeeded()


@dataclass
class Web:
    """One signed-in page request: who, in what language; the use cases it calls see it
    as :attr:`reader` (reads) or :meth:`caller` (writes)."""

    request: Request
    runtime: Runtime
    principal: Principal
    lang: Lang
    base: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def now(self) -> datetime:
        return self.runtime.now()

    @property
    def today(self) -> date:
        """The programme's calendar day now (as the API's ``today``)."""
        return local_today(self.now, self.runtime.settings.timezone)

    @property
    def csrf(self) -> str:
        return csrf_token(self.request)

    def allow(self, method: str, api_path: str) -> None:
        """The role check of the API route this page stands for (403 otherwise)."""
        rule = rule_for(method, api_path)
        if rule is None:
            raise Forbidden("This page has no access rule.")
        if rule.public or self.principal.role is Role.SYSTEM:
            return
        if rule.roles is None or self.principal.role not in rule.roles:
            raise Forbidden(f"A {self.principal.role.value} account may not do this.")

    def may(self, method: str, api_path: str) -> bool:
        try:
            self.allow(method, api_path)
        except Forbidden:
            return False
        return True

    def caller(self, path: str, params: dict[str, Any], *, idempotent: bool = False) -> Caller:
        """The signed-in person as the use cases see them, through a store whose every
        write appends to the access log in its transaction (as the API's writes do),
        recorded under the page's ``path``. ``idempotent``: a form whose POST may come
        again from the phone's offline queue; with an ``Idempotency-Key`` its first
        answer is kept with the change and a repeat raises ``Replay`` (nothing changes
        twice), exactly as the API's writes."""
        client = self.request.client.host if self.request.client else None
        store = RecordedStore(
            self.runtime.store,
            self.principal,
            self.runtime.now,
            self.request.method,
            path,
            params,
            client,
            form_idempotency(self.request, self.principal) if idempotent else None,
        )
        return Caller(self.principal, store, self.now)

    @property
    def reader(self) -> Caller:
        """The signed-in person on the store itself, for use cases that only read (and
        for signing out, which leaves no access record, as in the API)."""
        return Caller(self.principal, self.runtime.store, self.now)

    def log_read(self, path: str, object_id: str | None) -> None:
        """Record a read of case data in the access log (as the API does): one record
        per case the page read (``referral_graph.services.witness``), filed under it."""
        client = self.request.client.host if self.request.client else None
        seen = witness.current()
        cases: list[str | None] = [*(seen.case_ids if seen is not None else [])] or [None]
        for case_id in cases:
            entry = record(
                self.principal,
                self.runtime.now(),
                "read",
                self.request.method,
                path,
                object_id or case_id,
                client,
                case_id,
            )
            self.runtime.write_behind.append_access(entry)


def web_context(request: Request) -> Web:
    runtime = runtime_of(request)
    principal = _principal(request, runtime)
    # Who asked, for the access log's record of refused attempts (``api.access_log``).
    request.scope.setdefault("state", {})["principal"] = principal
    return Web(request, runtime, principal, lang_of(request), base_of(request))


WebDep = Annotated[Web, Depends(web_context)]

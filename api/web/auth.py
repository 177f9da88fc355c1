"""Signing in and out, the start page of each role, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.web.render import page
from api.web.session import (
    LANG_COOKIE,
    REFRESH_COOKIE,
    SignInNeeded,
    WebDep,
    base_of,
    check_csrf,
    end_session,
    queue_cookie,
    renew_csrf,
    runtime_of,
    set_session,
    web_context,
)
from referral_graph.domain.errors import TooManyAttempts, Unauthenticated
from referral_graph.security.model import Principal, Role
from referral_graph.services import accounts

router = APIRouter()

#: The first screen after signing in: the children waiting on me (issue #17).
HOMES: dict[Role, str] = {
    Role.CCWC: "/queue",
    Role.PROVIDER: "/queue",
    Role.SUPERVISOR: "/queue",
    Role.COORDINATOR: "/queue",
    Role.ADMIN: "/directory",
}


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def home_of(base: str, principal: Principal) -> str:
    return base + HOMES.get(principal.role, "/directory")


def safe_next(request: Request, target: str | None) -> str | None:
    """A redirect target inside the web app only (no other site, no other path)."""
    base = base_of(request)
    if (
        not target
        or not target.startswith(base + "/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return None
    return target


@router.get("/", include_in_schema=False)
def start(request: Request) -> Response:
    try:
        ctx = web_context(request)
    except SignInNeeded:
        return redirect(base_of(request) + "/signin")
    return redirect(home_of(ctx.base, ctx.principal))


@router.get("/signin", include_in_schema=False)
def sign_in_form(request: Request, next: str | None = None, out: int = 0) -> Response:
    return page(
        request,
        "signin.html",
        title="sign_in",
        next=safe_next(request, next) or "",
        message="signed_out" if out else ("session_expired" if next else None),
        error=None,
        username="",
    )


@router.post("/signin", include_in_schema=False, dependencies=[Depends(check_csrf)])
def sign_in(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    runtime = runtime_of(request)
    name = username.strip().lower()
    try:
        client = request.client.host if request.client else None
        tokens = accounts.sign_in(
            runtime.store, runtime.now(), name, password, runtime.settings, client
        )
    except (Unauthenticated, TooManyAttempts) as exc:
        locked = isinstance(exc, TooManyAttempts)
        return page(
            request,
            "signin.html",
            status=429 if locked else 401,
            title="sign_in",
            next=safe_next(request, next) or "",
            message=None,
            error="signin_locked" if locked else "signin_failed",
            username=name,
        )
    set_session(request, tokens)
    renew_csrf(request)
    principal = accounts.principal_for(
        runtime.store, runtime.now(), tokens.access_token, runtime.settings
    )
    return redirect(safe_next(request, next) or home_of(base_of(request), principal))


@router.get("/signout", include_in_schema=False)
def sign_out_page(request: Request) -> Response:
    """Signing out by a plain link (a bookmark, a typed address) asks once, with one
    button that posts the form: a GET changes nothing, so a prefetch, a crawler or
    another site's image tag cannot sign anyone out."""
    try:
        ctx = web_context(request)
    except SignInNeeded:
        return redirect(base_of(request) + "/signin?out=1")
    return page(request, "signout.html", principal=ctx.principal, title="sign_out")


@router.post("/signout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def sign_out(request: Request, ctx: WebDep) -> Response:
    accounts.sign_out(ctx.reader, request.cookies.get(REFRESH_COOKIE))
    runtime_of(request).principals.forget_all()
    end_session(request)
    renew_csrf(request)
    response = redirect(ctx.base + "/signin?out=1")
    # Belt and braces for offline.js's own wipe: the browser drops the pages the
    # service worker kept, the offline queue (IndexedDB) and the worker itself.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(request: Request, code: str, next: str | None = None) -> Response:
    """Remember the page language (a plain link: works without JavaScript)."""
    if code in ("en", "km"):
        queue_cookie(request, LANG_COOKIE, code, max_age=365 * 86400, same_site="Lax")
    return redirect(safe_next(request, next) or base_of(request) + "/")

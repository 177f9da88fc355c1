"""The web app for field workers (issue 7): server-rendered pages in English and Khmer,
phone first, that work without JavaScript.

It is a separate application, mounted under ``/app`` by ``api.app``, so that its pages
stay out of the JSON API's route table. It uses the API's own sign-in, access rules
(``api.policy``) and access log, and reads and writes only through the use cases of
``referral_graph.services`` (which decide who may see which object), so a page shows
and does exactly what the API lets the same account see and do.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import RETRY_AFTER_SECONDS
from api.middleware import BodyTooLarge
from api.web import (
    admin,
    admin_users,
    alerts,
    auth,
    case_life,
    cases,
    coaching,
    dashboard,
    inbox,
    intake,
    meeting_actions,
    meetings,
    network,
    people,
    queue,
    relays,
    training_import,
    training_overview,
    training_session,
    trainings,
)
from api.web.render import STATIC, page
from api.web.session import CookieJar, CsrfRejected, SignInNeeded, base_of, renew_csrf
from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ReferralGraphError,
    StoreUnavailable,
    TooManyAttempts,
    Unauthenticated,
)

__all__ = ["create_web_app"]

STATIC_MAX_AGE = 7 * 24 * 3600


class CachedStatic:
    """Static files with a cache lifetime (their URLs carry a content hash)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def add(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                headers = list(message.get("headers", []))
                headers.append((b"cache-control", f"public, max-age={STATIC_MAX_AGE}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, add)


def _error_page(request: Request, status: int, message: str, **values: object) -> Response:
    return page(
        request, "error.html", status=status, title="error_title", message=message, values=values
    )


def _install_errors(app: FastAPI) -> None:
    async def sign_in_needed(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        query = f"?next={quote(target, safe='/')}" if request.method == "GET" else ""
        return RedirectResponse(f"{base_of(request)}/signin{query}", status_code=303)

    async def csrf_rejected(request: Request, exc: Exception) -> Response:
        renew_csrf(request)
        return _error_page(request, 403, "csrf_failed")

    async def domain_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, Unauthenticated):
            return await sign_in_needed(request, exc)
        status, message = 500, "error_title"
        if isinstance(exc, NotFound):
            status, message = 404, "not_found"
        elif isinstance(exc, Forbidden):
            status, message = 403, "forbidden"
        elif isinstance(exc, InvalidInput):
            status, message = 422, "err_invalid"
        elif isinstance(exc, Conflict):
            status, message = 409, "err_conflict"
        elif isinstance(exc, TooManyAttempts):
            status, message = 429, "signin_locked"
        elif isinstance(exc, StoreUnavailable):  # a full disk too: nothing was written
            response = _error_page(request, 503, "err_unavailable")
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return _error_page(request, status, message)

    async def bad_request(request: Request, exc: Exception) -> Response:
        return _error_page(request, 422, "err_invalid")

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
        if isinstance(exc, BodyTooLarge):
            return _error_page(request, 413, "err_too_large", kb=exc.max_bytes // 1024)
        return _error_page(request, status, "not_found" if status == 404 else "error_title")

    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(CsrfRejected, csrf_rejected)
    app.add_exception_handler(ReferralGraphError, domain_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(StarletteHTTPException, http_error)


def create_web_app(get_runtime: Callable[[], Runtime]) -> FastAPI:
    """The web app; mount it with ``app.mount("/app", create_web_app(lambda:
    app.state.runtime))``. ``get_runtime`` is called per request, so the runtime may be
    built later (in the main app's lifespan)."""
    web = FastAPI(
        title="referral-graph web",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    web.state.get_runtime = get_runtime
    _install_errors(web)
    web.add_middleware(CookieJar)
    # Pages are compressed too: every signed-in cookie is SameSite=Strict, so no other
    # site can make a browser fetch a signed-in page to measure it (BREACH).
    web.add_middleware(GZipMiddleware, minimum_size=1000)
    # In this order: /trainings/import before /trainings/{session_id}.
    for module in (
        auth,
        queue,
        cases,
        case_life,
        inbox,
        intake,
        relays,
        dashboard,
        admin,
        admin_users,
        network,
        training_overview,
        coaching,
        people,
        trainings,
        training_import,
        training_session,
        alerts,
        meeting_actions,
        meetings,
    ):
        web.include_router(module.router)
    static = CachedStatic(StaticFiles(directory=STATIC))
    web.mount("/static", static, name="static")
    return web

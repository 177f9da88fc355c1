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

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.web import (
    admin,
    admin_users,
    alerts,
    auth,
    case_life,
    cases,
    coaching,
    dashboard,
    errors,
    inbox,
    intake,
    meeting_actions,
    meetings,
    network,
    offline,
    people,
    queue,
    relays,
    training_import,
    training_overview,
    training_session,
    trainings,
)
from api.web.render import STATIC
from api.web.session import CookieJar
from referral_graph.bootstrap import Runtime

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
    errors.install(web)
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
        offline,
    ):
        web.include_router(module.router)
    static = CachedStatic(StaticFiles(directory=STATIC))
    web.mount("/static", static, name="static")
    return web

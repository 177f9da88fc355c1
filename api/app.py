"""The FastAPI application: one factory for the JSON API, its docs and the web app.

It is handed a :class:`~referral_graph.bootstrap.Runtime`, or builds and readies its own
through the composition root (``referral_graph.bootstrap``: the store, startup seeding,
the demo accounts), and runs the scheduler beside it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute

from api import errors
from api.access_log import ReadAccessLog
from api.hardening import RateLimit, SecurityHeaders, install_front_door
from api.middleware import BodySizeLimit
from api.observability import install_observability
from api.policy import rule_for
from api.responses import problems
from api.routers import (
    alerts,
    audit,
    auth,
    awareness,
    cases,
    directory_io,
    disputes,
    fhir,
    health,
    incident,
    intake,
    meetings,
    pathways,
    providers,
    queue,
    referrals,
    routing,
    timeliness,
    training,
    training_overview,
    users,
)
from api.sample_data import SampleDataHeader
from api.security import SCHEME, SECURITY_SCHEME, authorize
from api.web import create_web_app
from referral_graph import __version__
from referral_graph.bootstrap import Runtime, build_runtime, start
from referral_graph.settings import Settings, get_settings

STATIC = Path(__file__).parent / "static"
WEB_PREFIX = "/app"  # where the web app is mounted

DESCRIPTION = """
Referral network coordination for child protection and mental-health support in
Cambodia: the directory of providers and pathways, cases known only by pseudonymous
codes, and referrals that move through an explicit lifecycle with every step on record.
Errors are RFC 9457 problem details. While the store holds sample data (invented people,
trainings, coaching and awareness sessions for trying the system out), every answer
carries the header `Sample-Data: present`.
"""


#: Swagger UI, started from a file (``static/docs.js``): the Content-Security-Policy
#: allows no inline script, which FastAPI's own docs page has.
DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>referral-graph API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


def create_app(runtime: Runtime | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or (runtime.settings if runtime else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        rt = runtime or build_runtime(settings)
        if own:
            start(rt)
        app.state.runtime = rt
        # Handlers that read the store run on worker threads; with SQLite the work is
        # CPU under one GIL, and forty threads taking turns only add switching.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        scheduler = None
        if own and settings.tick_seconds > 0:
            from referral_graph.scheduler import Scheduler

            scheduler = Scheduler(rt, settings.tick_seconds)
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()
            rt.write_behind.close()
            if own:
                rt.store.close()

    app = FastAPI(
        title="referral-graph",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    if runtime is not None:
        app.state.runtime = runtime
    errors.install(app)
    app.add_middleware(ReadAccessLog)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, pages_prefix=WEB_PREFIX)
    if settings.rate_limit_per_minute > 0:
        app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(SampleDataHeader)
    # Starlette tries routes in order: the busiest (recommendations, handoffs, cases)
    # first, so that their requests do not walk every other router before matching.
    for module in (
        routing,
        referrals,
        cases,
        providers,
        health,
        auth,
        users,
        pathways,
        timeliness,
        alerts,
        audit,
        fhir,
        directory_io,
        training_overview,
        training,
        awareness,
        queue,
        intake,
        incident,
        disputes,
        meetings,
    ):
        app.include_router(module.router, dependencies=[Depends(authorize)])
    install_observability(app)
    install_front_door(app, settings.hosts, settings.trusted_proxies)
    _serve_docs(app)
    app.mount(WEB_PREFIX, create_web_app(lambda: app.state.runtime))
    _check_rules(app)
    _declare_bearer_scheme(app)
    return app


def _declare_bearer_scheme(app: FastAPI) -> None:
    """Name the bearer scheme in the OpenAPI document (routes that need it say so in
    ``_check_rules``; the token is read by ``api.security``, not a FastAPI dependency)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()  # kept by FastAPI as app.openapi_schema
        schema.setdefault("components", {}).setdefault("securitySchemes", {})[SCHEME] = (
            SECURITY_SCHEME
        )
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _serve_docs(app: FastAPI) -> None:
    """OpenAPI docs with Swagger UI served from the app itself (vendored, no CDN)."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route of the app, through included routers."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        original = getattr(route, "original_router", None)
        if original is not None:
            yield from api_routes(original.routes)


def _check_rules(app: FastAPI) -> None:
    """Refuse to start with a route that has no access rule; document 401/403."""
    missing = []
    for route in api_routes(app.routes):
        for method in route.methods or set():
            rule = rule_for(method, route.path)
            if rule is None:
                missing.append(f"{method} {route.path}")
            elif not rule.public:
                route.responses.update(problems(401, 403))
                route.openapi_extra = {**(route.openapi_extra or {}), "security": [{SCHEME: []}]}
    if missing:
        raise RuntimeError(f"routes without an access rule in api/policy.py: {missing}")

"""The FastAPI application: one factory, one composition root."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.middleware import BodySizeLimit
from api.routers import (
    cases,
    directory_io,
    fhir,
    health,
    pathways,
    providers,
    referrals,
    routing,
    timeliness,
)
from referral_graph import __version__
from referral_graph.bootstrap import Runtime, build_runtime
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.settings import Settings, get_settings

log = logging.getLogger("referral_graph.api")

DESCRIPTION = """
Referral network coordination for child protection and mental-health support in
Cambodia: the directory of providers and pathways, cases known only by pseudonymous
codes, and referrals that move through an explicit lifecycle with every step on record.
Errors are RFC 9457 problem details.
"""


def _warm_up(runtime: Runtime) -> None:
    """Build the directory graph before the first request needs it."""
    try:
        runtime.routing.directory.current()
    except ReferralGraphError as exc:
        log.warning("directory graph not built at start: %s", exc.detail)


def create_app(runtime: Runtime | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or (runtime.settings if runtime else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        rt = runtime or build_runtime(settings)
        if own and settings.seed_on_start:
            from seed.seeding import seed_if_empty

            seed_if_empty(rt.store)
        app.state.runtime = rt
        if own:
            _warm_up(rt)
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
            if own:
                rt.store.close()

    app = FastAPI(
        title="referral-graph",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    if runtime is not None:
        app.state.runtime = runtime
    errors.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    for module in (
        health,
        providers,
        pathways,
        cases,
        referrals,
        routing,
        timeliness,
        fhir,
        directory_io,
    ):
        app.include_router(module.router)
    return app

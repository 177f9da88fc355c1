"""Request ids, one JSON log line per request, and Prometheus metrics at ``/metrics``.

:func:`install_observability` wraps the *whole* middleware stack, outside even
Starlette's error middleware, so that every answer is seen as the client gets it: a
500 from an unexpected error carries its ``X-Request-ID`` and is counted as a 500, and
the time measured includes every middleware (rate limit, body limit …).

**Request id.** An incoming ``X-Request-ID`` made of at most 64 letters, digits and
``._:-`` is kept (a proxy's id follows the request through); anything else is
replaced by a fresh one. Either way it is echoed in the response's ``X-Request-ID``,
kept in ``request.state.request_id`` and stamped on every log record made while the
request is answered (:data:`referral_graph.logging_setup.REQUEST_ID`).

**Log line.** ``referral_graph.http`` logs one record per request with ``request_id``,
``method``, ``route`` (the route template, never the path: ids of cases stay out of
the logs), ``status``, ``duration_ms`` and ``client``; 5xx at WARNING, ``/health`` and
``/metrics`` at DEBUG (probes and scrapes would drown the rest), else INFO.

**Metrics.** Per route template, method and status class (``2xx`` …): requests
answered (``referral_graph_http_requests_total``) and their latency
(``referral_graph_http_request_duration_seconds``); requests in flight; 503 answers,
i.e. the store did not answer (``referral_graph_store_unavailable_responses_total``);
process figures (memory, CPU, open files). At each scrape the store is asked for
referrals per status (``referral_graph_referrals``) and open referrals past their
current deadline (``referral_graph_referrals_overdue``); ``referral_graph_store_up``
says whether it answered. Counts only: no id, no case field, no name.

``/metrics`` is public (Prometheus scrapes without a token; see ``api/policy.py``),
like ``/health``. Block it at the reverse proxy if the counts should not be seen from
outside. With several workers each keeps its own counters (a scrape sees one worker).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import HttpMiddleware, Watched
from api.security import authorize
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.domain.ids import random_hex
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.logging_setup import REQUEST_ID
from referral_graph.services.health import ReferralFigures, referral_figures

log = logging.getLogger("referral_graph.http")

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_QUIET_ROUTES = frozenset({"/health", "/metrics"})
UNMATCHED = "unmatched"

#: Seconds; the API answers most requests in milliseconds, routing in tens of them.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The app's metrics, in a registry of their own (one per app, so tests can build
    many apps in one process)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        labels = ("method", "route", "status_class")
        self.requests = Counter(
            "referral_graph_http_requests",
            "HTTP requests answered.",
            labels,
            registry=self.registry,
        )
        self.latency = Histogram(
            "referral_graph_http_request_duration_seconds",
            "Time from the request's arrival to the end of its answer.",
            labels,
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "referral_graph_http_requests_in_flight",
            "Requests being answered now.",
            registry=self.registry,
        )
        self.store_unavailable = Counter(
            "referral_graph_store_unavailable_responses",
            "Answers 503: the store did not answer in time.",
            ("route",),
            registry=self.registry,
        )
        ProcessCollector(registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        status_class = f"{status // 100}xx"
        self.requests.labels(method, route, status_class).inc()
        self.latency.labels(method, route, status_class).observe(seconds)
        if status == 503:
            self.store_unavailable.labels(route).inc()


class StoreFigures:
    """Figures read from the store at each scrape (a Prometheus collector)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def describe(self) -> Iterable[Metric]:
        # Named without touching the store (registering a collector describes it).
        return self._families()

    def _families(self) -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily(
                "referral_graph_referrals", "Referrals per status.", labels=("status",)
            ),
            GaugeMetricFamily(
                "referral_graph_referrals_overdue",
                "Open referrals past the deadline of the step they wait on.",
            ),
            GaugeMetricFamily(
                "referral_graph_store_up", "1 if the store answered this scrape, else 0."
            ),
        ]

    def collect(self) -> Iterable[Metric]:
        by_status, overdue, up = self._families()
        runtime = getattr(self.app.state, "runtime", None)
        figures: ReferralFigures | None = None
        if runtime is not None:
            try:
                figures = referral_figures(runtime.system())
            except ReferralGraphError as exc:
                log.warning("metrics: the store did not answer: %s", exc.detail)
        up.add_metric([], 0 if figures is None else 1)
        if figures is None:
            return [up]
        for status in ReferralStatus:
            by_status.add_metric([status.value], figures.by_status.get(status.value, 0))
        overdue.add_metric([], figures.overdue)
        return [by_status, overdue, up]


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = bytes(value).decode("latin-1")
            if _SANE_ID.fullmatch(text):
                return text
            break
    return random_hex(16)


def _route(scope: Scope) -> str:
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class Observability(HttpMiddleware):
    """Pure ASGI middleware: request id, one log line and metrics per request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        self.metrics.in_flight.inc()

        def stamp(start: Message) -> None:
            MutableHeaders(scope=start)[HEADER] = request_id

        answer = Watched(send, stamp)
        try:
            await self.app(scope, receive, answer)
        finally:
            seconds = time.perf_counter() - started
            status = answer.status or 500  # no answer started: an error escaped
            self.metrics.in_flight.dec()
            route = _route(scope)
            self.metrics.observe(scope["method"], route, status, seconds)
            self._log(scope, request_id, route, status, seconds)
            REQUEST_ID.reset(token)

    @staticmethod
    def _log(scope: Scope, request_id: str, route: str, status: int, seconds: float) -> None:
        level = logging.INFO
        if status >= 500:
            level = logging.WARNING
        elif route in _QUIET_ROUTES:
            level = logging.DEBUG
        if not log.isEnabledFor(level):
            return
        client = scope.get("client")
        log.log(
            level,
            "request",
            extra={
                "request_id": request_id,
                "method": scope["method"],
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "client": client[0] if client else None,
            },
        )


def install_observability(
    app: FastAPI,
    *,
    metrics_path: str | None = "/metrics",
    registry: CollectorRegistry | None = None,
    dependencies: Sequence[Any] = (Depends(authorize),),
) -> Metrics:
    """Wrap ``app`` in :class:`Observability` and serve its metrics at ``metrics_path``
    (None: not served). Call it before the app answers its first request."""
    if app.middleware_stack is not None:
        raise RuntimeError("install_observability must run before the app starts")
    installed: Metrics | None = getattr(app.state, "metrics", None)
    if installed is not None:  # create_app installs it; a second call changes nothing
        return installed
    metrics = Metrics(registry)
    metrics.registry.register(StoreFigures(app))
    app.state.metrics = metrics
    build_stack = app.build_middleware_stack

    def build_observed_stack() -> ASGIApp:
        return Observability(build_stack(), metrics)

    app.build_middleware_stack = build_observed_stack  # type: ignore[method-assign]

    if metrics_path is not None:

        def metrics_endpoint() -> Response:
            """Prometheus metrics (text exposition format)."""
            return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

        app.add_api_route(
            metrics_path,
            metrics_endpoint,
            methods=["GET"],
            include_in_schema=False,
            dependencies=list(dependencies),
            response_class=Response,
        )
    return metrics

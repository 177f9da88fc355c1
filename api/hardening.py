"""Security headers, a per-client rate limit, and the front door: which Host names the
server answers to and which proxies' ``X-Forwarded-*`` headers it believes (all plain
ASGI middleware)."""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
from collections.abc import Callable
from typing import cast

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.asgi import HttpMiddleware, Watched, send_problem

#: The Content-Security-Policy, with room for the hashes of a page's own style sheets.
POLICY = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self'%s; script-src 'self'; "
    b"object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def styles_allowed(html: str) -> str:
    """The policy for a self-contained printable page (the monthly report, a meeting
    pack, downloaded as HTML): its own ``<style>`` elements, named by their SHA-256,
    and nothing else inline."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
        for css in _STYLE.findall(html)
    )
    return (POLICY % hashes.encode()).decode()


HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    # No inline script, handler or style anywhere (templates load files from /static;
    # htmx is told not to inject its indicator style, cytoscape finds its stylesheet
    # already linked; the docs page starts Swagger UI from a file): an injected
    # <script> or style attribute is not run.
    (b"content-security-policy", POLICY % b""),
    (b"cache-control", b"no-store"),
]


#: What a static file (a style sheet, a script, a font) needs of them: the policy, the
#: frame and the window rules apply to documents (and workers, which are not served from
#: /static), while the headers ride uncompressed on every request of a slow link.
STATIC_HEADERS = [
    (k, v)
    for k, v in HEADERS
    if k in (b"x-content-type-options", b"referrer-policy", b"cache-control")
]


def _adding(headers: list[tuple[bytes, bytes]]) -> Callable[[Message], None]:
    def add(start: Message) -> None:
        present = {k.lower() for k, _ in start.get("headers", [])}
        extra = [(k, v) for k, v in headers if k not in present]
        start["headers"] = [*start.get("headers", []), *extra]

    return add


_add_headers = _adding(HEADERS)
_add_static_headers = _adding(STATIC_HEADERS)


class SecurityHeaders(HttpMiddleware):
    """Every answer gets :data:`HEADERS` (those the app did not set itself); a static
    file :data:`STATIC_HEADERS`."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        static = "/static/" in str(scope.get("path", ""))
        add = _add_static_headers if static else _add_headers
        await self.app(scope, receive, Watched(send, add))


class RateLimit(HttpMiddleware):
    """At most ``per_minute`` requests per client address per minute (token bucket, per
    process); more answer 429 with ``Retry-After``. Health checks are not counted."""

    def __init__(self, app: ASGIApp, per_minute: int) -> None:
        super().__init__(app)
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > 100_000:
                self._buckets.clear()
            return True

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if (
            scope["path"] == "/health"
            or self.rate <= 0
            or self._allow(client[0] if client else "unknown")
        ):
            await self.app(scope, receive, send)
            return
        await send_problem(
            send,
            429,
            "Too many requests",
            "Too many requests from this address; slow down.",
            headers=[(b"retry-after", b"60")],
        )


class AllowedHosts(HttpMiddleware):
    """Answer only requests whose ``Host`` is one of ``hosts`` (``*.example.org`` matches
    its subdomains; ``*`` matches anything): any other gets 400 (problem details) before
    the app sees it, so a forged ``Host`` never reaches a redirect or an absolute URL
    the app builds from it (trailing-slash redirects, the FHIR ``fullUrl`` links).
    ``/health`` answers any host (probes name the container's address)."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        super().__init__(app)
        self.any = "*" in hosts
        self.exact = {h.lower() for h in hosts if not h.startswith("*.")}
        self.suffixes = tuple(h.lower()[1:] for h in hosts if h.startswith("*."))

    def allowed(self, host: str) -> bool:
        name = host.lower()
        name = name[1 : name.index("]")] if name.startswith("[") and "]" in name else name
        name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name  # a port
        return name in self.exact or (bool(name) and name.endswith(self.suffixes))

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
        if self.any or scope["path"] == "/health" or self.allowed(host):
            await self.app(scope, receive, send)
            return
        await send_problem(
            send,
            400,
            "Unknown host",
            f"This server does not answer to the host {host[:100]!r} "
            "(REFERRAL_GRAPH_ALLOWED_HOSTS).",
            field="Host",
        )


def install_front_door(app: FastAPI, allowed_hosts: list[str], trusted_proxies: list[str]) -> None:
    """Put the host check and the forwarded headers outside everything else (even the
    request log and metrics, so that they see the real client): ``X-Forwarded-For``
    and ``X-Forwarded-Proto`` are believed only from ``trusted_proxies`` (addresses or
    networks; none by default), through uvicorn's own ``ProxyHeadersMiddleware``.
    ``serve`` turns uvicorn's proxy handling off, which would otherwise believe any
    client at 127.0.0.1."""
    build_stack = app.build_middleware_stack

    def build_front_door() -> ASGIApp:
        inner = AllowedHosts(build_stack(), allowed_hosts)
        door = ProxyHeadersMiddleware(inner, trusted_hosts=trusted_proxies)  # type: ignore[arg-type]
        return cast(ASGIApp, door)  # uvicorn types the ASGI callable its own way

    app.build_middleware_stack = build_front_door  # type: ignore[method-assign]

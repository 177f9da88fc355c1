"""Security headers and a per-client rate limit (both plain ASGI middleware)."""

from __future__ import annotations

import threading
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import HttpMiddleware, Watched, send_problem

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'",
    ),
    (b"cache-control", b"no-store"),
]


def _add_headers(start: Message) -> None:
    present = {k.lower() for k, _ in start.get("headers", [])}
    extra = [(k, v) for k, v in HEADERS if k not in present]
    start["headers"] = [*start.get("headers", []), *extra]


class SecurityHeaders(HttpMiddleware):
    """Every answer gets :data:`HEADERS` (those the app did not set itself)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, Watched(send, _add_headers))


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

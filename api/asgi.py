"""What the app's plain ASGI middleware share: passing through anything that is not an
HTTP request, watching an answer start (its status, and its headers on the way out),
and answering a problem (RFC 9457) before the app is reached.

Plain ASGI rather than Starlette's ``BaseHTTPMiddleware``: no task and no body copy per
request, which showed in the latency tails.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HttpMiddleware:
    """A middleware for HTTP requests (:meth:`http`); lifespan and websocket messages
    pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class Watched:
    """``send``, watched: once the answer starts, its ``status``; ``on_start`` sees the
    start message first and may change its headers."""

    __slots__ = ("_on_start", "_send", "status")

    def __init__(self, send: Send, on_start: Callable[[Message], None] | None = None) -> None:
        self._send = send
        self._on_start = on_start
        self.status: int | None = None

    @property
    def started(self) -> bool:
        return self.status is not None

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            if self._on_start is not None:
                self._on_start(message)
        await self._send(message)


async def send_problem(
    send: Send,
    status: int,
    title: str,
    detail: str,
    *,
    field: str | None = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """Answer with problem details, without the app (its error handlers are not
    reached from a middleware)."""
    problem: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if field is not None:
        problem["field"] = field
    body = json.dumps(problem).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                *headers,
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

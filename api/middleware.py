"""ASGI middleware: a hard cap on request body size."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import HttpMiddleware, Watched, send_problem


class BodyTooLarge(HTTPException):
    """Raised while reading a body that grows past the limit (FastAPI lets
    ``HTTPException`` through its body parsing, so the problem handler answers 413)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"Request bodies are limited to {max_bytes} bytes.")
        self.max_bytes = max_bytes


class BodySizeLimit(HttpMiddleware):
    """Answer 413 (problem details) to any request body larger than ``max_bytes``,
    whether or not it declares its length. Under ``pages_prefix`` (the web app) the
    request goes on and its first read of the body raises :class:`BodyTooLarge`, so that
    the web app answers with a page in the reader's language rather than JSON."""

    def __init__(self, app: ASGIApp, max_bytes: int, pages_prefix: str | None = None) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes
        self.pages_prefix = pages_prefix

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body (HTTP/1.1): nothing to count
            return
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            if self.pages_prefix is not None and scope["path"].startswith(self.pages_prefix):
                await self.app(scope, self._refuse_body, send)
            else:
                await self._reject(send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        answer = Watched(send)
        try:
            await self.app(scope, limited_receive, answer)
        except BodyTooLarge:
            if not answer.started:
                await self._reject(send)

    async def _refuse_body(self) -> Message:
        raise BodyTooLarge(self.max_bytes)

    async def _reject(self, send: Send) -> None:
        detail = f"Request bodies are limited to {self.max_bytes} bytes."
        await send_problem(send, 413, "Request body too large", detail, field="body")

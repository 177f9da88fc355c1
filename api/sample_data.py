"""``Sample-Data: present`` on every answer while the store holds sample data (invented
people, trainings, coaching and awareness sessions: ``referral-graph seed sample``), so
that no client takes them for real records. Static files are left alone.

The answer to "is any stored?" is the runtime's :class:`SampleDataMark`: one cheap read
at most every ``REFERRAL_GRAPH_SAMPLE_DATA_CACHE_SECONDS``, on a worker thread.
"""

from __future__ import annotations

import logging

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from referral_graph.domain.errors import ReferralGraphError
from referral_graph.services.sample_data import HEADER, PRESENT, SampleDataMark

log = logging.getLogger("referral_graph.api")
_HEADER = (HEADER.lower().encode(), PRESENT.encode())
_STATIC = ("/static/", "/app/static/")


async def sample_data_stored(mark: SampleDataMark) -> bool:
    """The mark's answer, read on a worker thread when it must ask the store; False when
    the store cannot answer (the request itself will say so)."""
    if mark.fresh():
        return mark.present()
    try:
        return await anyio.to_thread.run_sync(mark.present)
    except ReferralGraphError as exc:
        log.warning("sample data not checked: %s", exc.detail)
        return False


class SampleDataHeader:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = getattr(getattr(scope.get("app"), "state", None), "runtime", None)
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or runtime is None or path.startswith(_STATIC):
            await self.app(scope, receive, send)
            return
        if not await sample_data_stored(runtime.sample_data):
            await self.app(scope, receive, send)
            return

        async def mark(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), _HEADER]
            await send(message)

        await self.app(scope, receive, mark)

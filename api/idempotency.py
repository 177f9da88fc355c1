"""``Idempotency-Key``: a retried request gets the first answer and changes nothing.

The key is scoped to the signed-in user. The first answer is stored in the same
transaction as the change it reports, so a crash between the commit and the reply
cannot make a retry change anything twice. The same key with a different request
answers 422; keys are forgotten after ``REFERRAL_GRAPH_IDEMPOTENCY_HOURS``.

This dependency only reads the header and fingerprints the request: the key is
looked up, claimed and answered inside the write's own transaction
(:class:`~referral_graph.services.recorded.RecordedStore`), so a request is one
transaction, and a retry sent while the first is in flight waits for it and replays its
answer instead of meeting the state it left (a 409).
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from api.security import authorize
from referral_graph.domain.idempotency import IdempotencyRecord

REPLAYED = "Idempotency-Replayed"


def replay_response(record: IdempotencyRecord) -> Response:
    return Response(
        record.body,
        status_code=record.status,
        media_type="application/json",
        headers={REPLAYED: "true"},
    )


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


async def idempotency(
    request: Request,
    _authorized: Annotated[None, Depends(authorize)],
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=100,
            pattern=r"^[A-Za-z0-9_.:-]+$",
            description="Send the same key when retrying: the first answer comes back and "
            "nothing changes twice.",
        ),
    ] = None,
) -> None:
    if idempotency_key is None:
        return
    principal = request.state.principal
    scoped = f"{principal.user_id}:{idempotency_key}"
    digest = request_hash(request.method, request.url.path, await request.body())
    route = request.scope.get("route")
    status = route.status_code if isinstance(route, APIRoute) and route.status_code else 200
    request.state.idempotency = (scoped, digest, status)


IdempotencyDep = Depends(idempotency)

"""The access log: every write in the transaction it records, every read of case data
right after it is answered."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from itertools import count
from typing import Any, TypeVar

from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.policy import rule_for
from referral_graph.domain.errors import Conflict
from referral_graph.domain.ids import new_ordered_id
from referral_graph.security.model import AccessRecord, Principal
from referral_graph.store.port import IdempotencyRecord, Store, Transaction

T = TypeVar("T")
log = logging.getLogger("referral_graph.access")

_OBJECT_PARAMS = (
    "case_id",
    "referral_id",
    "provider_id",
    "pathway_id",
    "user_id",
    "task_id",
    "request_id",
    "message_id",
)


def object_id_of(path_params: dict[str, Any], result: object = None) -> str | None:
    for name in _OBJECT_PARAMS:
        if name in path_params:
            return str(path_params[name])
    ident = getattr(result, "id", None)
    return ident if isinstance(ident, str) else None


def record(
    principal: Principal,
    at: datetime,
    action: str,
    method: str,
    path: str,
    object_id: str | None,
    client: str | None,
) -> AccessRecord:
    return AccessRecord(
        id=new_ordered_id("acc"),
        at=at,
        user_id=principal.user_id,
        username=principal.username,
        role=principal.role.value,
        action=action,
        method=method,
        path=path,
        object_id=object_id,
        client=client,
    )


class LoggedStore(Store):
    """A store whose every write also appends an access record, in the same
    transaction: the change and its record commit together or not at all."""

    def __init__(
        self,
        inner: Store,
        principal: Principal,
        now: Callable[[], datetime],
        method: str,
        path: str,
        path_params: dict[str, Any],
        client: str | None,
        idempotency: tuple[str, str, int] | None = None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.embedded = inner.embedded
        self._principal = principal
        self._now = now
        self._method, self._path, self._params = method, path, path_params
        self._client = client
        self._idempotency = idempotency
        self._seq = count()

    def write(self, work: Callable[[Transaction], T]) -> T:
        def logged(tx: Transaction) -> T:
            result = work(tx)
            entry = record(
                self._principal,
                self._now(),
                "write",
                self._method,
                self._path,
                object_id_of(self._params, result),
                self._client,
            )
            tx.append_access(entry)
            if self._idempotency is not None:
                key, digest, status = self._idempotency
                tx.save_idempotency(
                    IdempotencyRecord(key, digest, status, _json(result), self._now())
                )
            return result

        try:
            return self.inner.write(logged)
        except Conflict as exc:
            if self._idempotency is None or exc.field != "Idempotency-Key":
                raise
            # Another request with the same key won the race: answer as it did.
            key, digest, _status = self._idempotency
            first = self.inner.read(lambda tx: tx.get_idempotency(key))
            if first is None or first.request_hash != digest:
                raise
            from api.idempotency import Replay

            raise Replay(first) from None

    def read(self, work: Callable[[Transaction], T]) -> T:
        return self.inner.read(work)

    def initialise(self) -> None:
        self.inner.initialise()

    def ping(self) -> None:
        self.inner.ping()

    def reset(self) -> None:
        self.inner.reset()

    def close(self) -> None:
        """The shared store outlives the request."""


def _json(result: object) -> str:
    if isinstance(result, BaseModel):
        return result.model_dump_json()
    return json.dumps(result, default=str)


class ReadAccessLog:
    """After a successful answer on a route that reads case data, append who read it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = [0]

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        principal = scope.get("state", {}).get("principal")
        route = scope.get("route")
        if principal is None or not isinstance(route, APIRoute) or status[0] >= 400:
            return
        rule = rule_for(scope["method"], route.path)
        if rule is None or not rule.case_data:
            return
        runtime = scope["app"].state.runtime
        client = scope.get("client")
        entry = record(
            principal,
            runtime.now(),
            "read",
            scope["method"],
            route.path,
            object_id_of(scope.get("path_params", {})),
            client[0] if client else None,
        )
        runtime.write_behind.append_access(entry)

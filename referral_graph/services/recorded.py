"""A store that records who wrote: every write through it appends an access record
(and, for a request sent with an ``Idempotency-Key``, its first answer) in the same
transaction, so the change and its record commit together or not at all.

The API wraps the shared store in one per signed-in request and hands it to the use
cases in their :class:`~referral_graph.services.caller.Caller`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from itertools import count
from typing import Any, TypeVar

from pydantic import BaseModel

from referral_graph.domain.errors import Conflict
from referral_graph.domain.ids import new_ordered_id
from referral_graph.domain.records import IdempotencyRecord
from referral_graph.security.model import AccessRecord, Principal
from referral_graph.store.port import Store, Transaction

T = TypeVar("T")


class Replay(Exception):
    """A request repeats an ``Idempotency-Key`` already answered: answer with the
    stored first answer (nothing was changed)."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.record = record


def find_answer(store: Store, key: str) -> IdempotencyRecord | None:
    """The first answer given to a request with this (user-scoped) key, if any."""
    return store.read(lambda tx: tx.get_idempotency(key))


_OBJECT_PARAMS = (
    "case_id",
    "referral_id",
    "identification_id",
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


class RecordedStore(Store):
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

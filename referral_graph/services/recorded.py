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
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel

from referral_graph.domain.errors import (
    IdempotencyKeyTaken,
    InvalidInput,
    ReferralGraphError,
    StoreUnavailable,
)
from referral_graph.domain.idempotency import IdempotencyRecord
from referral_graph.domain.ids import new_ordered_id
from referral_graph.domain.models import Case, Referral
from referral_graph.security.model import AccessRecord, Principal
from referral_graph.services import witness
from referral_graph.store.port import Store, Transaction

T = TypeVar("T")


class Replay(Exception):
    """A request repeats an ``Idempotency-Key`` already answered: answer with the
    stored first answer (nothing was changed)."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.record = record


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
    "alert_id",
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
    case_id: str | None = None,
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
        case_id=case_id,
    )


def case_of(result: object) -> str | None:
    """The case a write's result concerns: a case, a referral (or a referral with its
    events); else the one case the write's transaction read, if only one."""
    if isinstance(result, Case):
        return result.id
    inner = getattr(result, "referral", result)
    if isinstance(inner, Referral):
        return inner.case_id
    seen = witness.current()
    return seen.case_ids[0] if seen is not None and len(seen.case_ids) == 1 else None


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
        """``work``, its access record and (with a key) its answer, in one transaction.

        With an ``Idempotency-Key`` nothing is looked up first: the answer is stored
        with the change, and the store refuses a key already answered
        (``IdempotencyKeyTaken``, carrying the first answer, which is then replayed).
        A retry of a request still in flight waits for it on the key: SQLite's writers
        take turns (``BEGIN IMMEDIATE``), and Neo4j writes the key first of the unit's
        writes, where a second transaction with the same key waits on its lock until
        the first commits. A retry that fails before it gets there (it reads the state
        the first request left: an illegal step, a stale version) replays too, if the
        key has an answer by then (one more read, on failures only)."""

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
                case_of(result),
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
        except IdempotencyKeyTaken as exc:
            if self._idempotency is None:
                raise
            self._replay(exc.first or self._answer(), exc)
        except ReferralGraphError as exc:
            if self._idempotency is None or isinstance(exc, StoreUnavailable):
                raise
            # Did a request with this key land meanwhile (the first of a retry)? Read on
            # the primary (a write transaction), where the first one committed.
            self._replay(self._answer(), exc)

    def _answer(self) -> IdempotencyRecord | None:
        assert self._idempotency is not None
        key = self._idempotency[0]
        return self.inner.write(lambda tx: tx.get_idempotency(key))

    def _replay(self, first: IdempotencyRecord | None, error: ReferralGraphError) -> NoReturn:
        """Answer as the first request with this key did; ``error`` if there was none."""
        assert self._idempotency is not None
        if first is None:
            raise error
        if first.request_hash != self._idempotency[1]:
            raise InvalidInput(
                "This Idempotency-Key was used for a different request.",
                field="Idempotency-Key",
            ) from None
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

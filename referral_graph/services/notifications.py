"""Deliver the outbox to webhooks: HMAC-signed JSON, retries with backoff, dead letters.

Each message is POSTed to every configured webhook that has not yet taken it; a webhook
takes it by answering 2xx. A message that some webhook keeps refusing is retried with
exponential backoff and, after ``max_attempts``, moved to the dead-letter list that an
administrator, or a coordinator of the case's area, can see (and requeue).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

import httpx

from referral_graph.domain.errors import NotFound
from referral_graph.domain.queries import Listing, every
from referral_graph.security.model import Principal, Role
from referral_graph.security.policy import in_area
from referral_graph.services.caller import Caller
from referral_graph.store.port import OutboxMessage, Page, Store, Transaction

SIGNATURE_HEADER = "X-Referral-Graph-Signature"
TIMESTAMP_HEADER = "X-Referral-Graph-Timestamp"


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    secret: str


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    max_attempts: int = 8
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(hours=1)
    timeout_seconds: float = 5.0

    def backoff(self, attempts: int) -> timedelta:
        grown: timedelta = self.first_backoff * (2 ** max(attempts - 1, 0))
        return min(grown, self.max_backoff)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of ``timestamp.body`` keyed by the webhook's secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


Post = Callable[[str, bytes, dict[str, str]], int]


def http_post(timeout: float) -> Post:
    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout)
        return response.status_code

    return post


def _attempt(
    message: OutboxMessage, hooks: list[Webhook], now: datetime, post: Post, policy: DeliveryPolicy
) -> OutboxMessage:
    body = json.dumps(
        {"id": message.id, "topic": message.topic, "payload": message.payload},
        sort_keys=True,
    ).encode()
    timestamp = now.isoformat()
    delivered = list(message.delivered_to)
    error: str | None = None
    for hook in hooks:
        if hook.url in delivered:
            continue
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(hook.secret, timestamp, body),
        }
        try:
            status = post(hook.url, body, headers)
        except httpx.HTTPError as exc:
            error = f"{hook.url}: {type(exc).__name__}"
            continue
        if 200 <= status < 300:
            delivered.append(hook.url)
        else:
            error = f"{hook.url}: HTTP {status}"
    attempts = message.attempts + 1
    if all(h.url in delivered for h in hooks):
        return replace(
            message,
            state="delivered",
            attempts=attempts,
            delivered_to=tuple(delivered),
            next_attempt_at=None,
            last_error=None,
        )
    if attempts >= policy.max_attempts:
        return replace(
            message,
            state="dead",
            attempts=attempts,
            delivered_to=tuple(delivered),
            next_attempt_at=None,
            last_error=error,
        )
    return replace(
        message,
        attempts=attempts,
        delivered_to=tuple(delivered),
        next_attempt_at=now + policy.backoff(attempts),
        last_error=error,
    )


def deliver(
    store: Store,
    now: datetime,
    hooks: list[Webhook],
    *,
    post: Post | None = None,
    policy: DeliveryPolicy | None = None,
    batch: int = 100,
) -> list[OutboxMessage]:
    """One delivery round over the messages due at ``now``; returns them as saved.

    The round first claims what it will send, for as long as sending may take: with
    several schedulers (worker processes, instances on one Neo4j) each message goes out
    once, not once per scheduler that saw it due (measured with two instances ticking
    every second: some alerts reached the webhook twice). A round that dies after
    claiming leaves its messages due again when the claim runs out."""
    policy = policy or DeliveryPolicy()
    post = post or http_post(policy.timeout_seconds)
    held = timedelta(seconds=policy.timeout_seconds * max(1, len(hooks)) * batch + 60)
    due = store.write(lambda tx: tx.claim_outbox(now, now + held, batch))
    results = [_attempt(m, hooks, now, post, policy) for m in due]

    def save(tx: Transaction) -> None:
        for message in results:
            tx.save_outbox(message)

    if results:
        store.write(save)
    return results


def _reaches(tx: Transaction, principal: Principal, message: OutboxMessage) -> bool:
    """Whether a dead letter is the principal's to see and requeue: every one for
    administrators (and the system); for a coordinator those about a case of their area
    (a message names its case by id); nobody else's."""
    if principal.role in (Role.ADMIN, Role.SYSTEM):
        return True
    case_id = message.payload.get("case_id")
    if principal.role is not Role.COORDINATOR or not isinstance(case_id, str):
        return False
    case = tx.get_case(case_id)
    return case is not None and in_area(principal, case.village_code)


def _dead(tx: Transaction, principal: Principal) -> list[OutboxMessage]:
    return [m for m in every(partial(tx.list_outbox, "dead")) if _reaches(tx, principal, m)]


def dead_letters(caller: Caller, page: Page) -> Listing[OutboxMessage]:
    """Notifications no webhook would take after every retry: all of them for an
    administrator, those about cases of their area for a coordinator (dead letters
    are few: they are read whole and filtered)."""

    def work(tx: Transaction) -> Listing[OutboxMessage]:
        dead = _dead(tx, caller.principal)
        return Listing(dead[page.offset : page.offset + page.limit], len(dead))

    return caller.store.read(work)


def requeue(caller: Caller, message_id: str) -> OutboxMessage:
    """Give a dead letter another round of attempts (``NotFound`` if there is no such
    dead letter, or it is not the caller's to requeue: see :func:`dead_letters`)."""
    now = caller.now

    def work(tx: Transaction) -> OutboxMessage | None:
        found = [m for m in _dead(tx, caller.principal) if m.id == message_id]
        if not found:
            return None
        revived = replace(found[0], state="pending", attempts=0, next_attempt_at=now)
        tx.save_outbox(revived)
        return revived

    revived = caller.store.write(work)
    if revived is None:
        raise NotFound("dead letter", message_id)
    return revived

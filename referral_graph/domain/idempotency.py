"""The first answer to a request sent with an ``Idempotency-Key``: a record of its own
(imported by the error tree, which the models import, so it imports nothing of them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """The first answer to a request sent with an ``Idempotency-Key``."""

    key: str
    request_hash: str
    status: int
    body: str
    created_at: datetime

"""A short-lived cache of who each bearer token speaks for.

Every authenticated request used to re-read the account and the token's revocation
record: two store reads for an answer that changes only when someone signs out, an
account is deactivated or a token is revoked. The cache keeps a verified principal for
at most ``ttl`` seconds (never past the token's own expiry); this process forgets
everything at once when it revokes or deactivates anything, and other worker processes
notice within ``ttl``.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from referral_graph.security.model import Principal


class PrincipalCache:
    def __init__(self, ttl_seconds: float, capacity: int = 10_000) -> None:
        self.ttl = timedelta(seconds=ttl_seconds)
        self.capacity = capacity
        self._entries: OrderedDict[bytes, tuple[datetime, Principal]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(bearer: str) -> bytes:
        return hashlib.blake2b(bearer.encode(), digest_size=16).digest()

    def cached(self, bearer: str, now: datetime) -> Principal | None:
        """The principal of ``bearer`` if verified lately (no store read)."""
        with self._lock:
            entry = self._entries.get(self._key(bearer))
        return entry[1] if entry is not None and now < entry[0] else None

    def resolve(self, bearer: str, now: datetime, verify: Callable[[], Principal]) -> Principal:
        """The cached principal of ``bearer``, or ``verify()``'s (then kept)."""
        if self.ttl <= timedelta(0):
            return verify()
        key = self._key(bearer)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and now < entry[0]:
                return entry[1]
        principal = verify()  # raises when the token is not (or no longer) good
        # Each entry lives between half the ttl and all of it: tokens verified in the
        # same second (a worker's first requests) would otherwise all expire together
        # and be re-verified in one burst, which showed in the latency tail.
        until = now + self.ttl * random.uniform(0.5, 1.0)  # noqa: S311 - not a secret
        if principal.expires_at is not None:
            until = min(until, principal.expires_at)
        with self._lock:
            self._entries[key] = (until, principal)
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return principal

    def forget_all(self) -> None:
        """After a sign-out, a revocation or a deactivation in this process."""
        with self._lock:
            self._entries.clear()

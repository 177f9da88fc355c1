"""Who calls a use case: every use case the API, the web app and the CLIs call takes a
:class:`Caller`, so that what it may see and do is decided in the services, in one
place, from the same data the use case reads.

    caller = Caller(principal, store, now)
    referrals.move_referral(caller, referral_id, Step(status=ReferralStatus.RECEIVED))

``store`` is the store the use case reads and writes through. For a signed-in request
the API hands in a :class:`~referral_graph.services.recorded.RecordedStore`, which
appends the access record (and the idempotent answer) in the transaction of each write.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from referral_graph.security.model import SYSTEM, Principal
from referral_graph.store.port import Store


@dataclass(frozen=True, slots=True)
class Caller:
    """A principal, the store it works through, and the time of the request."""

    principal: Principal
    store: Store
    now: datetime

    @property
    def actor(self) -> str:
        """The name every event this caller causes is recorded under."""
        return self.principal.username

    @classmethod
    def system(cls, store: Store, now: datetime, actor: str = SYSTEM.username) -> Caller:
        """The system itself (the scheduler, the CLIs, seeding, tests): unrestricted;
        ``actor`` names it on the events it causes."""
        principal = SYSTEM if actor == SYSTEM.username else replace(SYSTEM, username=actor)
        return cls(principal, store, now)


class WouldWait(Exception):
    """A use case asked to answer quickly (``quick=True``) found that it would have to
    wait on something slow first: a rebuild, a refresh or a write. Nothing was written;
    ask again without ``quick``, on a worker thread."""

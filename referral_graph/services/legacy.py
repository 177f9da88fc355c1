"""The old call form of use cases, kept only while the web app still uses it (#16).

Use cases take a :class:`~referral_graph.services.caller.Caller`. Until every page of
``api/web`` passes one, those it calls also accept the old first argument, a bare store
(with the old trailing arguments: a ``now``, a ``reach``), and turn it into the system
at that moment here. Nothing else calls them that way: delete this module, and the
``| Store`` of those signatures, with the web app's last such call.
"""

from __future__ import annotations

from datetime import datetime

from referral_graph.domain.models import utc_now
from referral_graph.services.caller import Caller
from referral_graph.store.port import Store

#: A use case's first argument while the web app still passes a store.
CallerOrStore = Caller | Store


def as_caller(who: CallerOrStore, now: datetime | None = None) -> Caller:
    """``who`` if it is a caller; a bare store is the system, at ``now``."""
    if isinstance(who, Caller):
        return who
    return Caller.system(who, now or utc_now())

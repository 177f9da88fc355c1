"""What a request saw of cases, noted where access is decided, for the access log.

The access log must answer "who looked at this case" however the case was reached: by
its own id, through one of its referrals, a FHIR Task or ServiceRequest, the case
Bundle, an inbox or a search. Only the access decisions (``services.access``) and the
listings that hand out case data know which cases those are, so they note them here;
the API's access-log middleware (``api.access_log``) opens a :class:`Seen` for each
request with :func:`watching` and, once the answer is sent, appends one record per case
read, and one ``denied`` record per refused attempt at a case or referral that exists
but is not the caller's (answered as not found, so ids cannot be probed; the attempt is
on record all the same).

A context variable carries the :class:`Seen` of the request: use cases run on worker
threads in a copy of the request's context, so they add to the same object. Outside a
request (the CLIs, the scheduler, tests) nothing is watching and noting costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Seen:
    """The cases a request read, in the order first read, and its refused attempts
    (``(object id, case id)``)."""

    cases: dict[str, None] = field(default_factory=dict)
    denied: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def case_ids(self) -> list[str]:
        return list(self.cases)


_SEEN: ContextVar[Seen | None] = ContextVar("referral_graph_seen", default=None)


@contextmanager
def watching() -> Iterator[Seen]:
    """Note what the code run inside reads of cases (and is refused)."""
    seen = Seen()
    token = _SEEN.set(seen)
    try:
        yield seen
    finally:
        _SEEN.reset(token)


def current() -> Seen | None:
    """What the request being answered has seen so far (None outside a request)."""
    return _SEEN.get()


def saw(case_ids: Iterable[str]) -> None:
    """The caller was given data of these cases."""
    seen = _SEEN.get()
    if seen is not None:
        for case_id in case_ids:
            seen.cases.setdefault(case_id)


def refused(object_id: str, case_id: str | None) -> None:
    """The caller asked for a case or referral (``object_id``) that exists but is not
    theirs to see (or to change)."""
    seen = _SEEN.get()
    if seen is not None and (object_id, case_id) not in seen.denied:
        seen.denied.append((object_id, case_id))

"""Put the programme's network into a store: providers and pathways, then the people of
its community providers, their trainings, coaching and awareness sessions.

A seeding run is a list of :class:`Write` steps, one transaction each, so that a command
line can show progress; running the same steps again is harmless (providers, pathways,
people, trainings and attendance are inserted or replaced, coaching and awareness
sessions already in the store are left as they are).

>>> writes = programme_writes()
>>> sum(w.size for w in writes) > 0
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    TrainingSession,
)
from referral_graph.store.port import (
    AwarenessQuery,
    CoachingQuery,
    Page,
    ProviderQuery,
    Store,
    Transaction,
)
from seed.loader import load_programme
from seed.meetings import load_sample_meetings
from seed.training import TrainingData, programme_training

__all__ = [
    "Write",
    "directory_writes",
    "is_empty",
    "meeting_writes",
    "programme_writes",
    "run_writes",
    "seed_if_empty",
    "seed_programme",
    "training_writes",
]

#: Records per transaction when seeding the programme (it fits in a few).
PROGRAMME_BATCH = 5000
#: Page size when reading what a store already holds.
_PAGE = 1000

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Write:
    """One transaction of a seeding run: what it writes, how many records, and the work
    (which returns the rows it wrote)."""

    what: str
    size: int
    work: Callable[[Transaction], int]


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def directory_writes(
    providers: Sequence[Provider], pathways: Sequence[Pathway], batch: int
) -> list[Write]:
    """Providers, then pathways, ``batch`` records per transaction."""

    def load(ps: Sequence[Provider], ws: Sequence[Pathway]) -> Callable[[Transaction], int]:
        return lambda tx: tx.load_directory(ps, ws)

    writes = [Write("providers", len(c), load(c, [])) for c in _chunks(providers, batch)]
    writes += [Write("pathways", len(c), load([], c)) for c in _chunks(pathways, batch)]
    return writes


def _coaching_ids(tx: Transaction) -> set[str]:
    found: set[str] = set()
    offset = 0
    while True:
        page = tx.list_coaching(CoachingQuery(), Page(limit=_PAGE, offset=offset))
        found.update(c.id for c in page.items)
        offset += len(page.items)
        if not page.items or offset >= page.count:
            return found


def _awareness_ids(tx: Transaction, sessions: Sequence[AwarenessSession]) -> set[str]:
    """Ids of sessions already stored among the days ``sessions`` span."""
    since = min(s.held_on for s in sessions)
    until = max(s.held_on for s in sessions) + timedelta(days=1)
    query = AwarenessQuery(since=since, until=until)
    found: set[str] = set()
    offset = 0
    while True:
        page = tx.list_awareness_sessions(query, Page(limit=_PAGE, offset=offset))
        found.update(s.id for s in page.items)
        offset += len(page.items)
        if not page.items or offset >= page.count:
            return found


def _load_training(
    people: Sequence[Person] = (),
    sessions: Sequence[TrainingSession] = (),
    attendance: Sequence[Attendance] = (),
) -> Callable[[Transaction], int]:
    return lambda tx: tx.load_training(people, sessions, attendance)


def _add_coaching(chunk: Sequence[CoachingSession]) -> Callable[[Transaction], int]:
    def work(tx: Transaction) -> int:
        stored = _coaching_ids(tx)
        new = [c for c in chunk if c.id not in stored]
        for session in new:
            tx.add_coaching(session)
        return len(new)

    return work


def _add_awareness(chunk: Sequence[AwarenessSession]) -> Callable[[Transaction], int]:
    def work(tx: Transaction) -> int:
        stored = _awareness_ids(tx, chunk)
        new = [s for s in chunk if s.id not in stored]
        for session in new:
            tx.add_awareness_session(session)
        return len(new)

    return work


def training_writes(data: TrainingData, batch: int) -> list[Write]:
    """Training sessions, people (supervisors first, as ``data`` orders them),
    attendance, coaching, then awareness sessions, ``batch`` records per transaction.

    The providers must be in the store already (write :func:`directory_writes` first).
    """

    writes = [
        Write("training sessions", len(c), _load_training(sessions=c))
        for c in _chunks(data.sessions, batch)
    ]
    writes += [
        Write("people", len(c), _load_training(people=c)) for c in _chunks(data.people, batch)
    ]
    writes += [
        Write("attendance", len(c), _load_training(attendance=c))
        for c in _chunks(data.attendance, batch)
    ]
    writes += [Write("coaching", len(c), _add_coaching(c)) for c in _chunks(data.coaching, batch)]
    awareness = sorted(data.awareness, key=lambda s: (s.held_on, s.id))
    writes += [
        Write("awareness sessions", len(c), _add_awareness(c)) for c in _chunks(awareness, batch)
    ]
    return writes


def meeting_writes() -> list[Write]:
    """The sample meetings (``seed.meetings``: one past meeting per programme district,
    with its actions), synthetic like every sample record. After the directory."""
    return [Write("sample meetings", 0, load_sample_meetings)]


def programme_writes(batch: int = PROGRAMME_BATCH) -> list[Write]:
    """Every write of the programme seed: its directory, its capacity building, then
    its sample meetings."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    providers, pathways = load_programme()
    capacity = programme_training(providers)
    writes = directory_writes(providers, pathways, batch) + training_writes(capacity, batch)
    return writes + meeting_writes()


def run_writes(
    store: Store, writes: Sequence[Write], progress: Callable[[int], None] | None = None
) -> int:
    """Run each write in its own transaction; ``progress(n)`` after each with the rows
    it wrote. Returns the rows written."""
    written = 0
    for write in writes:
        n = store.write(write.work)
        written += n
        if progress is not None:
            progress(n)
    return written


def is_empty(store: Store) -> bool:
    return store.read(lambda tx: tx.list_providers(ProviderQuery(), Page(limit=1)).count) == 0


def seed_programme(
    store: Store, *, reset: bool = False, progress: Callable[[int], None] | None = None
) -> int:
    """Load the programme network and its capacity building (optionally wiping the store
    first); rows written. Loading into a store that holds it already is harmless."""
    if reset:
        store.reset()
    return run_writes(store, programme_writes(), progress)


def seed_if_empty(store: Store) -> int:
    return seed_programme(store) if is_empty(store) else 0

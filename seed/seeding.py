"""Put the programme's network into a store: its **directory** (providers and pathways,
:func:`directory_writes_of_programme`), and its **sample data** (the synthetic people of
its community providers, their trainings, attendance, coaching and awareness sessions,
one past network meeting per programme district with its actions,
:func:`sample_writes`), dated from the day it is seeded. Production takes the directory
alone; sample data is for development and demonstrations, marked ``synthetic`` and
removed in one step (``referral-graph remove-sample-data``).

A seeding run is a list of :class:`Write` steps, one transaction each, so that a command
line can show progress; running the same steps again is harmless (providers, pathways,
people, trainings and attendance are inserted or replaced, coaching and awareness
sessions already in the store are left as they are).

>>> from datetime import date
>>> writes = programme_writes(today=date(2026, 11, 25))
>>> sum(w.size for w in writes) > 0
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import TypeVar

from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.queries import every
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    TrainingSession,
)
from referral_graph.services.sample_data import sample_data_present
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
    "directory_writes_of_programme",
    "has_sample_data",
    "is_empty",
    "meeting_writes",
    "programme_writes",
    "run_writes",
    "sample_writes",
    "seed_directory",
    "seed_if_empty",
    "seed_programme",
    "seed_sample",
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
    return {c.id for c in every(lambda page: tx.list_coaching(CoachingQuery(), page), _PAGE)}


def _awareness_ids(tx: Transaction, sessions: Sequence[AwarenessSession]) -> set[str]:
    """Ids of sessions already stored among the days ``sessions`` span."""
    since = min(s.held_on for s in sessions)
    until = max(s.held_on for s in sessions) + timedelta(days=1)
    query = AwarenessQuery(since=since, until=until)
    return {s.id for s in every(lambda page: tx.list_awareness_sessions(query, page), _PAGE)}


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


def directory_writes_of_programme(
    batch: int = PROGRAMME_BATCH, *, real_only: bool = False
) -> list[Write]:
    """The programme's directory: its providers and pathways. ``real_only``: only the
    real, sourced providers (``synthetic: false`` in ``providers.yaml``) and the pathways
    among them — what production loads: most of the programme's directory is invented
    for development (names, phones, capacity of communes' CCWCs, VHSGs, health
    centres), and a child must never be referred to a provider that does not exist."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    providers, pathways = load_programme()
    if real_only:
        providers = [p for p in providers if not p.synthetic]
        real = {p.id for p in providers}
        pathways = [w for w in pathways if {w.from_provider_id, w.to_provider_id} <= real]
    return directory_writes(providers, pathways, batch)


def _routing_sees_training(tx: Transaction) -> int:
    tx.bump_directory_version()  # routing counts each provider's trained people
    return 0


def meeting_writes(today: date | None = None) -> list[Write]:
    """The sample meetings (``seed.meetings``: one past meeting per programme district,
    with its actions), synthetic like every sample record. After the directory."""
    return [Write("sample meetings", 0, partial(load_sample_meetings, today=today))]


def sample_writes(batch: int = PROGRAMME_BATCH, today: date | None = None) -> list[Write]:
    """The programme's sample data (its capacity building, then its sample meetings), as
    of ``today`` (by default the day it is seeded). The directory must be in the store
    already."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    providers, _ = load_programme()
    capacity = programme_training(providers, today=today)
    routing = Write("routing", 0, _routing_sees_training)
    return [*training_writes(capacity, batch), routing, *meeting_writes(today)]


def programme_writes(batch: int = PROGRAMME_BATCH, today: date | None = None) -> list[Write]:
    """Every write of the programme seed: its directory, then its sample data."""
    return directory_writes_of_programme(batch) + sample_writes(batch, today)


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


def has_sample_data(store: Store) -> bool:
    return sample_data_present(store)


def seed_programme(
    store: Store,
    *,
    reset: bool = False,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> int:
    """Load the programme network and its sample data as of ``today`` (by default the
    day it is seeded), optionally wiping the store first; rows written. Loading into a
    store that holds it already is harmless."""
    if reset:
        store.reset()
    return run_writes(store, programme_writes(today=today), progress)


def seed_directory(
    store: Store, progress: Callable[[int], None] | None = None, *, real_only: bool = False
) -> int:
    """Load the programme's directory alone (``real_only``: its real, sourced providers
    alone, what production may start from)."""
    return run_writes(store, directory_writes_of_programme(real_only=real_only), progress)


def seed_sample(
    store: Store, progress: Callable[[int], None] | None = None, today: date | None = None
) -> int:
    """Load the programme's sample data (the directory must be there)."""
    return run_writes(store, sample_writes(today=today), progress)


def seed_if_empty(store: Store, *, sample: bool = True) -> int:
    """Seed an empty store: the directory and its sample data, or with ``sample`` false
    (production) the directory's real, sourced providers alone; rows written (0 when
    the store holds a network already)."""
    if not is_empty(store):
        return 0
    return seed_programme(store) if sample else seed_directory(store, real_only=True)

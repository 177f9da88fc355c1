"""Sample data: the synthetic people, trainings, attendance, coaching and awareness
sessions, and the sample network meetings with their actions, that
``referral-graph seed sample`` puts into a store for development and
demonstrations. While any is stored, every page says so and every API answer carries
``Sample-Data: present``; :func:`remove_sample_data` removes it all, and nothing else,
in one transaction.

Production never seeds it on start; ``seed sample`` refuses production unless forced.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from referral_graph.services.caller import Caller
from referral_graph.store.archive import SAMPLE_KINDS
from referral_graph.store.port import Store, Transaction

log = logging.getLogger("referral_graph.sample_data")

#: Every kind of sample record a removal counts: the directory side's and the meetings'.
KINDS = (*SAMPLE_KINDS, "meetings", "meeting actions")

#: The response header that marks answers while sample data is stored.
HEADER = "Sample-Data"
PRESENT = "present"


def sample_data_present(store: Store) -> bool:
    """Whether the store holds any sample record (one cheap read)."""
    return store.read(present_in)


def present_in(tx: Transaction) -> bool:
    """Whether ``tx`` sees any sample record: directory-side or a sample meeting."""
    return tx.sample_data_present() or tx.sample_meetings_present()


@dataclass(frozen=True, slots=True)
class Removal:
    """What :func:`remove_sample_data` removed (or with ``dry_run`` would remove)."""

    counts: dict[str, int]
    dry_run: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        return ", ".join(f"{self.counts.get(kind, 0)} {kind}" for kind in KINDS)


def remove_sample_data(caller: Caller, *, dry_run: bool = False) -> Removal:
    """Remove every sample record and nothing else, in one transaction: all of it or,
    when a real record refers to one (``SampleDataInUse``, 409), none of it."""

    def work(tx: Transaction) -> dict[str, int]:
        # Meetings first: a sample action may be owned by a sample person.
        counts = tx.remove_sample_meetings(dry_run=dry_run)
        counts |= tx.remove_sample_data(dry_run=dry_run)
        if not dry_run and any(counts.values()):
            tx.bump_directory_version()  # routing counted the sample people's training
        return counts

    counts = caller.store.read(work) if dry_run else caller.store.write(work)
    removal = Removal(counts, dry_run)
    if not dry_run:
        log.warning(
            "sample data removed",
            extra={"actor": caller.actor, "at": caller.now.isoformat(), **_fields(counts)},
        )
    return removal


def _fields(counts: dict[str, int]) -> dict[str, int]:
    return {kind.replace(" ", "_"): n for kind, n in counts.items()}


class SampleDataMark:
    """Whether to mark pages and answers: the store's answer, kept ``ttl`` seconds so
    that a busy server asks the store at most once in that time."""

    def __init__(
        self, store: Store, ttl: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store = store
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._value = False
        self._until = float("-inf")

    def fresh(self) -> bool:
        """Whether the kept answer is still good (then :meth:`present` does not read)."""
        return self.clock() < self._until

    def present(self) -> bool:
        if self.fresh():
            return self._value
        with self._lock:
            if not self.fresh():
                self._value = sample_data_present(self.store)
                self._until = self.clock() + self.ttl
            return self._value

    def forget(self) -> None:
        """Ask the store again next time (after seeding or removing in this process)."""
        self._until = float("-inf")

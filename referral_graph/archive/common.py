"""What every part of the backup and archive code shares: the refusal error, the result
of a run, the archive's constants, and making a finished file durable."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from referral_graph.domain.errors import ReferralGraphError

ARCHIVE_FORMAT = "referral-graph-archive"
ARCHIVE_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
OUTBOX_STATES = ("pending", "delivered", "dead")

#: Rows read per page, and records written per transaction, on import.
PAGE_SIZE = 500
BATCH_SIZE = 500

Record = dict[str, Any]


class BackupError(ReferralGraphError):
    """A backup or restore that cannot go on (the message says why and what to do)."""

    title = "Backup or restore refused"


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    bytes: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not every platform opens folders
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def seconds_since(started: float) -> float:
    return time.perf_counter() - started

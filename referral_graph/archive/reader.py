"""The store-neutral archive, read: checked whole (header, checksum, counts) before
anything is written, then record by record."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from referral_graph.archive.common import (
    ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
    GZIP_MAGIC,
    BackupError,
    Record,
)


def _open_read(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == GZIP_MAGIC:
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def verify_archive(path: Path) -> dict[str, int]:
    """Check the whole archive before anything is written: header, checksum, counts."""
    digest = hashlib.sha256()
    counts: Counter[str] = Counter()
    end: Record | None = None
    try:
        with _open_read(path) as lines:
            for number, raw in enumerate(lines, start=1):
                if end is not None:
                    raise BackupError(f"{path}: line {number} follows the end line.")
                record = _parse(path, number, raw)
                if number == 1:
                    _check_header(path, record)
                if record["kind"] == "end":
                    end = record["data"]
                    continue
                digest.update(raw)
                if number > 1:
                    counts[record["kind"]] += 1
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if end is None:
        raise BackupError(f"{path} has no end line: the archive is incomplete.")
    if end.get("sha256") != digest.hexdigest():
        raise BackupError(f"{path} fails its checksum: the archive is damaged.")
    if dict(counts) != end.get("counts"):
        raise BackupError(f"{path}: its counts do not match its end line.")
    return dict(counts)


def _parse(path: Path, number: int, raw: bytes) -> Record:
    try:
        record = json.loads(raw)
    except ValueError as exc:
        raise BackupError(f"{path}: line {number} is not JSON ({exc}).") from exc
    if not isinstance(record, dict) or "kind" not in record or "data" not in record:
        raise BackupError(f"{path}: line {number} is not an archive record.")
    return record


def _check_header(path: Path, record: Record) -> None:
    data = record["data"]
    if record["kind"] != "header" or data.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{path} is not a referral-graph archive.")
    if data.get("version") != ARCHIVE_VERSION:
        raise BackupError(
            f"{path} is archive version {data.get('version')}; this program reads "
            f"version {ARCHIVE_VERSION}."
        )


def read_archive(path: Path) -> Iterator[Record]:
    """The records of a verified archive (header and end lines left out)."""
    with _open_read(path) as lines:
        for number, raw in enumerate(lines, start=1):
            record = _parse(path, number, raw)
            if record["kind"] not in ("header", "end"):
                yield record

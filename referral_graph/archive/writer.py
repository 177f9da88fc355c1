"""The store-neutral archive, written: every record of a store through the port, in one
read transaction, as JSON Lines (see :mod:`referral_graph.archive.backup` for the lines)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, cast

from referral_graph.archive.alerts import alerts_archive_records
from referral_graph.archive.common import (
    ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
    OUTBOX_STATES,
    PAGE_SIZE,
    BackupResult,
    Record,
    fsync_dir,
    fsync_file,
    seconds_since,
)
from referral_graph.archive.intake import intake_archive_records
from referral_graph.archive.meetings import meeting_archive_records
from referral_graph.archive.training import training_archive_records
from referral_graph.domain.areas import gazetteer
from referral_graph.domain.isotime import opt_iso
from referral_graph.domain.models import utc_now
from referral_graph.domain.queries import every
from referral_graph.security.model import AccessRecord, TokenRecord
from referral_graph.store.port import (
    AccessQuery,
    AlertQuery,
    IdempotencyRecord,
    OutboxMessage,
    PathwayQuery,
    ProviderQuery,
    ServiceGap,
    Store,
    Transaction,
)


def _token_data(t: TokenRecord) -> Record:
    return {
        "id": t.id,
        "user_id": t.user_id,
        "kind": t.kind,
        "token_hash": t.token_hash,
        "name": t.name,
        "created_at": opt_iso(t.created_at),
        "expires_at": opt_iso(t.expires_at),
        "revoked_at": opt_iso(t.revoked_at),
        "family_id": t.family_id,
    }


def _access_data(a: AccessRecord) -> Record:
    return {
        "id": a.id,
        "at": opt_iso(a.at),
        "user_id": a.user_id,
        "username": a.username,
        "role": a.role,
        "action": a.action,
        "method": a.method,
        "path": a.path,
        "object_id": a.object_id,
        "client": a.client,
        "case_id": a.case_id,
    }


def _gap_data(g: ServiceGap) -> Record:
    return {
        "id": g.id,
        "case_id": g.case_id,
        "service": g.service.value,
        "village_code": g.village_code,
        "reachable_by": list(g.reachable_by),
        "at": opt_iso(g.at),
    }


def _outbox_data(m: OutboxMessage) -> Record:
    return {
        "id": m.id,
        "topic": m.topic,
        "payload": m.payload,
        "created_at": opt_iso(m.created_at),
        "state": m.state,
        "attempts": m.attempts,
        "next_attempt_at": opt_iso(m.next_attempt_at),
        "delivered_to": list(m.delivered_to),
        "last_error": m.last_error,
    }


def _gaps(tx: Transaction) -> Iterator[ServiceGap]:
    """Every service gap: the port lists them per area, so ask each province."""
    seen: set[str] = set()
    for province in gazetteer().children(None):
        for gap in every(partial(tx.service_gaps, province.code), PAGE_SIZE):
            if gap.id not in seen:
                seen.add(gap.id)
                yield gap


def _idempotency_data(r: IdempotencyRecord) -> Record:
    return {
        "key": r.key,
        "request_hash": r.request_hash,
        "status": r.status,
        "body": r.body,
        "created_at": opt_iso(r.created_at),
    }


def archive_records(
    tx: Transaction, store_name: str = "", *, keys_since: datetime | None = None
) -> Iterator[Record]:
    """Every record of the store, in archive order (without the ``end`` line); of the
    idempotency records, those made since ``keys_since`` (every one the store keeps:
    None)."""
    yield {
        "kind": "header",
        "data": {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "store": store_name,
            "created_at": opt_iso(utc_now()),
        },
    }
    yield {"kind": "meta", "data": {"directory_version": tx.directory_version()}}
    policy = tx.get_sla_policy()
    if policy is not None:
        yield {"kind": "sla_policy", "data": policy.model_dump(mode="json")}
    for p in every(lambda page: tx.list_providers(ProviderQuery(), page), PAGE_SIZE):
        yield {"kind": "provider", "data": p.model_dump(mode="json")}
    for w in every(lambda page: tx.list_pathways(PathwayQuery(), page), PAGE_SIZE):
        yield {"kind": "pathway", "data": w.model_dump(mode="json")}
    yield from training_archive_records(tx)
    yield from meeting_archive_records(tx)
    users: list[str] = []
    for u in every(tx.list_users, PAGE_SIZE):
        users.append(u.id)
        yield {"kind": "user", "data": u.model_dump(mode="json")}
    for user_id in users:
        for t in reversed(tx.list_tokens(user_id)):
            yield {"kind": "token", "data": _token_data(t)}
    for c in every(tx.all_cases, PAGE_SIZE):
        yield {"kind": "case", "data": c.model_dump(mode="json")}
    for g in _gaps(tx):
        yield {"kind": "gap", "data": _gap_data(g)}
    yield from intake_archive_records(tx)
    for r in every(tx.all_referrals, PAGE_SIZE):
        yield {"kind": "referral", "data": r.model_dump(mode="json")}
        for e in tx.referral_events(r.id):
            yield {"kind": "event", "data": e.model_dump(mode="json")}
    for a in every(lambda page: tx.list_alerts(AlertQuery(), page), PAGE_SIZE):
        yield {"kind": "alert", "data": a.model_dump(mode="json")}
    yield from alerts_archive_records(tx)
    for state in OUTBOX_STATES:
        for m in every(partial(tx.list_outbox, state), PAGE_SIZE):
            yield {"kind": "outbox", "data": _outbox_data(m)}
    for x in every(lambda page: tx.list_access(AccessQuery(), page), PAGE_SIZE):
        yield {"kind": "access", "data": _access_data(x)}
    for k in every(lambda page: tx.list_idempotency(page, keys_since), PAGE_SIZE):
        yield {"kind": "idempotency", "data": _idempotency_data(k)}


def _line(record: Record) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _open_write(path: Path, compress: bool) -> IO[bytes]:
    if compress:
        return cast(IO[bytes], gzip.open(path, "wb", compresslevel=6))
    return path.open("wb")


def _write_archive(records: Iterable[Record], unfinished: Path, compress: bool) -> dict[str, int]:
    counts: Counter[str] = Counter()
    digest = hashlib.sha256()
    with _open_write(unfinished, compress) as out:
        for record in records:
            line = _line(record)
            digest.update(line)
            out.write(line)
            counts[record["kind"]] += 1
        counts.pop("header", None)
        out.write(
            _line({"kind": "end", "data": {"counts": dict(counts), "sha256": digest.hexdigest()}})
        )
    return dict(counts)


def export_store(store: Store, out: Path, *, keys_since: datetime | None = None) -> BackupResult:
    """Write every record of ``store`` to the archive ``out`` (one read transaction);
    idempotency records made since ``keys_since`` (all kept: None)."""
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    unfinished = out.with_name(out.name + ".partial")

    def work(tx: Transaction) -> dict[str, int]:
        # Writes the whole file on each run: a store may run the work again.
        records = archive_records(tx, store.name, keys_since=keys_since)
        return _write_archive(records, unfinished, out.name.endswith(".gz"))

    try:
        counts = store.read(work)
    except BaseException:
        unfinished.unlink(missing_ok=True)
        raise
    fsync_file(unfinished)
    os.replace(unfinished, out)
    fsync_dir(out.parent)
    return BackupResult(out, out.stat().st_size, seconds_since(started), counts)

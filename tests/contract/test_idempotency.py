"""Contract: idempotency records are kept once per key, found again, and forgotten."""

from __future__ import annotations

from datetime import timedelta

import pytest

from referral_graph.domain.errors import Conflict
from referral_graph.store.port import IdempotencyRecord, Store
from tests.contract.helpers import race
from tests.factories import T0


def record(key: str = "user-1:k1", at: timedelta = timedelta(0)) -> IdempotencyRecord:
    return IdempotencyRecord(
        key=key, request_hash="h" * 64, status=201, body='{"id": "case_1"}', created_at=T0 + at
    )


def test_a_record_is_found_again_exactly(any_store: Store) -> None:
    assert any_store.read(lambda tx: tx.get_idempotency("user-1:k1")) is None
    any_store.write(lambda tx: tx.save_idempotency(record()))
    found = any_store.read(lambda tx: tx.get_idempotency("user-1:k1"))
    assert found == record()


def test_a_key_is_kept_once(any_store: Store) -> None:
    any_store.write(lambda tx: tx.save_idempotency(record()))
    with pytest.raises(Conflict) as err:
        any_store.write(lambda tx: tx.save_idempotency(record()))
    assert err.value.field == "Idempotency-Key"


def test_concurrent_saves_of_one_key_have_one_winner(any_store: Store) -> None:
    outcomes = race(8, lambda _i: any_store.write(lambda tx: tx.save_idempotency(record())))
    assert sum(1 for o in outcomes if o is None) == 1
    assert all(isinstance(o, Conflict) for o in outcomes if o is not None)


def test_old_records_are_forgotten(any_store: Store) -> None:
    any_store.write(lambda tx: tx.save_idempotency(record("a", timedelta(hours=-30))))
    any_store.write(lambda tx: tx.save_idempotency(record("b", timedelta(hours=-1))))
    gone = any_store.write(lambda tx: tx.forget_idempotency(T0 - timedelta(hours=24)))
    assert gone == 1
    assert any_store.read(lambda tx: tx.get_idempotency("a")) is None
    assert any_store.read(lambda tx: tx.get_idempotency("b")) is not None

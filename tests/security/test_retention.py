"""Retention: years after closure only anonymous timing statistics remain."""

from __future__ import annotations

import sqlite3

import pytest

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.errors import Conflict
from referral_graph.domain.models import REMOVED, utc_now
from referral_graph.domain.reasons import ClosureReason
from referral_graph.services import case_life, cases, referrals, retention
from referral_graph.services.caller import Caller
from referral_graph.services.case_life import CaseClosing
from referral_graph.services.referrals import Step
from referral_graph.store.port import HistoryQuery
from tests.factories import FakeClock, load_small_network, opening, refer_to_health_centre

#: Counselling (the case's need) was never referred: closed with an override.
CLOSING = CaseClosing(
    reason=ClosureReason.CHILD_MOVED,
    outcome="Treated; safe at the aunt's",
    override="Counselling arranged by the aunt's CCWC",
)


def closed_case(store: SqliteStore, clock: FakeClock) -> tuple[str, str]:
    load_small_network(store)
    case = cases.open_case(
        Caller.system(store, clock(), "ccwc-focal-1"),
        opening(note="Lives with an aunt", contact_arrangement="call the aunt"),
    )
    made = refer_to_health_centre(store, clock(), case.id, reason="bruises, says her uncle")
    with pytest.raises(Conflict, match="still open"):
        case_life.close_case(Caller.system(store, clock()), case.id, CLOSING)
    for step in (
        Step(status="received"),
        Step(status="accepted"),
        Step(status="in_progress", note="met at school"),
        Step(status="completed", outcome="treated; safe at the aunt's"),
    ):
        clock.advance(hours=2)
        referrals.move_referral(Caller.system(store, clock(), "t"), made.id, step)
    case_life.close_case(Caller.system(store, clock()), case.id, CLOSING)
    return case.id, made.id


def test_purge_removes_personal_fields_and_notes_but_keeps_timing(
    sqlite_store: SqliteStore, clock: FakeClock
) -> None:
    case_id, referral_id = closed_case(sqlite_store, clock)
    before_facts = sqlite_store.read(
        lambda tx: tx.hop_facts(
            HistoryQuery(since=clock.now.replace(year=2020), until=clock.now.replace(year=2030))
        )
    )
    original = cases.get_case(Caller.system(sqlite_store, utc_now()), case_id)

    clock.advance(days=365 * 4)
    assert retention.purge_closed_cases(sqlite_store, clock(), years=5).purged == 0
    clock.advance(days=367)
    assert retention.purge_closed_cases(sqlite_store, clock(), years=5, dry_run=True).purged == 1
    assert retention.purge_closed_cases(sqlite_store, clock(), years=5).purged == 1
    assert retention.purge_closed_cases(sqlite_store, clock(), years=5).purged == 0

    purged = cases.get_case(Caller.system(sqlite_store, utc_now()), case_id)
    assert purged.age is None and purged.gender is None
    assert purged.note is None and purged.contact_arrangement is None
    assert purged.code != original.code
    assert purged.purged_at == clock()
    detail = referrals.get_referral(Caller.system(sqlite_store, utc_now()), referral_id)
    assert detail.referral.reason == REMOVED
    assert detail.referral.outcome is None
    assert all(e.note is None and e.reason is None and e.outcome is None for e in detail.events)
    text = str(purged.model_dump()) + str(detail.model_dump())
    for secret in ("aunt", "uncle", "school", "ccwc-focal-1"):
        assert secret not in text
    after_facts = sqlite_store.read(
        lambda tx: tx.hop_facts(
            HistoryQuery(since=clock.now.replace(year=2020), until=clock.now.replace(year=2040))
        )
    )
    timing = [
        (f.created_at, f.received_at, f.accepted_at, f.in_progress_at, f.closed_at)
        for f in after_facts
    ]
    assert timing == [
        (f.created_at, f.received_at, f.accepted_at, f.in_progress_at, f.closed_at)
        for f in before_facts
    ]


def test_history_still_refuses_every_other_change(
    sqlite_store: SqliteStore, clock: FakeClock
) -> None:
    _, referral_id = closed_case(sqlite_store, clock)
    conn = sqlite3.connect(sqlite_store.path)
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        conn.execute(
            "UPDATE referral_events SET at = '2020-01-01' WHERE referral_id = ?", (referral_id,)
        )
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        conn.execute(
            "UPDATE referral_events SET doc = json_set(doc, '$.actor', 'x') WHERE referral_id = ?",
            (referral_id,),
        )
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        conn.execute("DELETE FROM referral_events WHERE referral_id = ?", (referral_id,))
    conn.close()

"""Contract: closing cases, and the retention purge years after closure."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.domain.errors import Conflict
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import REMOVED, Case, CaseStatus, Referral, utc_now
from referral_graph.domain.vocabulary import Service
from referral_graph.services import cases, referrals, retention
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralRequest, ReferralWithEvents, Step
from referral_graph.store.port import HistoryQuery, Store, Transaction
from tests.contract.helpers import case
from tests.factories import T0, FakeClock, opening

S = ReferralStatus
YEARS = 5
EVERYTHING = HistoryQuery(since=T0 - timedelta(days=1), until=T0 + timedelta(days=365 * 20))
SECRETS = ("aunt", "uncle", "school", "bruises", "doctor", "ccwc-focal-1")


def refer(store: Store, clock: FakeClock, opened: Case, **fields: object) -> Referral:
    request = ReferralRequest.model_validate(
        {
            "case_id": opened.id,
            "from_provider_id": "ccwc-a",
            "to_provider_id": "hc-a",
            "service": Service.MEDICAL_CARE,
            "reason": "bruises, says her uncle",
        }
        | fields
    )
    return referrals.make_referral(Caller.system(store, clock(), "worker-7"), request)


def walk(store: Store, clock: FakeClock, referral_id: str, *steps: Step) -> None:
    for step in steps:
        clock.advance(hours=2)
        referrals.move_referral(Caller.system(store, clock(), "hc-nurse"), referral_id, step)


def closed_case(store: Store, clock: FakeClock) -> tuple[Case, list[str]]:
    """A case with a completed and a rejected referral, full of free text, closed."""
    opened = cases.open_case(
        Caller.system(store, clock(), "ccwc-focal-1"),
        opening(note="Lives with an aunt", contact_arrangement="call the aunt"),
    )
    done = refer(store, clock, opened)
    walk(
        store,
        clock,
        done.id,
        Step(status=S.RECEIVED),
        Step(status=S.ACCEPTED, note="seen by the doctor"),
        Step(status=S.IN_PROGRESS, note="met at school"),
        Step(status=S.COMPLETED, outcome="treated; safe at the aunt's"),
    )
    refused = refer(store, clock, opened)
    walk(
        store,
        clock,
        refused.id,
        Step(status=S.RECEIVED),
        Step(status=S.REJECTED, reason="no doctor at school this month"),
    )
    clock.advance(hours=1)
    closed = cases.close_case(Caller.system(store, clock()), opened.id)
    return closed, [done.id, refused.id]


def snapshot(store: Store, case_id: str, ids: list[str]) -> tuple[Case, list[ReferralWithEvents]]:
    return cases.get_case(Caller.system(store, utc_now()), case_id), [
        referrals.get_referral(Caller.system(store, utc_now()), i) for i in ids
    ]


def test_close_case_refuses_while_a_referral_is_open(network: Store, clock: FakeClock) -> None:
    opened = cases.open_case(Caller.system(network, clock(), "ccwc-focal-1"), opening())
    made = refer(network, clock, opened)
    with pytest.raises(Conflict, match="still open"):
        cases.close_case(Caller.system(network, clock()), opened.id)
    walk(network, clock, made.id, Step(status=S.RECEIVED), Step(status=S.ACCEPTED))
    with pytest.raises(Conflict, match="still open"):
        cases.close_case(Caller.system(network, clock()), opened.id)
    assert cases.get_case(Caller.system(network, utc_now()), opened.id) == opened

    walk(
        network,
        clock,
        made.id,
        Step(status=S.IN_PROGRESS),
        Step(status=S.COMPLETED, outcome="Treated."),
    )
    closed = cases.close_case(Caller.system(network, clock()), opened.id)
    assert closed.status is CaseStatus.CLOSED and closed.closed_at == clock()
    assert closed.version == opened.version + 1
    assert cases.get_case(Caller.system(network, utc_now()), opened.id) == closed
    with pytest.raises(Conflict, match="already closed"):
        cases.close_case(Caller.system(network, clock()), opened.id)


def test_cases_to_purge_finds_old_closed_unpurged_cases_oldest_first(network: Store) -> None:
    cutoff = T0 + timedelta(days=10)
    day = timedelta(days=1)
    closed = {"status": CaseStatus.CLOSED}
    stored = [
        case("open-1"),
        case("late-b", closed_at=T0 + 2 * day, **closed),
        case("early", closed_at=T0, **closed),
        case("late-a", closed_at=T0 + 2 * day, **closed),
        case("at-cutoff", closed_at=cutoff, **closed),
        case("too-young", closed_at=cutoff + day, **closed),
        case("gone", closed_at=T0 - day, purged_at=T0, **closed),
    ]

    def add_all(tx: Transaction) -> None:
        for c in stored:
            tx.add_case(c)

    network.write(add_all)

    found = network.read(lambda tx: tx.cases_to_purge(cutoff, 100))
    assert [c.id for c in found] == ["early", "late-a", "late-b"]
    assert found[0] == stored[2]
    first = network.read(lambda tx: tx.cases_to_purge(cutoff, 2))
    assert [c.id for c in first] == ["early", "late-a"]
    assert network.read(lambda tx: tx.cases_to_purge(T0, 100)) == []


def test_purge_leaves_only_anonymous_timing(network: Store, clock: FakeClock) -> None:
    original, ids = closed_case(network, clock)
    _, before = snapshot(network, original.id, ids)
    facts_before = network.read(lambda tx: tx.hop_facts(EVERYTHING))
    assert any(e.note or e.reason or e.outcome for r in before for e in r.events)

    # Not old enough yet: nothing found, nothing changed.
    clock.advance(days=round(365.25 * YEARS) - 1)
    assert retention.purge_closed_cases(network, clock(), years=YEARS).purged == 0
    clock.advance(days=2)
    dry = retention.purge_closed_cases(network, clock(), years=YEARS, dry_run=True)
    assert dry.dry_run and dry.purged == 1
    assert snapshot(network, original.id, ids) == (original, before)

    report = retention.purge_closed_cases(network, clock(), years=YEARS)
    assert not report.dry_run and report.purged == 1
    purged, after = snapshot(network, original.id, ids)
    assert retention.purge_closed_cases(network, clock(), years=YEARS).purged == 0
    assert snapshot(network, original.id, ids) == (purged, after)
    assert network.read(lambda tx: tx.cases_to_purge(clock(), 100)) == []

    # The case: no personal fields, a new code, every time kept.
    assert purged.age is None and purged.gender is None
    assert purged.note is None and purged.contact_arrangement is None
    assert purged.consent is not None and purged.consent.recorded_by == REMOVED
    assert purged.opened_by == REMOVED
    assert purged.code != original.code and purged.code.startswith("KH1701-")
    assert purged.purged_at == clock() and purged.version == original.version + 1
    assert purged.status is CaseStatus.CLOSED
    assert (purged.opened_at, purged.closed_at) == (original.opened_at, original.closed_at)
    # The store indexes the new code: the old one is free, the new one taken.
    network.write(lambda tx: tx.add_case(case("fresh", code=original.code)))
    with pytest.raises(Conflict):
        network.write(lambda tx: tx.add_case(case("clash", code=purged.code)))

    # The referrals and their events: no free text, same versions, counts and times.
    for old, new in zip(before, after, strict=True):
        assert new.referral.reason == REMOVED
        assert new.referral.status_reason is None and new.referral.outcome is None
        assert new.referral == old.referral.purged()
        assert len(new.events) == len(old.events)
        for was, now in zip(old.events, new.events, strict=True):
            assert (now.reason, now.outcome, now.note) == (None, None, None)
            assert now == was.model_copy(update={"reason": None, "outcome": None, "note": None})
    text = purged.model_dump_json() + "".join(r.model_dump_json() for r in after)
    for secret in SECRETS:
        assert secret not in text

    # What the audit reads: every fact and time as before, the decline reason gone.
    facts_after = network.read(lambda tx: tx.hop_facts(EVERYTHING))
    assert any(f.status_reason for f in facts_before)
    assert facts_after == [replace(f, status_reason=None) for f in facts_before]

    if isinstance(network, Neo4jStore):
        _check_case_node(network, purged)


def _check_case_node(store: Neo4jStore, purged: Case) -> None:
    """Retention filters on node properties, not on the document: they must match it."""
    with store.driver.session(database=store.database) as session:
        record = session.run(
            "MATCH (c:Case {id: $id}) RETURN c.code AS code, c.status AS status,"
            " c.closed_at AS closed_at, c.purged_at AS purged_at, c.age AS age",
            id=purged.id,
        ).single(strict=True)
    assert record["code"] == purged.code and record["status"] == "closed"
    assert record["closed_at"].to_native() == purged.closed_at
    assert record["purged_at"].to_native() == purged.purged_at
    assert record["age"] is None

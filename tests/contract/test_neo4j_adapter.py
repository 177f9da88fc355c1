"""What only the Neo4j store has to prove: faults, locking, retries, the graph, the plans.

The contract tests cover the behaviour; these look inside the Neo4j adapter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import ManagedTransaction
from neo4j.exceptions import IncompleteCommit, SessionExpired
from neo4j.time import DateTime

from referral_graph.adapters.neo4j.cases import INBOX
from referral_graph.adapters.neo4j.plumbing import page_of
from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.adapters.neo4j.timeliness import ALERT_DUE
from referral_graph.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    StaleVersion,
    StoreUnavailable,
)
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Referral, ReferralEvent
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction
from tests.contract.helpers import case, created, moved, race, referral
from tests.factories import T0, load_small_network, opening, provider

S = ReferralStatus


@pytest.fixture
def neo4j(neo4j_server: Neo4jStore) -> Neo4jStore:
    neo4j_server.reset()
    return neo4j_server


def rows(store: Neo4jStore, query: str, **params: Any) -> list[dict[str, Any]]:
    result = store.driver.execute_query(query, params, database_=store.database)
    return [r.data() for r in result.records]


# --- faults (no server needed) -----------------------------------------------------


@pytest.fixture
def nowhere() -> Iterator[Neo4jStore]:
    store = Neo4jStore(
        "bolt://127.0.0.1:9",
        "neo4j",
        "wrong",
        connection_timeout=1.0,
        max_transaction_retry_time=0.5,
    )
    yield store
    store.close()


def test_an_unreachable_server_is_store_unavailable(nowhere: Neo4jStore) -> None:
    with pytest.raises(StoreUnavailable):
        nowhere.ping()
    with pytest.raises(StoreUnavailable):
        nowhere.read(lambda tx: tx.get_provider("x"))
    with pytest.raises(StoreUnavailable):
        nowhere.write(lambda tx: tx.bump_directory_version())
    with pytest.raises(StoreUnavailable):
        nowhere.initialise()


# --- retries and locking -----------------------------------------------------------


@pytest.mark.neo4j
def test_a_transient_fault_reruns_the_work_from_scratch(neo4j: Neo4jStore) -> None:
    attempts = 0

    def work(tx: Transaction) -> int:
        nonlocal attempts
        attempts += 1
        tx.add_provider(provider("p-1", ProviderKind.NGO, {Service.COUNSELLING}))
        if attempts == 1:
            raise SessionExpired("connection lost after the write")
        return tx.directory_version()

    assert neo4j.write(work) == 1  # the first attempt was rolled back
    assert attempts == 2
    assert neo4j.read(lambda tx: list(tx.get_providers(["p-1"]))) == ["p-1"]


@pytest.mark.neo4j
def test_faults_that_outlast_the_retries_are_store_unavailable(neo4j_server: Neo4jStore) -> None:
    from referral_graph.settings import Settings

    settings = Settings()
    impatient = Neo4jStore(
        settings.neo4j_uri,
        settings.neo4j_user,
        settings.neo4j_password.get_secret_value(),
        database=settings.neo4j_database,
        max_transaction_retry_time=0.3,
    )

    def work(tx: Transaction) -> None:
        raise SessionExpired("always")

    try:
        with pytest.raises(StoreUnavailable):
            impatient.write(work)
    finally:
        impatient.close()


@pytest.mark.neo4j
def test_domain_errors_are_not_retried(neo4j: Neo4jStore) -> None:
    attempts = 0

    def work(tx: Transaction) -> None:
        nonlocal attempts
        attempts += 1
        raise InvalidInput("no")

    with pytest.raises(InvalidInput):
        neo4j.write(work)
    assert attempts == 1


@pytest.mark.neo4j
def test_compare_and_set_holds_when_both_transactions_read_first(neo4j: Neo4jStore) -> None:
    """Both transactions read version 1 before either writes (read committed would let
    a plain ``WHERE version = 1`` pass twice); the write lock makes one of them stale."""
    load_small_network(neo4j)
    neo4j.write(lambda tx: tx.add_case(case("case-1")))
    r1 = referral("ref-1")
    neo4j.write(lambda tx: tx.add_referral(r1, created(r1)))
    both_read = threading.Barrier(2)
    contenders = [moved(r1, S.RECEIVED, tag="-a"), moved(r1, S.CANCELLED, tag="-b")]

    def save(i: int) -> None:
        updated, event = contenders[i]
        first_attempt = True

        def work(tx: Transaction) -> None:
            nonlocal first_attempt
            current = tx.get_referral("ref-1")
            assert current is not None
            if first_attempt:
                first_attempt = False
                both_read.wait(timeout=10)
            tx.save_referral(updated, current.version, event)

        neo4j.write(work)

    results = race(2, save)
    assert results.count(None) == 1, results
    assert any(isinstance(r, StaleVersion) for r in results), results
    assert len(neo4j.read(lambda tx: tx.referral_events("ref-1"))) == 2


# --- the graph ---------------------------------------------------------------------


@pytest.mark.neo4j
def test_the_graph_has_the_documented_shape(neo4j: Neo4jStore) -> None:
    load_small_network(neo4j)
    neo4j.write(lambda tx: tx.add_case(case("case-1")))
    r1 = referral("ref-1")
    neo4j.write(lambda tx: tx.add_referral(r1, created(r1)))
    r2, e2 = moved(r1, S.RECEIVED)
    neo4j.write(lambda tx: tx.save_referral(r2, 1, e2))
    r3, e3 = moved(r2, S.ACCEPTED)
    neo4j.write(lambda tx: tx.save_referral(r3, 2, e3))
    onward = referral(
        "ref-2",
        sender="hc-a",
        receiver="tpo-a",
        service="counselling",
        hop=2,
        continues_referral_id="ref-1",
    )
    neo4j.write(lambda tx: tx.add_referral(onward, created(onward)))

    lineage = rows(
        neo4j,
        "MATCH p = (:Area {code: '17010101'})-[:IN*]->(top:Area) WHERE NOT (top)-[:IN]->() "
        "RETURN [a IN nodes(p) | a.code] AS codes, [a IN nodes(p) | a.level] AS levels",
    )
    assert lineage == [
        {
            "codes": ["17010101", "170101", "1701", "17"],
            "levels": ["village", "commune", "district", "province"],
        }
    ]
    covers = rows(
        neo4j,
        "MATCH (:Provider {id: 'tpo-a'})-[rel:LOCATED_IN|COVERS]->(a:Area) "
        "RETURN type(rel) AS rel, a.code AS code ORDER BY rel, code",
    )
    assert covers == [
        {"rel": "COVERS", "code": "1701"},
        {"rel": "COVERS", "code": "1702"},
        {"rel": "LOCATED_IN", "code": "17"},
    ]
    pathways = rows(
        neo4j,
        "MATCH (a:Provider)-[w:PATHWAY]->(b:Provider) RETURN a.id AS a, w.id AS id, b.id AS b "
        "ORDER BY id",
    )
    assert [p["id"] for p in pathways] == ["pw-1", "pw-2", "pw-3"]
    path = rows(
        neo4j,
        "MATCH (s:Provider)-[:SENT]->(r:Referral {id: 'ref-2'})-[:TO]->(t:Provider), "
        "(r)-[:FOR]->(c:Case)<-[:OPENED]-(o:Provider), (r)-[:CONTINUES]->(prev:Referral), "
        "(c)-[:LIVES_IN]->(v:Area) "
        "RETURN s.id AS s, t.id AS t, c.id AS c, o.id AS o, prev.id AS prev, v.code AS v",
    )
    assert path == [
        {"s": "hc-a", "t": "tpo-a", "c": "case-1", "o": "ccwc-a", "prev": "ref-1", "v": "17010101"}
    ]
    events = rows(
        neo4j,
        "MATCH (:Referral {id: 'ref-1'})-[:HAS_EVENT]->(e:ReferralEvent) "
        "RETURN e.sequence AS n, e.to_status AS to, e.at AS at ORDER BY n",
    )
    assert [(e["n"], e["to"]) for e in events] == [
        (1, "requested"),
        (2, "received"),
        (3, "accepted"),
    ]
    assert all(isinstance(e["at"], DateTime) for e in events)
    times = rows(
        neo4j,
        "MATCH (r:Referral {id: 'ref-1'}) RETURN r.created_at AS created, r.updated_at AS "
        "updated, r.received_at AS received",
    )[0]
    assert all(isinstance(v, DateTime) for v in times.values())
    assert times["received"].to_native() == r3.step_times[S.RECEIVED]
    helpers_left = rows(
        neo4j,
        "MATCH (n) WHERE n._lock IS NOT NULL OR n._new IS NOT NULL RETURN count(n) AS n",
    )
    assert helpers_left == [{"n": 0}]


@pytest.mark.neo4j
def test_schema_is_in_place(neo4j: Neo4jStore) -> None:
    constraints = {
        r["name"]: r["type"]
        for r in rows(neo4j, "SHOW CONSTRAINTS YIELD name, type RETURN name, type")
    }
    for name in (
        "provider_id",
        "case_id",
        "case_code",
        "referral_id",
        "referral_event_id",
        "referral_event_sequence",
        "area_code",
        "meta_key",
    ):
        assert constraints.get(name) == "UNIQUENESS", name
    assert constraints.get("pathway_id") == "RELATIONSHIP_UNIQUENESS"
    indexes = {
        r["name"]: r["state"] for r in rows(neo4j, "SHOW INDEXES YIELD name, state RETURN *")
    }
    for name in (
        "referral_to_provider",
        "referral_status",
        "referral_created_at",
        "referral_inbox",
    ):
        assert indexes.get(name) == "ONLINE", name


def operators(plan: dict[str, Any]) -> list[str]:
    found = [f"{plan['operatorType']} {plan.get('args', {}).get('Details', '')}"]
    for child in plan.get("children", []):
        found += operators(child)
    return found


@pytest.mark.neo4j
def test_the_inbox_and_the_alert_queue_seek_an_index(neo4j: Neo4jStore) -> None:
    inbox = INBOX + page_of("r", "r.created_at, r.id")
    params = {
        "provider_id": "hc-a",
        "statuses": ["requested", "received"],
        "offset": 0,
        "limit": 10,
    }
    result = neo4j.driver.execute_query("EXPLAIN " + inbox, params, database_=neo4j.database)
    plan = operators(result.summary.plan)  # type: ignore[arg-type]
    assert any(op.startswith("NodeIndexSeek") and "Referral" in op for op in plan), plan
    # the composite inbox index: only the provider's referrals in those statuses are read
    assert any("Referral(to_provider_id, status)" in op for op in plan), plan
    assert not any(op.startswith(("NodeByLabelScan", "AllNodesScan")) for op in plan), plan

    result = neo4j.driver.execute_query(
        "EXPLAIN " + ALERT_DUE, {"now": datetime.now(UTC), "limit": 5}, database_=neo4j.database
    )
    plan = operators(result.summary.plan)  # type: ignore[arg-type]
    assert any("next_alert_at" in op and "IndexSeek" in op for op in plan), plan


# --- replayed commits (IncompleteCommit) -------------------------------------------


def _counts(store: Neo4jStore) -> dict[str, int]:
    found = rows(
        store,
        "CALL () { MATCH (c:Case) RETURN count(c) AS cases } "
        "CALL () { MATCH (r:Referral) RETURN count(r) AS referrals } "
        "CALL () { MATCH (e:ReferralEvent) RETURN count(e) AS events } "
        "CALL () { MATCH (:Referral)-[h:HAS_EVENT]->() RETURN count(h) AS links } "
        "CALL () { MATCH (m:Meta {key: 'directory_version'}) RETURN m.value AS directory } "
        "RETURN cases, referrals, events, links, directory",
    )
    return dict(found[0])


def _one_of_everything(
    store: Neo4jStore,
) -> tuple[Callable[[Transaction], str], Referral, Referral, ReferralEvent]:
    """The small network and case-0, and a unit of work with every kind of write a use
    case makes, its ids drawn up front (as a service must draw them for a replay to be
    exactly-once)."""
    load_small_network(store)
    earlier = case("case-0")
    store.write(lambda tx: tx.add_case(earlier))
    c = case("case-1")
    r1 = referral("ref-1")
    r2, e2 = moved(r1, S.RECEIVED)
    p = provider("p-new", ProviderKind.NGO, {Service.COUNSELLING})
    noted = earlier.model_copy(update={"note": "Seen again.", "version": 2})

    def work(tx: Transaction) -> str:
        tx.add_provider(p)
        tx.add_case(c)
        tx.save_case(noted, 1)
        tx.add_referral(r1, created(r1))
        tx.save_referral(r2, 1, e2)  # a later step of what this unit inserted
        return "done"

    return work, r1, r2, e2


@pytest.mark.neo4j
def test_a_replay_of_a_landed_commit_writes_nothing_twice(neo4j: Neo4jStore) -> None:
    work, r1, r2, e2 = _one_of_everything(neo4j)
    assert neo4j.write(work) == "done"
    before = _counts(neo4j)

    assert neo4j.replay(work) == "done"  # the same unit of work, run again

    assert _counts(neo4j) == before
    assert neo4j.read(lambda tx: tx.referral_events("ref-1")) == [created(r1), e2]
    assert neo4j.read(lambda tx: tx.get_referral("ref-1")) == r2
    noted = neo4j.read(lambda tx: tx.get_case("case-0"))
    assert noted is not None and noted.version == 2


@pytest.mark.neo4j
def test_a_replay_of_a_lost_commit_writes_it(neo4j: Neo4jStore) -> None:
    work, r1, _r2, e2 = _one_of_everything(neo4j)
    empty = _counts(neo4j)

    assert neo4j.replay(work) == "done"

    after = _counts(neo4j)
    assert after["cases"] == empty["cases"] + 1
    assert after["referrals"] == empty["referrals"] + 1
    assert after["events"] == after["links"] == empty["events"] + 2
    assert after["directory"] == empty["directory"] + 1
    assert neo4j.read(lambda tx: tx.referral_events("ref-1")) == [created(r1), e2]


@pytest.mark.neo4j
def test_a_replay_still_refuses_what_is_not_its_own(neo4j: Neo4jStore) -> None:
    """Same id, other content (or another step on the same version): still a conflict."""
    load_small_network(neo4j)
    neo4j.write(lambda tx: tx.add_case(case("case-1")))
    r1 = referral("ref-1")
    neo4j.write(lambda tx: tx.add_referral(r1, created(r1)))
    r2, e2 = moved(r1, S.RECEIVED)
    neo4j.write(lambda tx: tx.save_referral(r2, 1, e2))
    before = _counts(neo4j)

    other_case = case("case-1", note="Another child.")
    with pytest.raises(Conflict):
        neo4j.replay(lambda tx: tx.add_case(other_case))
    other_ref = referral("ref-1", reason="Another handoff.")
    other_created = created(other_ref).model_copy(update={"id": "evt-other"})
    with pytest.raises(Conflict):
        neo4j.replay(lambda tx: tx.add_referral(other_ref, other_created))
    other_step, other_event = moved(r1, S.CANCELLED, tag="-other")
    with pytest.raises(StaleVersion):
        neo4j.replay(lambda tx: tx.save_referral(other_step, 1, other_event))
    r3, e3 = moved(r2, S.ACCEPTED)
    neo4j.write(lambda tx: tx.save_referral(r3, 2, e3))
    with pytest.raises(StaleVersion):  # two steps on: not the replayed step's version
        neo4j.replay(lambda tx: tx.save_referral(r2, 1, e2))
    assert _counts(neo4j)["referrals"] == before["referrals"]
    assert _counts(neo4j)["events"] == before["events"] + 1


@pytest.mark.neo4j
def test_outside_a_replay_the_same_insert_twice_is_a_conflict(neo4j: Neo4jStore) -> None:
    load_small_network(neo4j)
    c = case("case-1")
    neo4j.write(lambda tx: tx.add_case(c))
    with pytest.raises(Conflict):
        neo4j.write(lambda tx: tx.add_case(c))


@pytest.mark.neo4j
@pytest.mark.parametrize("landed", [True, False], ids=["commit-landed", "commit-lost"])
def test_an_unanswered_commit_is_replayed_once_and_counted_once(
    neo4j: Neo4jStore, monkeypatch: pytest.MonkeyPatch, landed: bool
) -> None:
    """The connection breaks while committing: the driver raises IncompleteCommit (and
    never retries it); the store runs the unit of work again as a replay."""
    work, r1, _r2, e2 = _one_of_everything(neo4j)
    calls = 0

    def counted(tx: Transaction) -> str:
        nonlocal calls
        calls += 1
        return work(tx)

    original: Callable[[ManagedTransaction], Any] = ManagedTransaction._commit
    broken = 0

    def commit(self: ManagedTransaction) -> Any:
        nonlocal broken
        if broken == 0:
            broken += 1
            if landed:
                original(self)
            else:
                self._rollback()  # type: ignore[no-untyped-call]
            raise IncompleteCommit("connection lost while committing (simulated)")
        return original(self)

    empty = _counts(neo4j)
    monkeypatch.setattr(ManagedTransaction, "_commit", commit)

    assert neo4j.write(counted) == "done"

    assert calls == 2
    after = _counts(neo4j)
    assert after["cases"] == empty["cases"] + 1
    assert after["referrals"] == empty["referrals"] + 1
    assert after["events"] == after["links"] == empty["events"] + 2
    assert neo4j.read(lambda tx: tx.referral_events("ref-1")) == [created(r1), e2]


@pytest.mark.neo4j
def test_a_replay_whose_commit_is_unanswered_too_is_store_unavailable(
    neo4j: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    original: Callable[[ManagedTransaction], Any] = ManagedTransaction._commit

    def commit(self: ManagedTransaction) -> Any:
        original(self)
        raise IncompleteCommit("connection lost while committing (simulated)")

    monkeypatch.setattr(ManagedTransaction, "_commit", commit)
    with pytest.raises(StoreUnavailable, match="twice"):
        neo4j.write(lambda tx: tx.bump_directory_version())


# --- the case path in one query ----------------------------------------------------


@pytest.mark.neo4j
def test_the_one_query_case_path_agrees_with_build_path(neo4j: Neo4jStore) -> None:
    from referral_graph.domain.paths import build_path

    load_small_network(neo4j)
    neo4j.write(lambda tx: tx.add_case(case("case-1")))
    assert neo4j.case_path("case-1") == []
    r1 = referral("ref-1")
    neo4j.write(lambda tx: tx.add_referral(r1, created(r1)))
    current = r1
    for to, minutes in (
        (S.RECEIVED, 7.5),
        (S.ACCEPTED, 95),
        (S.IN_PROGRESS, 60 * 26),
        (S.COMPLETED, 60 * 24 * 9),
    ):
        nxt, event = moved(current, to, current.updated_at + timedelta(minutes=minutes))
        at_version = current.version

        def step(tx: Transaction, n: Referral = nxt, e: ReferralEvent = event) -> None:
            tx.save_referral(n, at_version, e)  # noqa: B023 (run at once, in this iteration)

        neo4j.write(step)
        current = nxt
    onward = referral(
        "ref-2",
        sender="hc-a",
        receiver="tpo-a",
        service="counselling",
        hop=2,
        continues_referral_id="ref-1",
        at=current.step_times[S.IN_PROGRESS] + timedelta(hours=3, seconds=0.25),
    )
    neo4j.write(lambda tx: tx.add_referral(onward, created(onward)))
    received, event = moved(onward, S.RECEIVED, onward.created_at + timedelta(hours=2))
    neo4j.write(lambda tx: tx.save_referral(received, 1, event))
    declined, event = moved(received, S.REJECTED, received.updated_at + timedelta(days=1))
    neo4j.write(lambda tx: tx.save_referral(declined, 2, event))

    hops = neo4j.case_path("case-1")
    expected = build_path(neo4j.read(lambda tx: tx.case_referrals("case-1")))

    assert [h.referral_id for h in hops] == ["ref-1", "ref-2"]
    for got, want in zip(hops, expected, strict=True):
        assert got.step_seconds == pytest.approx(want.step_seconds)
        assert set(got.step_seconds) == set(want.step_seconds)
        assert got.total_seconds == pytest.approx(want.total_seconds)
        assert got.status == want.referral.status.value
    assert hops[0].since_previous_seconds is None
    assert hops[1].continues_referral_id == "ref-1"
    assert hops[1].since_previous_seconds == pytest.approx(
        (onward.created_at - r1.created_at).total_seconds()
    )
    assert hops[1].step_seconds == pytest.approx({"to_acknowledge": 7200, "to_decide": 86400})
    with pytest.raises(NotFound):
        neo4j.case_path("nope")


# --- use cases under a replay (the services' side of exactly-once) ------------------


@pytest.fixture
def landed_then_unanswered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next commit lands, then its answer is lost (IncompleteCommit) — once."""
    original: Callable[[ManagedTransaction], Any] = ManagedTransaction._commit
    broken = False

    def commit(self: ManagedTransaction) -> Any:
        nonlocal broken
        if not broken:
            broken = True
            original(self)
            raise IncompleteCommit("connection lost while committing (simulated)")
        return original(self)

    monkeypatch.setattr(ManagedTransaction, "_commit", commit)


@pytest.mark.neo4j
def test_a_replayed_make_referral_makes_one_referral(neo4j: Neo4jStore, request: Any) -> None:
    from referral_graph.services.referrals import ReferralRequest, make_referral

    load_small_network(neo4j)
    neo4j.write(lambda tx: tx.add_case(case("case-1")))
    request.getfixturevalue("landed_then_unanswered")
    made = make_referral(
        Caller.system(neo4j, T0, "tester"),
        ReferralRequest(
            case_id="case-1",
            from_provider_id="ccwc-a",
            to_provider_id="hc-a",
            service=Service.MEDICAL_CARE,
            reason="Needs a medical check.",
        ),
    )
    found = neo4j.read(lambda tx: tx.case_referrals("case-1"))
    assert [r.id for r in found] == [made.id]
    assert len(neo4j.read(lambda tx: tx.referral_events(made.id))) == 1


@pytest.mark.neo4j
def test_a_replayed_step_is_taken_once(neo4j: Neo4jStore, request: Any) -> None:
    from referral_graph.services.referrals import Step, move_referral

    load_small_network(neo4j)
    neo4j.write(lambda tx: tx.add_case(case("case-1")))
    r1 = referral("ref-1")
    neo4j.write(lambda tx: tx.add_referral(r1, created(r1)))
    request.getfixturevalue("landed_then_unanswered")
    moved_to = move_referral(Caller.system(neo4j, T0, "tester"), "ref-1", Step(status=S.RECEIVED))
    assert moved_to.referral.version == 2
    assert moved_to.referral == neo4j.read(lambda tx: tx.get_referral("ref-1"))
    assert [e.sequence for e in neo4j.read(lambda tx: tx.referral_events("ref-1"))] == [1, 2]


@pytest.mark.neo4j
def test_a_replayed_open_case_opens_one_case(neo4j: Neo4jStore, request: Any) -> None:
    from referral_graph.services.cases import open_case

    load_small_network(neo4j)
    request.getfixturevalue("landed_then_unanswered")
    opened = open_case(Caller.system(neo4j, T0, "tester"), opening(opened_by_provider_id="ccwc-a"))
    assert neo4j.read(lambda tx: tx.count_cases()) == 1
    assert neo4j.read(lambda tx: tx.get_case(opened.id)) == opened

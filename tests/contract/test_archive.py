"""Contract of the archive port: bulk loads (seeding), access-log housekeeping, and
closing cases and the retention purge years after closure.

Export and restore of whole stores (``all_cases``, ``all_referrals``,
``restore_referral``) are proven end to end in ``tests/reliability/test_backup.py``."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.domain.errors import Conflict
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import REMOVED, Case, CaseStatus, Pathway, Referral, utc_now
from referral_graph.domain.reasons import ClosureReason
from referral_graph.domain.vocabulary import ProviderKind, Service
from referral_graph.services import case_life, cases, referrals, retention
from referral_graph.services.caller import Caller
from referral_graph.services.case_life import CaseClosing
from referral_graph.services.referrals import ReferralRequest, ReferralWithEvents, Step
from referral_graph.store.port import (
    AccessQuery,
    HistoryQuery,
    Page,
    ProviderQuery,
    Store,
    Transaction,
)
from tests.contract.helpers import ALL, access, case, ids, pathway_ids, version
from tests.contract.training_data import (
    ALL_RECORDS,
    ATTENDANCE,
    PEOPLE,
    PEOPLE_ORDER,
    SESSION_ORDER,
    SESSIONS,
    add_providers,
    attendance_of,
    attended,
    get_person,
    people_ids,
    person,
    records,
    session_ids,
    supervisee_ids,
)
from tests.factories import T0, FakeClock, opening, provider, small_network

S = ReferralStatus
YEARS = 5
EVERYTHING = HistoryQuery(since=T0 - timedelta(days=1), until=T0 + timedelta(days=365 * 20))
SECRETS = ("aunt", "uncle", "school", "bruises", "doctor", "ccwc-focal-1")
MINUTE = timedelta(minutes=1)
#: The case's counselling need was never met (its referrals were for medical care): it
#: closes with an override, whose words — like the outcome's — retention removes.
CLOSING = CaseClosing(
    reason=ClosureReason.CHILD_MOVED,
    outcome="Safe at the aunt's",
    override="The uncle took her away from school",
)

# --- seeding: the directory --------------------------------------------------------


def test_load_directory_inserts_or_replaces(any_store: Store) -> None:
    providers, pathways = small_network()
    assert any_store.write(lambda tx: tx.load_directory(providers, pathways)) == 9
    assert ids(any_store) == ALL

    changed = [
        providers[0].model_copy(update={"name": "CCWC renamed", "version": 2}),
        provider("new-one", ProviderKind.SCHOOL, {Service.AWARENESS}, area_code="0102"),
    ]
    rerouted = pathways[0].model_copy(update={"to_provider_id": "tpo-a"})
    assert any_store.write(lambda tx: tx.load_directory(changed, [rerouted])) == 3

    assert ids(any_store) == sorted([*ALL, "new-one"])
    stored = any_store.read(lambda tx: tx.get_provider("ccwc-a"))
    assert stored is not None and stored.name == "CCWC renamed" and stored.version == 2
    assert ids(any_store, area="01") == ["helpline", "new-one"]
    assert pathway_ids(any_store, to_provider_id="tpo-a") == ["pw-1", "pw-2"]
    assert pathway_ids(any_store, to_provider_id="hc-a") == []
    assert pathway_ids(any_store) == ["pw-1", "pw-2", "pw-3"]


def test_load_directory_with_a_dangling_pathway_changes_nothing(any_store: Store) -> None:
    providers, _ = small_network()
    dangling = Pathway(
        id="pw-x", from_provider_id="ccwc-a", to_provider_id="nope", service=Service.SHELTER
    )
    with pytest.raises(Conflict):
        any_store.write(lambda tx: tx.load_directory(providers, [dangling]))
    assert ids(any_store) == []
    assert version(any_store) == 0


def test_load_directory_in_large_batches(any_store: Store) -> None:
    base = small_network()[0][1]
    many = [base.model_copy(update={"id": f"hc-{i:05d}"}) for i in range(6_000)]
    assert any_store.write(lambda tx: tx.load_directory(many, [])) == 6_000
    listing = any_store.read(
        lambda tx: tx.list_providers(ProviderQuery(area="170101"), Page(limit=3, offset=5_998))
    )
    assert listing.count == 6_000
    assert [p.id for p in listing.items] == ["hc-05998", "hc-05999"]


# --- seeding: training -------------------------------------------------------------


def test_load_capacity_inserts_then_replaces(any_store: Store) -> None:
    add_providers(any_store)
    # supervisors may come after the people they supervise in one load
    people = list(reversed(PEOPLE))
    written = any_store.write(lambda tx: tx.load_training(people, SESSIONS, ATTENDANCE))
    assert written == len(PEOPLE) + len(SESSIONS) + len(ATTENDANCE)
    assert people_ids(any_store) == PEOPLE_ORDER
    for p in PEOPLE:
        assert get_person(any_store, p.id) == p
    assert session_ids(any_store) == SESSION_ORDER
    assert records(any_store) == ALL_RECORDS
    assert supervisee_ids(any_store, "sup") == ["bopha", "hc-2", "hc-1"]

    # the same load again changes nothing (no doubled links or attendances)
    any_store.write(lambda tx: tx.load_training(people, SESSIONS, ATTENDANCE))
    assert people_ids(any_store) == PEOPLE_ORDER
    assert supervisee_ids(any_store, "sup") == ["bopha", "hc-2", "hc-1"]
    assert records(any_store) == ALL_RECORDS
    assert len(attendance_of(any_store, "ts-1")) == 4

    renamed = PEOPLE[5].model_copy(update={"name": "Keo Bopha", "supervised_by": ("hc-3",)})
    newcomer = person("new", "hc-b", "Srey Neang", supervised_by=("bopha",))
    moved = SESSIONS[1].model_copy(update={"area_code": "040614"})
    completed = attended("ts-1", "kosal", completed=True)
    assert (
        any_store.write(lambda tx: tx.load_training([renamed, newcomer], [moved], [completed])) == 4
    )
    assert get_person(any_store, "bopha") == renamed
    assert get_person(any_store, "new") == newcomer
    assert supervisee_ids(any_store, "sup") == ["hc-2", "hc-1"]
    assert supervisee_ids(any_store, "hc-3") == ["bopha"]
    assert supervisee_ids(any_store, "bopha") == ["new"]
    assert people_ids(any_store, provider_id="hc-b") == ["bopha", "new"]
    assert session_ids(any_store, area="1702") == []
    assert session_ids(any_store, area="0406") == ["ts-4", "ts-2"]
    assert attendance_of(any_store, "ts-1")[2] == completed
    assert ("kosal", "ts-1") in records(any_store)


@pytest.mark.parametrize(
    "broken",
    [
        {"people": [person("new", "nope", "Srey Neang")]},
        {"people": [person("new", "hc-a", "Srey Neang", supervised_by=("nope",))]},
        {"attendance": [attended("nope", "sok")]},
        {"attendance": [attended("ts-1", "nope")]},
    ],
)
def test_load_capacity_with_a_dangling_reference_changes_nothing(
    any_store: Store, broken: dict[str, list[Any]]
) -> None:
    add_providers(any_store)
    people = [*PEOPLE, *broken.get("people", [])]
    attendance = [*ATTENDANCE, *broken.get("attendance", [])]
    with pytest.raises(Conflict):
        any_store.write(lambda tx: tx.load_training(people, SESSIONS, attendance))
    assert people_ids(any_store) == []
    assert session_ids(any_store) == []
    assert records(any_store) == []
    assert supervisee_ids(any_store, "sup") == []


# --- access-log housekeeping -------------------------------------------------------


def test_settling_the_access_log_changes_nothing_a_reader_sees(any_store: Store) -> None:
    for n in range(6):
        record = access(f"a-{n}", at=T0 + n * MINUTE, object_id=f"case-{n % 2}")
        any_store.write(lambda tx, r=record: tx.append_access(r))
    query = AccessQuery(object_id="case-1")
    before = any_store.read(lambda tx: tx.list_access(query, Page()))
    moved = any_store.write(lambda tx: tx.settle_access(4))
    assert moved == (4 if any_store.name == "sqlite" else 0)  # Neo4j indexes on append
    assert any_store.read(lambda tx: tx.list_access(query, Page())) == before
    any_store.write(lambda tx: tx.settle_access(100))
    assert any_store.write(lambda tx: tx.settle_access(100)) == 0
    after = any_store.read(lambda tx: tx.list_access(query, Page()))
    assert after == before
    assert [r.id for r in after.items] == ["a-5", "a-3", "a-1"]


# --- closing cases and retention ---------------------------------------------------


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
    closed = case_life.close_case(Caller.system(store, clock()), opened.id, CLOSING)
    return closed, [done.id, refused.id]


def snapshot(store: Store, case_id: str, ids: list[str]) -> tuple[Case, list[ReferralWithEvents]]:
    return cases.get_case(Caller.system(store, utc_now()), case_id), [
        referrals.get_referral(Caller.system(store, utc_now()), i) for i in ids
    ]


def test_close_case_refuses_while_a_referral_is_open(network: Store, clock: FakeClock) -> None:
    opened = cases.open_case(Caller.system(network, clock(), "ccwc-focal-1"), opening())
    made = refer(network, clock, opened)
    with pytest.raises(Conflict, match="still open"):
        case_life.close_case(Caller.system(network, clock()), opened.id, CLOSING)
    walk(network, clock, made.id, Step(status=S.RECEIVED), Step(status=S.ACCEPTED))
    with pytest.raises(Conflict, match="still open"):
        case_life.close_case(Caller.system(network, clock()), opened.id, CLOSING)
    assert cases.get_case(Caller.system(network, utc_now()), opened.id) == opened

    walk(
        network,
        clock,
        made.id,
        Step(status=S.IN_PROGRESS),
        Step(status=S.COMPLETED, outcome="Treated."),
    )
    closed = case_life.close_case(Caller.system(network, clock()), opened.id, CLOSING)
    assert closed.status is CaseStatus.CLOSED and closed.closed_at == clock()
    assert closed.version == opened.version + 1
    assert cases.get_case(Caller.system(network, utc_now()), opened.id) == closed
    with pytest.raises(Conflict, match="already closed"):
        case_life.close_case(Caller.system(network, clock()), opened.id, CLOSING)


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

    # What the audit reads: every fact, time and reason code as before (it never read
    # the free text the purge removed); the child's age and gender are gone.
    facts_after = network.read(lambda tx: tx.hop_facts(EVERYTHING))
    assert any(f.status_reason_code for f in facts_before)
    assert all(f.case_age is not None for f in facts_before)
    unknown = {"case_gender": None, "case_age": None, "case_lgbtiq": False}
    assert facts_after == [replace(f, **unknown) for f in facts_before]

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

"""Backup and restore: a history made through the services comes back exactly.

The history has cases, multi-hop referrals through every kind of transition, a user
with an API token, alerts fired by the timeliness tick, webhook messages in every
outbox state, a service gap and access records. It is backed up, restored into an
empty store, and everything the port can read is compared: SQLite to SQLite through
the archive and through the SQLite backup file, and SQLite to Neo4j (marked ``neo4j``).
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.archive.backup import (
    BackupError,
    backup_sqlite,
    copy_store,
    export_store,
    import_store,
    restore,
    restore_sqlite,
)
from referral_graph.cli.backup import backup_command, restore_command
from referral_graph.domain.areas import gazetteer
from referral_graph.domain.identification import AgeBand, DeclineReason
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.meetings import MeetingStatus
from referral_graph.domain.models import Pathway
from referral_graph.domain.reasons import ClosureReason, StepReason
from referral_graph.domain.vocabulary import (
    Gender,
    ProviderKind,
    RelayChannel,
    RiskLevel,
    Service,
)
from referral_graph.policies.sla import packaged_policy
from referral_graph.security.model import Principal, Role
from referral_graph.services import accounts, identifications, intake_decisions
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building import local_today
from referral_graph.services.case_life import (
    CaseChange,
    CaseClosing,
    CaseReopening,
    FollowUpMade,
    FollowUpPlan,
    change_case,
    close_case,
    plan_follow_up,
    record_follow_up,
    reopen_case,
)
from referral_graph.services.cases import open_case, record_consent
from referral_graph.services.identifications import IdentificationRequest
from referral_graph.services.intake_decisions import (
    IdentificationAcceptance,
    IdentificationDecline,
)
from referral_graph.services.notifications import Webhook, deliver
from referral_graph.services.recorded import RecordedStore as LoggedStore
from referral_graph.services.referrals import ReferralRequest, Step, make_referral, move_referral
from referral_graph.services.routing import Routing
from referral_graph.services.timeliness import ensure_policy, tick
from referral_graph.settings import Settings, get_settings
from referral_graph.store.port import (
    AccessQuery,
    ActionQuery,
    AlertQuery,
    DueQuery,
    HistoryQuery,
    IdentificationQuery,
    InboxQuery,
    MeetingQuery,
    Page,
    PathwayQuery,
    ProviderQuery,
    Store,
    Transaction,
)
from tests.contract import meetings_data
from tests.factories import T0, FakeClock, consent, load_small_network, opening, provider

S = ReferralStatus
EVERYTHING = Page(limit=100_000)
FAR = datetime(2100, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


# --- the history -------------------------------------------------------------------


@dataclass
class History:
    cases: list[str]
    referrals: list[str]


def _walk(store: Store, clock: FakeClock, referral_id: str, *steps: Step) -> None:
    for step in steps:
        clock.advance(minutes=37)
        move_referral(Caller.system(store, clock(), "tester"), referral_id, step)


def _refer(store: Store, clock: FakeClock, **fields: Any) -> str:
    clock.advance(minutes=11)
    request = ReferralRequest.model_validate({"reason": "Needs support.", **fields})
    return make_referral(Caller.system(store, clock(), "tester"), request).id


def make_history(store: Store, clock: FakeClock) -> History:
    load_small_network(store)
    vhsg = provider("vhsg-a", ProviderKind.VHSG, {Service.IDENTIFICATION})
    to_ccwc = Pathway(
        id="pw-vhsg", from_provider_id="vhsg-a", to_provider_id="ccwc-a", service="registration"
    )
    store.write(lambda tx: tx.load_directory([vhsg], [to_ccwc]))
    ensure_policy(store, packaged_policy())
    settings = Settings(seed_on_start=False)
    admin = accounts.create_user(
        Caller.system(store, clock()),
        accounts.NewUser(username="admin.one", password="correct horse 1", role=Role.ADMIN),
    )
    accounts.create_user(
        Caller.system(store, clock()),
        accounts.NewUser(
            username="ccwc.one",
            password="correct horse 2",
            role=Role.CCWC,
            provider_id="ccwc-a",
        ),
    )
    accounts.create_api_token(Caller.system(store, clock()), admin.id, "nightly export", 30)
    accounts.sign_in(store, clock(), "ccwc.one", "correct horse 2", settings)

    a = open_case(Caller.system(store, clock(), "ccwc-focal-1"), opening())
    clock.advance(minutes=5)
    b = open_case(Caller.system(store, clock(), "ccwc-focal-2"), opening(consent=None, age=17))
    clock.advance(minutes=5)
    c = open_case(
        Caller.system(store, clock(), "ccwc-focal-1"),
        opening(risk=RiskLevel.EMERGENCY, gender=Gender.MALE, needs=[Service.LEGAL_AID]),
    )
    # A write through the access log: the consent and its record commit together.
    logged = LoggedStore(
        store,
        Principal(user_id=admin.id, username="admin.one", role=Role.ADMIN),
        clock,
        "PUT",
        "/api/v1/cases/{case_id}/consent",
        {"case_id": b.id},
        "127.0.0.1",
    )
    record_consent(Caller.system(logged, T0), b.id, consent(clock()))

    # Case a: three hops; completed, declined, then failed.
    r1 = _refer(
        store,
        clock,
        case_id=a.id,
        from_provider_id="ccwc-a",
        to_provider_id="hc-a",
        service=Service.MEDICAL_CARE,
        recommendation_rank=1,
    )
    _walk(
        store,
        clock,
        r1,
        Step(status=S.RECEIVED),
        Step(status=S.ACCEPTED, note="Seen at the front desk."),
        Step(status=S.IN_PROGRESS),
        Step(status=S.ON_HOLD, reason="Family travelling."),
        Step(status=S.IN_PROGRESS),
    )
    r2 = _refer(
        store,
        clock,
        case_id=a.id,
        from_provider_id="hc-a",
        to_provider_id="tpo-a",
        service=Service.COUNSELLING,
        continues_referral_id=r1,
        recommendation_rank=2,
    )
    # Its acknowledgement was confirmed by phone 10 minutes before someone typed it (#18).
    clock.advance(minutes=37)
    move_referral(
        Caller.system(store, clock(), "ccwc-focal-1"),
        r2,
        Step(status=S.RECEIVED, relay=RelayChannel.PHONE, occurred_at=clock() - 10 * MINUTE),
    )
    _walk(store, clock, r2, Step(status=S.REJECTED, reason="Full."))
    r3 = _refer(
        store,
        clock,
        case_id=a.id,
        from_provider_id="hc-a",
        to_provider_id="tpo-a",
        service=Service.GROUP_THERAPY,
        continues_referral_id=r1,
    )
    _walk(
        store,
        clock,
        r3,
        Step(status=S.RECEIVED),
        Step(status=S.ACCEPTED),
        Step(
            status=S.FAILED,
            reason_code=StepReason.CHILD_UNREACHABLE,
            reason="Could not reach the family.",
        ),
    )
    _walk(store, clock, r1, Step(status=S.COMPLETED, outcome="Treated; follow-up booked."))
    # Case a's life: a follow-up made, closed with counselling unmet, reopened.
    ccwc = Caller.system(store, clock(), "ccwc-focal-1")
    today = local_today(clock(), "Asia/Phnom_Penh")
    plan_follow_up(ccwc, a.id, FollowUpPlan(on=today, note="Home visit"))
    record_follow_up(ccwc, a.id, FollowUpMade(note="Back at school", next_on=None))
    close_case(
        ccwc,
        a.id,
        CaseClosing(
            reason=ClosureReason.CHILD_MOVED,
            outcome="Moved to the aunt's",
            override="Counselling arranged there by phone",
        ),
    )
    clock.advance(hours=2)
    reopen_case(Caller.system(store, clock(), "ccwc-focal-1"), a.id, CaseReopening(reason="Back"))

    # Case b: cancelled by the sender; another left waiting (the tick fires on it).
    r4 = _refer(
        store,
        clock,
        case_id=b.id,
        from_provider_id="ccwc-a",
        to_provider_id="hc-a",
        service=Service.COUNSELLING,
    )
    _walk(store, clock, r4, Step(status=S.CANCELLED, reason="Sent to the wrong place."))
    r5 = _refer(
        store,
        clock,
        case_id=b.id,
        from_provider_id="ccwc-a",
        to_provider_id="helpline",
        service=Service.PHONE_COUNSELLING,
        risk=RiskLevel.HIGH,
    )
    # Case b's risk rises (r5 gets sooner deadlines) and it gains a need.
    change_case(
        Caller.system(store, clock(), "ccwc-focal-2"),
        b.id,
        CaseChange(
            risk=RiskLevel.EMERGENCY,
            needs=[Service.COUNSELLING, Service.PHONE_COUNSELLING],
            note="Threatened again",
        ),
    )
    # Case c: an emergency left unacknowledged, and a need nothing meets (a gap).
    r6 = _refer(
        store,
        clock,
        case_id=c.id,
        from_provider_id="ccwc-a",
        to_provider_id="hc-a",
        service=Service.MEDICAL_CARE,
    )
    Routing(store, "Asia/Phnom_Penh").recommend(c.id, clock(), service=Service.LEGAL_AID)

    # Identifications (#18): one becomes case d (sexual violence 20 h ago: the tick below
    # alerts that PEP is closing), one is declined, one waits.
    vhsg_caller = Caller.system(store, clock(), "vhsg-volunteer")
    sent = [
        identifications.register(
            vhsg_caller,
            IdentificationRequest(
                identified_by_provider_id="vhsg-a",
                age_band=band,
                gender=Gender.FEMALE,
                risk=RiskLevel.EMERGENCY,
                needs=[Service.POST_RAPE_CARE],
                village_code="17010101",
                incident_at=clock() - 20 * HOUR,
                note="Seen by the volunteer.",
            ),
        )
        for band in (AgeBand.FROM_12_TO_14, AgeBand.FROM_15_TO_17, AgeBand.FROM_6_TO_11)
    ]
    clock.advance(minutes=7)
    ccwc = Caller.system(store, clock(), "ccwc-focal-1")
    identifications.open_identification(ccwc, sent[0].id)
    d = intake_decisions.accept(ccwc, sent[0].id, IdentificationAcceptance(age=13))
    intake_decisions.decline(
        ccwc, sent[1].id, IdentificationDecline(reason=DeclineReason.ALREADY_A_CASE)
    )

    clock.advance(hours=30)
    fired = tick(store, clock())
    assert fired, "the tick should fire reminders and escalations"

    # Webhook messages: some delivered, the rest dead after one attempt.
    calls = iter(range(1_000_000))

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        return 200 if next(calls) % 2 == 0 else 500

    from referral_graph.services.notifications import DeliveryPolicy

    deliver(
        store,
        clock(),
        [Webhook("http://127.0.0.1:9/hook", "a-secret-of-16-chars")],
        post=post,
        policy=DeliveryPolicy(max_attempts=1),
        batch=4,
    )
    # A network meeting with its actions, one owned by a person, one agreeing a pathway.
    meeting = meetings_data.meeting(status=MeetingStatus.CLOSED)
    actions = [
        meetings_data.action(owner_person_id="person-hc-a-1"),
        meetings_data.pathway_action(),
    ]
    store.write(lambda tx: (tx.add_meeting(meeting), tx.add_actions(actions)))
    return History([a.id, b.id, c.id, d.id], [r1, r2, r3, r4, r5, r6])


# --- what the port can read ----------------------------------------------------------


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a store holds, as the port reads it."""

    def work(tx: Transaction) -> dict[str, Any]:
        providers = tx.list_providers(ProviderQuery(), EVERYTHING).items
        users = tx.list_users(EVERYTHING).items
        cases = tx.all_cases(EVERYTHING).items
        referrals = tx.all_referrals(EVERYTHING).items
        gaps = {
            g.id: g
            for p in gazetteer().children(None)
            for g in tx.service_gaps(p.code, EVERYTHING).items
        }
        return {
            "directory_version": tx.directory_version(),
            "sla_policy": tx.get_sla_policy(),
            "providers": providers,
            "pathways": tx.list_pathways(PathwayQuery(), EVERYTHING).items,
            "users": users,
            "tokens": {u.id: tx.list_tokens(u.id) for u in users},
            "cases": cases,
            "case_referrals": {c.id: tx.case_referrals(c.id) for c in cases},
            "referrals": referrals,
            "events": {r.id: tx.referral_events(r.id) for r in referrals},
            "inboxes": {
                p.id: tx.inbox(InboxQuery(p.id, tuple(S)), EVERYTHING).items for p in providers
            },
            "gaps": gaps,
            "alerts": tx.list_alerts(AlertQuery(), EVERYTHING).items,
            "alert_due": tx.referrals_alert_due(FAR, 100_000),
            "due": tx.referrals_due(DueQuery(before=FAR), EVERYTHING).items,
            "facts": tx.hop_facts(HistoryQuery(since=T0 - timedelta(days=1), until=FAR)),
            "activity": tx.provider_activity(T0 - timedelta(days=1)),
            "by_status": tx.count_referrals_by_status(),
            "outbox": {
                s: tx.list_outbox(s, EVERYTHING).items for s in ("pending", "delivered", "dead")
            },
            "outbox_due": tx.outbox_due(FAR, 100_000),
            "access": tx.list_access(AccessQuery(), EVERYTHING).items,
            "identifications": tx.list_identifications(IdentificationQuery(), EVERYTHING).items,
            "identification_of_case": {c.id: tx.identification_of_case(c.id) for c in cases},
            "care_clock": tx.cases_on_care_clock(T0 - timedelta(days=365), FAR, 100_000),
            "meetings": tx.list_meetings(MeetingQuery(), EVERYTHING).items,
            "meeting_actions": tx.list_actions(ActionQuery(), EVERYTHING).items,
        }

    return store.read(work)


def assert_same(found: dict[str, Any], expected: dict[str, Any]) -> None:
    assert found.keys() == expected.keys()
    for key in expected:
        assert found[key] == expected[key], f"{key} differs after the restore"


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a SQLite file, ``doc`` columns parsed (a set's JSON
    order may differ between two builds of one model)."""
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            found = [
                tuple(
                    _normal(v) if n in ("doc", "value") else v
                    for n, v in zip(names, r, strict=True)
                )
                for r in cursor
            ]
            if table == "meta":  # a counter that tells routing to re-read caseloads: it
                # only grows, from whatever it is, and a restore replays every step
                found = [row for row in found if row[0] != "activity_version"]
            rows[table] = sorted(found, key=repr)
        rows["user_version"] = [conn.execute("PRAGMA user_version").fetchone()]
    return rows


def _normal(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        return _sorted(json.loads(value))
    return value


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=repr)
    return value


# --- fixtures ----------------------------------------------------------------------


@pytest.fixture
def source(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "source.sqlite3")
    store.initialise()
    yield store
    store.close()


@pytest.fixture
def target(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "target.sqlite3")
    store.initialise()
    yield store
    store.close()


@pytest.fixture
def history(source: SqliteStore) -> History:
    return make_history(source, FakeClock())


# --- SQLite to SQLite --------------------------------------------------------------


def test_the_history_has_every_kind_of_record(source: SqliteStore, history: History) -> None:
    shot = snapshot(source)
    statuses = {e.to_status for events in shot["events"].values() for e in events}
    assert statuses == set(S)  # every status reached
    assert shot["alerts"] and shot["gaps"] and shot["access"] and shot["sla_policy"]
    assert {s for s, items in shot["outbox"].items() if items} == {"pending", "delivered", "dead"}
    assert [len(t) for t in shot["tokens"].values()] == [1, 1]
    assert any(c.version > 1 for c in shot["cases"])
    assert any(r.continues_referral_id for r in shot["referrals"])
    # a case's life (#17): its own events, a risk rise that retimed a hop, coded reasons
    kinds = {e.kind.value for c in shot["cases"] for e in c.history}
    assert kinds >= {"risk_changed", "needs_changed", "follow_up_set", "followed_up"}
    assert kinds >= {"closed", "reopened"}
    assert any(r.risk is RiskLevel.EMERGENCY and r.version > 1 for r in shot["referrals"])
    assert any(r.status_reason_code is StepReason.CHILD_UNREACHABLE for r in shot["referrals"])
    assert {i.status.value for i in shot["identifications"]} == {"accepted", "declined", "sent"}
    assert any(r.relayed for r in shot["referrals"]) and shot["care_clock"]
    topics = {m.topic for items in shot["outbox"].values() for m in items}
    assert {"care.window_closing", "identification.accepted"} <= topics
    assert shot["meetings"] and len(shot["meeting_actions"]) == 2


def test_archive_round_trip_is_exact(
    source: SqliteStore, target: SqliteStore, history: History, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.jsonl"
    written = export_store(source, archive)
    restored = import_store(target, archive)

    assert written.counts["referral"] == len(history.referrals) == restored.counts["referral"]
    assert written.counts["event"] == restored.counts["event"] > len(history.referrals)
    assert_same(snapshot(target), snapshot(source))
    # A restore settles the access records it wrote into the indexed log; so that the
    # files compare table by table, the source's journal is settled too.
    source.write(lambda tx: tx.settle_access(1_000_000))
    source.close()
    target.close()
    expected = table_rows(source.path)
    found = table_rows(target.path)
    assert expected["access_journal"] == [] and expected["access_log"]
    # Sign-in failures and revoked access tokens are not in an archive (see the module).
    assert found == expected


def test_gzip_archive_round_trip(
    source: SqliteStore, target: SqliteStore, history: History, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.jsonl.gz"
    export_store(source, archive)
    with gzip.open(archive, "rt") as lines:
        assert json.loads(next(lines))["kind"] == "header"
    restore(archive, target)
    assert_same(snapshot(target), snapshot(source))


def test_sqlite_file_round_trip_is_exact(
    source: SqliteStore, target: SqliteStore, history: History, tmp_path: Path
) -> None:
    # Something only a file copy keeps: a revoked access token and a sign-in failure.
    source.write(lambda tx: tx.record_login_failure("ccwc.one", T0))
    user = source.read(lambda tx: tx.get_user_by_username("ccwc.one"))
    assert user is not None
    signed_in = Principal(user.id, user.username, user.role, "ccwc-a", token_id="jti-1")
    accounts.sign_out(Caller(signed_in, source, T0), None)
    copy = tmp_path / "back ups #1?" / "nightly.sqlite3"  # a path a URI would mangle
    made = backup_sqlite(source, copy)
    assert made.bytes == copy.stat().st_size > 0
    assert not Path(f"{copy}-wal").exists()

    restored = restore_sqlite(copy, target)
    assert restored.counts["referral"] == len(history.referrals)
    assert_same(snapshot(target), snapshot(source))
    source.close()
    target.close()
    assert table_rows(target.path) == table_rows(source.path)


def test_a_backup_taken_while_the_server_writes_is_consistent(
    source: SqliteStore, history: History, tmp_path: Path
) -> None:
    clock = FakeClock(T0 + timedelta(days=3))
    stop = threading.Event()
    made: list[str] = []

    def writer() -> None:
        writing = SqliteStore(source.path)
        case_id = history.cases[2]
        try:
            while not stop.is_set() and len(made) < 400:
                made.append(
                    _refer(
                        writing,
                        clock,
                        case_id=case_id,
                        from_provider_id="ccwc-a",
                        to_provider_id="tpo-a",
                        service=Service.COUNSELLING,
                    )
                )
                # withdrawn at once, so that the next is no duplicate of an open one
                cancel = Step(status=S.CANCELLED, reason_code=StepReason.SENT_IN_ERROR)
                move_referral(Caller.system(writing, clock(), "tester"), made[-1], cancel)
        finally:
            writing.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(made) < 20 and thread.is_alive():
            stop.wait(0.01)
        assert len(made) >= 20, "the writer stopped early"
        copies = [tmp_path / f"copy-{i}.sqlite3" for i in range(3)]
        for copy in copies:
            backup_sqlite(source, copy)
    finally:
        stop.set()
        thread.join()
    for i, copy in enumerate(copies):
        restored = SqliteStore(tmp_path / f"restored-{i}.sqlite3")
        restored.initialise()
        try:
            restore_sqlite(copy, restored)
            shot = snapshot(restored)
            # A prefix of the writes, each referral with its creating event.
            assert (
                len(history.referrals)
                < len(shot["referrals"])
                <= len(history.referrals) + len(made)
            )
            assert all(shot["events"][r.id][0].to_status is S.REQUESTED for r in shot["referrals"])
            assert len(shot["outbox"]["pending"]) >= len(shot["referrals"]) - len(history.referrals)
        finally:
            restored.close()


# --- refusals ------------------------------------------------------------------------


def test_import_refuses_a_store_that_is_not_empty(
    source: SqliteStore, history: History, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.jsonl"
    export_store(source, archive)
    before = snapshot(source)
    with pytest.raises(BackupError, match="not empty"):
        import_store(source, archive)
    assert_same(snapshot(source), before)


def test_import_with_reset_replaces_what_was_there(
    source: SqliteStore, target: SqliteStore, history: History, tmp_path: Path
) -> None:
    load_small_network(target)
    archive = tmp_path / "backup.jsonl"
    export_store(source, archive)
    import_store(target, archive, reset=True)
    assert_same(snapshot(target), snapshot(source))


@pytest.mark.parametrize("damage", ["truncated", "edited", "not an archive", "newer"])
def test_a_damaged_archive_is_refused_before_anything_is_written(
    source: SqliteStore, target: SqliteStore, history: History, tmp_path: Path, damage: str
) -> None:
    archive = tmp_path / "backup.jsonl"
    export_store(source, archive)
    lines = archive.read_text("utf-8").splitlines(keepends=True)
    if damage == "truncated":
        lines = lines[: len(lines) // 2]
        message = "no end line"
    elif damage == "edited":
        lines[5] = lines[5].replace("Test", "Tset", 1)
        message = "checksum"
    elif damage == "not an archive":
        lines = ['{"kind": "something", "data": {}}\n']
        message = "not a referral-graph archive"
    else:
        header = json.loads(lines[0])
        header["data"]["version"] = 99
        lines[0] = json.dumps(header) + "\n"
        message = "archive version 99"
    archive.write_text("".join(lines), "utf-8")
    with pytest.raises(BackupError, match=message):
        import_store(target, archive)
    assert snapshot(target)["providers"] == []


def test_a_damaged_sqlite_backup_is_refused(target: SqliteStore, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    with pytest.raises(BackupError, match=r"garbage\.sqlite3"):
        restore(garbage, target)
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    with pytest.raises(BackupError, match="not a referral-graph"):
        restore_sqlite(empty, target)


def test_a_sqlite_backup_from_a_newer_program_is_refused(
    source: SqliteStore, target: SqliteStore, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.sqlite3"
    backup_sqlite(source, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(BackupError, match="newer than this program"):
        restore(copy, target)


def test_backup_refuses_to_overwrite_the_database(source: SqliteStore) -> None:
    with pytest.raises(BackupError, match="database itself"):
        backup_sqlite(source, source.path)


# --- the command line ------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[typer.Typer, CliRunner]]:
    app = typer.Typer()
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    get_settings.cache_clear()
    yield app, CliRunner()
    get_settings.cache_clear()


@pytest.mark.parametrize("fmt", ["sqlite", "jsonl"])
def test_backup_and_restore_commands(
    cli: tuple[typer.Typer, CliRunner],
    source: SqliteStore,
    history: History,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    app, runner = cli
    expected = snapshot(source)
    out = tmp_path / f"backup.{fmt}"
    monkeypatch.setenv("REFERRAL_GRAPH_STORE", "sqlite")
    monkeypatch.setenv("REFERRAL_GRAPH_SQLITE_PATH", str(source.path))
    done = runner.invoke(app, ["backup", "--out", str(out), "--format", fmt])
    assert done.exit_code == 0, done.output
    assert str(out) in done.output

    get_settings.cache_clear()
    restored = tmp_path / "restored.sqlite3"
    monkeypatch.setenv("REFERRAL_GRAPH_SQLITE_PATH", str(restored))
    done = runner.invoke(app, ["restore", "--from", str(out)])
    assert done.exit_code == 0, done.output
    assert "referral" in done.output
    again = runner.invoke(app, ["restore", "--from", str(out)])
    assert again.exit_code == 1
    assert "not empty" in again.output

    store = SqliteStore(restored)
    try:
        assert_same(snapshot(store), expected)
    finally:
        store.close()


def test_backup_command_refuses_sqlite_format_for_neo4j(
    cli: tuple[typer.Typer, CliRunner], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, runner = cli
    monkeypatch.setenv("REFERRAL_GRAPH_STORE", "neo4j")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    done = runner.invoke(app, ["backup", "--out", str(tmp_path / "x"), "--format", "sqlite"])
    assert done.exit_code == 2
    assert "sqlite store" in done.output


# --- SQLite to Neo4j -------------------------------------------------------------------


@pytest.fixture
def neo4j_target(neo4j_server: Store) -> Iterator[Store]:
    """The Neo4j named by the settings, wiped (skip, or fail with REQUIRE_NEO4J=1)."""
    neo4j_server.reset()
    yield neo4j_server
    neo4j_server.reset()


@pytest.mark.neo4j
def test_sqlite_to_neo4j_and_back_is_exact(
    source: SqliteStore, target: SqliteStore, history: History, neo4j_target: Store, tmp_path: Path
) -> None:
    expected = snapshot(source)
    archive = tmp_path / "backup.jsonl"
    export_store(source, archive)
    import_store(neo4j_target, archive)
    assert_same(snapshot(neo4j_target), expected)

    # And back: what Neo4j holds restores into SQLite row for row.
    copy_store(neo4j_target, target)
    assert_same(snapshot(target), expected)
    source.write(lambda tx: tx.settle_access(1_000_000))  # as the restore did (see above)
    source.close()
    target.close()
    assert table_rows(target.path) == table_rows(source.path)


@pytest.mark.neo4j
def test_sqlite_backup_file_restores_into_neo4j(
    source: SqliteStore, history: History, neo4j_target: Store, tmp_path: Path
) -> None:
    copy = tmp_path / "nightly.sqlite3"
    backup_sqlite(source, copy)
    restore(copy, neo4j_target)
    assert_same(snapshot(neo4j_target), snapshot(source))


# --- who speaks what (issue 21) ----------------------------------------------------------


def _with_speakers(store: Store) -> None:
    from referral_graph.domain.training import Person, PersonRole
    from referral_graph.domain.vocabulary import Language
    from tests.factories import load_small_network

    load_small_network(store)
    nurse = Person(
        id="nurse-tpu",
        provider_id="hc-a",
        name="Srey Mom",
        role=PersonRole.HEALTH_STAFF,
        languages=frozenset({Language.KHMER, Language.TAMPUAN}),
        interprets=True,
    )
    store.write(lambda tx: tx.add_person(nurse))


def _speakers(store: Store) -> tuple[list[Any], Any]:
    facts = store.read(lambda tx: sorted(tx.people_languages(), key=repr))
    return [(p, who, sorted(codes), i) for p, who, codes, i in facts], store.read(
        lambda tx: tx.get_person("nurse-tpu")
    )


def test_peoples_languages_travel_in_an_archive(
    source: SqliteStore, target: SqliteStore, tmp_path: Path
) -> None:
    _with_speakers(source)
    archive = tmp_path / "speakers.jsonl"
    export_store(source, archive)
    import_store(target, archive)
    found, nurse = _speakers(target)
    assert found == [("hc-a", "nurse-tpu", ["khm", "tpu"], True)]
    assert (found, nurse) == _speakers(source)


@pytest.mark.neo4j
def test_peoples_languages_travel_from_sqlite_to_neo4j_and_back(
    source: SqliteStore, target: SqliteStore, neo4j_target: Store, tmp_path: Path
) -> None:
    _with_speakers(source)
    archive = tmp_path / "speakers.jsonl"
    export_store(source, archive)
    import_store(neo4j_target, archive)
    assert _speakers(neo4j_target) == _speakers(source)
    copy_store(neo4j_target, target)
    assert _speakers(target) == _speakers(source)

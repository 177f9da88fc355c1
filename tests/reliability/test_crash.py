"""Crashes under load: SIGKILL the server (and Neo4j) while clients write, then audit.

The real server runs as ``python -m referral_graph.cli serve`` in a process. Eight client
threads open cases, refer them and move the referrals through their lifecycle, every
request with its own ``Idempotency-Key``, each keeping a ledger of what was answered
2xx, what was answered with an error and what got no answer at all. The server is
SIGKILLed at random moments, several times, and started again each time (with Neo4j,
Neo4j itself is killed and started again too). Then, with the server dead, the store is
opened directly and audited:

* every write answered 2xx is there with exactly the acknowledged content (the case;
  the referral; the transition's event at the acknowledged sequence, and the whole
  history the answer showed);
* nothing is half there: every referral's status, version, ``updated_at`` and
  ``step_times`` follow from its event log, which starts with the creation event, runs
  1..n without gaps and takes only legal steps; a write answered with an error left
  nothing (SQLite); on SQLite the idempotency records and write access records count
  exactly the objects written, and the file passes ``integrity_check``;
* each request is tagged with its key (the case's note, the referral's reason, the
  event's note), so nothing is there twice and nothing is there that nobody asked for.

Then the server is started once more and every unanswered request (and every 503) is
sent again with its key: the answer is 2xx, replayed exactly when the first attempt had
landed, and nothing is duplicated; acknowledged requests sent again replay their first
answer byte for byte. Finally every referral is read through the API and compared with
the store.

Kills land at random moments; the seed is printed (``-s``) and can be fixed with
``CRASH_SEED``.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.domain.errors import StoreUnavailable
from referral_graph.domain.lifecycle import TRANSITIONS, ReferralStatus
from referral_graph.domain.models import Case, Referral, ReferralEvent
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralWithEvents
from referral_graph.store.port import Page, Store, Transaction
from seed.seeding import seed_programme
from tests.reliability.conftest import ROOT, Launcher, free_port
from tests.reliability.test_lifecycle import server_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]

CCWC, RECEIVER, SERVICE, VILLAGE = "ccwc-160201", "hc-160201", "medical_care", "16020104"
PASSWORD = "crash-test-password-1"
USERS = {"ccwc": (Role.CCWC, CCWC), "receiver": (Role.PROVIDER, RECEIVER)}
START_BOUND = 90.0  # seconds for the server to answer /health after a start
CLIENTS = 8
ROUNDS = 4
S = ReferralStatus

# --- the store and the server ------------------------------------------------------------


def prepare(store: Store) -> None:
    """The programme network and one CCWC and one receiving provider account."""
    seed_programme(store)
    now = datetime.now(UTC)
    for username, (role, provider_id) in USERS.items():
        create_user(
            Caller.system(store, now),
            NewUser(username=username, password=PASSWORD, role=role, provider_id=provider_id),
        )


def neo4j_env(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "REFERRAL_GRAPH_STORE": "neo4j",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "REFERRAL_GRAPH_TICK_SECONDS": "0",
        "REFERRAL_GRAPH_SEED_ON_START": "false",
        "REFERRAL_GRAPH_DEMO_USERS": "false",
        "REFERRAL_GRAPH_RATE_LIMIT_PER_MINUTE": "0",
        "REFERRAL_GRAPH_MODE": "development",
    }


@dataclass
class ApiProcess:
    """``referral-graph serve`` in a process that can be killed and started again on the
    same port (every start appends to one log)."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PORT']}"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, bound: float = START_BOUND) -> None:
        assert not self.running()
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"\n--- start {self.starts} ---\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "referral_graph.cli", "serve"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.wait_healthy(bound)

    def wait_healthy(self, bound: float = START_BOUND) -> None:
        deadline = time.monotonic() + bound
        while True:
            assert self.running(), f"the server exited:\n{self.log_tail()}"
            assert time.monotonic() < deadline, f"no healthy server:\n{self.log_tail()}"
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, requests in flight get no answer."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def sign_in(url: str) -> dict[str, str]:
    """An access token per user (valid 15 minutes; the test takes far less)."""
    tokens = {}
    for username in USERS:
        r = httpx.post(
            f"{url}/api/v1/auth/token",
            data={"username": username, "password": PASSWORD},
            timeout=30,
        )
        assert r.status_code == 200, r.text
        tokens[username] = r.json()["access_token"]
    return tokens


# --- the clients and their ledgers -------------------------------------------------------

Kind = Literal["case", "referral", "transition"]


@dataclass
class Call:
    """One write request, as its client sent it and what came back."""

    key: str
    kind: Kind
    user: str
    path: str
    body: dict[str, Any]
    referral_id: str | None = None  # transitions: which referral, from which version
    expected_version: int = 0
    status: int | None = None  # None: no answer (the request may or may not have landed)
    answer: Any = None
    replayed: bool = False
    error: str | None = None
    sent: bool = False  # False: every attempt was refused at connect (never reached it)
    retry: Call | None = None  # the same request sent again after the crashes

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def uncertain(self) -> bool:
        """No answer, or 503 (the store may have been cut off mid-commit)."""
        return self.status is None or self.status >= 500

    @property
    def to_status(self) -> str:
        return str(self.body["status"])

    def again(self) -> Call:
        return Call(
            self.key,
            self.kind,
            self.user,
            self.path,
            self.body,
            self.referral_id,
            self.expected_version,
        )


#: status → the steps a client takes next (weighted by repetition), and who takes them.
NEXT: dict[ReferralStatus, list[tuple[ReferralStatus, str]]] = {
    S.REQUESTED: [(S.RECEIVED, "receiver")] * 5 + [(S.CANCELLED, "ccwc")],
    S.RECEIVED: [(S.ACCEPTED, "receiver")] * 5 + [(S.REJECTED, "receiver")],
    S.ACCEPTED: [(S.IN_PROGRESS, "receiver")] * 5 + [(S.FAILED, "receiver")],
    S.IN_PROGRESS: [(S.COMPLETED, "receiver")] * 2 + [(S.ON_HOLD, "receiver")] * 2,
    S.ON_HOLD: [(S.IN_PROGRESS, "receiver")] * 3 + [(S.CANCELLED, "ccwc")],
}


def send(http: httpx.Client, tokens: dict[str, str], call: Call, stop: threading.Event) -> None:
    """POST with the call's key. A refused connection never reached the server: send
    again (until ``stop``). Any other transport failure leaves the outcome unknown."""
    headers = {"Authorization": f"Bearer {tokens[call.user]}", "Idempotency-Key": call.key}
    while True:
        try:
            r = http.post(call.path, json=call.body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            call.error = repr(exc)
            if stop.is_set():
                return
            time.sleep(0.1)
            continue
        except httpx.HTTPError as exc:
            call.error, call.sent = repr(exc), True
            return
        call.status, call.error, call.sent = r.status_code, None, True
        try:
            call.answer = r.json()
        except ValueError:
            call.answer = r.text
        call.replayed = r.headers.get("idempotency-replayed") == "true"
        return


class Worker:
    """One client: opens cases, refers them, moves its own referrals on. After an
    unanswered or failed request it drops what that request was about (its state is
    unknown) and carries on with something else."""

    def __init__(
        self,
        index: int,
        url: str,
        tokens: dict[str, str],
        stop: threading.Event,
        seed: int,
        timeout: float,
    ) -> None:
        self.index = index
        self.url, self.tokens, self.stop, self.timeout = url, tokens, stop, timeout
        self.rng = random.Random(seed)
        self.calls: list[Call] = []
        self.cases: list[str] = []  # opened, not yet referred
        self.active: dict[str, tuple[ReferralStatus, int]] = {}  # referral → status, version
        self.failure: BaseException | None = None

    def _key(self) -> str:
        return f"crash-{self.index}-{len(self.calls)}"

    def next_call(self) -> Call:
        key, roll = self._key(), self.rng.random()
        if self.active and roll < 0.55:
            referral_id = self.rng.choice(sorted(self.active))
            status, version = self.active.pop(referral_id)
            step, user = self.rng.choice(NEXT[status])
            body: dict[str, Any] = {"status": step.value, "expected_version": version}
            body["note"] = key
            if step in (S.REJECTED, S.FAILED, S.CANCELLED):
                body["reason"] = f"Crash test: {step.value}"
            if step is S.COMPLETED:
                body["outcome"] = "Crash test: done"
            return Call(
                key,
                "transition",
                user,
                f"/api/v1/referrals/{referral_id}/transitions",
                body,
                referral_id,
                version,
            )
        if self.cases and roll < 0.85:
            case_id = self.cases.pop(self.rng.randrange(len(self.cases)))
            body = {
                "case_id": case_id,
                "from_provider_id": CCWC,
                "to_provider_id": RECEIVER,
                "service": SERVICE,
                "reason": f"Crash test {key}",
            }
            return Call(key, "referral", "ccwc", "/api/v1/referrals", body)
        body = {
            "opened_by_provider_id": CCWC,
            "age": self.rng.randint(3, 17),
            "gender": "female",
            "risk": self.rng.choice(["high", "medium", "low"]),
            "needs": [SERVICE],
            "village_code": VILLAGE,
            "consent": {
                "given_by": "caregiver",
                "recorded_by": "crash-test",
                "recorded_at": datetime.now(UTC).isoformat(),
            },
            "note": key,
        }
        return Call(key, "case", "ccwc", "/api/v1/cases", body)

    def learn(self, call: Call) -> None:
        if not call.acknowledged:
            time.sleep(0.5 if call.status == 503 else 0.1)  # polite after a failure
            return
        if call.kind == "case":
            self.cases.append(call.answer["id"])
        elif call.kind == "referral":
            self.active[call.answer["id"]] = (S.REQUESTED, 1)
        else:
            moved = call.answer["referral"]
            status = ReferralStatus(moved["status"])
            if not status.is_closed:
                assert call.referral_id is not None
                self.active[call.referral_id] = (status, int(moved["version"]))

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.url, timeout=self.timeout) as http:
                while not self.stop.is_set():
                    call = self.next_call()
                    self.calls.append(call)
                    send(http, self.tokens, call, self.stop)
                    self.learn(call)
        except BaseException as exc:  # surfaced by the main thread
            self.failure = exc


# --- what the store holds ------------------------------------------------------------------


@dataclass
class Snapshot:
    cases: dict[str, Case]
    referrals: dict[str, Referral]
    events: dict[str, list[ReferralEvent]]
    case_by_key: dict[str, Case] = field(default_factory=dict)
    referral_by_key: dict[str, Referral] = field(default_factory=dict)
    event_by_key: dict[str, ReferralEvent] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Index everything by the key of the request that wrote it; a key twice is a
        duplicate."""
        tags: Counter[str] = Counter()
        for case in self.cases.values():
            assert case.note is not None, case
            self.case_by_key[case.note] = case
            tags[case.note] += 1
        for referral in self.referrals.values():
            key = referral.reason.removeprefix("Crash test ")
            self.referral_by_key[key] = referral
            tags[key] += 1
        for events in self.events.values():
            for event in events:
                if event.note is not None:
                    self.event_by_key[event.note] = event
                    tags[event.note] += 1
        self.duplicates = sorted(k for k, n in tags.items() if n > 1)

    def has(self, call: Call) -> bool:
        if call.kind == "case":
            return call.key in self.case_by_key
        if call.kind == "referral":
            return call.key in self.referral_by_key
        return call.key in self.event_by_key

    @property
    def written(self) -> int:
        """Objects written by requests: cases, referrals, and steps after creation."""
        steps = sum(len(e) - 1 for e in self.events.values())
        return len(self.cases) + len(self.referrals) + steps


def snapshot(store: Store) -> Snapshot:
    def work(tx: Transaction) -> Snapshot:
        cases = tx.all_cases(Page(limit=1_000_000)).items
        referrals = tx.all_referrals(Page(limit=1_000_000)).items
        return Snapshot(
            {c.id: c for c in cases},
            {r.id: r for r in referrals},
            {r.id: tx.referral_events(r.id) for r in referrals},
        )

    return store.read(work)


def history_problems(referral: Referral, events: list[ReferralEvent], cases: set[str]) -> list[str]:
    """What does not follow from the referral's event log (empty: all of it does)."""
    where = f"referral {referral.id}"
    if referral.case_id not in cases:
        return [f"{where}: its case {referral.case_id} is missing"]
    if not events:
        return [f"{where}: no events at all (not even its creation)"]
    found = []
    if [e.sequence for e in events] != list(range(1, len(events) + 1)):
        found.append(f"{where}: event sequences {[e.sequence for e in events]}")
    if referral.version != len(events):
        found.append(f"{where}: version {referral.version} but {len(events)} events")
    first = events[0]
    if first.from_status is not None or first.to_status is not S.REQUESTED:
        found.append(f"{where}: first event {first.from_status} → {first.to_status}")
    if first.at != referral.created_at:
        found.append(f"{where}: created {referral.created_at}, first event {first.at}")
    for before, after in pairwise(events):
        if after.from_status is not before.to_status:
            found.append(f"{where}: event {after.sequence} from {after.from_status}")
        if after.to_status not in TRANSITIONS[before.to_status]:
            found.append(f"{where}: illegal step {before.to_status} → {after.to_status}")
    if referral.status is not events[-1].to_status:
        found.append(f"{where}: status {referral.status}, events say {events[-1].to_status}")
    if referral.updated_at != events[-1].at:
        found.append(f"{where}: updated {referral.updated_at}, last event {events[-1].at}")
    step_times: dict[ReferralStatus, datetime] = {}
    for e in events:
        step_times.setdefault(e.to_status, e.at)
    if referral.step_times != step_times:
        found.append(f"{where}: step_times {referral.step_times}, events say {step_times}")
    if any(e.referral_id != referral.id for e in events):
        found.append(f"{where}: an event of another referral")
    return found


#: What a transition may change after creation.
MUTABLE = {
    "status",
    "status_reason",
    "status_reason_code",
    "outcome",
    "updated_at",
    "step_times",
    "next_alert_at",
}


def content_problems(call: Call, answer: Any, snap: Snapshot) -> list[str]:
    """Whether the store holds exactly what ``answer`` (a 2xx body) acknowledged."""
    where = f"{call.kind} {call.key}"
    if not snap.has(call):
        return [f"{where}: acknowledged but missing"]
    if call.kind == "case":
        got = Case.model_validate(answer)
        stored = snap.case_by_key[call.key]
        return [] if stored == got else [f"{where}: stored {stored!r} ≠ answered {got!r}"]
    if call.kind == "referral":
        got_referral = Referral.model_validate(answer)
        stored_referral = snap.referral_by_key[call.key]
        exclude = {*MUTABLE, "version"}
        if got_referral.version != 1 or stored_referral.model_dump(
            exclude=exclude
        ) != got_referral.model_dump(exclude=exclude):
            return [f"{where}: stored {stored_referral!r} ≠ answered {got_referral!r}"]
        first = snap.events[stored_referral.id][0]
        return [] if first.at == got_referral.created_at else [f"{where}: creation event {first}"]
    got_moved = ReferralWithEvents.model_validate(answer)
    assert call.referral_id is not None
    version = call.expected_version + 1
    event = snap.event_by_key[call.key]
    events = snap.events.get(call.referral_id, [])
    found = []
    if (event.referral_id, event.sequence, event.to_status.value) != (
        call.referral_id,
        version,
        call.to_status,
    ):
        found.append(f"{where}: stored as {event!r}")
    if got_moved.referral.version != version or got_moved.referral.status.value != call.to_status:
        found.append(f"{where}: answered {got_moved.referral!r}")
    if events[:version] != got_moved.events:
        found.append(f"{where}: answered events {got_moved.events} ≠ stored {events[:version]}")
    stored_now = snap.referrals[call.referral_id]
    if stored_now.version == version and stored_now != got_moved.referral:
        found.append(f"{where}: stored {stored_now!r} ≠ answered {got_moved.referral!r}")
    return found


def uncertain_problems(call: Call, snap: Snapshot) -> list[str]:
    """A request of unknown outcome that landed must have landed whole and as sent."""
    if not snap.has(call):
        return []
    where = f"{call.kind} {call.key} (unanswered, landed)"
    if call.kind == "case":
        case = snap.case_by_key[call.key]
        sent = {k: call.body[k] for k in ("opened_by_provider_id", "age", "village_code")}
        stored = {k: getattr(case, k) for k in sent}
        return [] if sent == stored else [f"{where}: {stored} ≠ sent {sent}"]
    if call.kind == "referral":
        referral = snap.referral_by_key[call.key]
        ok = referral.case_id == call.body["case_id"]
        return [] if ok else [f"{where}: for case {referral.case_id}"]
    event = snap.event_by_key[call.key]
    landed = (event.referral_id, event.sequence, event.to_status.value)
    sent_step = (call.referral_id, call.expected_version + 1, call.to_status)
    return [] if landed == sent_step else [f"{where}: {landed} ≠ sent {sent_step}"]


def audit(calls: list[Call], snap: Snapshot, *, errors_left_nothing: bool) -> list[str]:
    """Every problem found in the store against the clients' ledgers."""
    found = [f"written twice: {key}" for key in snap.duplicates]
    keys = {c.key for c in calls}
    strays = [
        k for k in (*snap.case_by_key, *snap.referral_by_key, *snap.event_by_key) if k not in keys
    ]
    found += [f"written but never requested: {k}" for k in strays]
    case_ids = set(snap.cases)
    for referral in snap.referrals.values():
        found += history_problems(referral, snap.events.get(referral.id, []), case_ids)
    for call in calls:
        answered = call.retry if call.retry is not None and call.retry.acknowledged else call
        if answered.acknowledged:
            found += content_problems(call, answered.answer, snap)
        elif call.uncertain:
            found += uncertain_problems(call, snap)
            if errors_left_nothing and call.status is not None and snap.has(call):
                found.append(f"{call.kind} {call.key}: answered {call.status} but landed")
        elif snap.has(call):
            found.append(f"{call.kind} {call.key}: answered {call.status} but landed")
    return found


# --- the scenario --------------------------------------------------------------------------


@dataclass
class Crashes:
    """What the clients saw across the rounds."""

    calls: list[Call]
    seed: int

    def count(self, which: Callable[[Call], bool]) -> int:
        return sum(1 for c in self.calls if which(c))

    def summary(self) -> str:
        statuses = Counter(str(c.status) for c in self.calls)
        return (
            f"seed {self.seed}: {len(self.calls)} writes, statuses {dict(statuses)}; "
            f"by kind {dict(Counter(c.kind for c in self.calls if c.acknowledged))} acknowledged"
        )


def run_with_crashes(
    api: ApiProcess,
    rounds: list[Callable[[], None]],
    rng: random.Random,
    seed: int,
    timeout: float,
) -> Crashes:
    """Start the server, let the clients run, and play each round (each ends in a
    crash and a restart); the server is killed once more at the end, mid-traffic."""
    api.start()
    tokens = sign_in(api.url)
    stop = threading.Event()
    workers = [
        Worker(i, api.url, tokens, stop, rng.randrange(2**32), timeout) for i in range(CLIENTS)
    ]
    threads = [
        threading.Thread(target=w.run, name=f"client-{w.index}", daemon=True) for w in workers
    ]
    for t in threads:
        t.start()
    try:
        for play in rounds:
            time.sleep(rng.uniform(1.0, 3.0))  # traffic, then a crash at a random moment
            play()
        time.sleep(rng.uniform(1.0, 3.0))
    finally:
        api.kill()
        stop.set()
        for t in threads:
            t.join(timeout=timeout + 30)
    assert not any(t.is_alive() for t in threads), "a client hung"
    failures = [w.failure for w in workers if w.failure is not None]
    assert not failures, failures
    return Crashes([c for w in workers for c in w.calls], seed)


def retry_and_audit(
    api: ApiProcess, crashes: Crashes, read_store: Callable[[], Snapshot], *, sqlite: bool
) -> str:
    """With the server dead: audit the store. Then start it, send every unanswered or
    503 request again with its key, replay some acknowledged ones, and audit again."""
    calls = crashes.calls
    why = crashes.summary()
    unexpected = [c for c in calls if c.status is not None and c.status not in (200, 201, 503)]
    assert not unexpected, [(c.key, c.status, c.answer) for c in unexpected[:5]]
    assert crashes.count(lambda c: c.acknowledged) >= 50, why
    cut = crashes.count(lambda c: c.status is None and c.sent)
    assert cut >= 1, f"no kill hit a request in flight; {why}"

    before = read_store()
    problems = audit(calls, before, errors_left_nothing=sqlite)
    assert not problems, f"{why}\n" + "\n".join(problems[:30])

    api.start()
    tokens = sign_in(api.url)
    uncertain = [c for c in calls if c.uncertain]
    never = threading.Event()
    with httpx.Client(base_url=api.url, timeout=60) as http:
        for call in uncertain:
            call.retry = call.again()
            send(http, tokens, call.retry, never)
            landed = before.has(call)
            assert call.retry.acknowledged, (call.key, call.retry.status, call.retry.answer)
            assert call.retry.replayed == landed, (call.key, landed, call.retry.replayed)
            if sqlite and call.status is not None:
                assert not landed, (call.key, call.status)
        # sent a second time, a retried request replays the retry's answer
        for call in uncertain[:10]:
            twice = call.again()
            send(http, tokens, twice, never)
            assert call.retry is not None
            assert (twice.status, twice.answer, twice.replayed) == (
                call.retry.status,
                call.retry.answer,
                True,
            ), call.key
        # an acknowledged request sent again replays its first answer, changing nothing
        acknowledged = [c for c in calls if c.acknowledged and not c.replayed]
        for call in random.Random(crashes.seed).sample(acknowledged, min(40, len(acknowledged))):
            again = call.again()
            send(http, tokens, again, never)
            assert (again.status, again.answer, again.replayed) == (
                call.status,
                call.answer,
                True,
            ), call.key

        after = read_store()
        problems = audit(calls, after, errors_left_nothing=sqlite)
        assert not problems, f"{why}\n" + "\n".join(problems[:30])
        assert after.written == before.written + sum(
            1 for c in uncertain if c.retry is not None and not c.retry.replayed
        )
        # and the API says what the store says, for every referral
        for referral_id, referral in after.referrals.items():
            r = http.get(
                f"/api/v1/referrals/{referral_id}",
                headers={"Authorization": f"Bearer {tokens['ccwc']}"},
            )
            assert r.status_code == 200, r.text
            got = ReferralWithEvents.model_validate(r.json())
            assert got.referral == referral, referral_id
            assert got.events == after.events[referral_id], referral_id
    api.stop()
    had_landed = sum(1 for c in uncertain if before.has(c))
    return (
        f"{why}; {len(uncertain)} unanswered or 503 ({cut} cut off in flight), "
        f"{had_landed} of them had landed; "
        f"store: {len(after.cases)} cases, {len(after.referrals)} referrals, "
        f"{after.written} writes"
    )


def crash_seed() -> int:
    return int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(2**31))


# --- SQLite --------------------------------------------------------------------------------


def sqlite_counts(db: Path) -> dict[str, Any]:
    """Straight from the file: idempotency records, write access records, and any
    referral row whose columns disagree with its document."""
    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        keys = conn.execute("SELECT count(*) FROM idempotency").fetchone()[0]
        writes = conn.execute(  # settled into the log or still in its journal
            "SELECT count(*) FROM (SELECT action FROM access_log"
            " UNION ALL SELECT action FROM access_journal) WHERE action = 'write'"
        ).fetchone()[0]
        disagree = conn.execute(
            "SELECT id FROM referrals WHERE status != json_extract(doc, '$.status') "
            "OR version != json_extract(doc, '$.version')"
        ).fetchall()
        orphans = conn.execute(
            "SELECT count(*) FROM referral_events e "
            "LEFT JOIN referrals r ON r.id = e.referral_id WHERE r.id IS NULL"
        ).fetchone()[0]
    finally:
        conn.close()
    return {
        "integrity": integrity,
        "foreign": foreign,
        "idempotency": keys,
        "writes": writes,
        "disagree": disagree,
        "orphan_events": orphans,
    }


def read_sqlite(db: Path) -> Snapshot:
    store = SqliteStore(db)
    try:
        snap = snapshot(store)
    finally:
        store.close()
    counts = sqlite_counts(db)
    assert counts["integrity"] == [("ok",)], counts
    assert counts["foreign"] == [], counts
    assert counts["disagree"] == [], counts
    assert counts["orphan_events"] == 0, counts
    # the idempotency record and the access record commit with the change, or not at all
    assert counts["idempotency"] == snap.written, (counts, snap.written)
    assert counts["writes"] == snap.written, (counts, snap.written)
    return snap


def test_sqlite_survives_sigkill_under_concurrent_writes(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite3"
    store = SqliteStore(db)
    store.initialise()
    prepare(store)
    store.close()
    seed = crash_seed()
    rng = random.Random(seed)
    api = ApiProcess(server_env(db, free_port()), tmp_path / "server.log")

    def crash() -> None:
        api.kill()
        time.sleep(rng.uniform(0.0, 0.5))
        api.start()

    try:
        crashes = run_with_crashes(api, [crash] * (ROUNDS - 1), rng, seed, timeout=30)
        print("\n" + retry_and_audit(api, crashes, lambda: read_sqlite(db), sqlite=True))
    finally:
        api.kill()


# --- Neo4j ---------------------------------------------------------------------------------


def neo4j_counts(store: Neo4jStore) -> dict[str, int]:
    def count(query: Any) -> int:
        found = store.driver.execute_query(query, database_=store.database)
        return int(found.records[0]["n"])

    return {
        "idempotency": count("MATCH (r:IdempotencyRecord) RETURN count(r) AS n"),
        "writes": count("MATCH (a:AccessRecord {action: 'write'}) RETURN count(a) AS n"),
        "orphan_events": count(
            "MATCH (e:ReferralEvent) WHERE NOT (e)<-[:HAS_EVENT]-(:Referral) RETURN count(e) AS n"
        ),
    }


def read_neo4j(store: Neo4jStore) -> Snapshot:
    deadline = time.monotonic() + 60
    while True:  # Neo4j may still be starting after the last round
        try:
            store.ping()
            break
        except StoreUnavailable:
            assert time.monotonic() < deadline, "Neo4j did not come back"
            time.sleep(0.5)
    snap = snapshot(store)
    counts = neo4j_counts(store)
    assert counts["orphan_events"] == 0, counts
    assert counts["idempotency"] == snap.written, (counts, snap.written)
    assert counts["writes"] == snap.written, (counts, snap.written)
    return snap


@pytest.mark.neo4j
def test_neo4j_survives_sigkill_of_the_server_and_of_neo4j(
    neo4j_store: Neo4jStore, launcher: Launcher, tmp_path: Path
) -> None:
    neo4j_store.reset()
    prepare(neo4j_store)
    seed = crash_seed()
    rng = random.Random(seed)
    api = ApiProcess(neo4j_env(free_port()), tmp_path / "server.log")

    def kill_api() -> None:
        api.kill()
        time.sleep(rng.uniform(0.0, 0.5))
        api.start()

    def kill_neo4j() -> None:  # the server stays up and answers 503 meanwhile
        launcher.kill()
        time.sleep(rng.uniform(0.0, 2.0))
        launcher.start()
        api.wait_healthy()

    def kill_both() -> None:
        api.kill()
        launcher.kill()
        time.sleep(rng.uniform(0.0, 1.0))
        launcher.start()
        api.start()

    rounds = [kill_neo4j, kill_both, kill_api]
    rng.shuffle(rounds)
    try:
        crashes = run_with_crashes(api, rounds, rng, seed, timeout=45)
        print("\n" + retry_and_audit(api, crashes, lambda: read_neo4j(neo4j_store), sqlite=False))
    finally:
        api.kill()

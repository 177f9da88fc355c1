"""Neo4j dies under load and comes back: the API degrades to 503s and recovers by itself.

The real server runs in a subprocess on the Neo4j store. A client keeps opening cases,
referring them and acknowledging the referrals while the Neo4j process is killed
(SIGKILL) and started again. Every answer must be a success or a 503 with
``Retry-After`` and a problem-details body (never a 500, never slower than a bound); the
API must answer again by itself once Neo4j is back; and afterwards every write the
client saw acknowledged is there, exactly once, via the API and in the store.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from seed.seeding import seed_programme
from tests.reliability.conftest import Launcher, Server

pytestmark = [pytest.mark.neo4j, pytest.mark.timeout(600)]

#: The slowest answer allowed: the store's retry deadline for a unit of work (15 s; no
#: pause overruns it) and slack. In an outage one unit waits out the deadline, and then
#: the store fails fast until Neo4j answers again (see ``Neo4jStore``).
BOUND = 20.0
CCWC, RECEIVER, SERVICE = "ccwc-160201", "hc-160201", "medical_care"
VILLAGE = "16020104"
PASSWORD = "fault-test-password-1"
OK = {200, 201}


@dataclass
class Answer:
    what: str
    phase: str
    status: int | None  # None: no HTTP answer at all (transport error, timeout)
    seconds: float
    retry_after: str | None = None
    content_type: str = ""
    body: Any = None
    error: str | None = None


@dataclass
class Ledger:
    """What the client was told: acknowledged writes, and writes of unknown outcome."""

    case_attempts: int = 0
    cases: list[str] = field(default_factory=list)
    referral_unknown: list[str] = field(default_factory=list)  # case ids
    referrals: dict[str, str] = field(default_factory=dict)  # referral id -> case id
    moved: dict[str, str] = field(default_factory=dict)  # referral id -> "yes" | "unknown"


class Client:
    """Sequential requests; every answer is recorded with the phase it was sent in."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=BOUND + 20)
        self.answers: list[Answer] = []
        self.phase = "before"
        self.tokens: dict[str, str] = {}

    def sign_in(self, username: str) -> None:
        r = self.http.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.tokens[username] = r.json()["access_token"]

    def call(self, what: str, method: str, path: str, user: str | None, **kw: Any) -> Answer:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        if method == "POST":
            # As a careful client does: should the store have to replay a unit of work
            # whose commit went unanswered, the key keeps it from being applied twice
            # (without it, that takes the services drawing their ids before the unit of
            # work: see test_neo4j_adapter.py's replayed use cases).
            headers["Idempotency-Key"] = uuid.uuid4().hex
        phase, t = self.phase, time.monotonic()
        try:
            r = self.http.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            answer = Answer(what, phase, None, time.monotonic() - t, error=repr(exc))
        else:
            try:
                body: Any = r.json()
            except ValueError:
                body = r.text
            answer = Answer(
                what,
                phase,
                r.status_code,
                time.monotonic() - t,
                r.headers.get("retry-after"),
                r.headers.get("content-type", ""),
                body,
            )
        self.answers.append(answer)
        return answer

    def cycle(self, ledger: Ledger, rng: random.Random) -> bool:
        """Open a case, refer it, acknowledge it; a health check and a path read.
        True if every step succeeded."""
        ledger.case_attempts += 1
        opened = self.call(
            "open case",
            "POST",
            "/api/v1/cases",
            "ccwc",
            json={
                "opened_by_provider_id": CCWC,
                "age": rng.randint(3, 17),
                "gender": "female",
                "risk": "high",
                "needs": [SERVICE],
                "village_code": VILLAGE,
                "consent": {
                    "given_by": "caregiver",
                    "recorded_by": "fault-test",
                    "recorded_at": datetime.now(UTC).isoformat(),
                },
            },
        )
        clean = opened.status in OK
        if opened.status == 201:
            case_id = opened.body["id"]
            ledger.cases.append(case_id)
            referred = self.call(
                "refer",
                "POST",
                "/api/v1/referrals",
                "ccwc",
                json={
                    "case_id": case_id,
                    "from_provider_id": CCWC,
                    "to_provider_id": RECEIVER,
                    "service": SERVICE,
                    "reason": "Needs a medical check (fault test).",
                },
            )
            clean = clean and referred.status in OK
            if referred.status == 201:
                referral_id = referred.body["id"]
                ledger.referrals[referral_id] = case_id
                moved = self.call(
                    "acknowledge",
                    "POST",
                    f"/api/v1/referrals/{referral_id}/transitions",
                    "receiver",
                    json={"status": "received", "expected_version": 1},
                )
                clean = clean and moved.status in OK
                ledger.moved[referral_id] = "yes" if moved.status in OK else "unknown"
            else:
                ledger.referral_unknown.append(case_id)
        health = self.call("health", "GET", "/health", None)
        clean = clean and health.status in OK
        if ledger.cases:
            path = self.call(
                "case path", "GET", f"/api/v1/cases/{rng.choice(ledger.cases)}/path", "ccwc"
            )
            clean = clean and path.status in OK
        return clean


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _prepare(store: Neo4jStore) -> None:
    store.reset()
    seed_programme(store)
    now = datetime.now(UTC)
    for username, role, provider_id in (
        ("ccwc", Role.CCWC, CCWC),
        ("receiver", Role.PROVIDER, RECEIVER),
    ):
        create_user(
            Caller.system(store, now),
            NewUser(username=username, password=PASSWORD, role=role, provider_id=provider_id),
        )


@pytest.fixture
def prepared(neo4j_store: Neo4jStore) -> Neo4jStore:
    _prepare(neo4j_store)
    return neo4j_store


WRITERS = 2
#: Neo4j stays down this long before it is started again (the start takes 5–10 s more).
#: Longer than the store's retry deadline (15 s), so that the outage must show as 503s
#: even on a machine where Neo4j restarts fast (a fresh clone in CI did, and every
#: request simply waited it out); a unit of work already under way may still succeed.
OUTAGE = 18.0


def test_the_api_survives_neo4j_dying_and_loses_nothing(
    checkpointed: None, prepared: Neo4jStore, launcher: Launcher, api_server: Server
) -> None:
    store = prepared
    writers = [Client(api_server.url) for _ in range(WRITERS)]
    prober = Client(api_server.url)
    for c in (*writers, prober):
        c.sign_in("ccwc")
        c.sign_in("receiver")
    ledgers = [Ledger() for _ in writers]
    stop = threading.Event()
    clean: dict[str, int] = {"before": 0, "outage": 0, "after": 0}
    failure: list[BaseException] = []

    def write(client: Client, ledger: Ledger, seed: int) -> None:
        rng = random.Random(seed)
        try:
            deadline = time.monotonic() + 300  # bounded whatever happens
            for _ in range(5_000):
                if stop.is_set() or time.monotonic() > deadline:
                    return
                phase = client.phase
                if client.cycle(ledger, rng):
                    clean[phase] += 1
                else:
                    time.sleep(0.1)  # a polite client pauses after a 503
        except BaseException as exc:  # surfaced by the main thread
            failure.append(exc)

    def probe() -> None:
        """Health and reads, a few a second, all through the outage."""
        try:
            deadline = time.monotonic() + 300
            for i in range(10_000):
                if stop.is_set() or time.monotonic() > deadline:
                    return
                prober.call("health", "GET", "/health", None)
                if i % 2:
                    prober.call("me", "GET", "/api/v1/auth/me", "ccwc")
                time.sleep(0.2)
        except BaseException as exc:
            failure.append(exc)

    threads = [
        threading.Thread(target=write, args=(c, ledger, i), name=f"writer-{i}", daemon=True)
        for i, (c, ledger) in enumerate(zip(writers, ledgers, strict=True))
    ]
    threads.append(threading.Thread(target=probe, name="prober", daemon=True))
    for t in threads:
        t.start()

    def phase(name: str) -> None:
        for c in (*writers, prober):
            c.phase = name

    try:
        _wait(lambda: clean["before"] >= 6 or bool(failure), 60, "traffic before")
        phase("outage")
        launcher.kill()
        time.sleep(OUTAGE)  # the clients keep going against a dead Neo4j
        launcher.start()
        check = httpx.Client(base_url=api_server.url, timeout=BOUND + 20)
        _wait(lambda: check.get("/health").status_code == 200, 60, "health 200 again")
        phase("after")
        _wait(lambda: clean["after"] >= 6 or bool(failure), 90, "writes to work again")
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=4 * BOUND)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not failure, failure
    client = writers[0]
    ledger = Ledger(
        case_attempts=sum(x.case_attempts for x in ledgers),
        cases=[c for x in ledgers for c in x.cases],
        referral_unknown=[c for x in ledgers for c in x.referral_unknown],
        referrals={k: v for x in ledgers for k, v in x.referrals.items()},
        moved={k: v for x in ledgers for k, v in x.moved.items()},
    )

    # --- every answer: a success, or a 503 that says when to retry ---------------------
    answers = [a for c in (*writers, prober) for a in c.answers]
    assert all(a.status is not None for a in answers), [a for a in answers if a.status is None]
    bad = [a for a in answers if a.status not in OK and a.status != 503]
    assert not bad, f"{bad}\n{api_server.log_tail()}"
    unavailable = [a for a in answers if a.status == 503]
    assert unavailable, "the outage produced no 503 (was Neo4j really killed?)"
    for a in unavailable:
        assert a.retry_after is not None and int(a.retry_after) > 0, a
        assert a.content_type.startswith("application/problem+json"), a
        assert isinstance(a.body, dict), a
        assert a.body["status"] == 503 and a.body["title"] and a.body["detail"], a
    slowest = max(answers, key=lambda a: a.seconds)
    assert slowest.seconds <= BOUND, slowest
    log = api_server.log.read_text(errors="replace")
    # the 500 handler logs "unexpected error"; it must never have run (a lost access
    # record after an answer is logged with its traceback, by design, and is no 500)
    assert "unexpected error" not in log, api_server.log_tail(120)

    # --- nothing acknowledged lost, nothing duplicated: via the API ----------------------
    for referral_id, moved in ledger.moved.items():
        # an unanswered acknowledgement may or may not have landed; it can be retried
        if moved == "unknown":
            again = client.call(
                "acknowledge again",
                "POST",
                f"/api/v1/referrals/{referral_id}/transitions",
                "receiver",
                json={"status": "received", "expected_version": 1},
            )
            assert again.status in {200, 409}, again
    for case_id in ledger.cases:
        path = client.call("case path", "GET", f"/api/v1/cases/{case_id}/path", "ccwc")
        assert path.status == 200, path
        hops = [h["referral_id"] for h in path.body["hops"]]
        mine = [r for r, c in ledger.referrals.items() if c == case_id]
        if mine:
            assert hops == mine, (case_id, hops, mine, api_server.log_tail(200))
        elif case_id in ledger.referral_unknown:
            assert len(hops) <= 1, (case_id, hops)
        else:
            assert hops == [], (case_id, hops)
    for referral_id in ledger.referrals:
        got = client.call("referral", "GET", f"/api/v1/referrals/{referral_id}", "ccwc")
        assert got.status == 200, got
        sequences = [e["sequence"] for e in got.body["events"]]
        assert sequences == [1, 2], (referral_id, sequences)
        assert got.body["referral"]["version"] == 2
        assert got.body["referral"]["status"] == "received"

    # --- and in the store ----------------------------------------------------------------
    def rows(query: str, **params: Any) -> list[dict[str, Any]]:
        found = store.driver.execute_query(query, params, database_=store.database)
        return [r.data() for r in found.records]

    per_case = {
        r["id"]: r["referrals"]
        for r in rows(
            "MATCH (c:Case {opened_by_provider_id: $ccwc}) "
            "OPTIONAL MATCH (c)<-[:FOR]-(r:Referral) "
            "RETURN c.id AS id, collect(r.id) AS referrals",
            ccwc=CCWC,
        )
    }
    assert set(ledger.cases) <= set(per_case), "an acknowledged case is missing"
    assert len(per_case) <= ledger.case_attempts, "more cases than were ever requested"
    assert len(per_case) - len(ledger.cases) <= len(ledger.cases) // 10 + 2, (
        f"{len(per_case) - len(ledger.cases)} cases nobody was told about"
    )
    for case_id, referrals in per_case.items():
        assert len(referrals) <= 1, (case_id, referrals)  # the client refers each case once
        mine = [r for r, c in ledger.referrals.items() if c == case_id]
        if mine:
            assert referrals == mine, (case_id, referrals, mine)
    events = rows(
        "MATCH (r:Referral)-[:HAS_EVENT]->(e:ReferralEvent) "
        "WITH r, collect(e.sequence) AS sequences, count(e) AS n "
        "RETURN r.id AS id, r.version AS version, n, sequences"
    )
    referral_nodes = rows("MATCH (r:Referral) RETURN count(r) AS n")[0]["n"]
    assert len(events) == referral_nodes, "a referral without its creation event"
    for e in events:
        assert e["n"] == e["version"], e
        assert sorted(e["sequences"]) == list(range(1, e["version"] + 1)), e
        if e["id"] in ledger.referrals:
            assert e["version"] == 2, e
    print(  # the figures, for whoever runs it with -s
        f"\n{len(answers)} answers, {len(unavailable)} × 503, slowest {slowest.seconds:.1f}s "
        f"({slowest.what}); {len(ledger.cases)} cases, {len(ledger.referrals)} referrals "
        f"acknowledged; clean cycles {clean}; 503s by kind "
        f"{dict(Counter((a.what, a.phase) for a in unavailable))}"
    )

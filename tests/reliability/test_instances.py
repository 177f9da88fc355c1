"""Several API instances on one Neo4j, through the routing scheme (#24).

Two ``referral-graph serve`` processes (each with its own scheduler, caches and rate
limiter) on the one Neo4j, through ``neo4j://`` (the URI scheme that also serves a
cluster or Aura: the driver asks the server for its routing table and sends writes to
the leader, reads to followers and read replicas). What holds across them:

* a sign-out or a deactivation in one instance is honoured by the other within
  ``REFERRAL_GRAPH_PRINCIPAL_CACHE_SECONDS`` (2 s here; 5 by default);
* the schedulers fire each reminder and escalation exactly once: one alert, one outbox
  message, one delivery to the webhook (a real HTTP server in this process), however the
  two interleave;
* a retry with the same ``Idempotency-Key`` that lands on the other instance replays the
  first answer, also while the first is in flight;
* a write through one instance is read through the other at once;
* rate limits are per instance (the README says so).

Needs the Neo4j of NEO4J_URI (skipped without it, failed with REQUIRE_NEO4J=1); wipes it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Consent
from referral_graph.domain.sla import alert_key, pending_alerts
from referral_graph.domain.vocabulary import Gender, RiskLevel, Service
from referral_graph.security.model import Role
from referral_graph.services import cases, referrals
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.services.cases import CaseOpening
from referral_graph.services.referrals import ReferralRequest
from referral_graph.settings import Settings
from referral_graph.store.port import AlertQuery, Page
from seed.seeding import seed_programme
from tests.reliability.conftest import free_port
from tests.reliability.test_crash import CCWC, RECEIVER, SERVICE, VILLAGE, ApiProcess

pytestmark = [pytest.mark.neo4j, pytest.mark.timeout(600)]

PASSWORD = "instances-test-password-1"
CACHE_SECONDS = 2.0
RATE_LIMIT = 600  # per minute, per client address, per instance
USERS = {
    "ccwc": (Role.CCWC, CCWC),
    "receiver": (Role.PROVIDER, RECEIVER),
    "leaver": (Role.PROVIDER, RECEIVER),
    "admin": (Role.ADMIN, None),
}
WEBHOOK_SECRET = "instances-test-webhook-secret"


def routing_uri(uri: str) -> str:
    """The routing form (``neo4j://``) of the configured Neo4j's address."""
    for scheme in ("bolt+ssc://", "bolt+s://", "bolt://"):
        if uri.startswith(scheme):
            return "neo4j" + scheme[4:] + uri.removeprefix(scheme)
    return uri


@dataclass
class Webhook:
    """A webhook receiver: every delivery, by message id."""

    deliveries: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self) -> tuple[ThreadingHTTPServer, str]:
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with hook.lock:
                    hook.deliveries[json.loads(body)["id"]] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                """Quiet."""

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/hook"


@dataclass
class Cluster:
    store: Neo4jStore
    a: ApiProcess
    b: ApiProcess
    webhook: Webhook

    def token(self, at: ApiProcess, username: str) -> dict[str, str]:
        r = httpx.post(
            f"{at.url}/api/v1/auth/token",
            data={"username": username, "password": PASSWORD},
            timeout=30,
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture(scope="module")
def cluster(neo4j_store: Neo4jStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    store = neo4j_store
    store.reset()
    seed_programme(store)
    now = datetime.now(UTC)
    for username, (role, provider_id) in USERS.items():
        create_user(
            Caller.system(store, now),
            NewUser(username=username, password=PASSWORD, role=role, provider_id=provider_id),
        )
    webhook = Webhook()
    receiver, hook_url = webhook.serve()
    folder: Path = tmp_path_factory.mktemp("instances")
    uri = routing_uri(Settings().neo4j_uri)
    assert uri.startswith("neo4j"), uri

    def instance(name: str) -> ApiProcess:
        env = {
            **os.environ,
            "REFERRAL_GRAPH_STORE": "neo4j",
            "NEO4J_URI": uri,
            "HOST": "127.0.0.1",
            "PORT": str(free_port()),
            "REFERRAL_GRAPH_TICK_SECONDS": "1",
            "REFERRAL_GRAPH_WEBHOOKS": json.dumps([{"url": hook_url, "secret": WEBHOOK_SECRET}]),
            "REFERRAL_GRAPH_SEED_ON_START": "false",
            "REFERRAL_GRAPH_DEMO_USERS": "false",
            "REFERRAL_GRAPH_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
            "REFERRAL_GRAPH_PRINCIPAL_CACHE_SECONDS": str(CACHE_SECONDS),
            "REFERRAL_GRAPH_MODE": "development",
        }
        return ApiProcess(env, folder / f"{name}.log")

    a, b = instance("a"), instance("b")
    try:
        a.start()
        b.start()
        yield Cluster(store, a, b, webhook)
    finally:
        a.stop()
        b.stop()
        receiver.shutdown()


def answers_401_within(at: ApiProcess, headers: dict[str, str], bound: float) -> float:
    """Seconds until ``at`` refuses ``headers`` (fails after ``bound``)."""
    start = time.monotonic()
    while True:
        r = httpx.get(f"{at.url}/api/v1/auth/me", headers=headers, timeout=10)
        took = time.monotonic() - start
        if r.status_code == 401:
            return took
        assert r.status_code == 200, r.text
        assert took < bound, f"still accepted {took:.1f} s later"
        time.sleep(0.05)


def test_a_sign_out_in_one_instance_is_honoured_by_the_other_in_time(cluster: Cluster) -> None:
    headers = cluster.token(cluster.a, "receiver")
    for at in (cluster.a, cluster.b):  # both verified it, and keep it for a while
        assert httpx.get(f"{at.url}/api/v1/auth/me", headers=headers).status_code == 200
    out = httpx.post(f"{cluster.a.url}/api/v1/auth/logout", headers=headers, json={})
    assert out.status_code == 204, out.text
    assert httpx.get(f"{cluster.a.url}/api/v1/auth/me", headers=headers).status_code == 401
    assert answers_401_within(cluster.b, headers, CACHE_SECONDS + 1.0) <= CACHE_SECONDS + 1.0


def test_a_deactivation_in_one_instance_is_honoured_by_the_other_in_time(
    cluster: Cluster,
) -> None:
    leaver = cluster.token(cluster.b, "leaver")
    assert httpx.get(f"{cluster.b.url}/api/v1/auth/me", headers=leaver).status_code == 200
    admin = cluster.token(cluster.a, "admin")
    users = httpx.get(f"{cluster.a.url}/api/v1/users", headers=admin).json()["data"]
    user_id = next(u["id"] for u in users if u["username"] == "leaver")
    gone = httpx.post(f"{cluster.a.url}/api/v1/users/{user_id}/deactivate", headers=admin)
    assert gone.status_code == 200, gone.text
    assert answers_401_within(cluster.b, leaver, CACHE_SECONDS + 1.0) <= CACHE_SECONDS + 1.0


def _referral(cluster: Cluster, ccwc: dict[str, str], at: ApiProcess) -> str:
    case = httpx.post(
        f"{at.url}/api/v1/cases",
        headers=ccwc,
        json={
            "opened_by_provider_id": CCWC,
            "age": 13,
            "gender": "male",
            "risk": "high",
            "needs": [SERVICE],
            "village_code": VILLAGE,
            "consent": {
                "given_by": "caregiver",
                "recorded_by": "instances-test",
                "recorded_at": datetime.now(UTC).isoformat(),
            },
        },
    )
    assert case.status_code == 201, case.text
    made = httpx.post(
        f"{at.url}/api/v1/referrals",
        headers=ccwc,
        json={
            "case_id": case.json()["id"],
            "from_provider_id": CCWC,
            "to_provider_id": RECEIVER,
            "service": SERVICE,
            "reason": "Needs a medical check (instances test).",
        },
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_a_retry_on_the_other_instance_replays_the_first_answer(cluster: Cluster) -> None:
    ccwc, receiver = cluster.token(cluster.a, "ccwc"), cluster.token(cluster.b, "receiver")
    referral_id = _referral(cluster, ccwc, cluster.a)
    # a write through A is read through B at once
    seen = httpx.get(f"{cluster.b.url}/api/v1/referrals/{referral_id}", headers=receiver)
    assert seen.status_code == 200, seen.text
    path = f"/api/v1/referrals/{referral_id}/transitions"
    keyed = {**receiver, "Idempotency-Key": f"ack-{referral_id}"}
    first = httpx.post(f"{cluster.a.url}{path}", headers=keyed, json={"status": "received"})
    again = httpx.post(f"{cluster.b.url}{path}", headers=keyed, json={"status": "received"})
    assert (first.status_code, again.status_code) == (200, 200), again.text
    assert again.json() == first.json()
    assert again.headers.get("idempotency-replayed") == "true"
    events = httpx.get(f"{cluster.a.url}/api/v1/referrals/{referral_id}", headers=receiver)
    assert [e["to_status"] for e in events.json()["events"]] == ["requested", "received"]


def test_retries_in_flight_on_both_instances_replay(cluster: Cluster) -> None:
    """Ten pairs of one step with one key, one request to each instance at once."""
    ccwc, receiver = cluster.token(cluster.a, "ccwc"), cluster.token(cluster.a, "receiver")
    statuses: Counter[int] = Counter()
    for n in range(10):
        referral_id = _referral(cluster, ccwc, cluster.b)
        path = f"/api/v1/referrals/{referral_id}/transitions"
        keyed = {**receiver, "Idempotency-Key": f"pair-{n}-{referral_id}"}
        barrier = threading.Barrier(2, timeout=30)
        bodies: list[Any] = []

        def send(at: ApiProcess, path: str = path, keyed: dict[str, str] = keyed) -> None:
            with httpx.Client(base_url=at.url, timeout=60) as http:
                http.get("/health")
                barrier.wait()  # noqa: B023 - this pair's barrier
                r = http.post(path, headers=keyed, json={"status": "received"})
                statuses[r.status_code] += 1
                bodies.append(r.json())  # noqa: B023 - this pair's answers

        threads = [threading.Thread(target=send, args=(at,)) for at in (cluster.a, cluster.b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
        assert len(bodies) == 2 and bodies[0] == bodies[1], bodies
    assert statuses == Counter({200: 20}), statuses


def test_schedulers_fire_each_alert_once_across_instances(cluster: Cluster) -> None:
    """Twelve referrals made five hours ago, unacknowledged: each owes a reminder and an
    escalation. Both instances tick every second; each alert is stored once, queued
    once and delivered to the webhook once."""
    store, then = cluster.store, datetime.now(UTC) - timedelta(hours=5)
    made = []
    for _ in range(12):
        case = cases.open_case(
            Caller.system(store, then, "instances-test"),
            CaseOpening(
                opened_by_provider_id=CCWC,
                age=14,
                gender=Gender.FEMALE,
                risk=RiskLevel.HIGH,
                needs=[Service(SERVICE)],
                village_code=VILLAGE,
                consent=Consent(given_by="caregiver", recorded_by="t", recorded_at=then),
            ),
        )
        made.append(
            referrals.make_referral(
                Caller.system(store, then, "instances-test"),
                ReferralRequest(
                    case_id=case.id,
                    from_provider_id=CCWC,
                    to_provider_id=RECEIVER,
                    service=Service(SERVICE),
                    reason="Late on purpose (instances test).",
                ),
            )
        )
    now = datetime.now(UTC)
    expected = {
        alert_key(r.id, p.window, p.kind)
        for r in made
        for p in pending_alerts(ReferralStatus.REQUESTED, r.created_at, r.due)
        if p.at <= now
    }
    assert len(expected) == 24
    messages = {f"msg:{key}" for key in expected}
    deadline = time.monotonic() + 90
    while True:
        with cluster.webhook.lock:
            delivered = set(cluster.webhook.deliveries) & messages
        if delivered == messages or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    time.sleep(3)  # a few more rounds of both schedulers: nothing fires twice
    alerts = store.read(
        lambda tx: tx.list_alerts(AlertQuery(provider_id=RECEIVER), Page(limit=500))
    ).items
    ours = Counter(a.id for a in alerts if a.id in expected)
    assert ours == Counter(dict.fromkeys(expected, 1)), "each alert stored once"
    with cluster.webhook.lock:
        deliveries = {m: n for m, n in cluster.webhook.deliveries.items() if m in messages}
    assert deliveries == dict.fromkeys(messages, 1), "each alert delivered once"
    logs = cluster.a.log.read_text() + cluster.b.log.read_text()
    assert "fired" in logs


def test_rate_limits_are_per_instance(cluster: Cluster) -> None:
    """From one address, the limit is reached on A while B still answers: each instance
    counts its own (README, Configuration)."""

    def client(at: ApiProcess) -> httpx.Client:
        local = httpx.HTTPTransport(local_address="127.0.0.2")
        return httpx.Client(base_url=at.url, transport=local, timeout=30)

    with client(cluster.a) as http:
        sent = 0
        while http.get("/api/v1/auth/me").status_code != 429:
            sent += 1
            assert sent <= 2 * RATE_LIMIT, "A never limited this address"
    assert sent >= RATE_LIMIT - 1
    with client(cluster.b) as http:
        answers = Counter(http.get("/api/v1/auth/me").status_code for _ in range(5))
    assert answers == Counter({401: 5}), answers

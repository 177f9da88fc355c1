"""The outbox reaches a real local HTTP receiver, signed; failures back off and die."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from referral_graph.services import notifications
from referral_graph.services.caller import Caller
from referral_graph.services.notifications import DeliveryPolicy, Webhook, sign
from referral_graph.store.port import Page, Store
from tests.factories import FakeClock
from tests.timeliness.test_escalation import refer


class Receiver:
    """A webhook receiver on loopback that answers with ``status`` and keeps requests."""

    def __init__(self) -> None:
        self.status = 200
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def test_events_are_delivered_signed(store: Store, clock: FakeClock, receiver: Receiver) -> None:
    referral = refer(store, clock)
    hook = Webhook(receiver.url, "s3cret-for-tests")
    delivered = notifications.deliver(store, clock(), [hook])
    assert [m.state for m in delivered] == ["delivered"]
    headers, body = receiver.received[0]
    assert json.loads(body)["payload"]["referral_id"] == referral.id
    assert json.loads(body)["topic"] == "referral.requested"
    timestamp = headers[notifications.TIMESTAMP_HEADER]
    assert headers[notifications.SIGNATURE_HEADER] == sign("s3cret-for-tests", timestamp, body)
    assert "child" not in body.decode().lower()
    assert notifications.deliver(store, clock(), [hook]) == [], "delivered once"


def test_failures_back_off_then_become_dead_letters(
    store: Store, clock: FakeClock, receiver: Receiver
) -> None:
    refer(store, clock)
    receiver.status = 500
    hook = Webhook(receiver.url, "k")
    policy = DeliveryPolicy(max_attempts=3, first_backoff=timedelta(seconds=30))
    first = notifications.deliver(store, clock(), [hook], policy=policy)
    assert first[0].state == "pending"
    assert first[0].next_attempt_at == clock() + timedelta(seconds=30)
    assert first[0].last_error is not None and "HTTP 500" in first[0].last_error
    assert notifications.deliver(store, clock.advance(seconds=29), [hook], policy=policy) == []
    second = notifications.deliver(store, clock.advance(seconds=1), [hook], policy=policy)
    assert second[0].next_attempt_at == clock() + timedelta(seconds=60)
    third = notifications.deliver(store, clock.advance(seconds=60), [hook], policy=policy)
    assert third[0].state == "dead"
    dead = store.read(lambda tx: tx.list_outbox("dead", Page()))
    assert dead.count == 1
    assert len(receiver.received) == 3

    receiver.status = 204
    assert notifications.requeue(Caller.system(store, clock()), dead.items[0].id) is not None
    again = notifications.deliver(store, clock(), [hook], policy=policy)
    assert [m.state for m in again] == ["delivered"]


def test_an_unreachable_webhook_is_retried(store: Store, clock: FakeClock) -> None:
    refer(store, clock)
    hook = Webhook("http://127.0.0.1:9/nowhere", "k")
    result = notifications.deliver(
        store, clock(), [hook], policy=DeliveryPolicy(timeout_seconds=0.5)
    )
    assert result[0].state == "pending"
    assert result[0].last_error is not None

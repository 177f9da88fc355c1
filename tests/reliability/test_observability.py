"""Observability: request ids, one JSON log line per request, Prometheus metrics."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api import policy
from api.app import create_app
from api.observability import HEADER, install_observability
from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import StoreUnavailable
from referral_graph.domain.vocabulary import Service
from referral_graph.logging_setup import configure_logging, json_formatter
from referral_graph.services.caller import Caller
from referral_graph.services.cases import open_case
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import (
    FakeClock,
    acting_as_system,
    load_small_network,
    opening,
    refer_to_health_centre,
)


@dataclass
class Observed:
    app: FastAPI
    client: TestClient
    runtime: Runtime
    clock: FakeClock


@pytest.fixture
def observed(store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Observed]:
    # The rule the lead adds to api/policy.py; set here so the test stands alone.
    monkeypatch.setitem(policy.RULES, ("GET", "/metrics"), policy.PUBLIC)
    load_small_network(store)
    runtime = Runtime(settings=Settings(seed_on_start=False), store=store, clock=clock)
    app: FastAPI = acting_as_system(create_app(runtime))

    @app.get("/test/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("an unexpected fault")

    @app.get("/test/log", include_in_schema=False)
    def inner_log() -> dict[str, str]:
        logging.getLogger("referral_graph.test").warning("inside the request")
        return {"ok": "yes"}

    install_observability(app)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Observed(app, client, runtime, clock)


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def metrics(client: TestClient) -> Samples:
    """Every sample of ``/metrics``, by name and labels."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def requests_of(
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float], **labels: str
) -> float:
    key = ("referral_graph_http_requests_total", tuple(sorted(labels.items())))
    return found.get(key, 0.0)


# --- request ids -----------------------------------------------------------------------


def test_a_request_id_is_generated(observed: Observed) -> None:
    first = observed.client.get("/health").headers[HEADER]
    second = observed.client.get("/health").headers[HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_sane_incoming_request_id_is_echoed(observed: Observed) -> None:
    sent = "edge-proxy:7f3a.42_x"
    response = observed.client.get("/api/v1/providers", headers={HEADER: sent})
    assert response.headers[HEADER] == sent


@pytest.mark.parametrize("sent", ["a" * 65, "has spaces", "semi;colon", "new\u00e9line", ""])
def test_an_insane_incoming_request_id_is_replaced(observed: Observed, sent: str) -> None:
    response = observed.client.get("/health", headers={HEADER.encode(): sent.encode("latin-1")})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers[HEADER])


def test_an_unexpected_error_answers_500_with_its_request_id(observed: Observed) -> None:
    response = observed.client.get("/test/boom", headers={HEADER: "trace-500"})
    assert response.status_code == 500
    assert response.headers[HEADER] == "trace-500"
    assert (
        requests_of(metrics(observed.client), method="GET", route="/test/boom", status_class="5xx")
        == 1
    )


# --- the log line ------------------------------------------------------------------------


def test_one_structured_line_per_request(
    observed: Observed, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="referral_graph.http"):
        response = observed.client.get("/api/v1/providers/hc-a")
    assert response.status_code == 200
    lines = [r for r in caplog.records if r.name == "referral_graph.http"]
    assert len(lines) == 1
    line = json.loads(json_formatter().format(lines[0]))
    assert line["message"] == "request"
    assert line["level"] == "INFO"
    assert line["request_id"] == response.headers[HEADER]
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/providers/{provider_id}"  # the template, not the path
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["client"] == "testclient"
    assert re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", line["time"])


def test_json_lines_carry_the_request_id_of_records_made_inside(observed: Observed) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("INFO", stream=stream)
    try:
        response = observed.client.get("/test/log")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [json.loads(text) for text in stream.getvalue().splitlines()]
    inside = [x for x in lines if x["message"] == "inside the request"]
    request = [x for x in lines if x["logger"] == "referral_graph.http"]
    assert len(inside) == len(request) == 1
    assert inside[0]["request_id"] == request[0]["request_id"] == response.headers[HEADER]
    assert inside[0]["level"] == "WARNING"
    assert request[0]["route"] == "/test/log"


def test_probes_and_scrapes_log_at_debug(
    observed: Observed, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="referral_graph.http"):
        observed.client.get("/health")
        observed.client.get("/metrics")
    assert [r for r in caplog.records if r.name == "referral_graph.http"] == []


# --- metrics ------------------------------------------------------------------------------


def test_metrics_count_requests_per_route_template(observed: Observed) -> None:
    client = observed.client
    for _ in range(3):
        assert client.get("/api/v1/providers").status_code == 200
    assert client.get("/api/v1/providers/hc-a").status_code == 200
    assert client.get("/api/v1/providers/nobody").status_code == 404
    assert client.get("/no/such/route").status_code == 404
    found = metrics(client)
    assert requests_of(found, method="GET", route="/api/v1/providers", status_class="2xx") == 3
    route = "/api/v1/providers/{provider_id}"
    assert requests_of(found, method="GET", route=route, status_class="2xx") == 1
    assert requests_of(found, method="GET", route=route, status_class="4xx") == 1
    assert requests_of(found, method="GET", route="unmatched", status_class="4xx") == 1
    labels = (("method", "GET"), ("route", "/api/v1/providers"), ("status_class", "2xx"))
    assert found[("referral_graph_http_request_duration_seconds_count", labels)] == 3
    assert found[("referral_graph_http_requests_in_flight", ())] == 1  # the scrape itself
    assert ("process_resident_memory_bytes", ()) in found


def test_metrics_show_referrals_by_status_and_overdue(observed: Observed) -> None:
    store, clock = observed.runtime.store, observed.clock
    case = open_case(Caller.system(store, clock(), "ccwc-focal-1"), opening())
    refer_to_health_centre(
        store,
        clock(),
        case.id,
        service=Service.COUNSELLING,
        reason="Needs counselling.",
        actor="tester",
    )
    found = metrics(observed.client)
    assert found[("referral_graph_referrals", (("status", "requested"),))] == 1
    assert found[("referral_graph_referrals", (("status", "completed"),))] == 0
    assert found[("referral_graph_referrals_overdue", ())] == 0
    assert found[("referral_graph_store_up", ())] == 1

    clock.advance(days=5)  # past every deadline of a high-risk referral
    found = metrics(observed.client)
    assert found[("referral_graph_referrals_overdue", ())] == 1


def test_store_outages_are_counted(observed: Observed) -> None:
    store = observed.runtime.store

    def down(*_: object) -> None:
        raise StoreUnavailable("The SQLite store is busy: database is locked")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "read", down)
        response = observed.client.get("/api/v1/providers")
        assert response.status_code == 503
        found = metrics(observed.client)
    labels = (("route", "/api/v1/providers"),)
    assert found[("referral_graph_store_unavailable_responses_total", labels)] == 1
    assert found[("referral_graph_store_up", ())] == 0
    assert ("referral_graph_referrals_overdue", ()) not in found
    assert metrics(observed.client)[("referral_graph_store_up", ())] == 1


def test_metrics_hold_no_case_data(observed: Observed) -> None:
    store, clock = observed.runtime.store, observed.clock
    case = open_case(Caller.system(store, clock(), "ccwc-focal-1"), opening())
    observed.client.get(f"/api/v1/cases/{case.id}")
    text = observed.client.get("/metrics").text
    assert case.id not in text and case.code not in text
    assert "/api/v1/cases/{case_id}" in text


def test_install_refuses_a_started_app(observed: Observed) -> None:
    with pytest.raises(RuntimeError, match="before the app starts"):
        install_observability(observed.app)


def test_the_clock_moves_only_by_hand(observed: Observed) -> None:
    before = observed.clock()
    observed.client.get("/metrics")
    assert observed.clock() - before == timedelta(0)

"""No free text in any report or audit answer (issue #19: a decline reason naming a person
came back verbatim from ``/audit/declines`` and in the printed CSV).

A month of history whose every free text is marked — the reasons of declines, failures
and cancellations (coded "other" with words, and coded with a private note), referral
reasons, notes, outcomes — and then every report and audit answer a coordinator can
get: each ``GET`` route of the API under ``/api/v1/audit`` and ``/api/v1/meetings`` (found
in the app's route table, so a new one is checked too), in every format and language,
with and without small-cell suppression; the report and meeting pages of the web app and
their CSVs; and the ``report`` and ``meeting`` commands. None holds any of the texts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import api_routes, create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.security.model import Role
from referral_graph.services import referrals
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import Step
from referral_graph.settings import Settings
from referral_graph.store.port import Page
from tests.audit.conftest import DECLINE_REASON, NOW, History, at, build_history
from tests.e2e.test_web_pages import csrf_of
from tests.factories import FakeClock

PASSWORD = "correct horse battery"
FAILURE = "Grandmother Chan Thy refused at the gate"
CANCELLATION = "Moved to Phnom Penh with uncle Vannak"
#: Every free text of the history: none may appear in any answer below.
TEXTS = (
    DECLINE_REASON,
    "Sok Dara",
    "no doctor available",
    "Family moved away",
    FAILURE,
    "Chan Thy",
    CANCELLATION,
    "Vannak",
    "Private note about the child",
    "Seen at home",
    "Service given",
)
#: How each route is asked (every format and language where it has them).
QUERIES: dict[str, list[str]] = {
    "/api/v1/audit/delays": [f"?area=17&group_by={g}" for g in ("provider", "edge", "month")],
    "/api/v1/audit/bottlenecks": ["?area=17"],
    "/api/v1/audit/loops": ["?area=17"],
    "/api/v1/audit/declines": ["?area=17", "?area=1701"],
    "/api/v1/audit/measures": ["?area=17"],
    "/api/v1/audit/overdue": ["?area=17"],
    "/api/v1/audit/due-soon": ["?area=17&within_hours=300"],
    "/api/v1/audit/report": [
        f"?area={a}&month=2026-03&format={f}&lang={lang}"
        for a in ("17", "1702")
        for f in ("json", "csv", "html")
        for lang in ("en", "km")
    ],
    "/api/v1/meetings": [""],
    "/api/v1/meetings/agenda": ["?area=1702&date=2026-03-20", "?area=17&date=2026-03-20"],
    "/api/v1/meetings/{meeting_id}": [""],
    "/api/v1/meetings/{meeting_id}/pack": [
        f"?format={f}&lang={lang}&month=2026-03"
        for f in ("json", "csv", "html")
        for lang in ("en", "km")
    ],
}


def more_free_text(history: History) -> None:
    """A failure and a cancellation in Angkor Thum (Ek Phnom is not in the scenario),
    each with words naming people."""
    system = Caller.system(history.store, at(40), "t")
    history.refer("r13", "E", at(30), ("ccwc-a", "hc-a"), history_service())
    history.walk("r13", ("received", 31), ("accepted", 32), ("in_progress", 33))
    referrals.move_referral(
        system,
        history.refs["r13"],
        Step(status="failed", reason=FAILURE, reason_code="other", note="Seen at home"),
    )
    history.refer("r14", "E", at(41), ("ccwc-a", "hc-a"), history_service())
    referrals.move_referral(
        Caller.system(history.store, at(42), "t"),
        history.refs["r14"],
        Step(status="cancelled", reason=CANCELLATION, reason_code="child_moved"),
    )


def history_service() -> str:
    return "counselling"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    store = SqliteStore(tmp_path_factory.mktemp("free-text") / "s.sqlite3")
    store.initialise()
    history = build_history(store)
    more_free_text(history)
    stored = store.read(
        lambda tx: "".join(
            r.model_dump_json() + "".join(e.model_dump_json() for e in tx.referral_events(r.id))
            for r in tx.all_referrals(Page(limit=1000)).items
        )
    )
    for text in TEXTS:
        assert text.lower() in stored.lower(), f"the history should hold {text!r}"
    for name, area in (("coord", "17"), ("national", "KH")):
        create_user(
            Caller.system(store, NOW),
            NewUser(username=name, password=PASSWORD, role=Role.COORDINATOR, area_code=area),
        )
    runtime = Runtime(
        settings=Settings(seed_on_start=False, rate_limit_per_minute=0, tick_seconds=0),
        store=store,
        clock=FakeClock(NOW),
    )
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        tokens = {}
        for name in ("coord", "national"):
            r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
            tokens[name] = r.json()["access_token"]
        yield client, tokens
    store.close()


def _clean(text: str, where: str) -> None:
    lowered = text.lower()
    for secret in TEXTS:
        assert secret.lower() not in lowered, (where, secret)


def test_no_report_or_audit_answer_holds_free_text(
    site: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = site
    headers = {"Authorization": f"Bearer {tokens['coord']}"}
    made = client.post(
        "/api/v1/meetings",
        json={"area_code": "1702", "held_on": "2026-03-20"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    meeting_id = made.json()["id"]
    kinds = {i["kind"] for i in made.json()["agenda"]}
    assert {"child_waiting", "repeated_declines"} <= kinds, "the agenda saw the declines"
    routes = sorted(
        r.path
        for r in api_routes(create_app(Runtime(Settings(seed_on_start=False), None)).routes)  # type: ignore[arg-type]
        if "GET" in (r.methods or ()) and r.path.startswith(("/api/v1/audit", "/api/v1/meetings"))
    )
    assert set(routes) == set(QUERIES), "a report route was added: say here how to ask it"
    asked = 0
    for path in routes:
        for query in QUERIES[path]:
            for cells in ("", "&min_cell=0" if query else "?min_cell=0"):
                if "min_cell" in cells and not path.startswith(
                    ("/api/v1/audit/", "/api/v1/meetings/{")
                ):
                    continue
                url = path.replace("{meeting_id}", meeting_id) + query + cells
                for who in ("coord", "national"):
                    r = client.get(url, headers={"Authorization": f"Bearer {tokens[who]}"})
                    assert r.status_code == 200, (url, r.text[:300])
                    _clean(r.text, url)
                    asked += 1
    assert asked > 100


def test_the_declines_are_counted_by_code_all_the_same(
    site: tuple[TestClient, dict[str, str]],
) -> None:
    """Not shown, still counted: the report counts the coded reasons the texts came with."""
    client, tokens = site
    headers = {"Authorization": f"Bearer {tokens['coord']}"}
    body = client.get(
        "/api/v1/audit/report?area=17&month=2026-03&min_cell=0", headers=headers
    ).json()
    assert {r["code"]: r["count"] for r in body["declines"]["reasons"]} == {
        "no_capacity": 1,
        "other": 1,
    }


def test_the_web_pages_hold_none_either(site: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = site
    signed = client.post(
        "/app/signin",
        data={"csrf": csrf_of(client), "username": "coord", "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text[:200]
    for url in (
        "/app/report?area=17&month=2026-03",
        "/app/report.csv?area=17&month=2026-03",
    ):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:200])
        _clean(r.text, url)

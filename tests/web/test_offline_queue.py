"""The server side of the phone's offline queue (issue 23 item 1), in process: the step,
relay and identify forms take an ``Idempotency-Key`` (a repeat changes nothing), a
step carries the time of the tap, the queue's sends are answered in JSON (sent,
refused with the reason, a conflict naming who moved the referral first), the service
worker is served from the app's scope, and sign-out asks the browser to clear what the
app kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from referral_graph.bootstrap import Runtime
from referral_graph.domain.lifecycle import ReferralStatus
from tests.e2e.server_app import ShiftableClock, build
from tests.e2e.test_web_pages import csrf_of, open_case, refer, sign_in

QUEUE = {"X-Offline-Queue": "1"}
TZ = ZoneInfo("Asia/Phnom_Penh")
Site = tuple[FastAPI, Runtime, ShiftableClock]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(Path(tmp_path_factory.mktemp("web-offline")))


@pytest.fixture
def ccwc(site: Site) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as c:
        yield sign_in(c, "e2e-ccwc")


@pytest.fixture
def hc(site: Site) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as c:
        yield sign_in(c, "e2e-hc")


def new_referral(site: Site, ccwc: TestClient) -> str:
    case_id = open_case(ccwc)
    refer(ccwc, case_id)
    return site[1].store.read(lambda tx: tx.case_referrals(case_id))[0].id


def events(site: Site, referral_id: str) -> list[tuple[ReferralStatus, datetime | None]]:
    found = site[1].store.read(lambda tx: tx.referral_events(referral_id))
    return [(e.to_status, e.occurred_at) for e in found]


def test_a_queued_step_is_taken_once_at_the_time_of_the_tap(
    site: Site, ccwc: TestClient, hc: TestClient
) -> None:
    ref = new_referral(site, ccwc)
    tapped = datetime.now(UTC)  # after the referral was made; sent a while later
    form = {
        "csrf": csrf_of(hc, "/app/inbox"),
        "status": "received",
        "occurred_at": tapped.isoformat().replace("+00:00", "Z"),
    }
    headers = {**QUEUE, "Idempotency-Key": "tap-1"}
    first = hc.post(f"/app/referrals/{ref}/step", data=form, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json() == {"state": "sent", "replayed": False}
    again = hc.post(f"/app/referrals/{ref}/step", data=form, headers=headers)
    assert again.status_code == 200 and again.json() == {"state": "sent", "replayed": True}
    steps = events(site, ref)
    assert steps.count((ReferralStatus.RECEIVED, tapped)) == 1, steps
    assert [s for s, _ in steps].count(ReferralStatus.RECEIVED) == 1
    # the same key for another step is refused, not taken
    other = hc.post(
        f"/app/referrals/{ref}/step", data={**form, "status": "accepted"}, headers=headers
    )
    assert other.status_code == 422 and "Idempotency-Key" in other.text
    assert [s for s, _ in events(site, ref)].count(ReferralStatus.ACCEPTED) == 0


def test_a_queued_step_that_lost_the_race_says_who_moved_it_first(
    site: Site, ccwc: TestClient, hc: TestClient
) -> None:
    ref = new_referral(site, ccwc)
    token = csrf_of(hc, "/app/inbox")
    version = site[1].store.read(lambda tx: tx.get_referral(ref)).version  # type: ignore[union-attr]
    # the CCWC relays the acknowledgement, confirmed by phone, while the nurse is offline
    relay = {
        "csrf": csrf_of(ccwc, "/app/inbox"),
        "status": "received",
        "channel": "phone",
        "occurred_at": datetime.now(TZ).strftime("%Y-%m-%dT%H:%M"),
        "expected_version": str(version),
    }
    sent = ccwc.post(f"/app/referrals/{ref}/relay", data=relay, headers=QUEUE)
    assert sent.json()["state"] == "sent"
    step = {"csrf": token, "status": "received", "expected_version": str(version)}
    late = hc.post(
        f"/app/referrals/{ref}/step", data=step, headers={**QUEUE, "Idempotency-Key": "late-1"}
    )
    assert late.status_code == 409
    assert late.json()["state"] == "conflict"
    assert "Acknowledged by e2e-ccwc" in late.json()["message"], late.json()
    hc.get("/app/lang/km?next=/app/inbox")
    late_km = hc.post(
        f"/app/referrals/{ref}/step", data=step, headers={**QUEUE, "Idempotency-Key": "late-2"}
    )
    assert "បានទទួលស្គាល់ ដោយ e2e-ccwc" in late_km.json()["message"], late_km.json()


def test_a_refused_queued_step_says_why(site: Site, ccwc: TestClient, hc: TestClient) -> None:
    ref = new_referral(site, ccwc)
    token = csrf_of(hc, "/app/inbox")
    old = (datetime.now(UTC) - timedelta(days=9)).isoformat()
    r = hc.post(
        f"/app/referrals/{ref}/step",
        data={"csrf": token, "status": "received", "occurred_at": old},
        headers={**QUEUE, "Idempotency-Key": "old-1"},
    )
    assert r.status_code == 422 and r.json()["state"] == "refused"
    assert "at most 7 days back" in r.json()["message"]
    bad = hc.post(
        f"/app/referrals/{ref}/step",
        data={"csrf": token, "status": "received", "occurred_at": "yesterday"},
        headers=QUEUE,
    )
    assert bad.status_code == 422 and "That time cannot be right" in bad.json()["message"]
    assert events(site, ref) == [(ReferralStatus.REQUESTED, None)]


def test_a_queued_relay_and_identification_are_sent_once(
    site: Site, ccwc: TestClient, hc: TestClient
) -> None:
    ref = new_referral(site, ccwc)
    relay = {
        "csrf": csrf_of(ccwc, "/app/inbox"),
        "status": "received",
        "channel": "phone",
        "occurred_at": datetime.now(TZ).strftime("%Y-%m-%dT%H:%M"),
    }
    headers = {**QUEUE, "Idempotency-Key": "relay-1"}
    for replayed in (False, True):
        r = ccwc.post(f"/app/referrals/{ref}/relay", data=relay, headers=headers)
        assert r.json() == {"state": "sent", "replayed": replayed}
    assert [s for s, _ in events(site, ref)].count(ReferralStatus.RECEIVED) == 1

    with TestClient(site[0], base_url="http://testserver") as vhsg:
        sign_in(vhsg, "e2e-vhsg")
        form = {
            "csrf": csrf_of(vhsg, "/app/identify"),
            "age_band": "15_17",
            "gender": "male",
            "risk": "high",
            "needs": ["counselling"],
            "village_code": "17010101",
            "source": "vhsg",
            "note": "offline queue test",
        }
        count = len(vhsg.get("/app/identify").text.split("data-identification=")) - 1
        headers = {**QUEUE, "Idempotency-Key": "ident-1"}
        for replayed in (False, True):
            r = vhsg.post("/app/identify", data=form, headers=headers)
            assert r.json() == {"state": "sent", "replayed": replayed}
        after = len(vhsg.get("/app/identify").text.split("data-identification=")) - 1
        assert after == count + 1
        refused = vhsg.post("/app/identify", data={**form, "village_code": "99"}, headers=QUEUE)
        assert refused.status_code == 422 and refused.json()["state"] == "refused"


def test_the_service_worker_and_manifest_are_served_from_the_app(anon_client: TestClient) -> None:
    sw = anon_client.get("/app/sw.js?v=1")
    assert sw.status_code == 200
    assert sw.headers["content-type"].startswith("text/javascript")
    assert sw.headers["service-worker-allowed"] == "/app/"
    assert "no-cache" in sw.headers["cache-control"]
    manifest = anon_client.get("/app/manifest.webmanifest").json()
    assert manifest["scope"] == "/app/" and manifest["start_url"] == "/app/"


def test_sign_out_clears_what_the_browser_kept(hc: TestClient) -> None:
    token = csrf_of(hc, "/app/inbox")
    r = hc.post("/app/signout", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["clear-site-data"] == '"cache", "storage"'


@pytest.fixture
def anon_client(site: Site) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as c:
        yield c

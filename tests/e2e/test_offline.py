"""Offline first for field steps (issue 23 item 1), in Chromium at 360 px, both
languages: a health centre opens its inbox, loses the network, accepts one referral,
declines another with a coded reason, acknowledges a third and identifies a child; the
items wait on the phone; the network comes back and they reach the server with the
times of the taps, exactly once; the third, acknowledged meanwhile by the CCWC (a step
it relayed, confirmed by phone), comes back as a conflict naming who moved it; sign-out
leaves no cache and no IndexedDB behind."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import PASSWORD, Phone

pytestmark = pytest.mark.e2e

WAITING = {"en": "Waiting to send", "km": "កំពុងរង់ចាំផ្ញើ"}
CONFLICT = {"en": "Not recorded: someone moved this referral first", "km": "មិនបានកត់ត្រា៖"}
SAVED = {"en": "No connection: this is the copy saved", "km": "គ្មានអ៊ីនធឺណិត៖"}


def _token(server: str, username: str) -> dict[str, str]:
    r = httpx.post(f"{server}/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _refer(server: str, *, acknowledged: bool) -> str:
    """A new case referred by the CCWC to the health centre (JSON API); the referral."""
    ccwc = _token(server, "e2e-ccwc")
    case = httpx.post(
        f"{server}/api/v1/cases",
        headers=ccwc,
        json={
            "opened_by_provider_id": "ccwc-170101",
            "age": 13,
            "gender": "female",
            "risk": "medium",
            "needs": ["counselling"],
            "village_code": "17010101",
            "consent": {
                "given_by": "caregiver",
                "recorded_by": "e2e-ccwc",
                "recorded_at": "2026-01-05T08:00:00+07:00",
            },
        },
    )
    assert case.status_code == 201, case.text
    ref = httpx.post(
        f"{server}/api/v1/referrals",
        headers=ccwc,
        json={
            "case_id": case.json()["id"],
            "from_provider_id": "ccwc-170101",
            "to_provider_id": "hc-170101",
            "service": "counselling",
            "reason": "Seeded for the offline browser test",
        },
    )
    assert ref.status_code == 201, ref.text
    referral_id: str = ref.json()["id"]
    if acknowledged:
        _move(server, "e2e-hc", referral_id, {"status": "received"})
    return referral_id


def _move(server: str, user: str, referral_id: str, body: dict[str, Any]) -> None:
    r = httpx.post(
        f"{server}/api/v1/referrals/{referral_id}/transitions",
        headers=_token(server, user),
        json=body,
    )
    assert r.status_code == 200, r.text


def _events(server: str, referral_id: str) -> list[dict[str, Any]]:
    r = httpx.get(
        f"{server}/api/v1/referrals/{referral_id}", headers=_token(server, "e2e-hc")
    ).raise_for_status()
    events: list[dict[str, Any]] = r.json()["events"]
    return events


def _queue(phone: Phone) -> list[dict[str, Any]]:
    """The items waiting in the phone's IndexedDB."""
    items: list[dict[str, Any]] = phone.page.evaluate(
        """() => new Promise((ok, fail) => {
            const req = indexedDB.open("rg-offline", 1);
            req.onsuccess = () => {
                const all = req.result.transaction("queue").objectStore("queue").getAll();
                all.onsuccess = () => { req.result.close(); ok(all.result); };
            };
            req.onerror = () => fail(req.error);
        })"""
    )
    return items


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("lang", ["en", "km"])
def test_steps_made_offline_wait_on_the_phone_and_reach_the_server_once(
    phones: Callable[..., Phone], server: str, lang: str
) -> None:
    accept_me = _refer(server, acknowledged=True)
    decline_me = _refer(server, acknowledged=True)
    moved_meanwhile = _refer(server, acknowledged=False)
    nurse = phones(lang)
    nurse.sign_in("e2e-hc")
    page = nurse.page
    for path in ("/app/identify", "/app/inbox"):
        nurse.goto(path)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    nurse.goto("/app/identify")  # now through the worker, which keeps a copy
    nurse.goto("/app/inbox")
    assert page.evaluate("!!navigator.serviceWorker.controller")

    page.context.set_offline(True)
    nurse.goto("/app/inbox")  # the copy kept on the phone, saying so
    assert SAVED[lang] in page.inner_text("#offline-note")
    before = datetime.now().astimezone()

    page.click(f"#ref-{accept_me} button[data-step=accepted]")
    row = f"#ref-{decline_me}"
    page.click(f"{row} details.act:has(button[data-step=rejected]) summary")
    page.check(f"{row} input[name=reason_code][value=no_capacity]")
    page.click(f"{row} button[data-step=rejected]")
    page.click(f"#ref-{moved_meanwhile} button[data-step=received]")
    page.wait_for_function("() => document.querySelectorAll('#offline-items li').length === 3")
    assert page.locator(f"#ref-{accept_me} [data-queued-note=waiting]").is_visible()
    items = page.inner_text("#offline-items")
    assert items.count(WAITING[lang]) == 3, items
    assert not nurse.axe(), "the inbox with its offline queue"
    nurse.fits()
    nurse.shot("offline-inbox")

    nurse.goto("/app/identify")  # the kept form
    page.select_option("#age_band", "15_17")
    page.select_option("#gender", "male")
    page.select_option("#risk", "high")
    page.check("input[name=needs][value=counselling]")
    page.select_option("#village_code", "17010101")
    page.click("form button[type=submit].primary")
    page.wait_for_function("() => document.querySelectorAll('#offline-items li').length === 4")
    queued = _queue(nurse)
    assert len(queued) == 4 and all(i["state"] == "waiting" for i in queued)
    assert not nurse.axe(), "the identify form with its offline queue"
    after = datetime.now().astimezone()

    # Meanwhile the CCWC, phoned by the health centre, records the acknowledgement.
    _move(server, "e2e-ccwc", moved_meanwhile, {"status": "received", "relay": "phone"})

    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.querySelectorAll('#offline-items li').length === 1", timeout=20_000
    )
    left = page.locator("#offline-items li")
    assert left.get_attribute("data-queued") == "conflict"
    assert CONFLICT[lang] in left.inner_text() and "e2e-ccwc" in left.inner_text()
    assert not nurse.axe(), "a conflict shown"
    # Chromium logs every 4xx answer; the conflict's 409 is the one expected here.
    expected = "Failed to load resource: the server responded with a status of 409 (Conflict)"
    assert nurse.errors.count(expected) == 1, nurse.errors
    nurse.errors.remove(expected)

    accepted = [e for e in _events(server, accept_me) if e["to_status"] == "accepted"]
    assert len(accepted) == 1
    tapped = _at(accepted[0]["occurred_at"])
    assert before <= tapped <= after, (before, tapped, after)
    declined = [e for e in _events(server, decline_me) if e["to_status"] == "rejected"]
    assert len(declined) == 1 and declined[0]["reason_code"] == "no_capacity"
    assert before <= _at(declined[0]["occurred_at"]) <= after
    received = [e for e in _events(server, moved_meanwhile) if e["to_status"] == "received"]
    assert len(received) == 1 and received[0]["actor"] == "e2e-ccwc"

    # The queue sent again (a phone that lost the answers): nothing is taken twice.
    answers = page.evaluate(
        """async (items) => Promise.all(items.map(async (item) => {
            const body = new URLSearchParams(item.fields);
            body.set("csrf", document.querySelector("input[name=csrf]").value);
            const r = await fetch(item.url, {method: "POST", body, headers: {
                "Idempotency-Key": item.key, "X-Offline-Queue": "1"}});
            return [r.status, await r.json()];
        }))""",
        [i for i in queued if "/referrals/" in i["url"] and moved_meanwhile not in i["url"]]
        + [i for i in queued if i["url"].endswith("/identify")],
    )
    assert [a[1] for a in answers] == [{"state": "sent", "replayed": True}] * 3, answers
    assert len([e for e in _events(server, accept_me) if e["to_status"] == "accepted"]) == 1
    assert len([e for e in _events(server, decline_me) if e["to_status"] == "rejected"]) == 1

    # A refused item stays until the person dismisses it.
    nurse.goto("/app/inbox")
    page.wait_for_selector("#offline-items li[data-queued=conflict]")
    assert page.locator("#offline-items li").count() == 1
    page.click("#offline-items li button")
    page.wait_for_function("() => document.getElementById('offline-queue').hidden")

    # Sign-out leaves nothing of the app on the phone.
    assert page.evaluate("caches.keys()"), "pages were kept while signed in"
    nurse.sign_out()
    page.wait_for_function(
        """async () => (await caches.keys()).length === 0
            && (await indexedDB.databases()).length === 0
            && (await navigator.serviceWorker.getRegistrations()).length === 0"""
    )
    left_over = page.evaluate("async () => [await caches.keys(), await indexedDB.databases()]")
    assert left_over == [[], []], json.dumps(left_over)

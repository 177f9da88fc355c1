"""Alerts in a real browser at 360 px: once the scheduler has run, a CCWC signing in (in
Khmer) sees the count in the menu, opens its alerts, marks one seen with one tap, and
sets how else it is told; pages fit a phone and pass axe."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.e2e.conftest import PASSWORD, Phone

pytestmark = pytest.mark.e2e


def _run_scheduler(server: str) -> None:
    """The seeded overdue handoff's reminder and escalation fire (an admin runs the tick)."""
    token = httpx.post(
        f"{server}/api/v1/auth/token", data={"username": "e2e-admin", "password": PASSWORD}
    ).json()["access_token"]
    response = httpx.post(
        f"{server}/api/v1/timeliness/tick", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text


def test_a_ccwc_sees_and_marks_its_alerts_in_khmer(
    phones: Callable[..., Phone], server: str
) -> None:
    _run_scheduler(server)
    ccwc = phones("km")
    ccwc.sign_in("e2e-ccwc")
    badge = ccwc.page.locator('nav.menu a[href="/app/alerts"] .badge')
    assert "មិនទាន់បានឃើញ" in badge.inner_text()
    ccwc.goto("/app/alerts")
    buttons = ccwc.page.locator("button[data-seen]")
    before = buttons.count()
    assert before >= 2
    assert "ហួសកាលកំណត់" in ccwc.page.inner_text("main")
    ccwc.check("alerts")
    buttons.first.click()
    ccwc.page.wait_for_url("**/app/alerts?done=seen*")
    assert "បានសម្គាល់ថាបានឃើញ។" in ccwc.page.inner_text("main")
    assert ccwc.page.locator("button[data-seen]").count() == before - 1

    ccwc.goto("/app/settings/notifications")
    ccwc.check("notification-settings")
    ccwc.page.check('input[name="channels"][value="sms"]')
    ccwc.page.fill("#phone", "+85512345678")
    ccwc.page.click("form.card button[type=submit]")
    ccwc.page.wait_for_url("**/app/settings/notifications?done=saved")
    assert ccwc.page.input_value("#phone") == "+85512345678"

"""Declining from the inbox picks a coded reason (the pick list of the step, in English
and Khmer); the words typed beside it stay with the handoff's two ends, and reports
count the code (issue #19, report corrections)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from referral_graph.bootstrap import Runtime
from referral_graph.domain.reasons import StepReason
from tests.e2e.server_app import ShiftableClock
from tests.e2e.test_web_pages import csrf_of, open_case, refer, sign_in, site  # noqa: F401


def test_a_decline_is_recorded_with_its_code(site: tuple[FastAPI, Runtime, ShiftableClock]) -> None:  # noqa: F811
    app, runtime, _ = site
    with TestClient(app) as ccwc, TestClient(app) as hc:
        case_id = open_case(sign_in(ccwc, "e2e-ccwc"))
        refer(ccwc, case_id)
        referral = runtime.store.read(lambda tx: tx.case_referrals(case_id))[0]
        sign_in(hc, "e2e-hc")
        token = csrf_of(hc, "/app/inbox")
        hc.post(f"/app/referrals/{referral.id}/step", data={"csrf": token, "status": "received"})
        inbox = hc.get("/app/inbox").text
        assert 'name="reason_code" value="no_capacity"' in inbox
        assert "No counsellor or staff available" in inbox
        hc.get("/app/lang/km?next=/app/inbox")
        assert "គ្មានអ្នកប្រឹក្សា ឬបុគ្គលិកទំនេរ" in hc.get("/app/inbox").text
        other = hc.post(
            f"/app/referrals/{referral.id}/step",
            data={"csrf": token, "status": "rejected", "reason_code": "other", "reason": " "},
            follow_redirects=False,
        )
        assert "err=err_reason" in other.headers["location"], "'other' needs a few words"
        hc.post(
            f"/app/referrals/{referral.id}/step",
            data={
                "csrf": token,
                "status": "rejected",
                "reason_code": "no_capacity",
                "reason": "Our counsellor Srey Mom is on leave",
            },
        )
    stored = runtime.store.read(lambda tx: tx.get_referral(referral.id))
    assert stored is not None and stored.status_reason_code is StepReason.NO_CAPACITY
    assert stored.status_reason == "Our counsellor Srey Mom is on leave"

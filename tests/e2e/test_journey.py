"""The whole journey in a browser, once in English and once in Khmer: a CCWC opens a
case and refers it with one tap on a recommendation; the health centre acknowledges,
accepts and refers onward; the coordinator sees the overdue list and the case's path."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import pytest

from tests.e2e.conftest import ROOT, Phone, save_for_docs

if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam

pytestmark = pytest.mark.e2e

FIRST_LOAD_BUDGET = 100 * 1024
KHMER = re.compile(r"[\u1780-\u17FF]")

#: A few strings each page must show in Khmer (from api/web/i18n.py).
KHMER_STRINGS = {
    "signin": "ចូលប្រើបណ្ដាញបញ្ជូនករណី",
    "cases": "បើកករណីថ្មី",
    "consent": "ការយល់ព្រម",
    "recommendations": "អ្នកផ្ដល់សេវាបន្ទាប់ដែលបានណែនាំ",
    "reason": "មានផ្លូវបញ្ជូនដែលបានព្រមព្រៀងពី",
    "path": "ដំណើរករណី",
    "acknowledge": "ទទួលស្គាល់",
    "overdue": "ការបញ្ជូនហួសកាលកំណត់",
}


def _text(phone: Phone) -> str:
    return phone.page.inner_text("body")


def _open_case(ccwc: Phone) -> str:
    page = ccwc.page
    page.check('input[name="consent_given_by"][value="caregiver"]')
    page.check('input[name="consent_confirm"]')
    page.fill("#age", "15")
    page.select_option("#gender", "female")
    page.select_option("#risk", "high")
    page.check('input[name="needs"][value="psychological_first_aid"]')
    page.check('input[name="needs"][value="counselling"]')
    page.select_option("#village_code", "17010101")
    page.click("form.stack > button[type=submit]")
    page.wait_for_url("**/app/cases/case_*")
    heading = page.inner_text("h1")
    match = re.search(r"KH\d{4}-[A-Z0-9]+", heading)
    assert match, heading
    return match.group(0)


def _first_load(
    phones: Callable[..., Phone], signed_in: Phone, path: str = "/app/inbox"
) -> dict[str, Any]:
    """Bytes over the wire for a first visit to a page (empty cache, signed in)."""
    state = signed_in.page.context.storage_state()
    fresh = phones(signed_in.lang)
    context = fresh.page.context
    context.add_cookies(cast("list[SetCookieParam]", state["cookies"]))
    sizes: list[tuple[str, int, int]] = []

    def finished(request: Any) -> None:
        s = request.sizes()
        sizes.append((request.url, s["responseBodySize"], s["responseHeadersSize"]))

    fresh.page.on("requestfinished", finished)
    fresh.goto(path)
    fresh.page.wait_for_load_state("networkidle")
    total = sum(body + head for _, body, head in sizes)
    return {"total": total, "requests": sizes}


@pytest.mark.parametrize("lang", ["en", "km"])
def test_journey(phones: Callable[..., Phone], lang: str) -> None:
    km = lang == "km"

    # --- the CCWC opens a case, consent first --------------------------------------
    ccwc = phones(lang)
    ccwc.goto("/app/signin")
    ccwc.choose_language()
    if km:
        assert KHMER_STRINGS["signin"] in _text(ccwc)
    ccwc.check("signin")
    save_for_docs(ccwc, "signin")
    ccwc.sign_in("e2e-ccwc")
    assert ccwc.page.url.endswith("/app/queue")  # the first screen: who waits on me (#17)
    ccwc.page.click('.shortcuts a[href$="/app/cases"]')
    ccwc.page.wait_for_url("**/app/cases")
    if km:
        body = _text(ccwc)
        assert KHMER_STRINGS["cases"] in body
        assert KHMER_STRINGS["consent"] in body
    ccwc.check("ccwc-open-case")
    save_for_docs(ccwc, "ccwc-open-case")
    code = _open_case(ccwc)

    # --- recommendations with their reasons, one tap refers --------------------------
    recs = ccwc.page.locator("li.rec")
    assert recs.count() >= 2
    first_reasons = recs.first.locator("ul.reasons").inner_text()
    if km:
        assert KHMER_STRINGS["recommendations"] in _text(ccwc)
        assert KHMER_STRINGS["reason"] in _text(ccwc)
        assert KHMER.search(first_reasons)
        assert "psychological first aid" not in first_reasons  # re-filled in Khmer
    else:
        assert "agreed pathway" in _text(ccwc)
    ccwc.check("case-recommendations")
    save_for_docs(ccwc, "case-recommendations", at="#recommend")
    hc_pick = ccwc.page.locator('li.rec[data-provider="hc-170101"] button[name="pick"]')
    rank = hc_pick.get_attribute("value")
    assert rank and rank.split("|")[0].isdigit()
    hc_pick.click()
    ccwc.page.wait_for_url("**/app/cases/case_*done=referred*")
    assert ccwc.page.locator("#path li.hop").count() == 1
    assert ccwc.page.locator('#path li.hop[data-hop="1"] .badge.u-ok').count() == 1
    if km:
        assert KHMER_STRINGS["path"] in _text(ccwc)
    ccwc.check("case-path")
    save_for_docs(ccwc, "case-path", at="#path")
    ccwc.sign_out()

    # --- the health centre: inbox, acknowledge, accept, refer onward -----------------
    hc = phones(lang)
    hc.sign_in("e2e-hc")
    assert hc.page.url.endswith("/app/queue")
    waiting = hc.page.locator(f'li.item[data-case="{code}"][data-kind="to_answer"]')
    assert waiting.count() == 1  # the new referral waits on the health centre
    hc.check("queue-provider")
    waiting.locator('a[data-step="answer"]').click()
    hc.page.wait_for_url("**/app/inbox#ref-*")
    row = hc.page.locator(f'li.item[data-case="{code}"]')
    assert row.count() == 1
    assert hc.page.locator("li.item.u-overdue").count() >= 1  # the seeded late handoff
    if km:
        assert KHMER_STRINGS["acknowledge"] in row.inner_text()
    hc.check("inbox")
    save_for_docs(hc, "inbox")

    load = _first_load(phones, hc)
    report = ROOT / "test-artifacts" / f"inbox-first-load-{lang}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        f"total {load['total']} bytes ({load['total'] / 1024:.1f} KB)\n"
        + "\n".join(f"{b + h:>8} {u}" for u, b, h in load["requests"])
        + "\n"
    )
    assert load["total"] <= FIRST_LOAD_BUDGET, report.read_text()
    # the first screen after signing in is the queue: it keeps to the same budget
    first = _first_load(phones, hc, "/app/queue")
    report = ROOT / "test-artifacts" / f"queue-first-load-{lang}.txt"
    report.write_text(
        f"total {first['total']} bytes ({first['total'] / 1024:.1f} KB)\n"
        + "\n".join(f"{b + h:>8} {u}" for u, b, h in first["requests"])
        + "\n"
    )
    assert first["total"] <= FIRST_LOAD_BUDGET, report.read_text()

    row.locator('button[data-step="received"]').click()  # one tap (htmx swaps the row)
    row.locator('button[data-step="accepted"]').wait_for()
    assert row.locator('[role="status"]').count() == 1
    row.locator('button[data-step="accepted"]').click()
    onward = row.locator("a[data-onward]")
    onward.wait_for()
    onward.click()
    hc.page.wait_for_url(re.compile(r".*/app/cases/case_\w+#recommend$"))
    picks = hc.page.locator('li.rec button[name="pick"]')
    assert picks.count() >= 1
    tpo = hc.page.locator('li.rec[data-provider="tpo-counsellor-17-1"] button[name="pick"]')
    (tpo if tpo.count() else picks.first).click()
    hc.page.wait_for_url("**/app/cases/case_*done=referred*")
    assert hc.page.locator("#path li.hop").count() == 2
    hc.check("refer-onward")
    hc.sign_out()

    # --- the coordinator: overdue and due soon, the case's path, the report -------------
    coord = phones(lang)
    coord.sign_in("e2e-coord")
    assert coord.page.url.endswith("/app/queue")
    assert coord.page.locator('li.item[data-kind="overdue"]').count() >= 1  # the late hop
    coord.check("queue-coordinator")
    coord.page.click('.shortcuts a[href$="/app/dashboard"]')
    coord.page.wait_for_url("**/app/dashboard")
    body = _text(coord)
    if km:
        assert KHMER_STRINGS["overdue"] in body
    overdue = coord.page.locator("#overdue-h + ol li.item")
    assert overdue.count() >= 1
    assert coord.page.locator("#overdue-h + ol li.item.u-overdue").count() == overdue.count()
    assert coord.page.locator("figure.journey .j-bar").count() >= 3
    assert coord.page.locator("table.delays tbody tr").count() >= 2
    coord.check("dashboard")
    save_for_docs(coord, "dashboard")
    coord.page.click(f'a:has-text("{code}")')
    coord.page.wait_for_url("**/app/cases/case_*")
    assert coord.page.locator("#path li.hop").count() == 2
    assert ("(មិនបង្ហាញ)" if km else "(withheld)") in _text(coord)  # no free text
    assert coord.page.locator("#recommend").count() == 0  # coordinators do not refer
    coord.check("coordinator-path")
    save_for_docs(coord, "coordinator-path", at="#path")
    coord.page.go_back()
    coord.page.click('form[action$="/report"] button[type=submit]')
    coord.page.wait_for_url("**/app/report?*")
    assert coord.page.get_attribute("html", "lang") == lang
    coord.fits()
    coord.shot("monthly-report")

"""Network meetings in a browser at 360 px, in English and in Khmer: a coordinator finds
last month's (sample) meeting, opens the next one in one tap — its agenda built from the
network, last month's open actions on it — drops an item, and reads the meeting pack:
with the app's menu and a way back, no horizontal scroll, tables stacked, the chart's
words at the size of the page's text, nothing serious for axe-core; it prints on A4
without the frame; and it works with JavaScript switched off. The monthly report page
is checked the same way."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.api_client import Api
from tests.e2e.conftest import Phone

pytestmark = pytest.mark.e2e

KHMER = re.compile(r"[\u1780-\u17FF]")
DISTRICT = "1701"
#: The month of the test server's finished hop (made three days before it started).
month = (datetime.now(ZoneInfo("Asia/Phnom_Penh")) - timedelta(days=3)).strftime("%Y-%m")
#: A few words each page must show in Khmer (api/web/i18n/meetings.py, the pack's own).
KHMER_WORDS = {"meetings": "កិច្ចប្រជុំបណ្ដាញ", "agenda": "របៀបវារៈ", "back": "ត្រឡប់ក្រោយ"}


def readable(phone: Phone, selector: str, smallest: float = 12.0) -> None:
    """Every element matching ``selector`` is drawn at ``smallest`` CSS px or more."""
    sizes = phone.page.eval_on_selector_all(
        selector, "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes, selector
    assert min(sizes) >= smallest, (selector, sizes)


def stacked(phone: Phone, selector: str) -> None:
    """The tables stack: their rows are blocks, and nothing scrolls sideways inside."""
    found = phone.page.eval_on_selector_all(
        selector,
        """tables => tables.map(t => ({
            row: getComputedStyle(t.querySelector('tbody tr')).display,
            wide: t.scrollWidth > t.clientWidth + 1,
            head: getComputedStyle(t.querySelector('thead')).position
        }))""",
    )
    assert found, selector
    for table in found:
        assert table == {"row": "block", "wide": False, "head": "absolute"}, table


def framed(phone: Phone, back: str) -> None:
    """The app's menu and a link back are on the page, and go away in print."""
    page = phone.page
    assert page.locator("nav.menu").count() == 1
    assert page.locator(f'a[href="{back}"]').count() >= 1
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "[...document.querySelectorAll('nav.menu, .report-bar, header.top')]"
        ".every(e => getComputedStyle(e).display === 'none')"
    )
    page.emulate_media(media="screen")
    assert hidden, "the frame is not printed"


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_coordinator_prepares_a_meeting_and_reads_its_pack(
    phones: Callable[..., Phone], server: str, lang: str
) -> None:
    km = lang == "km"
    api = Api(server, "e2e-coord")
    coord = phones(lang)
    coord.sign_in("e2e-coord")
    page = coord.page

    # --- last month's meeting, from the sample data ----------------------------------------
    page.click('nav.menu a[href="/app/meetings"]')
    page.wait_for_url("**/app/meetings")
    if km:
        assert KHMER_WORDS["meetings"] in page.inner_text("h1")
    past = api.get("/api/v1/meetings", area=DISTRICT, status="closed")["data"]
    assert past, "the seed holds a past meeting of Angkor Chum"
    assert page.locator(f'#meetings li[data-meeting="{past[0]["id"]}"]').count() == 1
    coord.check("meetings")

    # --- the next one in one tap: its agenda carries last month's open actions -------------
    page.click(f'#one-tap button[data-area="{DISTRICT}"]')
    page.wait_for_url("**/app/meetings/mtg_*")
    items = page.locator("#agenda-items > li")
    assert items.count() >= 3
    kinds = [items.nth(i).get_attribute("class") for i in range(items.count())]
    assert "k-open_action" in kinds, kinds
    if km:
        assert KHMER_WORDS["agenda"] in page.inner_text("#agenda")
        assert KHMER.search(items.nth(0).inner_text())
    coord.check("meeting")
    first = items.nth(0).get_attribute("data-item")
    items.nth(0).locator('button[data-op="drop"]').click()
    page.wait_for_url("**done=agenda*")
    assert first not in [
        page.locator("#agenda-items > li").nth(i).get_attribute("data-item")
        for i in range(page.locator("#agenda-items > li").count())
    ]
    meeting_url = page.url.split("?")[0]

    # --- the pack: menu, back link, stacked tables, readable chart, A4 ----------------------
    page.click("#pack-link")
    page.wait_for_url("**/pack")
    assert page.get_attribute("html", "lang") == lang
    framed(coord, meeting_url.removeprefix(server))
    assert page.locator(".rg-pack ol.agenda > li").count() >= 2
    stacked(coord, ".rg-report table.stack")
    readable(coord, ".rg-pack, .rg-report td, .rg-report .bar-value, .rg-report .legend")
    if km:
        assert KHMER_WORDS["back"] in page.inner_text(".report-bar")
        assert KHMER.search(page.inner_text(".rg-pack ol.agenda"))
    coord.check("meeting-pack")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 2 <= pages <= 40, pages

    # The chart, on the figures of the month of the test history's finished hop, every
    # count shown (the history is small).
    coord.goto(meeting_url.removeprefix(server) + f"/pack?month={month}&min_cell=0")
    assert page.locator(".rg-report .bars .bar").count() >= 3, "a chart of this month's steps"
    readable(coord, ".rg-report .bar-label, .rg-report .bar-value, .rg-report .legend")
    coord.fits()

    # --- and without JavaScript -----------------------------------------------------------
    plain = phones(lang, javascript=False)
    plain.sign_in("e2e-coord")
    plain.goto(meeting_url.removeprefix(server) + "/pack")
    assert plain.page.locator(".rg-pack ol.agenda > li").count() >= 2
    plain.fits()


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_monthly_report_page_on_a_phone(
    phones: Callable[..., Phone], server: str, lang: str
) -> None:
    coord = phones(lang)
    coord.sign_in("e2e-coord")
    coord.goto("/app/dashboard")
    coord.page.click('form[action$="/report"] button[type=submit]')
    coord.page.wait_for_url("**/app/report?*")
    framed(coord, "/app/dashboard")
    stacked(coord, ".rg-report table.stack")
    shown = coord.page.inner_text(".rg-report .tiles")
    assert "< 5" in shown or "< ៥" in shown, "small cells are suppressed by default"
    readable(coord, ".rg-report td, .rg-report footer .note")
    coord.goto(f"/app/report?area=17&month={month}&min_cell=0")
    assert coord.page.locator(".rg-report .bars .bar").count() >= 3
    readable(coord, ".rg-report .bar-label, .rg-report .bar-value, .rg-report .legend")
    coord.fits()
    footer = coord.page.inner_text(".rg-report footer")
    assert ("UTC+7" in footer) and "UTC ·" not in footer
    coord.check("monthly-report-phone")

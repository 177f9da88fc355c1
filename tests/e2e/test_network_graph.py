"""In Chromium at 360 px and 1280 px, in English and Khmer: the coordinator's network
picture grouped by geography (district boxes that never overlap, communes inside
them), its links drawn, a slow link and a bottleneck marked, filters, tap-for-details,
distinct labels, and a first visit under 100 KB; the dashboard's flow picture and time
per step legible on a phone; the coverage and admin pages fit a phone; axe finds no
serious problem on any of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import Phone, save_for_docs
from tests.e2e.server_app import SLOW_RECEIVER

pytestmark = pytest.mark.e2e

WIDE = {"width": 1280, "height": 900}
#: The network page's first visit, everything it loads, compressed as sent.
BUDGET = 100_000

OVERLAPS = """(sel) => {
    const boxes = Array.from(document.querySelectorAll(sel))
        .map(e => e.getBoundingClientRect());
    const bad = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        const across = a.left < b.right - 0.5 && b.left < a.right - 0.5;
        if (across && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) bad.push([i, j]);
    }
    return bad;
}"""


def _open(phones: Callable[..., Phone], lang: str, width: int) -> Phone:
    coord = phones(lang)
    if width != 360:
        coord.page.set_viewport_size(WIDE)  # type: ignore[arg-type]
    coord.sign_in("e2e-coord")
    return coord


def _fits(coord: Phone, width: int) -> None:
    if width == 360:
        coord.fits()
    else:
        assert coord.page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_network_picture_by_geography(phones: Callable[..., Phone], lang: str, width: int) -> None:
    coord = _open(phones, lang, width)
    coord.goto("/app/network?area=17")
    page = coord.page
    page.wait_for_selector("#network-graph[data-ready='1']", timeout=15_000)
    districts = page.locator("section.net-district")
    assert districts.count() >= 4
    assert page.locator("section.net-commune").count() >= 10
    # group boxes never overlap: districts among themselves, communes among themselves
    assert page.evaluate(OVERLAPS, "section.net-district") == []
    assert page.evaluate(OVERLAPS, "section.net-commune") == []
    # every commune box lies inside its district's box
    outside = page.evaluate(
        """() => Array.from(document.querySelectorAll('section.net-commune')).filter(c => {
            const a = c.getBoundingClientRect();
            const d = c.closest('section.net-district').getBoundingClientRect();
            return a.left < d.left || a.right > d.right || a.top < d.top || a.bottom > d.bottom;
        }).length"""
    )
    assert outside == 0
    # each provider's label is its whole name, and no two read the same
    labels = page.locator("a.node .name").all_inner_texts()
    assert len(labels) == int(page.get_attribute("#network-graph", "data-nodes") or 0) > 60
    assert len(set(labels)) == len(labels), "two providers look the same"
    clipped = page.evaluate(
        """() => Array.from(document.querySelectorAll('a.node .name'))
            .filter(e => e.scrollWidth > e.clientWidth + 1
                || e.scrollHeight > e.clientHeight + 1).length"""
    )
    assert clipped == 0
    # the links are drawn between the dots; the slow one and the bottleneck stand out
    edges = int(page.get_attribute("#network-graph", "data-edges") or 0)
    assert edges == page.locator("table.edges tbody tr[data-source]").count() > 50
    assert page.locator("svg.links a.edge path.l").count() == edges
    slow = page.locator(f'svg.links a.edge[data-target="{SLOW_RECEIVER}"] path.l-slow')
    assert slow.count() >= 1
    assert page.locator("svg.links .slow-dot").count() >= 1
    bottleneck = page.locator(f"#n-{SLOW_RECEIVER}")
    assert "bottleneck" in (bottleneck.get_attribute("class") or "")
    assert bottleneck.locator(".badge").inner_text().strip()  # said in words, not colour only
    assert page.locator("ul.net-legend li").count() >= 6
    assert page.evaluate("document.getElementById('edges-list').open") is False
    _fits(coord, width)
    assert not coord.axe()
    coord.shot(f"network-{width}")
    if width == 360:
        save_for_docs(coord, "network", at="#network-graph")

    # tap a provider: its details in the panel, its links brought forward
    bottleneck.click()
    panel = page.locator("#net-details")
    panel.wait_for(state="visible")
    assert page.locator("#net-details h1").inner_text() == bottleneck.locator(".name").inner_text()
    assert page.locator("#network-graph.focused").count() == 1
    assert not coord.axe()
    coord.shot(f"network-provider-{width}")
    page.click("#net-details .net-close")
    panel.wait_for(state="hidden")
    # tap a link
    page.locator(f'svg.links a.edge[data-target="{SLOW_RECEIVER}"] path.hit').first.dispatch_event(
        "click"
    )
    panel.wait_for(state="visible")
    assert "→" in page.locator("#net-details h1").inner_text()
    assert page.locator("#net-details .note.warn").count() == 1  # said to be slow
    coord.shot(f"network-link-{width}")


def test_network_filters_and_details_without_javascript(phones: Callable[..., Phone]) -> None:
    coord = phones("en", javascript=False)
    coord.sign_in("e2e-coord")
    coord.goto("/app/network?area=17")
    page = coord.page
    page.select_option("#net-district", "1701")
    page.select_option("#net-service", "medical_care")
    page.click(".net-filters button[type=submit]")
    page.wait_for_url("**district=1701**")
    assert page.locator("section.net-district").count() == 1
    assert page.locator("table.edges tbody tr[data-source]").count() > 0
    coord.fits()
    coord.shot("network-filtered-nojs")
    page.click(f"#n-{SLOW_RECEIVER}")
    page.wait_for_url(f"**/app/network/provider/{SLOW_RECEIVER}?*")
    assert "Bottleneck" in page.inner_text("main")
    coord.fits()
    coord.shot("network-provider-nojs")
    page.click("text=Back to the network")
    page.wait_for_url("**/app/network?*district=1701*")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_network_first_visit_is_under_budget(phones: Callable[..., Phone], lang: str) -> None:
    coord = _open(phones, lang, 360)
    page = coord.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    coord.goto("/app/network?area=17")
    page.wait_for_selector("#network-graph[data-ready='1']")
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    print(f"network page, first visit ({lang}): {total} bytes")
    assert 0 < total < BUDGET, f"{total} bytes"


@pytest.mark.parametrize("lang", ["en", "km"])
def test_dashboard_pictures_on_a_phone(phones: Callable[..., Phone], lang: str) -> None:
    coord = _open(phones, lang, 360)
    coord.goto("/app/dashboard")  # the first screen is the work queue (#17)
    page = coord.page
    assert page.url.endswith("/app/dashboard")
    # time per step: one set of referrals, so the bars keep the steps' order
    rows = page.locator("figure.journey .j-row")
    assert rows.count() >= 1
    values = page.evaluate(
        """() => Array.from(document.querySelectorAll('figure.journey .j-row')).map(r =>
            Array.from(r.querySelectorAll('.j-bar')).map(b => parseFloat(b.style.width)))"""
    )
    for bars in values:
        assert bars == sorted(bars)
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    for sel in (".j-step", ".j-value", ".j-name", ".f-name"):
        size = page.evaluate(
            f"parseFloat(getComputedStyle(document.querySelector('{sel}')).fontSize)"
        )
        assert size >= body, f"{sel} is {size} px"
    # the flow svg is drawn at its own size: its text is never scaled down
    scale = page.evaluate(
        "(() => { const s = document.querySelector('figure.flows svg'); "
        "return s.getBoundingClientRect().width / s.viewBox.baseVal.width; })()"
    )
    assert scale >= 1
    assert page.locator("table.flows-table tbody tr").count() >= 1
    # no word of a table header broken across two lines ("Acknow / ledge")
    broken = page.evaluate(
        """() => {
            const out = [];
            const heads = 'table.steps thead th, table.flows-table thead th';
            for (const th of document.querySelectorAll(heads)) {
                const text = th.firstChild; if (!text || text.nodeType !== 3) continue;
                // words as the language has them (Khmer writes no spaces between words)
                const lang = document.documentElement.lang;
                const words = new Intl.Segmenter(lang, {granularity: 'word'});
                for (const w of words.segment(text.data)) {
                    if (!w.isWordLike) continue;
                    const r = document.createRange();
                    r.setStart(text, w.index); r.setEnd(text, w.index + w.segment.length);
                    const tops = Array.from(r.getClientRects()).map(x => Math.round(x.top));
                    const lines = new Set(tops);
                    if (lines.size > 1) out.push(w.segment);
                }
            }
            return out;
        }"""
    )
    assert broken == []
    coord.check("dashboard-pictures")


def test_network_page_without_javascript_shows_the_groups(phones: Callable[..., Phone]) -> None:
    coord = phones("en", javascript=False)
    coord.sign_in("e2e-coord")
    coord.goto("/app/network?area=17")
    assert coord.page.locator("section.net-district").count() >= 4
    assert coord.page.locator("table.edges tbody tr").count() > 0
    coord.fits()
    coord.shot("network-nojs")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_coverage_and_admin_pages_fit_a_phone(phones: Callable[..., Phone], lang: str) -> None:
    coord = phones(lang)
    coord.sign_in("e2e-coord")
    coord.goto("/app/coverage?area=1701")
    assert coord.page.locator("table.coverage tbody tr").count() > 0
    coord.check("coverage")
    save_for_docs(coord, "coverage")

    admin = phones(lang)
    admin.sign_in("e2e-admin")
    admin.goto("/app/admin/providers?area=1701")
    admin.check("admin-providers")
    admin.goto("/app/admin/providers/hc-170101")
    admin.check("admin-provider")
    save_for_docs(admin, "admin-provider")
    # a mistake comes back marked next to its field
    admin.page.fill("#name", "")
    admin.page.click("form.stack > button[type=submit]")
    admin.page.wait_for_selector("#name-error")
    # the form comes back with 422, which the console reports as a failed load
    assert all("422" in e for e in admin.errors), admin.errors
    admin.errors.clear()
    admin.check("admin-provider-error")
    admin.goto("/app/admin/users")
    admin.check("admin-users")

"""In a browser at 360 px: the coordinator's network graph is drawn by the vendored
Cytoscape.js from the page's JSON endpoint, and the coverage and admin pages fit a
phone, with no console error and no serious accessibility problem."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import Phone, save_for_docs

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "km"])
def test_network_graph_is_drawn(phones: Callable[..., Phone], lang: str) -> None:
    coord = phones(lang)
    coord.sign_in("e2e-coord")
    coord.goto("/app/network?area=17")
    page = coord.page
    page.wait_for_selector("#network-graph[data-ready='1']", timeout=15_000)
    nodes = int(page.get_attribute("#network-graph", "data-nodes") or "0")
    edges = int(page.get_attribute("#network-graph", "data-edges") or "0")
    assert nodes > 1
    assert edges > 0
    assert page.evaluate("window.rgNetwork.nodes().length") == nodes
    # drawn, not only built: a canvas of the graph's size with something painted on it
    assert page.locator("#network-graph canvas").count() > 0
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('#network-graph canvas'))
            .filter(c => c.width > 0 && c.height > 0)
            .some(c => {
                const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) return true; }
                return false;
            })""",
        timeout=10_000,
    )
    colours = page.evaluate("window.rgNetwork.edges().map(e => e.data('band'))")
    assert any(b in ("ok", "soon", "late") for b in colours)
    assert page.locator("table.edges tbody tr").count() == edges
    assert page.evaluate("document.getElementById('edges-list').open") is False
    coord.check("network")
    save_for_docs(coord, "network", at="#network-graph")

    coord.goto("/app/coverage?area=1701")
    assert page.locator("table.coverage tbody tr").count() > 0
    coord.check("coverage")
    save_for_docs(coord, "coverage")


def test_network_page_without_javascript_shows_the_table(phones: Callable[..., Phone]) -> None:
    coord = phones("en", javascript=False)
    coord.sign_in("e2e-coord")
    coord.goto("/app/network?area=17")
    assert coord.page.locator("#network-graph").is_hidden()
    assert coord.page.locator("table.edges tbody tr").count() > 0
    coord.fits()
    coord.shot("network-nojs")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_admin_pages_fit_a_phone(phones: Callable[..., Phone], lang: str) -> None:
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

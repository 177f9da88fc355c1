"""In Chromium, under the pages' Content-Security-Policy (#20 item 13: no inline script,
no ``unsafe-inline``): the API docs, the network graph, htmx's inbox and the capacity
pages work, and Chromium reports no refused script or style (any console error fails
the test, a CSP violation included)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import Phone

pytestmark = pytest.mark.e2e


def violations(phone: Phone) -> list[str]:
    return [e for e in phone.errors if "Content Security Policy" in e]


def test_the_policy_is_strict_and_the_docs_start_from_a_file(phones: Callable[..., Phone]) -> None:
    phone = phones()
    answer = phone.goto("/docs")
    assert answer is not None
    policy = answer.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    phone.page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert violations(phone) == []


def test_pages_with_scripts_and_styles_run_under_the_policy(phones: Callable[..., Phone]) -> None:
    coord = phones()
    coord.sign_in("e2e-coord")
    coord.goto("/app/network?area=17")
    coord.page.wait_for_selector("#network-graph[data-ready='1']", timeout=15_000)
    coord.goto("/app/capacity?area=1701")
    assert coord.page.locator("table.cap").count() > 0
    # the capacity stylesheet applied from its file: the table is collapsed
    collapse = coord.page.evaluate(
        "getComputedStyle(document.querySelector('table.cap')).borderCollapse"
    )
    assert collapse == "collapse"
    assert violations(coord) == []

""" "Why not?" in a browser, in English and in Khmer (issue 21): on a case's page a CCWC
taps "n providers left out — why?" and reads, for each provider of the child's area
left out, the rule that left it out; the same tap works with JavaScript off. The page
fits a 360 px phone and has no serious accessibility problem, open or closed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from referral_graph.routing.rules import Rule
from tests.e2e.conftest import Phone

pytestmark = pytest.mark.e2e

KHMER = re.compile(r"[\u1780-\u17FF]")
SUMMARY = {
    "en": re.compile(r"^\d+ providers left out — why\?$"),
    "km": re.compile(r"^អ្នកផ្ដល់សេវា [០-៩]+ មិនត្រូវបានណែនាំ — ហេតុអ្វី\?$"),
}
RULES = {r.value for r in Rule} | {"ranked_below"}
DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


def open_case(ccwc: Phone) -> None:
    page = ccwc.page
    ccwc.goto("/app/cases")
    page.check('input[name="consent_given_by"][value="caregiver"]')
    page.check('input[name="consent_confirm"]')
    page.fill("#age", "15")
    page.select_option("#gender", "female")
    page.select_option("#risk", "medium")
    page.check('input[name="needs"][value="psychological_first_aid"]')
    page.check('input[name="needs"][value="counselling"]')
    page.select_option("#village_code", "17010101")
    page.click("form.stack > button[type=submit]")
    page.wait_for_url("**/app/cases/case_*")


@pytest.mark.parametrize("lang", ["en", "km"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_ccwc_sees_who_was_left_out_and_why(
    phones: Callable[..., Phone], lang: str, javascript: bool
) -> None:
    ccwc = phones(lang, javascript=javascript)
    ccwc.sign_in("e2e-ccwc")
    open_case(ccwc)
    page = ccwc.page
    why_not = page.locator("details#why-not")
    assert why_not.count() == 1
    summary = why_not.locator("summary").inner_text().strip()
    assert SUMMARY[lang].match(summary), summary
    entries = why_not.locator("ul.why-not-list > li")
    assert entries.count() >= 1
    assert not entries.first.is_visible(), "closed until tapped"
    if javascript:
        ccwc.check("why-not-closed")

    why_not.locator("summary").click()  # one tap, no script needed
    assert entries.first.is_visible()
    first = entries.first
    assert first.get_attribute("data-rule") in RULES
    text = first.inner_text()
    if lang == "km":
        assert KHMER.search(text), text
        assert "Does not serve" not in text and "Marked inactive" not in text
    else:
        assert re.search(
            r"Does not serve|Marked inactive|No (active )?staff|Admits|Eligible, but ranked|"
            r"Declined|Already referred|At capacity|Holds the case",
            text,
        ), text
    # every provider left out is named once, with at least one reason
    names = [e.locator("strong").inner_text() for e in entries.all()]
    assert len(names) == len(set(names)) and all(names)
    count = int(re.findall(r"[0-9០-៩]+", summary)[0].translate(DIGITS))
    assert count == entries.count()
    if javascript:
        ccwc.check("why-not-open")

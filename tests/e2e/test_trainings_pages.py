"""Training sessions and attendance in a browser, in English and in Khmer (and in English
with JavaScript switched off), at 360 px: a coordinator records a session (a mistake
first), ticks who attended and who completed, and finds the session listed with its
attendance — as the JSON API gives it; then uploads an attendance sheet with errors
(listed by row, nothing written) and a clean one (checked, then written). Every page
fits the phone, has no serious accessibility problem (axe-core) and logs no console
error but the expected 422s."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tests.e2e.api_client import Api, number
from tests.e2e.conftest import Phone

pytestmark = pytest.mark.e2e

KHMER = re.compile(r"[\u1780-\u17FF]")
TOPIC = "supporting_children_affected_by_violence"
COMMUNE = "170101"
#: The one console message a form answered with 422 causes in Chromium.
EXPECTED_422 = "Failed to load resource: the server responded with a status of 422"

#: A few strings each page must show in Khmer (from api/web/i18n.py).
KHMER_STRINGS = {
    "list": "វគ្គបណ្ដុះបណ្ដាល",
    "required": "ត្រូវតែបំពេញ។",
    "record": "កត់ត្រាវត្តមាន",
    "import": "នាំចូលបញ្ជីវត្តមាន",
    "errors": "គ្មានអ្វីត្រូវបានរក្សាទុកទេ",
}


def _today(api: Api) -> date:
    """The programme's day, as the server counts it (the capacity overview's as_of)."""
    return date.fromisoformat(api.get("/api/v1/capacity")["as_of"])


@pytest.mark.parametrize(
    ("lang", "javascript"), [("en", True), ("km", True), ("en", False)], ids=["en", "km", "no-js"]
)
def test_coordinator_trainings(
    phones: Callable[..., Phone], server: str, lang: str, javascript: bool
) -> None:
    km = lang == "km"
    run = f"{lang}{'' if javascript else '-nojs'}"
    api = Api(server, "e2e-coord")
    today = _today(api)
    coord = phones(lang, javascript=javascript)
    coord.sign_in("e2e-coord")
    page = coord.page

    def check(name: str) -> None:
        """Fits 360 px; with JavaScript, axe-core finds nothing serious (without it,
        axe cannot run: the page is checked for width and kept as a screenshot)."""
        if javascript:
            coord.check(name)
        else:
            coord.fits()
            coord.shot(f"{name}-no-js")

    def expect_422() -> None:
        assert [e for e in coord.errors if not e.startswith(EXPECTED_422)] == []
        coord.errors.clear()

    # --- the list, from the menu ----------------------------------------------------------------
    page.click('nav.menu a[href="/app/trainings"]')
    page.wait_for_url("**/app/trainings")
    listed = api.get("/api/v1/trainings", limit="25")
    shown = page.eval_on_selector_all(
        "#trainings li[data-session]", "ls => ls.map(l => l.dataset.session)"
    )
    assert shown == [s["id"] for s in listed["data"]]  # newest first, as the API
    assert number(re.findall(r"[0-9០-៩]+", page.inner_text("#trn-count"))[0]) == listed["count"]
    if km:
        assert KHMER_STRINGS["list"] in page.inner_text("h1")
    check("trainings")

    # --- a new session: a mistake first, then saved --------------------------------------------
    starts = today - timedelta(days=3)
    trainer = f"E2E trainer {run}"
    assert not page.is_visible("#new-session")  # folded away under the list's title
    page.click("details.new-session > summary")
    page.select_option("#topic", TOPIC)
    page.fill("#starts_on", starts.isoformat())
    page.fill("#ends_on", (starts + timedelta(days=1)).isoformat())
    page.select_option("#mode", "in_person")
    page.fill("#area_code", COMMUNE)
    page.fill("#venue", "Commune hall")
    page.click("#new-session button[type=submit]")  # no trainer
    page.wait_for_load_state()
    assert page.inner_text("#trainer-error") == (KHMER_STRINGS["required"] if km else "Required.")
    assert page.input_value("#area_code") == COMMUNE  # what was typed stays
    expect_422()
    check("trainings-error")
    page.fill("#trainer", trainer)
    page.check("#refresher")
    page.click("#new-session button[type=submit]")
    page.wait_for_url("**/app/trainings/trn_*?done=created")
    session_id = page.url.split("/app/trainings/", 1)[1].split("?", 1)[0]
    stored = api.get(f"/api/v1/trainings/{session_id}")
    assert (stored["topic"], stored["area_code"], stored["trainer"], stored["refresher"]) == (
        TOPIC,
        COMMUNE,
        trainer,
        True,
    )

    # --- who attended: two people, one of them not completed -----------------------------------
    if km:
        assert KHMER_STRINGS["record"] in page.inner_text("main")
    offered = page.locator("#attendance-people .attendee")
    assert offered.count() >= 2
    first, second = (offered.nth(i).get_attribute("data-person") for i in (0, 1))
    assert first and second
    assert page.is_checked(f'[id="c-{first}"]')  # the session has ended: completed
    check("trainings-session")
    page.check(f'[id="a-{first}"]')
    page.check(f'[id="a-{second}"]')
    page.uncheck(f'[id="c-{second}"]')
    page.click("#attendance-form button[type=submit]")
    page.wait_for_url(f"**/app/trainings/{session_id}?*done=recorded*")
    rows = page.locator("#attendance tbody tr")
    assert rows.count() == 2
    completed = {
        rows.nth(i).get_attribute("data-person"): rows.nth(i).get_attribute("data-completed")
        for i in range(2)
    }
    assert completed == {first: "yes", second: "no"}
    attendance = api.get(f"/api/v1/trainings/{session_id}/attendance")["data"]
    assert {a["person_id"]: a["completed"] for a in attendance} == {first: True, second: False}
    competencies = api.get(f"/api/v1/people/{first}/competencies")["competencies"]
    assert TOPIC in {c["topic"] for c in competencies}
    check("trainings-attendance")

    # --- listed, with its attendance --------------------------------------------------------------
    page.click('main a[href="/app/trainings"]')
    page.wait_for_url("**/app/trainings")
    page.select_option("#trn-topic", TOPIC)
    page.fill("#trn-area", COMMUNE)
    page.click("#trn-filter button[type=submit]")
    page.wait_for_url(f"**/app/trainings?topic={TOPIC}*")
    item = page.locator(f'#trainings li[data-session="{session_id}"]')
    assert item.count() == 1
    assert [
        number(n) for n in re.findall(r"[0-9០-៩]+", item.locator(".attended").inner_text())
    ] == [2, 1]
    assert trainer in item.inner_text()

    # --- an attendance sheet with errors: listed by row, nothing written --------------------------
    page.click('main a[href="/app/trainings/import"]')
    page.wait_for_url("**/app/trainings/import")
    if km:
        assert KHMER_STRINGS["import"] in page.inner_text("h1")
    check("trainings-import")
    day = (today - timedelta(days=1)).isoformat()
    person = f"E2E imported {run}"
    header = "topic,starts_on,area_code,trainer,provider_id,name,completed\n"
    bad = (
        header
        + f"knitting,{day},{COMMUNE},Sheet {run},ccwc-170101,{person},true\n"
        + f"gbv,{day},{COMMUNE},Sheet {run},nobody-here,{person},true\n"
    )
    before = api.get("/api/v1/trainings", limit="1")["count"]
    page.set_input_files(
        "#file", {"name": "bad.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.click("#import-check button[type=submit]")
    page.wait_for_load_state()
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert [
        (errors.nth(i).get_attribute("data-row"), errors.nth(i).get_attribute("data-column"))
        for i in range(2)
    ] == [("2", "topic"), ("3", "provider_id")]
    if km:
        assert KHMER_STRINGS["errors"] in page.inner_text("#import-errors-note")
    assert page.locator("#import-write").count() == 0
    assert api.get("/api/v1/trainings", limit="1")["count"] == before
    expect_422()
    check("trainings-import-errors")

    # --- a clean one: checked, then written ----------------------------------------------------
    good = header + f"gbv,{day},{COMMUNE},Sheet {run},ccwc-170101,{person},true\n"
    page.set_input_files(
        "#file", {"name": "good.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.click("#import-check button[type=submit]")
    page.wait_for_load_state()
    counts = {
        li.get_attribute("data-count"): number(re.findall(r"[0-9០-៩]+", li.inner_text())[0])
        for li in page.locator("#import-counts li").all()
    }
    assert counts == {
        "sessions_created": 1,
        "people_created": 1,
        "attendance_new": 1,
        "attendance_existing": 0,
    }
    assert api.get("/api/v1/trainings", limit="1")["count"] == before  # a dry run
    check("trainings-import-checked")
    page.click("#import-write button[type=submit]")
    page.wait_for_url("**/app/trainings/import?done=written*")
    assert page.get_attribute("#import-result", "data-outcome") == "written"
    assert api.get("/api/v1/trainings", limit="1")["count"] == before + 1
    made = api.get("/api/v1/trainings", topic="gbv", area=COMMUNE, limit="100")["data"]
    (session,) = [s for s in made if s["trainer"] == f"Sheet {run}"]
    attendance = api.get(f"/api/v1/trainings/{session['id']}/attendance")["data"]
    assert len(attendance) == 1
    assert attendance[0]["completed"] is True
    check("trainings-import-written")

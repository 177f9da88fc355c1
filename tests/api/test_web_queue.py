"""The queue and a case's life in the web app, in process (no browser, #17): the first
screen after signing in, a decline on it with its coded reason in the page language and
"refer again" one tap away; the duplicate guard and parallel referrals on the case page;
closing refused while a need is unmet (409, in Khmer too), overridden, reopened;
follow-ups; a need set aside from the queue; coded reasons in the decline form; one
timeline. Every refusal is a page in the reader's language, never a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web.i18n import t
from referral_graph.bootstrap import Runtime
from referral_graph.domain.reasons import reason_name
from referral_graph.services import referrals
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import Step
from tests.api.web_forms import post_form, programme_today
from tests.e2e.server_app import ShiftableClock, build
from tests.e2e.test_web_pages import CSRF, open_case, refer, sign_in

Site = tuple[FastAPI, Runtime, ShiftableClock]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(Path(tmp_path_factory.mktemp("web-queue")))


@pytest.fixture
def ccwc(site: Site) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as client:
        yield sign_in(client, "e2e-ccwc")


def _referrals(site: Site, case_id: str) -> list[str]:
    return [r.id for r in site[1].store.read(lambda tx: tx.case_referrals(case_id))]


def _decline(site: Site, referral_id: str, code: str = "no_capacity", text: str = "") -> None:
    runtime = site[1]
    for step in (
        Step(status="received"),
        Step(status="rejected", reason_code=code, reason=text or None),
    ):
        referrals.move_referral(
            Caller.system(runtime.store, runtime.now(), "e2e-hc"), referral_id, step
        )


def _card(html: str, code: str) -> str:
    found = re.search(rf'<li class="item[^"]*" data-case="{re.escape(code)}".*?</li>', html, re.S)
    assert found, code
    return found.group(0)


def _code(site: Site, case_id: str) -> str:
    case = site[1].store.read(lambda tx: tx.get_case(case_id))
    assert case is not None
    return case.code


def test_a_decline_is_on_the_first_screen_and_refer_again_is_one_tap(
    site: Site, ccwc: TestClient
) -> None:
    first = ccwc.get("/app/", follow_redirects=False)
    assert first.headers["location"] == "/app/queue"
    case_id = open_case(ccwc)
    refer(ccwc, case_id)
    [ref] = _referrals(site, case_id)
    _decline(site, ref, text="Nurse away until Monday")
    code = _code(site, case_id)

    card = _card(ccwc.get("/app/queue").text, code)
    assert 'data-kind="left_waiting"' in card and f'data-referral="{ref}"' in card
    assert reason_name("no_capacity", "en") in card and "Nurse away until Monday" in card
    link = re.search(r'<a class="btn primary" data-step="refer_again" href="([^"]+)"', card)
    assert link and link.group(1) == (
        f"/app/cases/{case_id}?service=psychological_first_aid#recommend"
    )
    ccwc.get("/app/lang/km?next=/app/queue")
    km = _card(ccwc.get("/app/queue").text, code)
    assert reason_name("no_capacity", "km") in km and t("act_refer_again", "km") in km
    assert t("kind_left_waiting", "km") in km
    ccwc.get("/app/lang/en?next=/app/queue")

    # the second tap: a fresh recommendation, and the card is gone
    page = ccwc.get(link.group(1).split("#")[0]).text
    assert "Refer to" in page
    refer(ccwc, case_id, to="vhsg-170101")
    assert f'data-case="{code}"' not in ccwc.get("/app/queue").text


def test_the_case_page_guards_against_duplicates_and_asks_why_for_a_parallel(
    site: Site, ccwc: TestClient
) -> None:
    case_id = open_case(ccwc)
    refer(ccwc, case_id)  # to the health centre
    page = ccwc.get(f"/app/cases/{case_id}").text
    # routing leaves the health centre out for this need, and says why (#21's rule)
    assert '<li data-provider="hc-170101" data-rule="referred">' in page
    assert 'value="1|psychological_first_aid|hc-170101"' not in page
    # a hand-made duplicate is refused on a page, not with a 500
    token = CSRF.search(page)
    assert token
    twice = ccwc.post(
        f"/app/cases/{case_id}/referrals",
        data={"csrf": token.group(1), "pick": "1|psychological_first_aid|hc-170101"},
    )
    assert twice.status_code == 409 and t("err_duplicate", "en") in twice.text

    link = re.search(r'href="(/app/cases/[^"]+parallel=vhsg-170101)#parallel"', page)
    assert link, "another provider for the same need is offered as a parallel referral"
    form = ccwc.get(link.group(1).replace("&amp;", "&")).text
    assert 'id="parallel"' in form and 'name="parallel_reason"' in form
    pick = re.search(r'name="pick" value="(\d+\|psychological_first_aid\|vhsg-170101)"', form)
    assert pick
    refused = post_form(
        ccwc,
        f"/app/cases/{case_id}/referrals",
        {"pick": pick.group(1), "parallel_reason": ""},
        f"/app/cases/{case_id}",
    )
    assert refused.status_code == 422 and t("err_parallel_reason", "en") in refused.text
    made = post_form(
        ccwc,
        f"/app/cases/{case_id}/referrals",
        {"pick": pick.group(1), "parallel_reason": "The VHSG can visit tonight"},
        f"/app/cases/{case_id}",
    )
    assert made.status_code == 303
    stored = site[1].store.read(lambda tx: tx.case_referrals(case_id))
    assert [r.parallel_reason for r in stored] == [None, "The VHSG can visit tonight"]


def test_closing_is_refused_while_a_need_is_unmet_then_overridden_and_reopened(
    site: Site, ccwc: TestClient
) -> None:
    case_id = open_case(ccwc)
    page = f"/app/cases/{case_id}"
    form = {"reason": "child_moved", "outcome": "The family moved to Phnom Penh"}
    refused = post_form(ccwc, f"{page}/close", form, page)
    assert refused.status_code == 409
    assert "Still unmet: psychological first aid" in refused.text
    assert '<details class="card" id="close" open>' in refused.text  # the form stays open
    ccwc.get(f"/app/lang/km?next={page}")
    khmer = post_form(ccwc, f"{page}/close", form, page)
    assert khmer.status_code == 409 and "នៅមិនទាន់បំពេញ" in khmer.text
    ccwc.get(f"/app/lang/en?next={page}")
    assert post_form(ccwc, f"{page}/close", {"outcome": "x"}, page).status_code == 422

    done = post_form(ccwc, f"{page}/close", {**form, "override": "Referred on there"}, page)
    assert done.status_code == 303 and "done=closed" in done.headers["location"]
    closed = ccwc.get(done.headers["location"].split("#")[0]).text
    assert "The case is closed." in closed and "Reopen the case" in closed
    assert "Closed with needs unmet: psychological first aid" in closed
    assert post_form(ccwc, f"{page}/reopen", {"reason": ""}, page).status_code == 422
    back = post_form(ccwc, f"{page}/reopen", {"reason": "They came back"}, page)
    assert back.status_code == 303
    timeline = ccwc.get(page).text.split('id="timeline"', 1)[1]
    assert timeline.index("Case closed: the child moved away") < timeline.index("Case reopened")
    assert "They came back" in timeline


def test_risk_needs_and_follow_ups_from_the_case_page(site: Site, ccwc: TestClient) -> None:
    case_id = open_case(ccwc)
    refer(ccwc, case_id)
    page = f"/app/cases/{case_id}"
    changed = post_form(
        ccwc,
        f"{page}/change",
        {"risk": "emergency", "needs": ["psychological_first_aid", "counselling"]},
        page,
    )
    assert changed.status_code == 303
    after = site[1].store.read(lambda tx: tx.get_case(case_id))
    assert after is not None and after.risk.value == "emergency" and len(after.needs) == 2
    [hop] = site[1].store.read(lambda tx: tx.case_referrals(case_id))
    assert hop.risk.value == "emergency"  # its deadlines came forward with it
    aside = post_form(ccwc, f"{page}/change", {"risk": "emergency", "needs": ["counselling"]}, page)
    assert aside.status_code == 409 and t("err_need_open", "en") in aside.text
    none = post_form(ccwc, f"{page}/change", {"risk": "emergency"}, page)  # all unticked
    assert none.status_code == 422 and t("err_last_need", "en") in none.text

    today = programme_today(site[1])
    past = post_form(ccwc, f"{page}/follow-up", {"on": str(today - timedelta(days=1))}, page)
    assert past.status_code == 422 and t("err_day_past", "en") in past.text
    planned = post_form(ccwc, f"{page}/follow-up", {"on": str(today)}, page)
    assert planned.status_code == 303
    assert (
        f'data-case="{_code(site, case_id)}" data-kind="follow_up_due"'
        in ccwc.get("/app/queue").text
    )
    made = post_form(ccwc, f"{page}/follow-ups", {"note": "Sleeping again"}, page)
    assert made.status_code == 303
    shown = ccwc.get(made.headers["location"].split("#")[0]).text
    assert "Follow-up recorded." in shown and "No follow-up planned." in shown
    assert "Sleeping again" in shown.split('id="timeline"', 1)[1]


def test_a_need_is_set_aside_from_the_queue_with_a_reason(site: Site, ccwc: TestClient) -> None:
    case_id = open_case(ccwc, needs=["psychological_first_aid", "legal_aid"])
    code = _code(site, case_id)
    card = _card(ccwc.get("/app/queue").text, code)
    action = re.search(
        r'action="(/app/cases/[^"]+/needs/legal_aid/set-aside)"', ccwc.get("/app/queue").text
    )
    assert action and 'data-kind="unmet_need"' in card
    missing = post_form(ccwc, action.group(1), {"next": "/app/queue"}, "/app/queue")
    assert missing.status_code == 422 and t("err_pick_reason", "en") in missing.text
    ok = post_form(
        ccwc,
        action.group(1),
        {"set_aside_reason": "child_declined", "next": "/app/queue"},
        "/app/queue",
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/app/queue"
    after = site[1].store.read(lambda tx: tx.get_case(case_id))
    assert after is not None and [n.value for n in after.needs] == ["psychological_first_aid"]
    assert "/needs/legal_aid/" not in ccwc.get("/app/queue").text


def test_the_decline_form_picks_a_coded_reason(site: Site) -> None:
    with TestClient(site[0], base_url="http://testserver") as ccwc:
        case_id = open_case(sign_in(ccwc, "e2e-ccwc"))
        refer(ccwc, case_id)
    [ref] = _referrals(site, case_id)
    runtime = site[1]
    referrals.move_referral(
        Caller.system(runtime.store, runtime.now(), "e2e-hc"), ref, Step(status="received")
    )
    with TestClient(site[0], base_url="http://testserver") as hc:
        inbox = sign_in(hc, "e2e-hc").get("/app/inbox").text
        row = re.search(rf'<li id="ref-{ref}".*?</li>', inbox, re.S)
        assert row
        codes = re.findall(r'name="reason_code" value="(\w+)"', row.group(0))
        assert codes == [
            "no_capacity",
            "not_eligible",
            "service_not_offered",
            "outside_area",
            "already_served",
            "other",
        ]
        other = post_form(
            hc,
            f"/app/referrals/{ref}/step",
            {"status": "rejected", "reason_code": "other", "next": "/app/inbox"},
            "/app/inbox",
        )
        assert "err=err_reason" in other.headers["location"]
        done = post_form(
            hc,
            f"/app/referrals/{ref}/step",
            {"status": "rejected", "reason_code": "no_capacity", "next": "/app/inbox"},
            "/app/inbox",
        )
        assert "done=rejected" in done.headers["location"]
        # a provider sees only its own hops: it is not told whether a need is met
        page = hc.get(f"/app/cases/{case_id}").text
        assert 'data-need="psychological_first_aid" data-state=""' in page
    stored = runtime.store.read(lambda tx: tx.get_referral(ref))
    assert stored is not None and stored.status_reason_code is not None
    assert stored.status_reason_code.value == "no_capacity"


def test_each_role_lands_on_its_queue_and_an_admin_has_none(site: Site) -> None:
    for user in ("e2e-hc", "e2e-coord"):
        with TestClient(site[0], base_url="http://testserver") as client:
            page = sign_in(client, user).get("/app/").text
            assert "Children waiting on you" in page
    with TestClient(site[0], base_url="http://testserver") as admin:
        sign_in(admin, "e2e-admin")
        assert admin.get("/app/queue").status_code == 403
        assert admin.get("/app/", follow_redirects=False).headers["location"] == "/app/directory"


def test_a_child_identified_by_a_vhsg_waits_on_the_ccwcs_queue(
    site: Site, ccwc: TestClient
) -> None:
    """#18 item 1: the identification lands in the CCWC's queue, one tap from its page,
    in English and Khmer; once accepted it leaves the queue."""
    from referral_graph.services import identifications, intake_decisions
    from referral_graph.services.identifications import IdentificationRequest
    from referral_graph.services.intake_decisions import IdentificationAcceptance

    runtime = site[1]
    request = IdentificationRequest(
        identified_by_provider_id="vhsg-170101",
        age_band="12_14",
        gender="male",
        risk="high",
        needs=["counselling"],
        village_code="17010101",
    )
    sent = identifications.register(Caller.system(runtime.store, runtime.now(), "v"), request)
    page = ccwc.get("/app/queue").text
    card = re.search(
        rf'<li class="item[^"]*" data-identification="{sent.id}" data-kind="identification">'
        r".*?</li>",
        page,
        re.S,
    )
    assert card, "the identification is on the CCWC's queue"
    assert t("kind_identification", "en") in card.group(0)
    assert f'href="/app/identifications/{sent.id}"' in card.group(0)
    assert 'data-step="open_identification"' in card.group(0)
    ccwc.get("/app/lang/km?next=/app/queue")
    assert t("kind_identification", "km") in ccwc.get("/app/queue").text
    ccwc.get("/app/lang/en?next=/app/queue")
    system = Caller.system(runtime.store, runtime.now(), "e2e-ccwc")
    intake_decisions.accept(system, sent.id, IdentificationAcceptance(age=13))
    assert f'data-identification="{sent.id}"' not in ccwc.get("/app/queue").text

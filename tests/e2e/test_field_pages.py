"""Issue 18 in a browser at 360 px, in English and in Khmer:

* the health centre confirmed a referral by phone while its link was down; the CCWC
  records the acknowledgement on its behalf with the time of the phone call, the path
  shows that time (judged against the deadline) and who relayed it, and the health
  centre sees it marked in its inbox and disputes it;
* a VHSG volunteer identifies a girl after sexual violence (no name, an age band); the
  CCWC opens it from its inbox, accepts it as a case, and the case keeps the volunteer
  and the source of identification, with the PEP and emergency-contraception clocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.api_client import Api
from tests.e2e.conftest import Phone
from tests.e2e.server_app import relay_reason

pytestmark = pytest.mark.e2e

TZ = ZoneInfo("Asia/Phnom_Penh")
KHMER = re.compile(r"[\u1780-\u17FF]")

WORDS = {
    "en": {
        "relay": "Record a step confirmed by phone",
        "relayed_ok": "Recorded on the receiver's behalf: Acknowledged.",
        "relayed_by": "Recorded on the receiver's behalf by e2e-ccwc (phone call)",
        "for_you": "Acknowledged on your behalf by e2e-ccwc (phone call)",
        "disputed": "Disputed by e2e-hc",
        "identify": "Tell the CCWC about a child",
        "sent": "Sent to Char Chhuk Commune Committee for Women and Children",
        "waiting": "Children identified by others, waiting for you",
        "source": "A VHSG volunteer",
        "pep": "HIV PEP (within 72 h)",
        "opened": "The case is open; it keeps who identified the child.",
    },
    "km": {
        "relay": "កត់ត្រាជំហានដែលបានបញ្ជាក់តាមទូរស័ព្ទ",
        "relayed_ok": "បានកត់ត្រាជំនួសអ្នកទទួល៖ បានទទួលស្គាល់។",
        "relayed_by": "កត់ត្រាជំនួសអ្នកទទួលដោយ e2e-ccwc (ការហៅទូរស័ព្ទ)",
        "for_you": "បានទទួលស្គាល់ ជំនួសអ្នកដោយ e2e-ccwc (ការហៅទូរស័ព្ទ)",
        "disputed": "ត្រូវបានជំទាស់ដោយ e2e-hc",
        "identify": "ជូនដំណឹង គ.ក.ន.ក អំពីកុមារ",
        "sent": "បានផ្ញើទៅ",
        "waiting": "កុមារដែលអ្នកផ្សេងបានកំណត់អត្តសញ្ញាណ កំពុងរង់ចាំអ្នក",
        "source": "អ្នកស្ម័គ្រចិត្តក្រុមគាំទ្រសុខភាពភូមិ",
        "pep": "ថ្នាំការពារក្រោយការប៉ះពាល់មេរោគអេដស៍ PEP (ក្នុង ៧២ ម៉ោង)",
        "opened": "ករណីត្រូវបានបើក ដោយរក្សាទុកអ្នកដែលបានកំណត់អត្តសញ្ញាណកុមារ។",
    },
}


def _text(phone: Phone) -> str:
    return phone.page.inner_text("body")


def _local(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_health_centres_acknowledgement_relayed_by_the_ccwc(
    phones: Callable[..., Phone], server: str, lang: str
) -> None:
    words = WORDS[lang]
    hc_api = Api(server, "e2e-hc")
    waiting = hc_api.get("/api/v1/providers/hc-170101/inbox", limit="100")["data"]
    referral = next(r for r in waiting if r["reason"] == relay_reason(lang))
    made = datetime.fromisoformat(referral["created_at"])
    call = (made + timedelta(hours=2)).replace(second=0, microsecond=0)  # the phone call

    # --- the CCWC records the acknowledgement the nurse gave by phone ------------------
    ccwc = phones(lang)
    ccwc.sign_in("e2e-ccwc")
    ccwc.goto(f"/app/cases/{referral['case_id']}")
    relay = ccwc.page.locator(f'details[data-relay="{referral["id"]}"]')
    relay.locator("summary").click()
    assert words["relay"] in relay.inner_text()
    relay.locator('input[name="status"][value="received"]').check()
    relay.locator('input[name="channel"][value="phone"]').check()
    relay.locator('input[name="occurred_at"]').fill(_local(call))
    ccwc.check("relay-form")
    relay.locator('button[type="submit"]').click()
    ccwc.page.wait_for_url("**done=relayed*")
    assert words["relayed_ok"] in _text(ccwc)
    hop = ccwc.page.locator(f"#hop-{referral['id']}")
    step = hop.locator("ol.steps li", has=ccwc.page.locator('[data-relayed="received"]'))
    assert step.count() == 1
    shown = datetime.fromisoformat(step.locator("time").get_attribute("datetime") or "")
    assert shown == call  # the phone call's time, not when it was typed
    assert words["relayed_by"] in step.inner_text()
    assert step.locator(".tag.ok").count() == 1  # acknowledged on time at the call
    ccwc.check("relayed-step")

    # the record keeps both times and who relayed it
    record = Api(server, "e2e-ccwc").get(f"/api/v1/referrals/{referral['id']}")
    event = record["events"][-1]
    assert datetime.fromisoformat(event["occurred_at"]) == call
    assert datetime.fromisoformat(event["at"]) > call + timedelta(hours=2)
    assert (event["actor"], event["relayed_for"], event["relay_channel"]) == (
        "e2e-ccwc",
        "hc-170101",
        "phone",
    )
    ccwc.sign_out()

    # --- the health centre sees it marked in its inbox, and disputes it -----------------
    hc = phones(lang)
    hc.sign_in("e2e-hc")
    hc.goto("/app/inbox")  # the first screen is the work queue (#17)
    row = hc.page.locator(f"#ref-{referral['id']}")
    assert words["for_you"] in row.inner_text()
    hc.check("inbox-relayed")
    dispute = row.locator(f'details[data-dispute="{referral["id"]}"]')
    dispute.locator("summary").click()
    dispute.locator("textarea").fill("We only said we would call back.")
    dispute.locator('button[type="submit"]').click()
    hc.page.wait_for_url("**done=disputed*")
    assert words["disputed"] in hc.page.locator(f"#ref-{referral['id']}").inner_text()
    hc.sign_out()

    # --- the relayer sees the dispute on the case --------------------------------------
    ccwc = phones(lang)
    ccwc.sign_in("e2e-ccwc")
    ccwc.goto(f"/app/cases/{referral['case_id']}")
    disputed = ccwc.page.locator(f'#hop-{referral["id"]} [data-disputed="received"]')
    assert words["disputed"] in disputed.inner_text()
    assert "We only said we would call back." in _text(ccwc)
    if lang == "km":
        assert KHMER.search(_text(ccwc))


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_vhsg_identification_becomes_a_ccwc_case_with_its_source(
    phones: Callable[..., Phone], server: str, lang: str
) -> None:
    words = WORDS[lang]
    incident = (datetime.now(TZ) - timedelta(hours=20)).replace(second=0, microsecond=0)

    # --- the VHSG volunteer: a short form, no name -----------------------------------
    vhsg = phones(lang)
    vhsg.sign_in("e2e-vhsg")
    vhsg.page.click('a[href$="/identify"]')
    assert words["identify"] in _text(vhsg)
    vhsg.check("identify")
    form = vhsg.page.locator("form#identify")
    form.locator("#age_band").select_option("12_14")
    form.locator("#gender").select_option("female")
    form.locator("#risk").select_option("emergency")
    form.locator('input[name="needs"][value="post_rape_care"]').check()
    form.locator('input[name="needs"][value="psychological_first_aid"]').check()
    form.locator("#village_code").select_option("17010101")
    assert form.locator("#source").input_value() == "vhsg"  # from the account's kind
    form.locator("#incident_at").fill(_local(incident))
    form.locator('input[name="consent_given_by"][value="caregiver"]').check()
    form.locator("#note").fill("Her aunt told me; she is frightened.")
    form.locator('button[type="submit"]').click()
    vhsg.page.wait_for_url("**/app/identify?done=idn_*")
    assert words["sent"] in _text(vhsg)
    ident_id = vhsg.page.url.split("done=")[1]
    vhsg.check("identify-sent")
    vhsg.sign_out()

    # --- the CCWC: waiting in its inbox; opening it acknowledges it; accept ------------
    ccwc = phones(lang)
    ccwc.sign_in("e2e-ccwc")
    ccwc.goto("/app/inbox")
    assert words["waiting"] in _text(ccwc)
    item = ccwc.page.locator(f'#identified li[data-identification="{ident_id}"]')
    assert item.count() == 1
    ccwc.check("ccwc-identified")
    item.locator("a").click()
    ccwc.page.wait_for_url(f"**/app/identifications/{ident_id}")
    assert ccwc.page.locator('[data-status="acknowledged"]').count() == 1
    assert words["pep"] in _text(ccwc)
    ccwc.check("identification")
    accept = ccwc.page.locator("form#accept")
    accept.locator("#age").fill("13")
    accept.locator('button[type="submit"]').click()
    ccwc.page.wait_for_url("**/app/cases/case_*done=from_identification*")
    assert words["opened"] in _text(ccwc)
    assert words["source"] in _text(ccwc)
    assert ccwc.page.locator(f'[data-identification="{ident_id}"]').count() == 1
    care = ccwc.page.locator('#care [data-care="shown"], #care [data-care="urgent"]')
    assert care.count() == 1 and words["pep"] in care.inner_text()
    ccwc.check("case-from-identification")

    case_id = ccwc.page.url.split("/app/cases/")[1].split("?")[0]
    case = Api(server, "e2e-ccwc").get(f"/api/v1/cases/{case_id}")
    assert case["identified_by_provider_id"] == "vhsg-170101"
    assert case["identification_source"] == "vhsg"
    assert datetime.fromisoformat(case["incident_at"]) == incident
    windows = Api(server, "e2e-ccwc").get(f"/api/v1/cases/{case_id}/care-windows")
    assert [w["window"] for w in windows["windows"]] == ["pep", "emergency_contraception"]
    assert 51 < windows["windows"][0]["hours_left"] <= 52

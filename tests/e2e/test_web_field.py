"""Issue 18's pages over HTTP, in process (no browser needed): what each form refuses and
says (in the reader's language), who is offered which form, and that a coordinator and
an overseer can relay a step from their views."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from referral_graph.bootstrap import Runtime
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.services import referrals
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import Step
from tests.e2e.server_app import ShiftableClock, build
from tests.e2e.test_web_pages import CSRF, csrf_of, open_case, refer, sign_in

TZ = ZoneInfo("Asia/Phnom_Penh")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, Runtime, ShiftableClock]:
    return build(Path(tmp_path_factory.mktemp("web-field")))


@pytest.fixture
def client(site: tuple[FastAPI, Runtime, ShiftableClock]) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as c:
        yield c


def local(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


def identify(client: TestClient, **fields: object) -> httpx.Response:
    form: dict[str, object] = {
        "csrf": csrf_of(client, "/app/identify"),
        "age": "",
        "age_band": "15_17",
        "gender": "male",
        "risk": "high",
        "needs": ["counselling"],
        "village_code": "17010101",
        "source": "vhsg",
        **fields,
    }
    return client.post("/app/identify", data=form, follow_redirects=False)


def test_the_identify_form_says_what_is_wrong(client: TestClient) -> None:
    sign_in(client, "e2e-vhsg")
    page = client.get("/app/identify").text
    assert 'option value="vhsg" selected' in page  # the account's kind is the default
    nothing = identify(client, age_band="")
    assert nothing.status_code == 422
    assert "Give the age, or choose about how old." in nothing.text
    far = identify(client, village_code="02010101")  # Battambang: nobody to send it to
    assert far.status_code == 422
    assert "No CCWC serves this village" in far.text
    future = identify(client, incident_at=local(datetime.now(TZ) + timedelta(days=1)))
    assert future.status_code == 422
    client.get("/app/lang/km")
    khmer = identify(client, village_code="02010101")
    assert "គ្មាន គ.ក.ន.ក ណាបម្រើភូមិនេះទេ" in khmer.text
    sent = identify(client)
    assert sent.status_code == 303


def test_only_the_two_ends_see_an_identification_and_the_ccwc_declines_it(
    client: TestClient, site: tuple[FastAPI, Runtime, ShiftableClock]
) -> None:
    sign_in(client, "e2e-vhsg")
    sent = identify(client, age="16", age_band="")
    ident = str(sent.headers["location"]).split("done=")[1]
    assert "Sent to" in client.get(f"/app/identify?done={ident}").text
    with TestClient(site[0], base_url="http://testserver") as nurse:
        sign_in(nurse, "e2e-hc")
        assert nurse.get(f"/app/identifications/{ident}").status_code == 404
    with TestClient(site[0], base_url="http://testserver") as other:
        sign_in(other, "e2e-ccwc-other")
        assert other.get(f"/app/identifications/{ident}").status_code == 404
    with TestClient(site[0], base_url="http://testserver") as ccwc:
        sign_in(ccwc, "e2e-ccwc")
        page = ccwc.get(f"/app/identifications/{ident}").text
        assert 'data-status="acknowledged"' in page
        token = CSRF.search(page)
        assert token
        url = f"/app/identifications/{ident}/decline"
        bad = ccwc.post(url, data={"csrf": token.group(1), "reason": "other", "note": ""})
        assert bad.status_code == 422 and "Give a reason." in bad.text
        done = ccwc.post(
            url,
            data={"csrf": token.group(1), "reason": "already_a_case"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert "done=declined_identification" in done.headers["location"]
        assert "Declined." in ccwc.get(done.headers["location"]).text
    mine = client.get("/app/identify").text
    assert f'data-identification="{ident}"' in mine and "Declined" in mine


def test_a_coordinator_relays_from_the_case_and_bad_times_are_refused(
    client: TestClient, site: tuple[FastAPI, Runtime, ShiftableClock]
) -> None:
    sign_in(client, "e2e-ccwc")
    case_id = open_case(client)
    refer(client, case_id)
    runtime = site[1]
    found = runtime.store.read(lambda tx: tx.case_referrals(case_id))
    ref = found[0].id
    with TestClient(site[0], base_url="http://testserver") as coord:
        sign_in(coord, "e2e-coord")
        page = coord.get(f"/app/cases/{case_id}").text
        assert f'data-relay="{ref}"' in page
        token = CSRF.search(page)
        assert token
        form = {
            "csrf": token.group(1),
            "status": "received",
            "channel": "sms",
            "next": f"/app/cases/{case_id}",
        }
        future = local(datetime.now(TZ) + timedelta(hours=3))
        r = coord.post(f"/app/referrals/{ref}/relay", data={**form, "occurred_at": future})
        assert "That time cannot be right" in r.text
        r = coord.post(f"/app/referrals/{ref}/relay", data={**form, "occurred_at": "yesterday"})
        assert "That time cannot be right" in r.text
        r = coord.post(
            f"/app/referrals/{ref}/relay", data={**form, "occurred_at": local(datetime.now(TZ))}
        )
        assert "Recorded on the receiver&#39;s behalf: Acknowledged." in r.text
        assert "(SMS)" in r.text
    # the receiver (the health centre) is offered no relay form, but a dispute
    with TestClient(site[0], base_url="http://testserver") as nurse:
        sign_in(nurse, "e2e-hc")
        inbox = nurse.get("/app/inbox").text
        row = inbox[inbox.index(f'id="ref-{ref}"') :]
        row = row[: row.index("</li>")]
        assert f'data-dispute="{ref}"' in row and f'data-relay="{ref}"' not in row
        assert "Acknowledged on your behalf by e2e-coord (SMS)" in row


def test_an_overseer_relays_from_the_inbox_it_oversees(
    client: TestClient, site: tuple[FastAPI, Runtime, ShiftableClock]
) -> None:
    sign_in(client, "e2e-ccwc")
    case_id = open_case(client)
    refer(client, case_id)
    runtime = site[1]
    ref = runtime.store.read(lambda tx: tx.case_referrals(case_id))[0].id
    referrals.move_referral(
        Caller.system(runtime.store, runtime.now(), "e2e-hc"),
        ref,
        Step(status=ReferralStatus.RECEIVED),
    )
    with TestClient(site[0], base_url="http://testserver") as sup:
        sign_in(sup, "e2e-sup")
        page = sup.get("/app/inbox?provider_id=hc-170101").text
        assert f'data-relay="{ref}"' in page
        token = CSRF.search(page)
        assert token
        r = sup.post(
            f"/app/referrals/{ref}/relay",
            data={
                "csrf": token.group(1),
                "status": "accepted",
                "channel": "phone",
                "occurred_at": local(datetime.now(TZ)),
                "next": "/app/inbox?provider_id=hc-170101",
            },
        )
        assert "Recorded on the receiver&#39;s behalf: Accepted." in r.text
    stored = runtime.store.read(lambda tx: tx.get_referral(ref))
    assert stored is not None and stored.relayed[ReferralStatus.ACCEPTED].by == "e2e-sup"


def test_incident_time_at_opening_and_later(client: TestClient) -> None:
    sign_in(client, "e2e-ccwc")
    future = local(datetime.now(TZ) + timedelta(hours=5))
    token = csrf_of(client, "/app/cases")
    r = client.post(
        "/app/cases",
        data={
            "csrf": token,
            "consent_given_by": "child",
            "consent_recorded_by": "e2e-ccwc",
            "consent_confirm": "yes",
            "age": "15",
            "gender": "female",
            "risk": "emergency",
            "needs": ["post_rape_care"],
            "village_code": "17010101",
            "incident_at": future,
        },
    )
    assert r.status_code == 422 and "not in the future" in r.text
    case_id = open_case(client, needs=["post_rape_care"], risk="emergency")
    page = client.get(f"/app/cases/{case_id}").text
    assert 'data-care="no-incident"' in page
    token = CSRF.search(page)
    assert token
    when = datetime.now(TZ) - timedelta(hours=60)
    r = client.post(
        f"/app/cases/{case_id}/incident",
        data={"csrf": token.group(1), "incident_at": local(when)},
    )
    assert "Incident time saved." in r.text
    assert 'data-care="urgent"' in r.text  # 12 h of PEP left, nobody at health accepted
    assert "Less than a day left" in r.text
    with TestClient(client.app, base_url="http://testserver") as nurse:  # type: ignore[arg-type]
        sign_in(nurse, "e2e-hc")
        assert nurse.post(
            f"/app/cases/{case_id}/incident",
            data={"csrf": csrf_of(nurse, "/app/inbox"), "incident_at": local(when)},
        ).status_code in (403, 404)


def test_the_receiver_records_a_step_with_the_time_it_took_it(
    client: TestClient, site: tuple[FastAPI, Runtime, ShiftableClock]
) -> None:
    sign_in(client, "e2e-ccwc")
    case_id = open_case(client)
    refer(client, case_id)
    runtime = site[1]
    made = runtime.store.read(lambda tx: tx.case_referrals(case_id))[0]
    with TestClient(site[0], base_url="http://testserver") as nurse:
        sign_in(nurse, "e2e-hc")
        inbox = nurse.get("/app/inbox").text
        assert f'data-earlier="{made.id}"' in inbox
        token = CSRF.search(inbox)
        assert token
        when = (made.created_at + timedelta(minutes=3)).replace(second=0, microsecond=0)
        if when > datetime.now(TZ):
            when = made.created_at
        r = nurse.post(
            f"/app/referrals/{made.id}/earlier",
            data={
                "csrf": token.group(1),
                "status": "received",
                "occurred_at": local(when),
                "next": "/app/inbox",
            },
        )
        assert "Recorded with the time it happened: Acknowledged." in r.text
    stored = runtime.store.read(lambda tx: tx.get_referral(made.id))
    assert stored is not None and stored.relayed == {}  # its own step, not relayed
    assert stored.step_times[ReferralStatus.RECEIVED] == max(when, made.created_at)

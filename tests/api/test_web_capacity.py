"""The capacity-building pages of the web app, in process (no browser): who may open
them, the numbers they show against the store, and forms that come back with their
mistakes marked next to the field (422, never a 500)."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web.i18n import MESSAGES
from referral_graph.bootstrap import Runtime
from referral_graph.domain.models import utc_now
from referral_graph.domain.training import (
    AgeGroup,
    AwarenessTopic,
    CompetencyStatus,
    PersonRole,
    TrainingTopic,
)
from referral_graph.policies.training import packaged_policy
from referral_graph.services import capacity_building
from referral_graph.services.caller import Caller
from referral_graph.store.port import (
    AccessQuery,
    AwarenessQuery,
    CoachingQuery,
    Page,
    PeopleQuery,
    TrainingRecordQuery,
    Transaction,
)
from tests.api.web_forms import (
    assert_in_khmer,
    assert_needs_session,
    field_error,
    post_form,
    programme_today,
)
from tests.e2e.server_app import ShiftableClock, build
from tests.e2e.test_web_pages import KHMER, sign_in

Site = tuple[FastAPI, Runtime, ShiftableClock]
PFA = TrainingTopic.PSYCHOLOGICAL_FIRST_AID


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(Path(tmp_path_factory.mktemp("web-capacity")))


@pytest.fixture
def anon(site: Site) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as client:
        yield client


# --- who may ---------------------------------------------------------------------------
COORDINATOR_PAGES = (
    "/app/capacity",
    "/app/capacity/competencies",
    "/app/capacity/coaching-overdue",
)


@pytest.mark.parametrize("username", ["e2e-ccwc", "e2e-hc", "e2e-tpo"])
@pytest.mark.parametrize("path", [*COORDINATOR_PAGES, "/app/coaching"])
def test_providers_may_not_open_the_coordinator_pages(
    anon: TestClient, username: str, path: str
) -> None:
    sign_in(anon, username)
    r = anon.get(path)
    assert r.status_code == 403
    assert "Your account may not do this." in r.text


@pytest.mark.parametrize(
    "path", [*COORDINATOR_PAGES, "/app/coaching", "/app/people", "/app/awareness"]
)
def test_the_pages_need_a_session(anon: TestClient, path: str) -> None:
    assert_needs_session(anon, path)


def test_the_navigation_links_each_role_to_its_pages(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    menu = anon.get("/app/dashboard").text
    assert 'href="/app/capacity"' in menu
    assert 'href="/app/people"' not in menu
    sign_in(anon, "e2e-ccwc")
    menu = anon.get("/app/cases").text
    assert 'href="/app/people"' in menu
    assert 'href="/app/awareness"' in menu
    assert 'href="/app/capacity"' not in menu


def test_a_coordinator_stays_in_their_area(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord-rtk")  # Ratanakiri (16)
    assert anon.get("/app/capacity?area=17").status_code == 403
    assert anon.get("/app/capacity/competencies?area=1701").status_code == 403
    assert anon.get("/app/capacity/coaching-overdue?area=17").status_code == 403
    r = anon.get("/app/capacity")
    assert r.status_code == 200
    assert 'name="area" value="16"' in r.text


def test_writes_need_the_csrf_token(anon: TestClient) -> None:
    sign_in(anon, "e2e-ccwc")
    assert anon.post("/app/people", data={"name": "X", "role": "other"}).status_code == 403
    assert anon.post("/app/awareness", data={"topic": "gbv"}).status_code == 403
    sign_in(anon, "e2e-coord")
    assert anon.post("/app/coaching", data={"person_id": "x"}).status_code == 403


def test_a_coordinator_has_no_awareness_form_of_their_own(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    assert anon.get("/app/awareness").status_code == 403
    r = anon.get("/app/people", follow_redirects=False)  # no provider: their capacity page
    assert r.status_code == 303
    assert r.headers["location"] == "/app/capacity"


def test_a_ccwc_sees_and_changes_only_its_own_people(anon: TestClient, site: Site) -> None:
    sign_in(anon, "e2e-ccwc")
    page = anon.get("/app/people?provider_id=ccwc-170102").text  # ignored: its own
    assert 'data-person="person-ccwc-170101-1"' in page
    assert 'data-person="person-ccwc-170102-1"' not in page
    r = post_form(
        anon,
        "/app/people/person-ccwc-170102-1/active",
        {"active": "no"},
        "/app/people",
    )
    assert r.status_code == 404
    person = site[1].store.read(lambda tx: tx.get_person("person-ccwc-170102-1"))
    assert person is not None
    assert person.active


# --- the numbers -----------------------------------------------------------------------
@dataclass
class Expected:
    people: Counter[str]
    trained: Counter[str]
    refresher_due: Counter[str]
    coaching_overdue: Counter[str]
    pfa: dict[str, Counter[str]]  # row → status → count


def _expected(runtime: Runtime, area: str) -> Expected:
    """Per commune of ``area`` (a district), worked out from the stored attendance,
    coaching and policy, without the capacity use cases."""
    today = programme_today(runtime)

    def work(tx: Transaction) -> Expected:
        policy = tx.get_training_policy() or packaged_policy()
        people = tx.list_people(PeopleQuery(area=area, active=True), Page(limit=5000)).items
        providers = tx.get_providers({p.provider_id for p in people})
        row = {p.id: providers[p.provider_id].area_code[:6] for p in people}
        records = tx.training_records(TrainingRecordQuery(area=area, active_people_only=True))
        last_coached = tx.last_coaching(list(row))
        latest: dict[tuple[str, TrainingTopic], date] = {}
        first: dict[str, date] = {}
        for r in records:
            if r.person_id not in row:
                continue
            key = (r.person_id, r.topic)
            latest[key] = max(latest.get(key, r.trained_on), r.trained_on)
            first[r.person_id] = min(first.get(r.person_id, r.trained_on), r.trained_on)
        out = Expected(Counter(row.values()), Counter(), Counter(), Counter(), {})
        holders: set[str] = set()
        for (pid, topic), earned in latest.items():
            until = earned + relativedelta(months=policy.valid_months[topic]) - timedelta(days=1)
            if until < today:
                status = "lapsed"
            elif (until - today).days < policy.expiry_warning_days:
                status = "expiring"
            else:
                status = "valid"
            if status != "valid":
                out.refresher_due[row[pid]] += 1
            if status != "lapsed":
                holders.add(pid)
            if topic is PFA:
                out.pfa.setdefault(row[pid], Counter())[status] += 1
        out.trained = Counter(row[pid] for pid in holders)
        interval = timedelta(days=policy.coaching_interval_days)
        for pid, trained_on in first.items():
            since = last_coached.get(pid) or trained_on
            if since + interval < today:
                out.coaching_overdue[row[pid]] += 1
        return out

    return runtime.store.read(work)


def _cells(html: str) -> dict[str, dict[str, int]]:
    """{row's area code: {column: number}} of the capacity table (English digits)."""
    table = html.split('id="capacity-table"', 1)[1].split("</table>", 1)[0]
    rows: dict[str, dict[str, int]] = {}
    for code, body in re.findall(r'<tr data-area="([^"]*)">(.*?)</tr>', table, re.S):
        cells = re.findall(r'data-col="([^"]+)">(?:<a [^>]*>)?(\d+)', body)
        rows[code] = {col: int(n) for col, n in cells}
    return rows


def test_the_overview_matches_the_stored_trainings(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    expected = _expected(runtime, "1701")
    sign_in(anon, "e2e-coord")
    r = anon.get("/app/capacity?area=1701")
    assert r.status_code == 200
    rows = _cells(r.text)
    communes = {code for code in rows if code != "total"}
    assert communes >= set(expected.people)
    assert sum(expected.refresher_due.values()) > 0
    assert sum(expected.coaching_overdue.values()) > 0
    for code in communes:
        assert rows[code] == {
            "people": expected.people[code],
            "trained": expected.trained[code],
            "refresher_due": expected.refresher_due[code],
            "coaching_overdue": expected.coaching_overdue[code],
        }, code
    assert rows["total"]["people"] == sum(expected.people.values())
    assert rows["total"]["refresher_due"] == sum(expected.refresher_due.values())

    pfa = _cells(anon.get(f"/app/capacity?area=1701&topic={PFA.value}").text)
    for code in communes:
        want = expected.pfa.get(code, Counter())
        assert pfa[code] == {
            "valid": want["valid"],
            "expiring": want["expiring"],
            "lapsed": want["lapsed"],
            "refresher_due": want["expiring"] + want["lapsed"],
        }, code


def test_the_overview_is_the_services(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    found = capacity_building.capacity_overview(
        Caller.system(runtime.store, utc_now()), "17", programme_today(runtime)
    )
    sign_in(anon, "e2e-coord")
    rows = _cells(anon.get("/app/capacity").text)  # the coordinator's own area: 17
    for row in found.rows:
        assert rows[row.area_code]["people"] == row.people
        assert rows[row.area_code]["coaching_overdue"] == row.coaching_overdue
        assert rows[row.area_code]["refresher_due"] == sum(t.refresher_due for t in row.topics)
    assert rows["total"]["trained"] == found.totals.trained_people


def test_refresher_due_lists_the_people_behind_the_number(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    due = _expected(runtime, "1701").refresher_due
    commune = max(due, key=lambda c: due[c])
    sign_in(anon, "e2e-coord")
    page = anon.get(f"/app/capacity/competencies?area={commune}&status=refresher_due").text
    statuses = re.findall(r'<li data-person="[^"]+" data-topic="[^"]+" data-status="(\w+)"', page)
    assert len(statuses) == due[commune]
    assert set(statuses) <= {"expiring", "lapsed"}
    assert f"{due[commune]} competencies match." in page


def test_coaching_overdue_lists_the_people_behind_the_number(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    overdue = capacity_building.coaching_overdue_in(
        Caller.system(runtime.store, utc_now()), "1701", programme_today(runtime)
    )
    sign_in(anon, "e2e-coord")
    page = anon.get("/app/capacity/coaching-overdue?area=1701").text
    assert re.findall(r'<li data-person="([^"]+)">', page) == [r.person_id for r in overdue]
    assert f'/app/coaching?person_id={overdue[0].person_id}"' in page


def test_the_awareness_summary_of_a_month(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    # last month: the seed's sample data is dated from the day it is seeded
    before = programme_today(runtime).replace(day=1) - timedelta(days=1)
    month = f"{before:%Y-%m}"
    summary = capacity_building.awareness_summary(
        Caller.system(runtime.store, utc_now()), "17", month, programme_today(runtime)
    )
    assert summary.totals.sessions > 0
    sign_in(anon, "e2e-coord")
    page = anon.get(f"/app/capacity?month={month}").text
    assert f"Awareness sessions in {calendar.month_name[before.month]} {before.year}" in page
    people = summary.totals.participants
    assert f"{summary.totals.sessions} sessions reached {people} people" in page
    table = page.split('id="awareness-table"', 1)[1].split("</table>", 1)[0]
    under_12 = re.search(r'<tr data-age="under_12">(.*?)</tr>', table, re.S)
    assert under_12
    female = re.search(r'data-gender="female">(\d+)<', under_12.group(1))
    assert female
    cells = {
        (c.age_group.value, c.gender.value): c.count for c in summary.totals.by_age_group_and_gender
    }
    assert int(female.group(1)) == cells.get(("under_12", "female"), 0)


# --- bad input in a filter ------------------------------------------------------------------
def test_bad_filters_are_marked_not_a_500(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    r = anon.get("/app/capacity?area=99")
    assert r.status_code == 422
    assert field_error(r.text, "area") == "Not a known area code."
    r = anon.get("/app/capacity?area=17010101")  # a village
    assert r.status_code == 422
    r = anon.get("/app/capacity?month=2026-13")
    assert r.status_code == 422
    assert field_error(r.text, "month") == "A month as YYYY-MM."
    r = anon.get("/app/capacity/competencies?status=soon&topic=knitting")
    assert r.status_code == 422
    assert field_error(r.text, "status") == "Not valid."
    assert field_error(r.text, "topic") == "Not valid."
    assert anon.get("/app/capacity/competencies?offset=-5").status_code == 200


# --- our people --------------------------------------------------------------------------------
def test_a_ccwc_adds_a_person(anon: TestClient, site: Site) -> None:
    sign_in(anon, "e2e-ccwc")
    form = {"name": "Sok Dara", "role": "ccwc_member", "gender": "female", "contact": "012 345 678"}
    r = post_form(anon, "/app/people", form, "/app/people")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/app/people?done=added#p-per_")
    person_id = r.headers["location"].split("#p-", 1)[1]
    person = site[1].store.read(lambda tx: tx.get_person(person_id))
    assert person is not None
    assert (person.provider_id, person.name, person.contact) == (
        "ccwc-170101",
        "Sok Dara",
        "012 345 678",
    )
    page = anon.get("/app/people?done=added").text
    assert "Person added." in page
    assert f'data-person="{person_id}"' in page
    log = (
        site[1]
        .store.read(
            lambda tx: tx.list_access(AccessQuery(object_id="ccwc-170101"), Page(limit=500))
        )
        .items
    )
    assert ("write", "POST", "/app/people", "e2e-ccwc") in {
        (a.action, a.method, a.path, a.username) for a in log
    }  # the write is in the access log, as the API's


def test_person_form_errors_are_shown_next_to_the_field(anon: TestClient) -> None:
    sign_in(anon, "e2e-ccwc")
    r = post_form(anon, "/app/people", {"name": "  ", "role": "boss", "gender": "x"}, "/app/people")
    assert r.status_code == 422
    assert "Please correct the marked fields." in r.text
    assert field_error(r.text, "name") == "Required."
    assert field_error(r.text, "role") == "Required."
    assert field_error(r.text, "gender") == "Not valid."
    r = post_form(anon, "/app/people", {"name": "x" * 201, "role": "teacher"}, "/app/people")
    assert r.status_code == 422
    assert field_error(r.text, "name") == "Too long."
    assert 'value="teacher" selected' in r.text  # what was typed stays


def test_a_person_is_deactivated_and_reactivated(anon: TestClient, site: Site) -> None:
    store = site[1].store
    sign_in(anon, "e2e-ccwc")
    person = store.read(lambda tx: tx.get_person("person-ccwc-170101-2"))
    assert person is not None
    form = {"active": "no", "expected_version": str(person.version)}
    r = post_form(anon, f"/app/people/{person.id}/active", form, "/app/people")
    assert r.status_code == 303
    assert "done=deactivated" in r.headers["location"]
    after = store.read(lambda tx: tx.get_person(person.id))
    assert after is not None
    assert not after.active
    # The same form again (the version it carries is old): refused, page as it stands now.
    r = post_form(anon, f"/app/people/{person.id}/active", form, "/app/people")
    assert r.status_code == 409
    assert "Someone changed this person first" in r.text
    form = {"active": "yes", "expected_version": str(after.version)}
    r = post_form(anon, f"/app/people/{person.id}/active", form, "/app/people")
    assert r.status_code == 303
    again = store.read(lambda tx: tx.get_person(person.id))
    assert again is not None
    assert again.active


# --- awareness sessions ------------------------------------------------------------------------
COUNTS = {"n_12_17_female": "12", "n_12_17_male": "9", "n_25_plus_female": "4"}


def test_a_ccwc_records_an_awareness_session(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-ccwc")
    held = programme_today(runtime) - timedelta(days=1)
    form = {
        "held_on": held.isoformat(),
        "area_code": "17010101",
        "topic": "where_to_get_help",
        "facilitator_id": "person-ccwc-170101-1",
        **COUNTS,
    }
    r = post_form(anon, "/app/awareness", form, "/app/awareness")
    assert r.status_code == 303, r.text
    session_id = r.headers["location"].split("#a-", 1)[1]
    query = AwarenessQuery(provider_id="ccwc-170101", since=held, until=held + timedelta(days=1))
    stored = capacity_building.list_awareness(
        Caller.system(runtime.store, utc_now()), query, Page(limit=50)
    )
    session = next(s for s in stored.items if s.id == session_id)
    assert session.total == 25
    assert session.facilitator_id == "person-ccwc-170101-1"
    assert {(p.age_group.value, p.gender.value): p.count for p in session.participants} == {
        ("12_17", "female"): 12,
        ("12_17", "male"): 9,
        ("25_plus", "female"): 4,
    }
    page = anon.get("/app/awareness?done=saved").text
    assert "Session recorded." in page
    item = re.search(rf'<li id="a-{session_id}"[^>]*>(.*?)</li>', page, re.S)
    assert item
    assert "Where to get help" in item.group(1)
    assert "25 people" in item.group(1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"held_on": "yesterday"}, "held_on", "A date (YYYY-MM-DD)."),
        ({"held_on": "2999-01-01"}, "held_on", "A date (YYYY-MM-DD)."),
        ({"held_on": "2100-01-01"}, "held_on", "Not a day in the future."),
        ({"area_code": "17020101"}, "area_code", "A village or commune code of your area."),
        ({"area_code": "1701"}, "area_code", "A village or commune code of your area."),
        ({"area_code": "99999999"}, "area_code", "A village or commune code of your area."),
        ({"area_code": ""}, "area_code", "Required."),
        ({"topic": "cooking"}, "topic", "Required."),
        ({"n_12_17_male": "-3"}, "n_12_17_male", "A whole number from 0 to 100000."),
        ({"n_12_17_male": "lots"}, "n_12_17_male", "A whole number from 0 to 100000."),
        ({"n_18_24_male": "100001"}, "n_18_24_male", "A whole number from 0 to 100000."),
        (
            {"n_12_17_female": "0", "n_12_17_male": "", "n_25_plus_female": "0"},
            "participants",
            "Count at least one person.",
        ),
        ({"facilitator_id": "per_nobody"}, "facilitator_id", "Choose a person on record."),
    ],
)
def test_awareness_form_errors_are_shown_next_to_the_field(
    anon: TestClient, site: Site, changes: dict[str, str], field: str, message: str
) -> None:
    sign_in(anon, "e2e-ccwc")
    form = {
        "held_on": programme_today(site[1]).isoformat(),
        "area_code": "170101",
        "topic": "gbv",
        **COUNTS,
        **changes,
    }
    before = _sessions_of(site[1], "ccwc-170101")
    r = post_form(anon, "/app/awareness", form, "/app/awareness")
    assert r.status_code == 422
    assert field_error(r.text, field) == message
    assert _sessions_of(site[1], "ccwc-170101") == before  # nothing was written


def _sessions_of(runtime: Runtime, provider_id: str) -> int:
    query = AwarenessQuery(provider_id=provider_id)
    return capacity_building.list_awareness(
        Caller.system(runtime.store, utc_now()), query, Page(limit=1)
    ).count


# --- coaching ------------------------------------------------------------------------------------
def test_a_coordinator_records_coaching(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-coord")
    form_page = anon.get("/app/coaching?person_id=person-ccwc-170101-3").text
    assert '<option value="person-ccwc-170101-3" selected>' in form_page
    assert '<option value="person-tpo-counsellor-17-1">' in form_page  # their supervisor
    assert "person-ccwc-160" not in form_page  # nobody outside the coordinator's area
    form = {
        "person_id": "person-ccwc-170101-3",
        "coach_id": "person-tpo-counsellor-17-1",
        "held_on": programme_today(runtime).isoformat(),
        "mode": "phone",
        "note": "Follow-up on PFA practice",
    }
    r = post_form(anon, "/app/coaching", form, "/app/coaching")
    assert r.status_code == 303
    assert r.headers["location"] == "/app/coaching?done=saved#recent-h"
    found = capacity_building.list_coaching(
        Caller.system(runtime.store, utc_now()),
        CoachingQuery(person_id="person-ccwc-170101-3"),
        Page(limit=1),
    )
    assert found.items[0].held_on == programme_today(runtime)
    assert found.items[0].mode.value == "phone"
    assert "Coaching recorded." in anon.get("/app/coaching?done=saved").text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"person_id": ""}, "person_id", "Required."),
        ({"person_id": "per_nobody"}, "person_id", "Choose a person on record."),
        ({"person_id": "person-ccwc-160101-1"}, "person_id", "Choose a person on record."),
        ({"coach_id": "per_nobody"}, "coach_id", "Choose a person on record."),
        ({"coach_id": "person-ccwc-170101-1"}, "coach_id", "A person cannot coach themself."),
        ({"held_on": "2100-01-01"}, "held_on", "Not a day in the future."),
        ({"held_on": "31/12/2025"}, "held_on", "A date (YYYY-MM-DD)."),
        ({"mode": "pigeon"}, "mode", "Required."),
        ({"note": "x" * 501}, "note", "Too long."),
    ],
)
def test_coaching_form_errors_are_shown_next_to_the_field(
    anon: TestClient, site: Site, changes: dict[str, str], field: str, message: str
) -> None:
    sign_in(anon, "e2e-coord")
    form = {
        "person_id": "person-ccwc-170101-1",
        "coach_id": "person-tpo-counsellor-17-1",
        "held_on": programme_today(site[1]).isoformat(),
        "mode": "in_person",
        **changes,
    }
    r = post_form(anon, "/app/coaching", form, "/app/coaching")
    assert r.status_code == 422
    assert field_error(r.text, field) == message


# --- both languages ------------------------------------------------------------------------------
def test_every_capacity_code_has_words_in_both_languages() -> None:
    tables = {
        "tt_": TrainingTopic,
        "at_": AwarenessTopic,
        "age_": AgeGroup,
        "pr_": PersonRole,
        "cap_": CompetencyStatus,
    }
    for prefix, codes in tables.items():
        for code in codes:
            en, km = MESSAGES[prefix + code.value]
            assert en
            assert KHMER.search(km), prefix + code.value
    assert KHMER.search(MESSAGES["cap_refresher_due"][1])


@pytest.mark.parametrize(
    ("username", "path", "khmer"),
    [
        ("e2e-coord", "/app/capacity", "ការកសាងសមត្ថភាពនៅ"),
        ("e2e-coord", "/app/capacity?topic=psychological_first_aid", "ការសង្គ្រោះបឋមផ្លូវចិត្ត"),
        ("e2e-coord", "/app/capacity/competencies?status=refresher_due", "ដល់ពេលវគ្គរំលឹក"),
        ("e2e-coord", "/app/capacity/coaching-overdue", "ហួសពេលបង្ហាត់បង្ហាញ"),
        ("e2e-coord", "/app/coaching", "កត់ត្រាការបង្ហាត់បង្ហាញ"),
        ("e2e-ccwc", "/app/people", "បុគ្គលិករបស់"),
        ("e2e-ccwc", "/app/awareness", "កត់ត្រាវគ្គលើកកម្ពស់ការយល់ដឹង"),
    ],
)
def test_the_pages_in_khmer(anon: TestClient, username: str, path: str, khmer: str) -> None:
    sign_in(anon, username)
    assert_in_khmer(anon, path, khmer)

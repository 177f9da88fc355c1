"""The training pages of the web app, in process (no browser): who may open them, a
coordinator kept to their area, a session created and its attendance recorded (and the
competency that follows, as the capacity use cases derive it), completion refused before
a session's last day, and an attendance sheet checked (nothing written) then written,
all or nothing. Forms come back with the mistake next to the field (422), never a 500."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web.i18n import MESSAGES
from referral_graph.bootstrap import Runtime
from referral_graph.domain.ids import new_id
from referral_graph.domain.models import utc_now
from referral_graph.domain.training import CompetencyStatus, Person, PersonRole, TrainingTopic
from referral_graph.security.model import AccessRecord
from referral_graph.services import capacity_building
from referral_graph.services.caller import Caller
from referral_graph.store.port import (
    AccessQuery,
    Page,
    PeopleQuery,
    TrainingQuery,
    Transaction,
)
from seed.training_data import load_training_document, seeding_day
from tests.api.web_forms import (
    assert_in_khmer,
    assert_needs_session,
    field_error,
    post_form,
    programme_today,
)
from tests.e2e.server_app import ShiftableClock, build
from tests.e2e.test_web_pages import KHMER, csrf_of, sign_in

Site = tuple[FastAPI, Runtime, ShiftableClock]
GBV = TrainingTopic.GBV


def _seeded() -> str:
    """A session of the seed, held in Angkor Chum district (1701, in the coordinator's
    17): on 26 October 2026 in the YAML's calendar, which moves by whole weeks to the day
    the sample data is seeded."""
    doc = load_training_document()
    held = date(2026, 10, 26) + (doc.seeded_on(seeding_day()).as_of - doc.as_of)
    return f"training-1701-fac-{held:%Y%m%d}"


SEEDED = _seeded()
ROW = re.compile(r'<tr data-row="(\d+)" data-column="([^"]+)">')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    # e2e-sup, TPO's clinical supervisor, is one of the test server's users
    return build(Path(tmp_path_factory.mktemp("web-trainings")))


@pytest.fixture
def anon(site: Site) -> Iterator[TestClient]:
    with TestClient(site[0], base_url="http://testserver") as client:
        yield client


def _sessions(runtime: Runtime) -> int:
    return capacity_building.list_training_sessions(
        Caller.system(runtime.store, utc_now()), TrainingQuery(), Page(limit=1)
    ).count


def _attended(runtime: Runtime, session_id: str) -> dict[str, bool]:
    found = capacity_building.session_attendance(
        Caller.system(runtime.store, utc_now()), session_id
    )
    return {a.person_id: a.completed for a in found}


def _new_person(runtime: Runtime, provider_id: str, name: str) -> str:
    """A person with no training at all (each test its own)."""
    person = Person(id=new_id("per"), provider_id=provider_id, name=name, role=PersonRole.OTHER)
    capacity_building.add_person(Caller.system(runtime.store, runtime.now()), person)
    return person.id


def _session_form(runtime: Runtime, **changes: str) -> dict[str, str]:
    day = (programme_today(runtime) - timedelta(days=2)).isoformat()
    return {
        "topic": GBV.value,
        "starts_on": day,
        "ends_on": day,
        "mode": "in_person",
        "area_code": "1701",
        "venue": "Commune hall",
        "trainer": "TPO training team",
        **changes,
    }


def _create(client: TestClient, runtime: Runtime, **changes: str) -> str:
    r = post_form(client, "/app/trainings", _session_form(runtime, **changes), "/app/trainings")
    assert r.status_code == 303, r.text
    found = re.fullmatch(r"/app/trainings/(trn_\w+)\?done=created", r.headers["location"])
    assert found, r.headers["location"]
    return found.group(1)


# --- who may ---------------------------------------------------------------------------
PAGES = ("/app/trainings", f"/app/trainings/{SEEDED}", "/app/trainings/import")


@pytest.mark.parametrize("username", ["e2e-ccwc", "e2e-hc", "e2e-tpo"])
@pytest.mark.parametrize("path", PAGES)
def test_providers_may_not_open_the_training_pages(
    anon: TestClient, username: str, path: str
) -> None:
    sign_in(anon, username)
    r = anon.get(path)
    assert r.status_code == 403
    assert "Your account may not do this." in r.text


@pytest.mark.parametrize("username", ["e2e-ccwc", "e2e-hc"])
def test_providers_may_not_write_trainings(anon: TestClient, site: Site, username: str) -> None:
    runtime = site[1]
    sign_in(anon, username)
    before = _sessions(runtime)
    token = csrf_of(anon, "/app/directory")
    r = anon.post("/app/trainings", data={"csrf": token, **_session_form(runtime)})
    assert r.status_code == 403
    form = {"csrf": token, "person": "person-ccwc-170101-1"}
    assert anon.post(f"/app/trainings/{SEEDED}/attendance", data=form).status_code == 403
    sheet = b"session_id,person_id\n" + f"{SEEDED},person-ccwc-170101-1\n".encode()
    files = {"file": ("a.csv", sheet, "text/csv")}
    r = anon.post("/app/trainings/import", data={"csrf": token, "write": "yes"}, files=files)
    assert r.status_code == 403
    assert _sessions(runtime) == before
    assert "person-ccwc-170101-1" not in _attended(runtime, SEEDED)


@pytest.mark.parametrize("username", ["e2e-coord", "e2e-sup", "e2e-admin"])
@pytest.mark.parametrize("path", PAGES)
def test_supervisors_coordinators_and_admins_open_them(
    anon: TestClient, username: str, path: str
) -> None:
    sign_in(anon, username)
    r = anon.get(path)
    assert r.status_code == 200, r.text
    assert 'href="/app/trainings"' in r.text  # the navigation (and the way back)


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_need_a_session(anon: TestClient, path: str) -> None:
    assert_needs_session(anon, path)


def test_the_navigation_and_the_capacity_page_link_to_trainings(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    capacity_page = anon.get("/app/capacity").text
    menu = capacity_page.split('<nav class="menu"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/app/capacity">Capacity</a> <a href="/app/trainings">Trainings</a>' in menu
    lists = capacity_page.split('id="lists-h"', 1)[1].split("</section>", 1)[0]
    assert 'href="/app/trainings"' in lists
    sign_in(anon, "e2e-ccwc")
    assert 'href="/app/trainings"' not in anon.get("/app/cases").text


def test_writes_need_the_csrf_token(anon: TestClient, site: Site) -> None:
    sign_in(anon, "e2e-coord")
    before = _sessions(site[1])
    assert anon.post("/app/trainings", data=_session_form(site[1])).status_code == 403
    form = {"person": "person-ccwc-170101-1"}
    assert anon.post(f"/app/trainings/{SEEDED}/attendance", data=form).status_code == 403
    files = {"file": ("a.csv", b"session_id,person_id\n", "text/csv")}
    assert anon.post("/app/trainings/import", files=files).status_code == 403
    assert _sessions(site[1]) == before


def test_an_unknown_session_is_not_found(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    r = anon.get("/app/trainings/trn_nothing")
    assert r.status_code == 404
    assert "Not found" in r.text


# --- the list ----------------------------------------------------------------------------
def test_the_list_is_newest_first_filtered_and_paged(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-sup")
    everything = capacity_building.list_training_sessions(
        Caller.system(runtime.store, utc_now()), TrainingQuery(), Page(limit=50)
    )
    page = anon.get("/app/trainings").text
    shown = re.findall(r'<li data-session="([^"]+)"', page)
    assert shown == [s.id for s in everything.items[:25]]
    assert f"{everything.count} sessions. Showing 1–25." in page
    assert 'href="/app/trainings?offset=25"' in page
    second = re.findall(r'<li data-session="([^"]+)"', anon.get("/app/trainings?offset=25").text)
    assert second == [s.id for s in everything.items[25:50]]

    query = TrainingQuery(topic=TrainingTopic.FACILITATION, area="17")
    want = capacity_building.list_training_sessions(
        Caller.system(runtime.store, utc_now()), query, Page(limit=25)
    )
    page = anon.get("/app/trainings?topic=facilitation&area=17").text
    assert re.findall(r'data-session="([^"]+)" data-topic="(\w+)"', page) == [
        (s.id, "facilitation") for s in want.items
    ]
    assert f"{want.count} sessions." in page
    attended = len(
        capacity_building.session_attendance(Caller.system(runtime.store, utc_now()), SEEDED)
    )
    item = re.search(rf'<li data-session="{SEEDED}".*?</li>', page, re.S)
    assert item
    assert f"{attended} attended" in item.group(0)
    assert "Angkor Chum" in item.group(0)


def test_bad_filters_are_marked_not_a_500(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    r = anon.get("/app/trainings?topic=knitting&area=99")
    assert r.status_code == 422
    assert field_error(r.text, "f_topic") == "Not valid."
    assert field_error(r.text, "f_area") == "Not a known area code."
    assert anon.get("/app/trainings?offset=100000").status_code == 200  # the last page
    assert anon.get("/app/trainings?offset=-3").status_code == 200
    assert anon.get(f"/app/trainings?offset={10**30}").status_code == 200
    assert anon.get("/app/trainings?offset=many").status_code == 422


# --- a new session -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"topic": ""}, "topic", "Required."),
        ({"topic": "knitting"}, "topic", "Required."),
        ({"starts_on": ""}, "starts_on", "A date (YYYY-MM-DD)."),
        ({"starts_on": "20/11/2026"}, "starts_on", "A date (YYYY-MM-DD)."),
        ({"starts_on": "1999-12-31"}, "starts_on", "A date (YYYY-MM-DD)."),
        ({"ends_on": "2000-01-01"}, "ends_on", "Not before the first day."),
        ({"ends_on": "soon"}, "ends_on", "A date (YYYY-MM-DD)."),
        ({"mode": "pigeon"}, "mode", "Required."),
        ({"area_code": ""}, "area_code", "Required for a session held in person."),
        ({"area_code": "99"}, "area_code", "Not a known area code."),
        ({"area_code": "17x"}, "area_code", "Not a known area code."),
        ({"venue": "v" * 201}, "venue", "Too long."),
        ({"trainer": "  "}, "trainer", "Required."),
        ({"trainer": "t" * 201}, "trainer", "Too long."),
    ],
)
def test_session_form_errors_are_shown_next_to_the_field(
    anon: TestClient, site: Site, changes: dict[str, str], field: str, message: str
) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-coord")
    before = _sessions(runtime)
    r = post_form(anon, "/app/trainings", _session_form(runtime, **changes), "/app/trainings")
    assert r.status_code == 422
    assert "Please correct the marked fields." in r.text
    assert field_error(r.text, field) == message
    assert _sessions(runtime) == before  # nothing was written


def test_what_was_typed_stays(anon: TestClient, site: Site) -> None:
    sign_in(anon, "e2e-coord")
    form = _session_form(site[1], trainer="", venue="Kouk Thlok pagoda", refresher="yes")
    r = post_form(anon, "/app/trainings", form, "/app/trainings")
    assert r.status_code == 422
    assert '<option value="gbv" selected>' in r.text
    assert 'value="Kouk Thlok pagoda"' in r.text
    assert 'name="refresher" value="yes" checked' in r.text


def test_an_online_session_needs_no_area(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-sup")
    session_id = _create(anon, runtime, mode="online", area_code="", venue="", refresher="yes")
    stored = capacity_building.get_training_session(
        Caller.system(runtime.store, utc_now()), session_id
    )
    assert (stored.mode.value, stored.area_code, stored.refresher) == ("online", None, True)
    page = anon.get(f"/app/trainings/{session_id}").text
    # Held nowhere: the supervisor names the area whose people to list.
    assert "Type an area code to list the people" in page
    assert 'name="person"' not in page
    page = anon.get(f"/app/trainings/{session_id}?people_area=170101").text
    assert 'name="person" value="person-ccwc-170101-1"' in page


def test_a_coordinator_holds_sessions_in_their_area(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-coord-rtk")  # Ratanakiri (16)
    before = _sessions(runtime)
    r = post_form(anon, "/app/trainings", _session_form(runtime), "/app/trainings")  # in 1701
    assert r.status_code == 403  # refused, as the API refuses it
    assert field_error(r.text, "area_code") == "Outside your area."
    assert "In your area: Ratanak Kiri (16)." in r.text  # the hint names their own
    assert _sessions(runtime) == before
    # With another mistake too, the form is simply wrong (422), both marked.
    form = _session_form(runtime, trainer="")
    r = post_form(anon, "/app/trainings", form, "/app/trainings")
    assert r.status_code == 422
    assert field_error(r.text, "area_code") == "Outside your area."
    # Online sessions are held nowhere; in 16 is theirs.
    _create(anon, runtime, mode="online", area_code="")
    _create(anon, runtime, area_code="1602")
    assert _sessions(runtime) == before + 2


def test_a_coordinator_records_only_people_of_their_area(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-coord-rtk")
    # A session held in 17: they see it, but the people offered are their own area's.
    page = anon.get(f"/app/trainings/{SEEDED}")
    assert page.status_code == 200
    offered = re.findall(r'name="person" value="([^"]+)"', page.text)
    assert offered

    def located(tx: Transaction) -> set[str]:
        people = tx.get_people(offered)
        providers = tx.get_providers({p.provider_id for p in people.values()})
        return {providers[p.provider_id].area_code[:2] for p in people.values()}

    assert runtime.store.read(located) == {"16"}
    assert anon.get(f"/app/trainings/{SEEDED}?people_area=1701").status_code == 403
    r = post_form(
        anon,
        f"/app/trainings/{SEEDED}/attendance",
        {"person": "person-ccwc-170101-1", "completed": "person-ccwc-170101-1"},
        f"/app/trainings/{SEEDED}",
    )
    assert r.status_code == 422
    assert field_error(r.text, "attendance") == "Choose a person on record."
    assert "person-ccwc-170101-1" not in _attended(runtime, SEEDED)


# --- attendance ----------------------------------------------------------------------------
def test_a_session_is_created_and_attendance_recorded(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    store = runtime.store
    sign_in(anon, "e2e-coord")
    first = _new_person(runtime, "ccwc-170101", "Keo Sreymom")
    second = _new_person(runtime, "hc-170101", "Mao Vanna")
    today = programme_today(runtime)
    assert (
        capacity_building.person_competencies(
            Caller.system(store, utc_now()), first, today
        ).competencies
        == []
    )

    session_id = _create(anon, runtime, area_code="17010101")  # a village
    page = anon.get(f"/app/trainings/{session_id}?done=created").text
    assert "Session recorded. Now record who attended." in page
    assert "Nobody is recorded yet." in page
    # The people of providers located in its commune, by provider; none from elsewhere.
    assert 'name="people_area" value="170101"' in page
    assert f'name="person" value="{first}"' in page
    assert f'name="person" value="{second}"' in page
    assert 'value="person-ccwc-170102-1"' not in page
    legends = re.findall(r'<fieldset class="group">\s*<legend>([^<]+)</legend>', page)
    assert len(legends) == len(set(legends)) >= 2
    # The session has ended: "completed" is ticked already.
    assert f'name="completed" value="{first}" id="c-{first}" checked' in page

    form = {"person": [first, second], "completed": [first], "people_area": "170101"}
    r = post_form(
        anon, f"/app/trainings/{session_id}/attendance", form, f"/app/trainings/{session_id}"
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == (
        f"/app/trainings/{session_id}?people_area=170101&done=recorded&new=2&already=0#attendance-h"
    )
    assert _attended(runtime, session_id) == {first: True, second: False}
    page = anon.get(r.headers["location"].split("#")[0]).text
    assert "Attendance recorded: 2 new, 0 already on record." in page
    assert f'<tr data-person="{first}" data-completed="yes">' in page
    assert f'<tr data-person="{second}" data-completed="no">' in page
    row = re.search(rf'<tr data-person="{first}".*?</tr>', page, re.S)
    assert row
    provider = store.read(lambda tx: tx.get_provider("ccwc-170101"))
    assert provider
    assert "Keo Sreymom" in row.group(0)
    assert provider.name in row.group(0)
    assert f'name="person" value="{first}"' not in page  # recorded: no longer offered

    # The competency follows from the completed training, as the use cases derive it.
    found = capacity_building.person_competencies(
        Caller.system(store, utc_now()), first, today
    ).competencies
    assert [(c.topic, c.status) for c in found] == [(GBV, CompetencyStatus.VALID)]
    assert (
        capacity_building.person_competencies(
            Caller.system(store, utc_now()), second, today
        ).competencies
        == []
    )
    listed = capacity_building.competency_list(
        Caller.system(store, utc_now()), "170101", today, topic=GBV
    )
    assert first in {row.person_id for row in listed}

    # Recording someone again leaves them as they were.
    form = {"person": [second], "completed": [second]}
    r = post_form(
        anon, f"/app/trainings/{session_id}/attendance", form, f"/app/trainings/{session_id}"
    )
    assert r.status_code == 303
    assert "new=0&already=1" in r.headers["location"]
    assert _attended(runtime, session_id)[second] is False

    def log(tx: Transaction) -> list[AccessRecord]:
        user = tx.get_user_by_username("e2e-coord")
        assert user
        return tx.list_access(AccessQuery(user_id=user.id), Page(limit=1000)).items

    paths = {(a.action, a.method, a.path) for a in store.read(log)}
    assert ("write", "POST", "/app/trainings") in paths
    assert ("write", "POST", f"/app/trainings/{session_id}/attendance") in paths


def test_completion_waits_for_the_last_day(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-coord")
    person = _new_person(runtime, "ccwc-170101", "Chan Rath")
    today = programme_today(runtime)
    ends = today + timedelta(days=3)
    session_id = _create(
        anon, runtime, starts_on=today.isoformat(), ends_on=ends.isoformat(), area_code="170101"
    )
    page = anon.get(f"/app/trainings/{session_id}").text
    assert "Completion can be recorded from" in page
    assert f'name="completed" value="{person}" id="c-{person}">' in page  # not ticked

    form = {"person": person, "completed": person, "people_area": "170101"}
    path = f"/app/trainings/{session_id}"
    r = post_form(anon, f"{path}/attendance", form, path)
    assert r.status_code == 422
    message = field_error(r.text, "attendance")
    assert message.startswith("The session ends on ")
    assert message.endswith(": completion can be recorded from that day.")
    assert f'value="{person}" id="a-{person}" checked' in r.text  # the ticks stay
    assert _attended(runtime, session_id) == {}  # nothing was written

    r = post_form(anon, f"{path}/attendance", {"person": person}, path)
    assert r.status_code == 303
    assert _attended(runtime, session_id) == {person: False}


def test_attendance_form_errors(anon: TestClient, site: Site) -> None:
    sign_in(anon, "e2e-coord")
    path = f"/app/trainings/{SEEDED}"
    before = _attended(site[1], SEEDED)
    r = post_form(anon, f"{path}/attendance", {}, path)
    assert r.status_code == 422
    assert field_error(r.text, "attendance") == "Tick at least one."
    r = post_form(anon, f"{path}/attendance", {"person": "per_nobody"}, path)
    assert r.status_code == 422
    assert field_error(r.text, "attendance") == "Choose a person on record."
    r = anon.get(f"{path}?people_area=17x")
    assert r.status_code == 422
    assert field_error(r.text, "people_area") == "Not a known area code."
    r = post_form(anon, "/app/trainings/trn_nothing/attendance", {"person": "x"}, path)
    assert r.status_code == 404
    assert _attended(site[1], SEEDED) == before


# --- attendance sheets ------------------------------------------------------------------------
def _upload(client: TestClient, name: str, data: bytes, *, write: bool = False) -> Any:
    form = {"csrf": csrf_of(client, "/app/trainings/import")}
    if write:
        form["write"] = "yes"
    files = {"file": (name, data, "application/octet-stream")}
    return client.post("/app/trainings/import", data=form, files=files, follow_redirects=False)


def _people_named(runtime: Runtime, provider_id: str, name: str) -> list[Person]:
    found = runtime.store.read(
        lambda tx: tx.list_people(PeopleQuery(provider_id=provider_id), Page(limit=500))
    )
    return [p for p in found.items if p.name == name]


def test_an_import_with_row_errors_writes_nothing(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-coord")
    today = programme_today(runtime)
    future = (today + timedelta(days=10)).isoformat()
    sheet = (
        "topic,starts_on,ends_on,area_code,trainer,provider_id,name,completed\n"
        f"gbv,{today},{today},170101,Sheet trainer,ccwc-170101,Sheet Person One,true\n"
        f"knitting,{today},{today},170101,Sheet trainer,ccwc-170101,Sheet Person Two,true\n"
        f"gbv,{future},{future},170101,Sheet trainer,ccwc-170101,Sheet Person Three,true\n"
        f"gbv,{today},{today},160101,Sheet trainer,ccwc-170101,Sheet Person Four,true\n"
        f"gbv,{today},{today},170101,Sheet trainer,nobody,Sheet Person Five,true\n"
    ).encode()
    before = _sessions(runtime)
    for write in (False, True):
        r = _upload(anon, "attendance.csv", sheet, write=write)
        assert r.status_code == 422
        assert "Errors in the sheet: 4. Nothing was written" in r.text
        rows = ROW.findall(r.text)
        assert rows == [
            ("3", "topic"),
            ("4", "completed"),
            ("5", "area_code"),
            ("6", "provider_id"),
        ]
        assert "unknown provider &#39;nobody&#39;" in r.text
        assert 'id="import-write"' not in r.text  # nothing to write
    assert _sessions(runtime) == before
    assert _people_named(runtime, "ccwc-170101", "Sheet Person One") == []


def test_a_clean_sheet_is_checked_then_written(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    store = runtime.store
    sign_in(anon, "e2e-coord")
    day = (programme_today(runtime) - timedelta(days=1)).isoformat()
    known = _new_person(runtime, "hc-170101", "Known Person")
    sheet = (
        "topic,starts_on,mode,area_code,venue,trainer,refresher,person_id,provider_id,name,"
        "role,gender,completed\n"
        f"mental_health_basics,{day},in_person,170101,Pagoda,Sheet team,no,{known},,,,,yes\n"
        f"mental_health_basics,{day},in_person,170101,Pagoda,Sheet team,no,,ccwc-170101,"
        "Imported Person,ccwc_member,female,yes\n"
        f"mental_health_basics,{day},in_person,170101,Pagoda,Sheet team,no,,vhsg-170101,"
        "Imported Volunteer,,,no\n"
    ).encode()
    before = _sessions(runtime)
    r = _upload(anon, "attendance.csv", sheet)
    assert r.status_code == 200, r.text
    assert "Rows checked: 3, no errors." in r.text
    counts = dict(re.findall(r'data-count="(\w+)">([^<]+)<', r.text))
    assert counts == {
        "sessions_created": "New training sessions: 1",
        "people_created": "New people: 2",
        "attendance_new": "New attendance records: 3",
        "attendance_existing": "Already on record (left as they are): 0",
    }
    assert _sessions(runtime) == before  # a dry run writes nothing
    assert _people_named(runtime, "ccwc-170101", "Imported Person") == []

    # "Write it" posts the same sheet again, kept in the page.
    kept = re.search(r'name="content" value="([^"]+)"', r.text)
    assert kept
    assert base64.urlsafe_b64decode(kept.group(1)) == sheet
    form = {"csrf": csrf_of(anon, "/app/trainings/import"), "write": "yes"}
    form |= {"content": kept.group(1), "filename": "attendance.csv"}
    r = anon.post("/app/trainings/import", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == (
        "/app/trainings/import?done=written&sessions=1&people=2&new=3&existing=0#import-result"
    )
    page = anon.get(r.headers["location"].split("#")[0]).text
    assert (
        "Written. New sessions: 1; new people: 2; new attendance records: 3; already on record: 0."
        in page
    )
    assert _sessions(runtime) == before + 1
    (imported,) = _people_named(runtime, "ccwc-170101", "Imported Person")
    (volunteer,) = _people_named(runtime, "vhsg-170101", "Imported Volunteer")
    assert volunteer.role is PersonRole.VHSG_VOLUNTEER
    listing = capacity_building.list_training_sessions(
        Caller.system(store, utc_now()),
        TrainingQuery(topic=TrainingTopic.MENTAL_HEALTH_BASICS, area="170101"),
        Page(),
    )
    (made,) = [s for s in listing.items if s.trainer == "Sheet team"]
    assert _attended(runtime, made.id) == {known: True, imported.id: True, volunteer.id: False}
    held = capacity_building.person_competencies(
        Caller.system(store, utc_now()), imported.id, programme_today(runtime)
    ).competencies
    assert [c.topic for c in held] == [TrainingTopic.MENTAL_HEALTH_BASICS]

    # The same sheet again finds the session and the people: nothing new.
    r = _upload(anon, "attendance.csv", sheet, write=True)
    assert r.status_code == 303
    assert "sessions=0&people=0&new=0&existing=3" in r.headers["location"]
    assert _sessions(runtime) == before + 1


def test_an_xlsx_sheet_is_read(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-sup")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "attendance"
    sheet.append(["session_id", "person_id", "completed"])
    sheet.append([SEEDED, "person-ccwc-170101-2", "true"])
    sheet.append([SEEDED, "per_nobody", "true"])
    data = io.BytesIO()
    workbook.save(data)
    r = _upload(anon, "attendance.xlsx", data.getvalue(), write=True)
    assert r.status_code == 422
    assert ROW.findall(r.text) == [("3", "person_id")]
    assert "person-ccwc-170101-2" not in _attended(runtime, SEEDED)
    sheet.delete_rows(3)
    data = io.BytesIO()
    workbook.save(data)
    r = _upload(anon, "attendance.xlsx", data.getvalue())
    assert r.status_code == 200
    assert "Rows checked: 1, no errors." in r.text
    assert 'name="filename" value="attendance.xlsx"' in r.text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.xlsx", b"PK\x03\x04 not a workbook", "Not a readable sheet"),
        ("a.csv", b"\xff\xfe\x00 not utf-8", "Not a readable sheet"),
        ("a.csv", b"\n\n", "Not a readable sheet"),
        ("a.csv", b"", "Choose a file."),
    ],
)
def test_unreadable_files_are_marked_not_a_500(
    anon: TestClient, name: str, data: bytes, message: str
) -> None:
    sign_in(anon, "e2e-coord")
    r = _upload(anon, name, data)
    assert r.status_code == 422
    assert field_error(r.text, "file").startswith(message)


def test_a_bad_kept_copy_is_marked(anon: TestClient) -> None:
    sign_in(anon, "e2e-coord")
    form = {"csrf": csrf_of(anon, "/app/trainings/import"), "write": "yes", "content": "%%%"}
    r = anon.post("/app/trainings/import", data=form)
    assert r.status_code == 422
    assert field_error(r.text, "file").startswith("Not a readable sheet")


def test_a_coordinators_sheet_stays_in_their_area(anon: TestClient, site: Site) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-coord-rtk")
    day = (programme_today(runtime) - timedelta(days=1)).isoformat()
    sheet = (
        "topic,starts_on,area_code,trainer,person_id\n"
        f"gbv,{day},170101,Outsider,person-ccwc-160201-1\n"
        f"gbv,{day},160201,Outsider,person-ccwc-170101-1\n"
    ).encode()
    r = _upload(anon, "attendance.csv", sheet, write=True)
    assert r.status_code == 422
    assert ROW.findall(r.text) == [("2", "area_code"), ("3", "person_id")]


# --- both languages -----------------------------------------------------------------------------
def test_every_new_message_has_khmer() -> None:
    for key, (en, km) in MESSAGES.items():
        if key.startswith(("trn_", "imp_")) or key == "nav_trainings":
            assert en
            assert KHMER.search(km), key


@pytest.mark.parametrize(
    ("path", "khmer"),
    [
        ("/app/trainings", "កត់ត្រាវគ្គបណ្ដុះបណ្ដាល"),
        (f"/app/trainings/{SEEDED}", "កត់ត្រាវត្តមាន"),
        ("/app/trainings/import", "នាំចូលបញ្ជីវត្តមាន"),
    ],
)
def test_the_pages_in_khmer(anon: TestClient, path: str, khmer: str) -> None:
    sign_in(anon, "e2e-coord")
    assert_in_khmer(anon, path, khmer)


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_sheet_over_the_body_limit_gets_a_page_saying_so(
    anon: TestClient, site: Site, lang: str
) -> None:
    runtime = site[1]
    sign_in(anon, "e2e-coord")
    anon.get(f"/app/lang/{lang}?next=/app/trainings/import")
    limit = runtime.settings.max_body_bytes
    before = _people_named(runtime, "hc-a", "Sok Dara")
    r = _upload(anon, "big.csv", b"x" * (limit + 1), write=True)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html")
    english, khmer = MESSAGES["err_too_large"]
    if lang == "en":
        assert english.format(kb=limit // 1024) in r.text
    else:
        assert '<html lang="km">' in r.text
        assert khmer.split("{kb}")[0] in r.text
    assert _people_named(runtime, "hc-a", "Sok Dara") == before  # nothing written

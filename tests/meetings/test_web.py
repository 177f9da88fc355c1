"""The meeting pages in process (no browser; the browser tests are in tests/e2e): a
coordinator opens a meeting in one tap, orders, drops and adds agenda items, records an
action (a mistake comes back next to its field), takes attendance and closes it; the
pack page and its CSV; a provider reports its action done; an administrator confirms an
agreed pathway; everything in Khmer too, and nothing outside the coordinator's area."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.bootstrap import Runtime
from referral_graph.security.model import Role
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.settings import Settings
from tests.api.web_forms import field_error
from tests.audit.conftest import NOW, build_history
from tests.e2e.test_web_pages import KHMER, csrf_of
from tests.factories import FakeClock

PASSWORD = "correct horse battery"
ACCOUNTS = {
    "coord": (Role.COORDINATOR, None, "17"),
    "coord19": (Role.COORDINATOR, None, "19"),
    "ccwc": (Role.CCWC, "ccwc-a", None),
    "nurse": (Role.PROVIDER, "hc-a", None),
    "admin": (Role.ADMIN, None, None),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    store = SqliteStore(tmp_path_factory.mktemp("meetings-web") / "web.sqlite3")
    store.initialise()
    build_history(store)
    for name, (role, provider, area) in ACCOUNTS.items():
        new = NewUser(
            username=name, password=PASSWORD, role=role, provider_id=provider, area_code=area
        )
        create_user(Caller.system(store, NOW), new)
    settings = Settings(seed_on_start=False, rate_limit_per_minute=0, tick_seconds=0)
    yield create_app(Runtime(settings=settings, store=store, clock=FakeClock(NOW)))
    store.close()


def browser(app: object, username: str, lang: str = "en") -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    client.__enter__()
    if lang == "km":
        client.get("/app/lang/km?next=/app/signin")
    r = client.post(
        "/app/signin",
        data={"csrf": csrf_of(client), "username": username, "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]
    return client


def post(client: TestClient, url: str, page: str, **form: object) -> object:
    return client.post(url, data={"csrf": csrf_of(client, page), **form}, follow_redirects=False)


def items_of(html: str) -> list[str]:
    found = re.findall(r'<li id="i-[^"]+" class="k-[a-z_]+" data-item="([^"]+)"', html)
    return [unescape(f) for f in found]


def version_of(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found
    return found.group(1)


def test_a_coordinator_runs_a_meeting_from_the_phone(app: object) -> None:
    coord = browser(app, "coord")
    listing = coord.get("/app/meetings")
    assert listing.status_code == 200 and 'data-area="1701"' in listing.text
    opened = post(coord, "/app/meetings", "/app/meetings", area_code="1701", held_on="2026-03-20")
    assert opened.status_code == 303  # type: ignore[attr-defined]
    url = opened.headers["location"].split("?")[0]  # type: ignore[attr-defined]
    page = coord.get(url).text
    found = items_of(page)
    assert found[:2] == ["overdue:ccwc-a", "overdue:hc-a"]

    def agenda(op: str, item: str = "", text: str = "") -> None:
        html = coord.get(url).text
        r = post(coord, f"{url}/agenda", url, op=op, item=item, text=text, version=version_of(html))
        assert r.status_code == 303, r.text[:300]  # type: ignore[attr-defined]

    agenda("down", found[0])
    agenda("drop", found[2])
    agenda("add", text="Welcome the new DoSVY social worker")
    now = coord.get(url).text
    shown = items_of(now)
    assert shown[:2] == [found[1], found[0]] and found[2] not in shown
    assert "Welcome the new DoSVY social worker" in now and 'id="dropped"' in now
    agenda("restore", found[2])
    assert found[2] in items_of(coord.get(url).text)

    # A mistake comes back next to its field, the form open on its item.
    bad = post(coord, f"{url}/actions", url, item_id=found[1], text="Call the CCWC",
               owner_provider_id="hc-a", due_on="2026-03-01")  # fmt: skip
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert field_error(bad.text, "due_on") == "A day on or after the meeting."  # type: ignore[attr-defined]
    good = post(coord, f"{url}/actions", url, item_id=found[1], text="Call the CCWC today",
                owner_provider_id="ccwc-a", due_on="2026-03-27")  # fmt: skip
    assert good.status_code == 303  # type: ignore[attr-defined]
    pathway = next(i for i in shown if i.startswith("pathway:ccwc-a>hc-a"))
    agreed = post(coord, f"{url}/actions", url, item_id=pathway, text="Agree first aid",
                  owner_provider_id="ccwc-a", due_on="2026-04-20", pathway="on")  # fmt: skip
    assert agreed.status_code == 303  # type: ignore[attr-defined]
    html = coord.get(url).text
    assert "Call the CCWC today" in html and "Agree first aid" in html
    r = post(coord, f"{url}/attendance", url, present=["ccwc-a", "hc-a"], version=version_of(html))
    assert r.status_code == 303  # type: ignore[attr-defined]
    closed = post(coord, f"{url}/close", url, version=version_of(coord.get(url).text))
    assert closed.status_code == 303  # type: ignore[attr-defined]
    final = coord.get(url).text
    assert 'id="close-meeting"' not in final and "✔" in final

    pack = coord.get(f"{url}/pack")
    assert pack.status_code == 200 and 'class="rg-pack"' in pack.text
    assert 'class="menu"' in pack.text and f'href="{url}"' in pack.text, "menu and a way back"
    table = coord.get(f"{url}/pack.csv")
    assert table.headers["content-type"].startswith("text/csv")
    assert "Call the CCWC today" in table.text

    other = browser(app, "coord19")
    assert other.get(url).status_code == 404
    assert other.get(f"{url}/pack").status_code == 404
    forbidden = post(
        other, "/app/meetings", "/app/meetings", area_code="1701", held_on="2026-03-20"
    )
    assert forbidden.status_code == 403  # type: ignore[attr-defined]

    # The CCWC reports its action done; the administrator confirms the pathway.
    ccwc = browser(app, "ccwc")
    mine = ccwc.get("/app/actions").text
    assert "Call the CCWC today" in mine and "Agree first aid" in mine
    action = re.search(r'data-action="([^"]+)">\s*<strong>Call the CCWC today', mine)
    assert action
    done = post(ccwc, f"/app/actions/{action.group(1)}/status", "/app/actions", status="done",
                next="/app/actions")  # fmt: skip
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert "Call the CCWC today" not in ccwc.get("/app/actions").text
    dropped = post(ccwc, f"/app/actions/{action.group(1)}/status", "/app/actions",
                   status="dropped", reason="x", next="/app/actions")  # fmt: skip
    assert dropped.status_code == 403  # type: ignore[attr-defined]
    admin = browser(app, "admin")
    waiting = admin.get("/app/actions").text
    target = re.search(r'action="/app/actions/([^"]+)/confirm"', waiting)
    assert target
    confirmed = post(admin, f"/app/actions/{target.group(1)}/confirm", "/app/actions")
    assert confirmed.headers["location"].endswith("done=confirmed")  # type: ignore[attr-defined]


def test_the_meeting_pages_speak_khmer(app: object) -> None:
    coord = browser(app, "coord", "km")
    page = coord.get("/app/meetings").text
    assert '<html lang="km">' in page and "កិច្ចប្រជុំបណ្ដាញ" in page
    opened = post(coord, "/app/meetings", "/app/meetings", area_code="1702", held_on="2026-03-20")
    url = opened.headers["location"].split("?")[0]  # type: ignore[attr-defined]
    html = coord.get(url).text
    main = html.split('<main id="main"', 1)[1]
    assert "របៀបវារៈ" in main and KHMER.search(main)
    assert "កុមារកំពុងរង់ចាំ" in main, "a child left waiting in Angkor Thum"
    pack = coord.get(f"{url}/pack").text
    assert "របៀបវារៈ" in pack and "ត្រឡប់ក្រោយ" in pack
    report = coord.get("/app/report?area=17&month=2026-03").text
    assert 'class="rg-report"' in report and "ត្រឡប់ក្រោយ" in report and 'class="menu"' in report

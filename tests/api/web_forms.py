"""Helpers for testing the web app's forms in process (no browser)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from referral_graph.bootstrap import Runtime
from referral_graph.services import capacity_building
from tests.e2e.test_web_pages import KHMER, csrf_of


def programme_today(runtime: Runtime) -> date:
    """The programme's calendar day as the server counts it."""
    return capacity_building.local_today(runtime.now(), runtime.settings.timezone)


def post_form(client: TestClient, path: str, form: Mapping[str, object], page: str) -> Any:
    """Post ``form`` with the CSRF token of ``page``; redirects are not followed."""
    data = {"csrf": csrf_of(client, page), **form}
    return client.post(path, data=data, follow_redirects=False)


def field_error(html: str, field: str) -> str:
    """The message shown next to ``field`` (its input is marked invalid and points at it)."""
    assert f'aria-describedby="{field}-error' in html, field
    found = re.search(rf'<p class="field-error" id="{re.escape(field)}-error">([^<]+)</p>', html)
    assert found, field
    return found.group(1)


def assert_in_khmer(client: TestClient, path: str, khmer: str) -> None:
    """The page shows ``khmer`` only once the language is switched, and its main part
    then reads in Khmer."""
    english = client.get(path)
    assert english.status_code == 200
    assert khmer not in english.text
    client.get(f"/app/lang/km?next={path}")
    r = client.get(path)
    assert r.status_code == 200
    assert '<html lang="km">' in r.text
    assert khmer in r.text
    main = r.text.split('<main id="main"', 1)[1]
    assert KHMER.search(main)


def assert_needs_session(client: TestClient, path: str) -> None:
    """Without a session the page sends to the sign-in page, and back to it after."""
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/app/signin?next={path}"

"""What browser tests check pages against: the running server's JSON API, and numbers
as the pages print them (Khmer digits included)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.conftest import PASSWORD

ASCII_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


def number(text: str) -> int:
    """A count as a page shows it, in Khmer or Latin digits."""
    return int(text.strip().translate(ASCII_DIGITS))


class Api:
    """The JSON API of the same server, signed in as one account: what the pages are
    checked against."""

    def __init__(self, server: str, username: str) -> None:
        r = httpx.post(
            f"{server}/api/v1/auth/token", data={"username": username, "password": PASSWORD}
        )
        r.raise_for_status()
        self.server = server
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def get(self, path: str, **params: str) -> Any:
        r = httpx.get(f"{self.server}{path}", params=params, headers=self.headers)
        r.raise_for_status()
        return r.json()

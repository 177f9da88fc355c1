"""Browser tests: a real server in a subprocess, Debian's Chromium driven by Playwright.

Tests marked ``e2e`` skip, saying why, when Playwright or Chromium is missing; with
``REQUIRE_BROWSER=1`` they fail instead. Install what they need with
``pip install 'playwright>=1.40,<2'`` and ``apt-get install -y chromium fonts-khmeros``
(never ``playwright install``: Chromium comes from Debian).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response, ViewportSize

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE: ViewportSize = {"width": 360, "height": 780}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "e2e-password-1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "e2e: drives Debian's Chromium with Playwright against a real server; skips when "
        "either is missing, fails instead with REQUIRE_BROWSER=1",
    )


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install 'playwright>=1.40,<2'"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: apt-get install -y chromium fonts-khmeros"
    return None


@pytest.fixture(scope="session")
def browser_ready() -> None:
    reason = _missing()
    if reason is None:
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API with the web app mounted, served by uvicorn on a free local port."""
    data = tmp_path_factory.mktemp("e2e-server")
    port = _free_port()
    log = (data / "server.log").open("w")
    env = {**os.environ, "E2E_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "tests.e2e.server_app:make_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: {(data / 'server.log').read_text()}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /health within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser(browser_ready: None) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Phone:
    """One person's browser at 360 px, recording console errors as it goes."""

    page: Page
    base: str
    lang: str
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Response | None:
        return self.page.goto(self.base + path)

    def choose_language(self) -> None:
        self.page.click(f'nav.langs a[hreflang="{self.lang}"]')
        assert self.page.get_attribute("html", "lang") == self.lang

    def sign_in(self, username: str) -> None:
        self.goto("/app/signin")
        if self.page.get_attribute("html", "lang") != self.lang:
            self.choose_language()
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.click("form.card button[type=submit]")
        self.page.wait_for_load_state()
        assert "/signin" not in self.page.url, self.page.content()[:2000]

    def sign_out(self) -> None:
        self.page.click("form.signout button")
        self.page.wait_for_url("**/app/signin?out=1")

    def fits(self) -> None:
        """No horizontal scroll at 360 px."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{self.page.url} is {width} px wide"

    def axe(self) -> list[dict[str, Any]]:
        """Serious and critical accessibility violations (axe-core)."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the pages' Content-Security-Policy
            # refuses an injected inline <script> (add_script_tag), as it should.
            self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
        found: list[dict[str, Any]] = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
            }"""
        )
        return [v for v in found if v["impact"] in ("serious", "critical")]

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.lang}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check(self, name: str) -> Path:
        """The page fits a phone, has no serious accessibility problem; screenshot."""
        self.fits()
        bad = self.axe()
        assert not bad, json.dumps(bad, indent=1, ensure_ascii=False)
        return self.shot(name)


@pytest.fixture
def phones(browser: Browser, server: str) -> Iterator[Callable[..., Phone]]:
    """Open a fresh phone (its own cookies and cache); console errors fail the test."""
    opened: list[Phone] = []

    def open_phone(lang: str = "en", *, javascript: bool = True) -> Phone:
        context = browser.new_context(
            viewport=PHONE,
            device_scale_factor=2,
            java_script_enabled=javascript,
            locale="km-KH" if lang == "km" else "en-GB",
        )
        page = context.new_page()
        phone = Phone(page, server, lang)
        page.on(
            "console",
            lambda msg: phone.errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: phone.errors.append(str(exc)))
        opened.append(phone)
        return phone

    yield open_phone
    errors = [e for p in opened for e in p.errors]
    for p in opened:
        p.page.context.close()
    assert not errors, f"console errors: {errors}"


#: The pages (and language) whose first screen docs/screenshots keeps.
DOCS_SCREENSHOTS = {
    ("signin", "km"),
    ("ccwc-open-case", "en"),
    ("case-recommendations", "km"),
    ("case-path", "en"),
    ("inbox", "en"),
    ("inbox", "km"),
    ("dashboard", "en"),
    ("coordinator-path", "km"),
    ("network", "en"),
    ("coverage", "km"),
    ("admin-provider", "en"),
    ("queue-ccwc", "km"),
}


def save_for_docs(phone: Phone, name: str, at: str | None = None) -> None:
    """With UPDATE_DOCS_SCREENSHOTS=1, the first screen of a few pages goes to
    docs/screenshots (kept in the repository; an ordinary run leaves it alone)."""
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") != "1":
        return
    if (name, phone.lang) not in DOCS_SCREENSHOTS:
        return
    target = ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    if at is not None:
        phone.page.eval_on_selector(at, "e => e.scrollIntoView()")
    phone.page.screenshot(path=str(target / f"{name}-{phone.lang}.png"))

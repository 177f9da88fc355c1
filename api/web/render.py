"""Rendering pages: one autoescaping Jinja2 environment and the helpers templates use."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.web import i18n
from api.web.i18n import Lang
from api.web.session import base_of, csrf_token, lang_of, runtime_of
from referral_graph.bootstrap import Runtime
from referral_graph.domain.models import Provider
from referral_graph.security.alert_share import ALERT_ROLES
from referral_graph.security.model import Principal
from referral_graph.services.alerts import unseen_count
from referral_graph.services.caller import Caller

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent.parent / "static"
ASSETS = (
    "web/app.css",
    "web/capacity.css",
    "web/trainings.css",
    "vendor/htmx/htmx.min.js",
    "web/network.css",
    "web/network.js",
    "web/pictures.css",
    "web/offline-boot.js",
    "web/offline.js",
    "web/meetings.css",
    "web/report-page.css",
)


def provider_name(provider: Provider | None, lang: str, fallback: str = "") -> str:
    """A provider's name in the page language (``fallback`` when there is none)."""
    if provider is None:
        return fallback
    return (provider.name_km or provider.name) if lang == "km" else provider.name


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["capfirst"] = capfirst
    return env


@cache
def asset_version() -> str:
    """A short hash of the served assets, appended to their URLs so a new release is
    fetched while an unchanged one stays cached."""
    digest = hashlib.sha256()
    for name in ASSETS:
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class Tr:
    """The page language, bound: ``tr.t('key')``, ``tr.label('service', code)`` …"""

    lang: Lang
    tz: str

    @property
    def colon(self) -> str:
        """': ' in English, '៖ ' in Khmer."""
        return "៖ " if self.lang == "km" else ": "

    def t(self, key: str, **values: object) -> str:
        return i18n.t(key, self.lang, **values)

    def label(self, table: str, code: object) -> str:
        return i18n.label(table, str(code), self.lang)

    def when(self, moment: datetime | None) -> str:
        return "" if moment is None else i18n.when(moment, self.lang, self.tz)

    def day(self, value: date | None) -> str:
        """A calendar day: '26 Nov 2026' / '២៦ វិច្ឆិកា ២០២៦'."""
        return i18n.day_text(value, self.lang)

    def dur(self, seconds: float | None) -> str:
        return "" if seconds is None else i18n.duration(seconds, self.lang)

    def num(self, value: object) -> str:
        return i18n.num(value, self.lang)

    def pct(self, share: float | None) -> str:
        if share is None:
            return "–"
        return i18n.num(round(share * 100), self.lang) + "%"

    def name(self, provider: Provider | None, fallback: str = "") -> str:
        return provider_name(provider, self.lang, fallback)


def _alert_count(runtime: Runtime, principal: Principal | None) -> int | None:
    """How many alerts the signed-in person has not marked seen (the menu shows it);
    None for a role that has no alerts (or no one signed in)."""
    if principal is None or principal.role not in ALERT_ROLES:
        return None
    return unseen_count(Caller(principal, runtime.store, runtime.now()))


def page(
    request: Request,
    template: str,
    *,
    principal: Principal | None = None,
    status: int = 200,
    title: str = "",
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with the frame's context (language, CSRF token, base path)."""
    runtime = runtime_of(request)
    lang = lang_of(request)
    tr = Tr(lang, runtime.settings.timezone)
    base = base_of(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    html = (
        environment()
        .get_template(template)
        .render(
            tr=tr,
            lang=lang,
            base=base,
            here=here,
            csrf=csrf_token(request),
            principal=principal,
            alert_count=_alert_count(runtime, principal),
            version=asset_version(),
            title=title,
            sample_data=runtime.sample_data.present(),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)

"""Offline first for field steps (issue 23 item 1): the service worker, the web app
manifest, and the answers the phone's offline queue reads.

A provider in a village without signal opens its inbox, queue and case pages from the
copies the service worker (``api/static/web/sw.js``) kept, and taps its steps anyway;
``api/static/web/offline.js`` keeps each one in IndexedDB with an ``Idempotency-Key``
and the time of the tap, and posts it to the same form route when the connection
returns, with the header :data:`QUEUE_HEADER`. Those routes then answer in JSON
(:func:`answer`) instead of a redirect, so the phone can say what happened to each
item: sent (a repeat is replayed, not taken twice), refused with the reason, or a
conflict naming who moved the referral first.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from api.web.i18n import label, t, when
from api.web.render import STATIC
from api.web.session import Web, base_of, lang_of
from referral_graph.domain.errors import InvalidInput, ReferralGraphError
from referral_graph.services import referrals

router = APIRouter()

#: Sent by ``offline.js`` with each queued step it replays: answer in JSON.
QUEUE_HEADER = "x-offline-queue"

#: How long a page copy or a queued step stays on the phone (the service worker and
#: offline.js use the same figure; the API accepts a step at most 7 days back).
MAX_AGE_DAYS = 7


def queued(ctx: Web) -> bool:
    """Whether this POST comes from the phone's offline queue (answer in JSON)."""
    return ctx.request.headers.get(QUEUE_HEADER) == "1"


def tap_time(text: str) -> datetime | None:
    """The moment of the tap the queue sends (ISO 8601 with its offset); None when the
    step was taken online (no field)."""
    if not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("Send an ISO 8601 time with its offset.", field="occurred_at") from None
    if moment.tzinfo is None:
        raise InvalidInput("occurred_at needs a UTC offset.", field="occurred_at")
    return moment


def answer(
    ctx: Web,
    *,
    done: bool,
    err: str | None,
    replayed: bool = False,
    referral_id: str | None = None,
) -> JSONResponse:
    """What the queue shows for one item: ``sent`` (200), ``conflict`` (409, with who
    moved the referral first) or ``refused`` (422, with the reason), in the page's
    language."""
    if done:
        return JSONResponse({"state": "sent", "replayed": replayed})
    if err == "err_conflict" and referral_id is not None:
        return JSONResponse(
            {"state": "conflict", "message": conflict_text(ctx, referral_id)}, status_code=409
        )
    return JSONResponse({"state": "refused", "message": t(err or "err_invalid", ctx.lang)}, 422)


def conflict_text(ctx: Web, referral_id: str) -> str:
    """'Not recorded: someone moved this referral first. Accepted by …, 26 Nov 10:02.'"""
    try:
        found = referrals.get_referral(ctx.reader, referral_id)
    except ReferralGraphError:
        return t("err_conflict", ctx.lang)
    if not found.events:
        return t("err_conflict", ctx.lang)
    last = found.events[-1]
    tz = ctx.runtime.settings.timezone
    return t(
        "offline_conflict",
        ctx.lang,
        step=label("step", last.to_status.value, ctx.lang),
        by=last.actor,
        when=when(last.occurred_at or last.at, ctx.lang, tz),
    )


@router.get("/sw.js", include_in_schema=False)
def service_worker(request: Request) -> Response:
    """The service worker, from the app's own scope (``/app/``): it may keep pages of
    the web app only. ``no-cache``: the browser checks for a new one on each visit."""
    return FileResponse(
        STATIC / "web" / "sw.js",
        media_type="text/javascript",
        headers={
            "Service-Worker-Allowed": base_of(request) + "/",
            "Cache-Control": "no-cache",
        },
    )


@router.get("/manifest.webmanifest", include_in_schema=False)
def manifest(request: Request) -> JSONResponse:
    """The web app manifest: the app can be put on a phone's home screen and opens at
    the signed-in person's first page."""
    base, lang = base_of(request), lang_of(request)
    return JSONResponse(
        {
            "name": t("app_name", lang),
            "short_name": t("app_name", lang),
            "lang": lang,
            "start_url": base + "/",
            "scope": base + "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1d4e89",
            "icons": [
                {"src": base + "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml"}
            ],
        },
        media_type="application/manifest+json",
    )

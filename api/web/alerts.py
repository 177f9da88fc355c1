"""Alerts in the web app: the caller's share of reminders and escalations (marked seen
with one tap), and the page where a person chooses how else they are told (an
administrator: for anyone).

Each page stands for its API route (``Web.allow``) and goes through the same use cases
(``services.alerts``). The menu's count comes from :func:`menu_count`; the inbox shows a
banner of the same unseen alerts.
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import ValidationError

from api.web.auth import redirect, safe_next
from api.web.forms import field_errors
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.alerting import Channel, NotificationSettings
from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.queries import Page
from referral_graph.services import accounts, alerts
from referral_graph.services.alerts import AlertFilters, AlertPage

router = APIRouter()

#: Alerts a page shows (newest first).
ALERTS_PAGE = 50

_SETTING_FIELDS = {
    "channels": "channels",
    "email": "email",
    "phone": "phone",
    "telegram_chat_id": "telegram_chat_id",
    "language": "language",
    "quiet_hours": "quiet_from",
    "starts": "quiet_from",
    "ends": "quiet_to",
}


def item_views(found: AlertPage) -> list[dict[str, Any]]:
    """What each alert shows: the alert, its case code, the two ends' providers and
    those suggested for an emergency."""
    return [
        {
            "alert": i.alert,
            "case_code": i.case_code,
            "receiver": found.providers.get(i.alert.provider_id),
            "sender": found.providers.get(i.sender_id or ""),
            "seen_at": i.seen_at,
            "seen_by": [s.username for s in i.seen_by],
            "suggested": [found.providers.get(p) for p in i.alert.suggestions],
        }
        for i in found.items
    ]


@router.get("/alerts", include_in_schema=False)
def alerts_page(ctx: WebDep, unseen: bool = False, done: str = "") -> Response:
    ctx.allow("GET", "/api/v1/alerts")
    found = alerts.alerts(ctx.reader, AlertFilters(unseen=unseen), Page(limit=ALERTS_PAGE))
    return page(
        ctx.request,
        "alerts.html",
        principal=ctx.principal,
        title="alerts_title",
        items=item_views(found),
        count=found.count,
        unseen=unseen,
        done=done == "seen",
    )


@router.post("/alerts/{alert_id}/seen", include_in_schema=False, dependencies=[Depends(check_csrf)])
def mark_seen(ctx: WebDep, alert_id: str, next: Annotated[str, Form()] = "") -> Response:
    ctx.allow("POST", "/api/v1/alerts/{alert_id}/seen")
    alerts.mark_seen(ctx.caller("/app/alerts/{alert_id}/seen", {"alert_id": alert_id}), alert_id)
    target = safe_next(ctx.request, next) or f"{ctx.base}/alerts"
    joiner = "&" if "?" in target else "?"
    return redirect(f"{target}{joiner}{urlencode({'done': 'seen'})}")


def _settings_page(
    ctx: Web,
    settings: NotificationSettings | dict[str, Any],
    errors: dict[str, str],
    *,
    action: str,
    name: str | None = None,
    status: int = 200,
    done: bool = False,
) -> Response:
    form = (
        settings.model_dump(mode="json") if isinstance(settings, NotificationSettings) else settings
    )
    quiet = form.get("quiet_hours") or {}
    return page(
        ctx.request,
        "notification_settings.html",
        principal=ctx.principal,
        status=status,
        title="nav_notifications",
        form=form,
        quiet_from=str(quiet.get("starts") or form.get("quiet_from") or "")[:5],
        quiet_to=str(quiet.get("ends") or form.get("quiet_to") or "")[:5],
        errors=errors,
        channels=[c.value for c in Channel],
        configured={c.value for c in ctx.runtime.senders},
        hours=ctx.runtime.settings.notify_working_hours,
        action=action,
        name=name,
        done=done,
    )


def _read(
    channels: list[str], email: str, phone: str, chat: str, language: str, start: str, end: str
) -> tuple[NotificationSettings | None, dict[str, Any], dict[str, str]]:
    """The posted form as settings, or what was typed and its mistakes."""
    typed: dict[str, Any] = {
        "channels": channels,
        "email": email.strip() or None,
        "phone": phone.strip().replace(" ", "") or None,
        "telegram_chat_id": chat.strip() or None,
        "language": language,
        "quiet_from": start,
        "quiet_to": end,
    }
    data = {k: v for k, v in typed.items() if k not in ("quiet_from", "quiet_to")}
    errors: dict[str, str] = {}
    if start or end:
        try:
            data["quiet_hours"] = {
                "starts": time.fromisoformat(start),
                "ends": time.fromisoformat(end),
            }
        except ValueError:
            errors["quiet_from" if not start else "quiet_to"] = "err_invalid"
    if errors:
        return None, typed, errors
    try:
        return NotificationSettings.model_validate(data), typed, {}
    except ValidationError as exc:
        return None, typed, field_errors(exc, _SETTING_FIELDS, "channels")


def _save(
    ctx: Web,
    user_id: str | None,
    posted: tuple[NotificationSettings | None, dict[str, Any], dict[str, str]],
    *,
    action: str,
    name: str | None = None,
    record_path: str,
) -> Response:
    settings, typed, errors = posted
    if settings is not None:
        params = {} if user_id is None else {"user_id": user_id}
        try:
            alerts.change_notification_settings(ctx.caller(record_path, params), settings, user_id)
        except InvalidInput as exc:
            errors = {exc.field or "channels": "err_address_needed"}
        else:
            return redirect(f"{action}?done=saved")
    return _settings_page(ctx, typed, errors, action=action, name=name, status=422)


Channels = Annotated[list[str] | None, Form()]
Text = Annotated[str, Form()]


@router.get("/settings/notifications", include_in_schema=False)
def my_settings(ctx: WebDep, done: str = "") -> Response:
    ctx.allow("GET", "/api/v1/me/notification-settings")
    settings = alerts.notification_settings(ctx.reader)
    action = f"{ctx.base}/settings/notifications"
    return _settings_page(ctx, settings, {}, action=action, done=done == "saved")


@router.post("/settings/notifications", include_in_schema=False, dependencies=[Depends(check_csrf)])
def save_my_settings(
    ctx: WebDep,
    channels: Channels = None,
    email: Text = "",
    phone: Text = "",
    telegram_chat_id: Text = "",
    language: Text = "km",
    quiet_from: Text = "",
    quiet_to: Text = "",
) -> Response:
    ctx.allow("PUT", "/api/v1/me/notification-settings")
    posted = _read(channels or [], email, phone, telegram_chat_id, language, quiet_from, quiet_to)
    action = f"{ctx.base}/settings/notifications"
    return _save(ctx, None, posted, action=action, record_path="/app/settings/notifications")


@router.get("/admin/users/{user_id}/notifications", include_in_schema=False)
def user_settings(ctx: WebDep, user_id: str, done: str = "") -> Response:
    ctx.allow("GET", "/api/v1/users/{user_id}/notification-settings")
    user = accounts.get_user(ctx.reader, user_id)
    action = f"{ctx.base}/admin/users/{user_id}/notifications"
    return _settings_page(
        ctx, user.notifications, {}, action=action, name=user.username, done=done == "saved"
    )


@router.post(
    "/admin/users/{user_id}/notifications",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def save_user_settings(
    ctx: WebDep,
    user_id: str,
    channels: Channels = None,
    email: Text = "",
    phone: Text = "",
    telegram_chat_id: Text = "",
    language: Text = "km",
    quiet_from: Text = "",
    quiet_to: Text = "",
) -> Response:
    ctx.allow("PUT", "/api/v1/users/{user_id}/notification-settings")
    user = accounts.get_user(ctx.reader, user_id)
    posted = _read(channels or [], email, phone, telegram_chat_id, language, quiet_from, quiet_to)
    return _save(
        ctx,
        user_id,
        posted,
        action=f"{ctx.base}/admin/users/{user_id}/notifications",
        name=user.username,
        record_path="/app/admin/users/{user_id}/notifications",
    )

"""Messages to phones through HTTP gateways.

**SMS: RapidPro's broadcast API** (also TextIt's, and any gateway that speaks it):
``POST {url}/api/v2/broadcasts.json`` with ``Authorization: Token {token}`` and
``{"urns": ["tel:+855…"], "text": "…"}``; it answers 201. RapidPro then sends the SMS
through whatever channel (a local SMS aggregator, an Android relay) the organisation
set up.

**Telegram: the Bot API**: ``POST {url}/bot{token}/sendMessage`` with
``{"chat_id": "…", "text": "…"}``; it answers ``{"ok": true, …}``. A person starts a
chat with the network's bot and gives their chat id in their settings.

A refused request (HTTP 400, 404; Telegram 403 when the person blocked the bot) is
permanent; a wrong token (401), rate limiting (429) and server or network errors are
retried. Errors never name the token (Telegram carries it in the URL).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from referral_graph.domain.alerting import Channel
from referral_graph.notify.port import DeliveryFailed, Notice, NoticeSender

PERMANENT = frozenset({400, 403, 404})


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    url: str
    token: str
    timeout: float = 10.0


def _post(url: str, body: dict[str, object], headers: dict[str, str], timeout: float) -> int:
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"gateway unreachable: {type(exc).__name__}") from exc
    return response.status_code


def _judge(status: int, what: str, permanent: frozenset[int] = PERMANENT) -> None:
    if 200 <= status < 300:
        return
    raise DeliveryFailed(f"{what}: HTTP {status}", permanent=status in permanent)


class RapidProSms(NoticeSender):
    """SMS through RapidPro's ``broadcasts.json``."""

    channel = Channel.SMS

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config

    def send(self, notice: Notice) -> None:
        c = self.config
        url = f"{c.url.rstrip('/')}/api/v2/broadcasts.json"
        body: dict[str, object] = {"urns": [f"tel:{notice.to}"], "text": notice.one_text}
        headers = {"Authorization": f"Token {c.token}"}
        _judge(_post(url, body, headers, c.timeout), "SMS gateway")


class TelegramBot(NoticeSender):
    """Telegram through the Bot API's ``sendMessage``."""

    channel = Channel.TELEGRAM

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config

    def send(self, notice: Notice) -> None:
        c = self.config
        url = f"{c.url.rstrip('/')}/bot{c.token}/sendMessage"
        body: dict[str, object] = {
            "chat_id": notice.to,
            "text": notice.one_text,
            "disable_web_page_preview": True,
        }
        _judge(_post(url, body, {}, c.timeout), "Telegram")

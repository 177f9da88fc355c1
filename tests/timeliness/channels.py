"""Real servers the channel tests start on loopback: an SMTP server (aiosmtpd) that
keeps every mail and refuses addresses containing "refused", and an HTTP server that
plays the SMS gateway (RapidPro's broadcast API) and the Telegram Bot API."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

SMTP_USER, SMTP_PASSWORD = "alerts", "mail-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MailBox:
    """The SMTP server's handler: refuses some recipients, keeps every message."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.logins: list[str] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if "refused" in address:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        mail = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append(mail)
        return "250 Message accepted"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            SMTP_USER.encode(),
            SMTP_PASSWORD.encode(),
        )
        if ok:
            self.logins.append(SMTP_USER)
        return AuthResult(success=ok)


class SmtpServer:
    def __init__(self) -> None:
        self.box = MailBox()
        self.port = free_port()
        self.controller = Controller(
            self.box,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self.box.authenticate,
            auth_require_tls=False,  # loopback only; production uses STARTTLS or SSL
        )
        self.controller.start()

    @property
    def mails(self) -> list[EmailMessage]:
        return self.box.mails

    def close(self) -> None:
        self.controller.stop()


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Gateway:
    """One loopback HTTP server answering RapidPro's ``/api/v2/broadcasts.json`` (201)
    and the Bot API's ``/bot<token>/sendMessage`` (``{"ok": true}``), or ``status``."""

    requests: list[Request] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)  # "sms" | "telegram" → status

    def __post_init__(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append(Request(self.path, dict(self.headers), body))
                kind = "sms" if self.path.endswith("/broadcasts.json") else "telegram"
                status = gateway.status.get(kind, 201 if kind == "sms" else 200)
                answer = (
                    {"id": len(gateway.requests), "status": "queued"}
                    if kind == "sms"
                    else {"ok": 200 <= status < 300, "result": {"message_id": 1}}
                )
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def sent(self, kind: str) -> list[Request]:
        suffix = "/broadcasts.json" if kind == "sms" else "/sendMessage"
        return [r for r in self.requests if r.path.endswith(suffix)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

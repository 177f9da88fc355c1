"""E-mail over SMTP with the standard library: STARTTLS (port 587), implicit TLS
(port 465) or, on a trusted local relay only, plain SMTP; a login when a user name is
configured. Plain-text UTF-8 mail, so Khmer reads in any mail program."""

from __future__ import annotations

import email.policy
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal

from referral_graph.domain.alerting import Channel
from referral_graph.notify.port import DeliveryFailed, Notice, NoticeSender

Security = Literal["starttls", "ssl", "none"]

#: Python folds a long non-ASCII subject into several encoded words with the space
#: between two Khmer words *outside* them, where RFC 2047 readers drop it ("៖ ករណី"
#: arrives as "៖ករណី"). Headers up to RFC 5322's hard limit stay in one encoded word.
UNFOLDED = email.policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # the From address
    security: Security = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    tls_context: ssl.SSLContext | None = None  # tests trust their own certificate


class SmtpSender(NoticeSender):
    channel = Channel.EMAIL

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def message(self, notice: Notice) -> EmailMessage:
        msg = EmailMessage(policy=UNFOLDED)
        msg["From"] = self.config.sender
        msg["To"] = notice.to
        msg["Subject"] = notice.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=self.config.sender.rpartition("@")[2] or None)
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
        msg.set_content(notice.text)
        return msg

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        context = c.tls_context or ssl.create_default_context()
        if c.security == "ssl":
            return smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=context)
        client = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
        if c.security == "starttls":
            client.starttls(context=context)
        return client

    def send(self, notice: Notice) -> None:
        c = self.config
        try:
            with self._connect() as client:
                if c.username:
                    client.login(c.username, c.password or "")
                client.send_message(self.message(notice))
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed("the mail server refused the address", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx is the server's final answer for this message; 4xx may pass later
            permanent = 500 <= exc.smtp_code < 600 and exc.smtp_code not in (530, 535)
            raise DeliveryFailed(f"SMTP {exc.smtp_code}", permanent=permanent) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"SMTP: {type(exc).__name__}") from exc

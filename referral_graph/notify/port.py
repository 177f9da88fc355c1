"""One notification port for every channel beyond webhooks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from referral_graph.domain.alerting import Channel


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to one person on one channel: never a child's details (the case
    code, what happened, what to do and a link, nothing else)."""

    channel: Channel
    to: str  # e-mail address, E.164 phone number or Telegram chat id
    subject: str
    text: str

    @property
    def one_text(self) -> str:
        """Subject and text as one message, for channels without a subject."""
        return f"{self.subject}\n\n{self.text}"


class DeliveryFailed(Exception):
    """A channel could not send a notice. ``permanent``: retrying cannot help (the
    address was refused), so the message goes to the dead letters at once; otherwise
    the outbox retries it with backoff."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class NoticeSender(ABC):
    """A configured channel."""

    channel: Channel

    @abstractmethod
    def send(self, notice: Notice) -> None:
        """Send ``notice`` now, or raise :class:`DeliveryFailed`."""

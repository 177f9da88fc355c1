"""Records a store keeps beside the domain's models: what routing learns of a
provider's activity, gaps found while routing, outbox messages, audit facts of a hop
and the first answer to an idempotent request; and the files a store reads at once for
a write (a referral or a case with what deciding on it needs)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from referral_graph.domain.models import Case, Provider, Referral, ReferralEvent
from referral_graph.domain.vocabulary import Service


@dataclass(frozen=True, slots=True)
class ProviderActivity:
    """What the referral history says of one provider (routing uses it)."""

    open_referrals: int = 0
    acknowledge_seconds: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceGap:
    """A service a case needed that nothing reached in person where the child lives."""

    id: str
    case_id: str
    service: Service
    village_code: str
    reachable_by: tuple[str, ...]
    at: datetime


#: Topics of outbox messages to people (e-mail, SMS, Telegram), not to webhooks.
NOTICE_TOPIC_PREFIX = "notice."


@dataclass(slots=True)
class OutboxMessage:
    """An event waiting to be delivered to the configured webhooks."""

    id: str
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    state: str = "pending"  # pending | delivered | dead
    attempts: int = 0
    next_attempt_at: datetime | None = None
    delivered_to: tuple[str, ...] = ()
    last_error: str | None = None

    def to_json(self) -> str:
        """The message as stores keep it (times in ISO-8601)."""

        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat(timespec="microseconds")

        return json.dumps(
            {
                "id": self.id,
                "topic": self.topic,
                "payload": self.payload,
                "created_at": iso(self.created_at),
                "state": self.state,
                "attempts": self.attempts,
                "next_attempt_at": iso(self.next_attempt_at),
                "delivered_to": list(self.delivered_to),
                "last_error": self.last_error,
            }
        )

    @classmethod
    def from_json(cls, doc: str) -> OutboxMessage:
        d = json.loads(doc)
        due = d["next_attempt_at"]
        return cls(
            id=d["id"],
            topic=d["topic"],
            payload=d["payload"],
            created_at=datetime.fromisoformat(d["created_at"]),
            state=d["state"],
            attempts=d["attempts"],
            next_attempt_at=None if due is None else datetime.fromisoformat(due),
            delivered_to=tuple(d["delivered_to"]),
            last_error=d["last_error"],
        )


@dataclass(frozen=True, slots=True)
class HopFact:
    """One referral as the audit sees it: who, what, and when each step happened, and
    the groups its child is counted in.

    Pseudonymous by construction: no free text at all (a decline, failure or
    cancellation is known by its code only), no case fields but the village code, when
    the case was opened and closed, and the groups reports disaggregate by (gender, age,
    whether an LGBTIQ-affirming provider was asked for, source of identification).
    """

    id: str
    case_id: str
    from_provider_id: str
    to_provider_id: str
    continues_referral_id: str | None
    service: str
    risk: str
    status: str
    hop: int
    village_code: str
    case_opened_at: datetime
    created_at: datetime
    received_at: datetime | None
    accepted_at: datetime | None
    rejected_at: datetime | None
    in_progress_at: datetime | None
    closed_at: datetime | None
    acknowledge_due: datetime | None
    decide_due: datetime | None
    first_contact_due: datetime | None
    #: The coded reason of a decline, failure or cancellation ("other" for one recorded
    #: before reasons were coded).
    status_reason_code: str | None
    recommendation_rank: int | None
    case_gender: str | None = None
    case_age: int | None = None
    case_lgbtiq: bool = False
    #: How the child came to notice (the case's ``identification_source``; None: the
    #: CCWC registered the child itself).
    identification_source: str | None = None
    #: The statuses of the steps someone else recorded for the receiver (relayed).
    relayed_steps: tuple[str, ...] = ()
    #: When the case itself was closed (its own status, not its referrals'), if it is.
    case_closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReferralFile:
    """A referral with what a step on it needs, read at once (one statement on a store
    across the network): its case (``None`` if gone), the providers at both ends and its
    events, oldest first."""

    referral: Referral
    case: Case | None
    providers: dict[str, Provider]
    events: list[ReferralEvent]


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A case with its referrals in path order and the providers they name (the opener,
    both ends of each referral, and any others asked for), read at once."""

    case: Case
    referrals: list[Referral]
    #: Empty when the read did not ask for them: the work queue reads many files and
    #: then the providers of all of them at once.
    providers: dict[str, Provider] = field(default_factory=dict)

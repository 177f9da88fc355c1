"""The referral lifecycle: the one place that says which status may follow which.

Statuses follow FHIR R4 ``Task.status`` one to one (``in_progress`` is ``in-progress``,
``on_hold`` is ``on-hold``) so that the FHIR export is a renaming, not a mapping::

    requested ──► received ──► accepted ──► in_progress ◄──► on_hold
        │             │            │             │              │
        │             └► rejected  │             ├► completed   │
        │                          └► failed ◄───┴──────────────┘
        └──────── cancelled (by the sender or a coordinator, before completion)

``rejected``, ``failed`` and ``cancelled`` need a reason (a code from
``referral_graph.domain.reasons``, or free text recorded as "other"); ``completed``
needs an outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from referral_graph.domain.errors import IllegalTransition, InvalidInput


class ReferralStatus(StrEnum):
    REQUESTED = "requested"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def fhir_code(self) -> str:
        """The FHIR R4 Task.status code."""
        return self.value.replace("_", "-")

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATUSES


class Party(StrEnum):
    """Who in a handoff may take a step."""

    SENDER = "sender"
    RECEIVER = "receiver"
    COORDINATOR = "coordinator"
    OBSERVER = "observer"  # sees the handoff (e.g. a supervisor) but takes no step


S = ReferralStatus

#: status → the statuses it may move to next.
TRANSITIONS: dict[ReferralStatus, tuple[ReferralStatus, ...]] = {
    S.REQUESTED: (S.RECEIVED, S.CANCELLED),
    S.RECEIVED: (S.ACCEPTED, S.REJECTED, S.CANCELLED),
    S.ACCEPTED: (S.IN_PROGRESS, S.FAILED, S.CANCELLED),
    S.IN_PROGRESS: (S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED),
    S.ON_HOLD: (S.IN_PROGRESS, S.FAILED, S.CANCELLED),
    S.REJECTED: (),
    S.COMPLETED: (),
    S.FAILED: (),
    S.CANCELLED: (),
}

CLOSED_STATUSES = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)

#: Statuses in which the receiving provider holds the case and may refer it onward.
HOLDING_STATUSES = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED})

#: Who may move a referral *into* each status.
PARTIES: dict[ReferralStatus, frozenset[Party]] = {
    S.RECEIVED: frozenset({Party.RECEIVER}),
    S.ACCEPTED: frozenset({Party.RECEIVER}),
    S.REJECTED: frozenset({Party.RECEIVER}),
    S.IN_PROGRESS: frozenset({Party.RECEIVER}),
    S.ON_HOLD: frozenset({Party.RECEIVER}),
    S.COMPLETED: frozenset({Party.RECEIVER}),
    S.FAILED: frozenset({Party.RECEIVER}),
    S.CANCELLED: frozenset({Party.SENDER, Party.COORDINATOR}),
}

REASON_REQUIRED = frozenset({S.REJECTED, S.FAILED, S.CANCELLED})
OUTCOME_REQUIRED = frozenset({S.COMPLETED})

#: The verb a person would use for each step (CLI, UI, event descriptions).
VERBS: dict[ReferralStatus, str] = {
    S.REQUESTED: "refer",
    S.RECEIVED: "acknowledge",
    S.ACCEPTED: "accept",
    S.REJECTED: "decline",
    S.IN_PROGRESS: "start",
    S.ON_HOLD: "hold",
    S.COMPLETED: "complete",
    S.FAILED: "fail",
    S.CANCELLED: "cancel",
}


def allowed_next(current: ReferralStatus) -> tuple[ReferralStatus, ...]:
    return TRANSITIONS[current]


@dataclass(frozen=True, slots=True)
class StepRequest:
    """What someone asks to do to a referral."""

    to: ReferralStatus
    reason: str | None = None
    outcome: str | None = None
    note: str | None = None
    reason_code: str | None = None  # see referral_graph.domain.reasons


def check_transition(current: ReferralStatus, step: StepRequest) -> None:
    """Raise unless ``step`` is a legal next step from ``current`` with what it needs.

    >>> check_transition(ReferralStatus.REQUESTED, StepRequest(ReferralStatus.RECEIVED))
    >>> check_transition(ReferralStatus.REQUESTED, StepRequest(ReferralStatus.COMPLETED))
    Traceback (most recent call last):
    ...
    referral_graph.domain.errors.IllegalTransition: A referral in status 'requested' ...
    """
    allowed = TRANSITIONS[current]
    if step.to not in allowed:
        raise IllegalTransition(current.value, step.to.value, [s.value for s in allowed])
    if (
        step.to in REASON_REQUIRED
        and not (step.reason and step.reason.strip())
        and step.reason_code is None
    ):
        raise InvalidInput(
            f"Moving a referral to {step.to.value!r} needs a reason (a reason_code, or "
            "a few words in reason).",
            field="reason",
        )
    if step.to in OUTCOME_REQUIRED and not (step.outcome and step.outcome.strip()):
        raise InvalidInput(
            f"Moving a referral to {step.to.value!r} needs an outcome.", field="outcome"
        )

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

Who takes each step is :data:`PARTIES`, the one table of it: the receiver takes its own
steps, and when it confirmed one by phone or SMS (links in Ratanakiri fail for days)
the sender, an overseer of the receiver or a coordinator of the area may *relay* its
acknowledgement, acceptance, decline or first contact — put it on record on its behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from referral_graph.domain.errors import Forbidden, IllegalTransition, InvalidInput


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
    OVERSEER = "overseer"  # a supervisor the receiver is overseen by
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


@dataclass(frozen=True, slots=True)
class StepParties:
    """Who may move a referral into one status: ``takes`` do it themselves; ``relays``
    may record it on the receiver's behalf when the receiver confirmed it by phone, SMS
    or in person (the first time the referral enters the status only)."""

    takes: frozenset[Party]
    relays: frozenset[Party] = frozenset()


_RECEIVER = frozenset({Party.RECEIVER})
#: Those who may relay a receiver's step: they sent it, oversee the receiver, or
#: coordinate the child's area.
_RELAYERS = frozenset({Party.SENDER, Party.OVERSEER, Party.COORDINATOR})

#: Who may move a referral *into* each status (the one table of it).
PARTIES: dict[ReferralStatus, StepParties] = {
    S.RECEIVED: StepParties(_RECEIVER, relays=_RELAYERS),  # acknowledgement
    S.ACCEPTED: StepParties(_RECEIVER, relays=_RELAYERS),  # acceptance
    S.REJECTED: StepParties(_RECEIVER, relays=_RELAYERS),  # decline
    S.IN_PROGRESS: StepParties(_RECEIVER, relays=_RELAYERS),  # first contact
    S.ON_HOLD: StepParties(_RECEIVER),
    S.COMPLETED: StepParties(_RECEIVER),
    S.FAILED: StepParties(_RECEIVER),
    S.CANCELLED: StepParties(frozenset({Party.SENDER, Party.COORDINATOR})),
}

#: The statuses someone may relay for the receiver.
RELAYABLE = frozenset(s for s, p in PARTIES.items() if p.relays)

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


def _names(parties: frozenset[Party]) -> str:
    return " or ".join(sorted(p.value for p in parties))


def check_party(party: Party | None, to: ReferralStatus, *, relayed: bool) -> None:
    """Raise ``Forbidden`` unless ``party`` may take (or, ``relayed``, relay) the step
    into ``to`` (``None``: the system, which may do anything).

    >>> check_party(Party.SENDER, ReferralStatus.RECEIVED, relayed=True)
    >>> check_party(Party.SENDER, ReferralStatus.RECEIVED, relayed=False)
    Traceback (most recent call last):
    ...
    referral_graph.domain.errors.Forbidden: Only the receiver of a referral can move it to ...
    """
    if party is None:
        return
    parties = PARTIES[to]
    if relayed:
        if party in parties.relays:
            return
        if party in parties.takes:
            raise InvalidInput(
                f"You take the step to {to.value!r} yourself: send it without relay.",
                field="relay",
            )
        if not parties.relays:
            raise Forbidden(
                f"A step to {to.value!r} cannot be relayed: only the "
                f"{_names(parties.takes)} of a referral takes it.",
                field="relay",
            )
        raise Forbidden(
            f"Only the {_names(parties.relays)} of a referral may relay its step to {to.value!r}.",
            field="relay",
        )
    if party not in parties.takes:
        hint = (
            f"; the {_names(parties.relays)} may relay it when the receiver confirmed it "
            "by phone or SMS (relay)"
            if party in parties.relays
            else ""
        )
        raise Forbidden(
            f"Only the {_names(parties.takes)} of a referral can move it to {to.value!r}{hint}.",
            field="status",
        )


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

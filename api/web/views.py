"""What the pages show, worked out from domain objects: urgency of a handoff, the steps
a receiver may take, a case's path with the time each step took, recommendation
reasons in the page language, and a small bar chart laid out for a phone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from api.web.i18n import Lang
from referral_graph.domain.lifecycle import Party, ReferralStatus, allowed_next
from referral_graph.domain.models import Case, Provider, Referral
from referral_graph.domain.paths import hop_of
from referral_graph.domain.reasons import reasons_for
from referral_graph.domain.sla import PENDING_WINDOW, Window
from referral_graph.routing.reasons import CATALOGUE, Reason, names_of

S = ReferralStatus


# --- urgency ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Urgency:
    """Where a handoff stands against the deadline of the window it waits on."""

    level: str  # overdue | soon | ok | none
    window: Window | None
    due: datetime | None
    seconds_left: float | None


def urgency(referral: Referral, now: datetime) -> Urgency:
    """Overdue past the deadline; 'soon' within the last quarter of the window (every
    window runs from the moment of referral); else 'ok'; 'none' once contact is made."""
    window = PENDING_WINDOW.get(referral.status)
    due = referral.pending_due_at
    if window is None or due is None:
        return Urgency("none", None, None, None)
    left = (due - now).total_seconds()
    total = (due - referral.created_at).total_seconds()
    if left < 0:
        level = "overdue"
    elif total > 0 and left <= 0.25 * total:
        level = "soon"
    else:
        level = "ok"
    return Urgency(level, window, due, left)


# --- the receiver's steps -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Action:
    status: ReferralStatus
    label: str  # message id
    needs: str | None = None  # "reason" | "outcome": a text the step requires
    needs_label: str | None = None
    more: bool = False  # tucked under "More" (rarely needed, or destructive)

    @property
    def codes(self) -> tuple[str, ...]:
        """The coded reasons the step is picked from (``domain/reasons.py``)."""
        return tuple(code.value for code in reasons_for(self.status))


_RECEIVER_ACTIONS: dict[ReferralStatus, tuple[Action, ...]] = {
    S.REQUESTED: (Action(S.RECEIVED, "act_acknowledge"),),
    S.RECEIVED: (
        Action(S.ACCEPTED, "act_accept"),
        Action(S.REJECTED, "act_decline", "reason", "decline_reason"),
    ),
    S.ACCEPTED: (
        Action(S.IN_PROGRESS, "act_start"),
        Action(S.FAILED, "act_fail", "reason", "fail_reason", more=True),
    ),
    S.IN_PROGRESS: (
        Action(S.COMPLETED, "act_complete", "outcome", "outcome"),
        Action(S.ON_HOLD, "act_hold", more=True),
        Action(S.FAILED, "act_fail", "reason", "fail_reason", more=True),
    ),
    S.ON_HOLD: (
        Action(S.IN_PROGRESS, "act_resume"),
        Action(S.FAILED, "act_fail", "reason", "fail_reason", more=True),
    ),
}

_SENDER_ACTIONS = (Action(S.CANCELLED, "act_cancel", "reason", "cancel_reason", more=True),)


def actions_for(referral: Referral, party: Party | None) -> list[Action]:
    """The steps this party may take now (the lifecycle's, nothing more)."""
    legal = set(allowed_next(referral.status))
    if party is Party.RECEIVER:
        offered: Sequence[Action] = _RECEIVER_ACTIONS.get(referral.status, ())
    elif party in (Party.SENDER, Party.COORDINATOR):
        offered = _SENDER_ACTIONS
    else:
        offered = ()
    return [a for a in offered if a.status in legal]


# --- a case's path ------------------------------------------------------------------
_STEP_DEADLINE: dict[ReferralStatus, Window] = {
    S.RECEIVED: Window.ACKNOWLEDGE,
    S.ACCEPTED: Window.DECIDE,
    S.REJECTED: Window.DECIDE,
    S.IN_PROGRESS: Window.FIRST_CONTACT,
}


@dataclass(frozen=True, slots=True)
class StepView:
    status: ReferralStatus
    at: datetime
    after_seconds: float | None  # since the step before
    due: datetime | None
    on_time: bool | None


@dataclass(frozen=True, slots=True)
class HopView:
    referral: Referral
    sender: Provider | None
    receiver: Provider | None
    steps: list[StepView]
    waiting: Urgency
    total_seconds: float | None
    actions: list[Action] = field(default_factory=list)


def hop_view(
    referral: Referral,
    providers: Mapping[str, Provider],
    now: datetime,
    actions: Sequence[Action] = (),
) -> HopView:
    hop = hop_of(referral)
    steps: list[StepView] = []
    previous: datetime | None = None
    for status, at in sorted(referral.step_times.items(), key=lambda item: item[1]):
        window = _STEP_DEADLINE.get(status)
        due = referral.due.of(window) if (window and referral.due) else None
        steps.append(
            StepView(
                status=status,
                at=at,
                after_seconds=None if previous is None else (at - previous).total_seconds(),
                due=due,
                on_time=None if due is None else at <= due,
            )
        )
        previous = at
    return HopView(
        referral=referral,
        sender=providers.get(referral.from_provider_id),
        receiver=providers.get(referral.to_provider_id),
        steps=steps,
        waiting=urgency(referral, now),
        total_seconds=hop.total_seconds,
        actions=list(actions),
    )


# --- recommendation reasons ----------------------------------------------------------
def reason_text(reason: Reason, lang: Lang, khmer_names: Mapping[str, str]) -> str:
    """A recommendation's reason in the page language. Routing writes the Khmer in
    full (names of codes, dates and Khmer digits) but gives providers their directory
    names; a reason naming a holder or an intermediary is filled anew with their Khmer
    names."""
    if lang == "en":
        return reason.en
    named = {"holder", "via"} & reason.params.keys()
    entry = CATALOGUE.get(reason.key)
    if not named or entry is None:
        return reason.km
    values: dict[str, object] = {}
    for key, value in reason.params.items():
        if key in named:
            values[key] = khmer_names.get(str(value), str(value))
        else:
            values[key] = names_of(key, value)[1]
    try:
        return entry[1].format(**values)
    except (KeyError, IndexError, ValueError):
        return reason.km


def case_fields(case: Case) -> dict[str, object]:
    """What any viewer of a handoff may see of a case."""
    return {
        "code": case.code,
        "age": case.age,
        "gender": case.gender.value if case.gender else None,
        "risk": case.risk.value,
        "needs": sorted(s.value for s in case.needs),
        "language": case.language.value,
        "wants_lgbtiq_affirming": case.wants_lgbtiq_affirming,
    }

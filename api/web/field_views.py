"""What the pages show of issue 18: the post-rape care clocks of a case, the steps
someone relayed for a receiver (and its disputes), the steps a sender, an overseer or a
coordinator may relay, and times typed in a form in Cambodian local time.

Pure helpers over domain objects, like :mod:`api.web.views`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from api.web.views import Urgency
from referral_graph.domain.care import (
    CareClock,
    Clocked,
    care_clocks,
    health_hop_accepted,
    sexual_violence,
)
from referral_graph.domain.lifecycle import PARTIES, RELAYABLE, Party, ReferralStatus, allowed_next
from referral_graph.domain.models import CaseEvent, CaseEventKind, Referral, RelayedStep
from referral_graph.domain.vocabulary import RelayChannel

S = ReferralStatus

#: The form control's format of a local date and time (``<input type="datetime-local">``).
LOCAL_INPUT = "%Y-%m-%dT%H:%M"

#: The words of each step someone may relay (message ids of the inbox's actions).
RELAY_LABELS: dict[ReferralStatus, str] = {
    S.RECEIVED: "act_acknowledge",
    S.ACCEPTED: "act_accept",
    S.REJECTED: "act_decline",
    S.IN_PROGRESS: "act_start",
}
CHANNELS = tuple(RelayChannel)


# --- the incident clock ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CareView:
    """The case's post-rape care windows as a page shows them."""

    sexual_violence: bool
    incident_at: datetime | None
    clocks: list[CareClock]
    covered: bool  # a health hop accepted the child

    @property
    def shown(self) -> bool:
        return self.sexual_violence

    def level(self, clock: CareClock) -> str:
        return clock_level(clock, self.covered)

    @property
    def urgent(self) -> bool:
        """A window is open, closing within a day, and nobody at a health facility has
        accepted the child."""
        return not self.covered and any(c.closing for c in self.clocks)


def care_view(case: Clocked, referrals: Iterable[Referral], now: datetime) -> CareView:
    return CareView(
        sexual_violence=sexual_violence(case),
        incident_at=case.incident_at,
        clocks=care_clocks(case, now),
        covered=health_hop_accepted(referrals),
    )


def clock_level(clock: CareClock, covered: bool) -> str:
    """The urgency colour of one window: closed, closing (red unless covered), open."""
    if not clock.is_open:
        return "none"
    if clock.closing and not covered:
        return "overdue"
    return "soon" if clock.closing else "ok"


def waiting(due: datetime | None, since: datetime, now: datetime) -> Urgency:
    """How urgent something waiting since ``since`` is against its deadline ``due``
    (as :func:`api.web.views.urgency` for a handoff)."""
    if due is None:
        return Urgency("none", None, None, None)
    left = (due - now).total_seconds()
    total = (due - since).total_seconds()
    level = "overdue" if left < 0 else ("soon" if total > 0 and left <= 0.25 * total else "ok")
    return Urgency(level, None, due, left)


# --- relayed steps -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RelayMark:
    """A step someone else recorded for the receiver, and the receiver's dispute."""

    status: ReferralStatus
    relay: RelayedStep
    dispute: CaseEvent | None


def relay_marks(
    referral: Referral, history: Sequence[CaseEvent]
) -> dict[ReferralStatus, RelayMark]:
    disputes = {
        e.step: e
        for e in history
        if e.kind is CaseEventKind.STEP_DISPUTED and e.referral_id == referral.id and e.step
    }
    return {
        status: RelayMark(status, relay, disputes.get(status))
        for status, relay in referral.relayed.items()
    }


def relay_choices(referral: Referral, party: Party | None) -> list[ReferralStatus]:
    """The receiver's next steps this party may relay now (none for the receiver)."""
    if party is None or party is Party.RECEIVER:
        return []
    return [
        s
        for s in allowed_next(referral.status)
        if s in RELAYABLE and party in PARTIES[s].relays and s not in referral.step_times
    ]


def own_choices(referral: Referral, party: Party | None) -> list[ReferralStatus]:
    """The receiver's next decisions it may put on record with an earlier time."""
    if party is not Party.RECEIVER:
        return []
    return [s for s in allowed_next(referral.status) if s in RELAY_LABELS]


def disputable(marks: dict[ReferralStatus, RelayMark], party: Party | None) -> list[ReferralStatus]:
    """The relayed steps the receiver may still dispute."""
    if party is not Party.RECEIVER:
        return []
    return [s for s, m in marks.items() if m.dispute is None]


# --- local times in forms ----------------------------------------------------------------
def local_input(moment: datetime, tz: str) -> str:
    """A moment as a ``datetime-local`` control shows it, in the programme's time zone."""
    return moment.astimezone(ZoneInfo(tz)).strftime(LOCAL_INPUT)


def from_local_input(text: str, tz: str) -> datetime | None:
    """A ``datetime-local`` value (Cambodian time) as an aware moment; None if unreadable."""
    try:
        naive = datetime.strptime(text.strip()[:16], LOCAL_INPUT)
    except ValueError:
        return None
    return naive.replace(tzinfo=ZoneInfo(tz))

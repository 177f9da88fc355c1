"""The incident clock: post-rape care windows counted from the time of the incident.

HIV post-exposure prophylaxis (PEP) works only if started within 72 hours of the
incident, emergency contraception within 120 hours (cambodia.md fact 8: PLOS ONE 2020,
PMC7498098). A case shows both clocks when

* it is a case of **sexual violence**: it needs ``post_rape_care``. The need, not a
  separate flag, is the mark: the CCWC records it when it opens the case, it travels
  with every handoff as the other needs do (no new field naming what happened to the
  child), and it is what sends the child to a health facility in the first place; and
* its **incident time** is known (``Case.incident_at``, optional: recorded at opening
  or later, never required).

A window is *covered* once a health hop holds the case: a referral for post-rape or
medical care that the receiver accepted (or went further). Until then the scheduler
alerts :data:`ALERT_LEAD` before each window closes (once per case and window). Stores
keep :func:`clock_start` as a column, so the scheduler finds the cases whose windows
are closing now by their incident time alone (no state of its own to keep or restore).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from referral_graph.domain.lifecycle import HOLDING_STATUSES
from referral_graph.domain.models import Case, CaseStatus, Referral
from referral_graph.domain.vocabulary import Service


class CareWindow(StrEnum):
    """A post-rape care window that runs from the incident."""

    PEP = "pep"  # HIV post-exposure prophylaxis
    EMERGENCY_CONTRACEPTION = "emergency_contraception"


#: How long each window stays open after the incident.
WINDOW_LENGTH: dict[CareWindow, timedelta] = {
    CareWindow.PEP: timedelta(hours=72),
    CareWindow.EMERGENCY_CONTRACEPTION: timedelta(hours=120),
}

#: How long before a window closes the scheduler alerts (a day: from a village in
#: Ratanakiri the referral hospital is most of a day away).
ALERT_LEAD = timedelta(hours=24)

#: Services whose accepted hop covers the windows.
HEALTH_SERVICES = frozenset({Service.POST_RAPE_CARE, Service.MEDICAL_CARE})


class Clocked(Protocol):
    """A case, or an identification before it became one: what the clocks read."""

    @property
    def needs(self) -> frozenset[Service]: ...

    @property
    def incident_at(self) -> datetime | None: ...


def sexual_violence(case: Clocked) -> bool:
    """Whether the case is one of sexual violence (it needs post-rape care)."""
    return Service.POST_RAPE_CARE in case.needs


@dataclass(frozen=True, slots=True)
class CareClock:
    """One window of one case at one moment."""

    window: CareWindow
    closes_at: datetime
    seconds_left: float  # negative once closed

    @property
    def is_open(self) -> bool:
        return self.seconds_left > 0

    @property
    def closing(self) -> bool:
        """Open, with less than :data:`ALERT_LEAD` left."""
        return 0 < self.seconds_left <= ALERT_LEAD.total_seconds()


def closes_at(incident_at: datetime, window: CareWindow) -> datetime:
    return incident_at + WINDOW_LENGTH[window]


def care_clocks(case: Clocked, now: datetime) -> list[CareClock]:
    """The case's windows at ``now`` (none unless sexual violence with an incident time)."""
    if case.incident_at is None or not sexual_violence(case):
        return []
    return [
        CareClock(
            w,
            closes_at(case.incident_at, w),
            (closes_at(case.incident_at, w) - now).total_seconds(),
        )
        for w in CareWindow
    ]


def health_hop_accepted(referrals: Iterable[Referral]) -> bool:
    """Whether a health facility holds the child for post-rape or medical care."""
    return any(r.service in HEALTH_SERVICES and r.status in HOLDING_STATUSES for r in referrals)


def clock_start(case: Case) -> datetime | None:
    """When the case's windows started: the incident time of an open case of sexual
    violence (None for any other case: it has no windows to alert about)."""
    if case.status is not CaseStatus.OPEN or not sexual_violence(case):
        return None
    return case.incident_at


def alert_times(case: Case) -> dict[CareWindow, datetime]:
    """When the scheduler should alert about each window of the case (none unless an
    open case of sexual violence with an incident time)."""
    start = clock_start(case)
    if start is None:
        return {}
    return {w: closes_at(start, w) - ALERT_LEAD for w in CareWindow}


def alert_phase(now: datetime) -> tuple[datetime, datetime]:
    """The incident times ``(after, until]`` of the cases with a window in its last
    :data:`ALERT_LEAD` at ``now`` (some window closing within a day)."""
    shortest, longest = min(WINDOW_LENGTH.values()), max(WINDOW_LENGTH.values())
    return now - longest, now - shortest + ALERT_LEAD


def care_alert_key(case_id: str, window: CareWindow) -> str:
    """The one id an alert about a case's window can have: it fires once."""
    return f"care:{case_id}:{window.value}"

"""What one asks a store for: a page, a listing, and the filters of each query.

Plain values shared by the use cases and every store (``referral_graph.store``), so that
the API can name a page or a filter without importing a store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from referral_graph.domain.areas import lineage_codes
from referral_graph.domain.identification import IdentificationStatus
from referral_graph.domain.lifecycle import CLOSED_STATUSES, ReferralStatus
from referral_graph.domain.meetings import ActionStatus, MeetingLevel, MeetingStatus
from referral_graph.domain.sla import AlertKind
from referral_graph.domain.training import PersonRole, TrainingTopic
from referral_graph.domain.vocabulary import Gender, ProviderKind, RiskLevel, Service

T = TypeVar("T")

OPEN_STATUSES: tuple[ReferralStatus, ...] = tuple(
    s for s in ReferralStatus if s not in CLOSED_STATUSES
)


@dataclass(frozen=True, slots=True)
class Page:
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ProviderQuery:
    """Filters for the directory. ``area`` matches providers located in the area or
    whose coverage overlaps it, at any level of the gazetteer."""

    area: str | None = None
    service: Service | None = None
    kind: ProviderKind | None = None
    age: int | None = None
    gender: Gender | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class PathwayQuery:
    from_provider_id: str | None = None
    to_provider_id: str | None = None
    service: Service | None = None


@dataclass(frozen=True, slots=True)
class InboxQuery:
    provider_id: str
    statuses: tuple[ReferralStatus, ...] = OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class AttentionQuery:
    """Open cases that may need someone's attention (a work queue), each read with all
    its referrals: the cases ``openers`` opened; and cases with a hop sent to one of
    ``receivers`` that waits on its receiver's step (requested, received, accepted); or
    with a hop sent by one of ``senders``, or of a child living in ``area`` (any level;
    ``everywhere``: any child), that is past its deadline at ``now`` or ended without the
    service (declined, failed, cancelled) with no referral for that service made since
    and none open or completed. Oldest case first, at most ``limit``."""

    now: datetime
    openers: tuple[str, ...] = ()
    senders: tuple[str, ...] = ()
    receivers: tuple[str, ...] = ()
    area: str | None = None
    everywhere: bool = False
    limit: int = 500


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """Reminders and escalations, newest first. ``provider_id`` is the receiver;
    ``parties`` selects alerts about handoffs sent or received by one of them, or whose
    escalation names one of them (``notify``); ``area`` is the child's village at any
    level; ``unseen_by`` leaves out what that user marked seen."""

    referral_id: str | None = None
    provider_id: str | None = None
    kind: AlertKind | None = None
    parties: tuple[str, ...] | None = None
    area: str | None = None
    unseen_by: str | None = None


@dataclass(frozen=True, slots=True)
class DueQuery:
    """Open handoffs whose current deadline falls before ``before``."""

    before: datetime
    area: str | None = None
    provider_id: str | None = None
    risk: RiskLevel | None = None


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """Referrals made in ``[since, until)``, for children in ``area`` (any level)."""

    since: datetime
    until: datetime
    area: str | None = None
    provider_id: str | None = None


@dataclass(frozen=True, slots=True)
class IdentificationQuery:
    """Identifications sent by or to ``provider_id`` (either end), or by
    ``from_provider_id`` / to ``to_provider_id``, in ``statuses`` (None: any), for
    children in ``area`` (any level), sent in ``[since, until)``."""

    provider_id: str | None = None
    from_provider_id: str | None = None
    to_provider_id: str | None = None
    statuses: tuple[IdentificationStatus, ...] | None = None
    area: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class AccessQuery:
    object_id: str | None = None
    user_id: str | None = None
    case_id: str | None = None


@dataclass(frozen=True, slots=True)
class PeopleQuery:
    """People of one provider, or of the providers located in ``area`` (any level)."""

    provider_id: str | None = None
    area: str | None = None
    active: bool | None = None
    role: PersonRole | None = None


@dataclass(frozen=True, slots=True)
class TrainingQuery:
    """Sessions of a topic, held in ``area`` (any level), starting in ``[since, until)``."""

    topic: TrainingTopic | None = None
    area: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class TrainingRecordQuery:
    """Completed attendances; ``area`` is where the person's provider is located."""

    area: str | None = None
    provider_id: str | None = None
    person_id: str | None = None
    topic: TrainingTopic | None = None
    active_people_only: bool = False


@dataclass(frozen=True, slots=True)
class CoachingQuery:
    person_id: str | None = None
    coach_id: str | None = None
    area: str | None = None  # where the coached person's provider is located


@dataclass(frozen=True, slots=True)
class AwarenessQuery:
    """Sessions held in ``area`` (any level) on days in ``[since, until)``."""

    area: str | None = None
    provider_id: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class MeetingQuery:
    """Meetings held for an area inside ``area`` (any level), or for exactly ``at_area``,
    on days in ``[since, before)``; newest first."""

    area: str | None = None
    at_area: str | None = None
    level: MeetingLevel | None = None
    status: MeetingStatus | None = None
    since: date | None = None
    before: date | None = None


@dataclass(frozen=True, slots=True)
class ActionQuery:
    """Actions of meetings held for an area inside ``area`` (any level); those a
    provider owns (``owner_provider_id``, its people's included) or a person owns; due
    before ``due_before``; soonest due first."""

    meeting_id: str | None = None
    area: str | None = None
    owner_provider_id: str | None = None
    owner_person_id: str | None = None
    status: ActionStatus | None = None
    due_before: date | None = None
    awaiting_pathway: bool | None = None


@dataclass(slots=True)
class Listing(Generic[T]):
    items: list[T] = field(default_factory=list)
    count: int = 0


def area_prefixes(code: str) -> list[str]:
    """The code and the codes of every area that contains it, province first."""
    return list(lineage_codes(code))


def every(fetch: Callable[[Page], Listing[T]], size: int = 1000) -> Iterator[T]:
    """Every item of a paged listing, fetching ``size`` at a time::

    people = list(every(lambda page: tx.list_people(PeopleQuery(area="1701"), page)))
    """
    offset = 0
    while True:
        listing = fetch(Page(limit=size, offset=offset))
        yield from listing.items
        offset += len(listing.items)
        if not listing.items or offset >= listing.count:
            return

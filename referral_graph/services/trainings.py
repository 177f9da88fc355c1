"""What the training pages read: a page of training sessions with how many attended,
who attended one session, the people an attendance or coaching form may offer, and
the latest coaching sessions of an area — each with the names a page shows.

Sessions are programme-wide records every allowed role reads. Whose people a caller
is offered is decided here from the caller (``provider_reach``: a coordinator's own
area, a CCWC's or provider's own staff, everyone for supervisors and admins), the same
rule the use cases that record attendance and coaching apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from referral_graph.domain.models import Provider
from referral_graph.domain.queries import CoachingQuery, Page, PeopleQuery, TrainingQuery
from referral_graph.domain.training import Attendance, CoachingSession, Person, TrainingSession
from referral_graph.security.policy import coordinator_area
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building import provider_reach
from referral_graph.store.port import Transaction

#: At most this many people are offered in a form (the programme has a few hundred).
MAX_CHOICES = 1000
#: Coaching sessions listed beside the coaching form.
RECENT_COACHING = 20


@dataclass(frozen=True, slots=True)
class SessionsPage:
    """One page of sessions, newest first, each with its attendance."""

    sessions: list[tuple[TrainingSession, list[Attendance]]]
    count: int  # sessions matching in all
    offset: int  # where the page starts (moved back to the last page if past it)


def sessions_page(caller: Caller, query: TrainingQuery, page: Page) -> SessionsPage:
    """The sessions matching ``query``, one page; an offset past the end shows the last
    page (a link kept from before sessions were removed from view still works)."""

    def work(tx: Transaction) -> SessionsPage:
        offset = page.offset
        listing = tx.list_training_sessions(query, page)
        if not listing.items and listing.count:
            offset = (listing.count - 1) // page.limit * page.limit
            listing = tx.list_training_sessions(query, Page(limit=page.limit, offset=offset))
        found = [(s, tx.session_attendance(s.id)) for s in listing.items]
        return SessionsPage(found, listing.count, offset)

    return caller.store.read(work)


@dataclass(frozen=True, slots=True)
class SessionAttendees:
    """Who attended a session (by person id), with each person and their provider."""

    attendance: list[Attendance]
    people: dict[str, Person]
    providers: dict[str, Provider]


def session_attendees(caller: Caller, attendance: list[Attendance]) -> SessionAttendees:
    """The people of an attendance list and their providers (people no longer on record
    are left out of ``people``)."""

    def work(tx: Transaction) -> SessionAttendees:
        people = tx.get_people(sorted({a.person_id for a in attendance}))
        providers = tx.get_providers({p.provider_id for p in people.values()})
        return SessionAttendees(attendance, people, providers)

    return caller.store.read(work)


def people_in_reach(
    caller: Caller, area: str | None, limit: int = MAX_CHOICES
) -> list[tuple[Person, Provider]]:
    """Active people of providers located in ``area`` (any level; None: everywhere)
    whose trainings and coaching the caller may record, each with their provider, in the
    store's order (by provider, then name)."""
    reach = provider_reach(caller.principal)

    def work(tx: Transaction) -> list[tuple[Person, Provider]]:
        found = tx.list_people(PeopleQuery(area=area, active=True), Page(limit=limit)).items
        providers = tx.get_providers({p.provider_id for p in found})
        return [
            (p, providers[p.provider_id])
            for p in found
            if p.provider_id in providers and (reach is None or reach(providers[p.provider_id]))
        ]

    return caller.store.read(work)


def people_named(caller: Caller, person_ids: Iterable[str]) -> dict[str, Person]:
    """The people with these ids, by id (ids not on record are left out)."""
    ids = sorted(set(person_ids))
    return caller.store.read(lambda tx: tx.get_people(ids))


@dataclass(frozen=True, slots=True)
class CoachingListed:
    session: CoachingSession
    person: str  # the name of the person coached (their id if not on record)
    coach: str


def recent_coaching(
    caller: Caller, area: str | None, limit: int = RECENT_COACHING
) -> list[CoachingListed]:
    """The latest coaching sessions of people of providers located in ``area``, newest
    first, with the names of the person coached and the coach (a coordinator's area is
    never wider than their own)."""
    area = coordinator_area(caller.principal, area)

    def work(tx: Transaction) -> list[CoachingListed]:
        sessions = tx.list_coaching(CoachingQuery(area=area), Page(limit=limit)).items
        ids = {s.person_id for s in sessions} | {s.coach_id for s in sessions}
        people = tx.get_people(sorted(ids))

        def name(pid: str) -> str:
            person = people.get(pid)
            return person.name if person else pid

        return [CoachingListed(s, name(s.person_id), name(s.coach_id)) for s in sessions]

    return caller.store.read(work)

"""What a provider's own capacity pages read: the provider (if the caller reaches it),
its people each with their competencies, and its awareness sessions with who ran them.

Reach is decided here from the caller (``provider_reach``): a CCWC or provider account
reaches its own provider only, a coordinator the providers located in their area,
supervisors and admins every provider. A provider out of reach is not found (404), so
ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from referral_graph.domain.models import Provider
from referral_graph.domain.queries import AwarenessQuery, Page
from referral_graph.domain.training import AwarenessSession, Person
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building import (
    PersonCompetencies,
    person_competencies,
    provider_people,
    provider_reach,
)
from referral_graph.services.capacity_building.common import reached_provider
from referral_graph.store.port import Transaction

#: People shown on one provider's page (providers have a handful).
MAX_PEOPLE = 200
#: Awareness sessions listed (newest first).
MAX_SESSIONS = 50


def provider_in_reach(caller: Caller, provider_id: str) -> Provider:
    """The provider, if the caller may see and manage its people (else ``NotFound``)."""
    reach = provider_reach(caller.principal)
    return caller.store.read(lambda tx: reached_provider(tx, provider_id, reach))


@dataclass(frozen=True, slots=True)
class StaffMember:
    person: Person
    record: PersonCompetencies


def staff(caller: Caller, provider_id: str, today: date) -> list[StaffMember]:
    """A provider's people, active first, then by name, each with what they are trained
    in on ``today`` and when their refresher and coaching fall due."""
    listing = provider_people(caller, provider_id, Page(limit=MAX_PEOPLE))
    people = sorted(listing.items, key=lambda p: (not p.active, p.name.casefold(), p.id))
    return [StaffMember(p, person_competencies(caller, p.id, today)) for p in people]


def active_staff(caller: Caller, provider_id: str) -> list[Person]:
    """A provider's active people, by name (who may have facilitated a session)."""
    listing = provider_people(caller, provider_id, Page(limit=MAX_PEOPLE), active=True)
    return sorted(listing.items, key=lambda p: p.name.casefold())


@dataclass(frozen=True, slots=True)
class AwarenessListed:
    session: AwarenessSession
    facilitator: str | None  # the facilitator's name, if one is on record


def awareness_sessions(
    caller: Caller, provider_id: str, limit: int = MAX_SESSIONS
) -> list[AwarenessListed]:
    """A provider's awareness sessions, newest first, with who facilitated each."""
    reach = provider_reach(caller.principal)

    def work(tx: Transaction) -> list[AwarenessListed]:
        reached_provider(tx, provider_id, reach)
        query = AwarenessQuery(provider_id=provider_id)
        sessions = tx.list_awareness_sessions(query, Page(limit=limit)).items
        people = tx.get_people(sorted({s.facilitator_id for s in sessions if s.facilitator_id}))
        listed = []
        for s in sessions:
            facilitator = people.get(s.facilitator_id) if s.facilitator_id else None
            listed.append(AwarenessListed(s, facilitator.name if facilitator else None))
        return listed

    return caller.store.read(work)

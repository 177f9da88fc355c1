"""Use cases of the people of providers: who they are, who supervises whom, and what
each is trained in now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel

from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.queries import Listing, Page, PeopleQuery, TrainingRecordQuery
from referral_graph.domain.training import (
    CompetencyStatus,
    Person,
    PersonRole,
    TrainingTopic,
    competencies,
)
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building.common import (
    policy_in_force,
    provider_reach,
    provider_write_reach,
    reached_person,
    reached_provider,
)
from referral_graph.store.port import Transaction

#: Fields a change may not touch.
FIXED = frozenset({"id", "version", "updated_at", "synthetic"})
#: Fields routing reads (a change tells routing the directory changed).
ROUTING_FIELDS = ("active", "provider_id", "languages", "interprets")


class CompetencyOut(BaseModel):
    """One competency of one person as of ``as_of``."""

    topic: TrainingTopic
    earned_on: date
    valid_until: date
    status: CompetencyStatus
    refresher_due: bool


class PersonCompetencies(BaseModel):
    """A person's competencies (from their latest completed training of each topic) and
    where their coaching stands."""

    person_id: str
    name: str
    provider_id: str
    active: bool
    as_of: date
    policy_version: int
    competencies: list[CompetencyOut]
    last_coached_on: date | None
    coaching_due_on: date | None
    coaching_overdue: bool


def _supervisors(tx: Transaction, person_id: str, supervised_by: Iterable[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(supervised_by))
    if person_id in wanted:
        raise InvalidInput("A person cannot supervise themself.", field="supervised_by")
    found = tx.get_people(wanted)
    missing = [s for s in wanted if s not in found]
    if missing:
        raise InvalidInput(
            f"No person with id {missing[0]!r} to supervise this one.", field="supervised_by"
        )
    return wanted


def add_person(caller: Caller, person: Person) -> Person:
    """Add a person to an existing provider (``NotFound`` if it is not there or not the
    caller's to change: :func:`provider_write_reach`); everyone in ``supervised_by``
    must exist."""
    reach, at = provider_write_reach(caller.principal), caller.now

    def work(tx: Transaction) -> Person:
        reached_provider(tx, person.provider_id, reach)
        supervisors = _supervisors(tx, person.id, person.supervised_by)
        added = person.model_copy(
            update={"supervised_by": supervisors, "version": 1, "updated_at": at}
        )
        tx.add_person(added)
        if added.languages or added.interprets:
            tx.bump_directory_version()  # routing counts who speaks and interprets what
        return added

    return caller.store.write(work)


def update_person(
    caller: Caller,
    person_id: str,
    changes: dict[str, Any],
    *,
    expected_version: int | None = None,
) -> Person:
    """Apply ``changes`` (validated as a whole) with compare-and-set, to a person the
    caller may change (:func:`provider_write_reach`; ``NotFound`` otherwise). Moving a
    person to another provider needs that provider to exist (and be the caller's to
    change too)."""
    forbidden = FIXED & changes.keys()
    if forbidden:
        field = sorted(forbidden)[0]
        raise InvalidInput(f"{field!r} cannot be changed.", field=field)
    reach, at = provider_write_reach(caller.principal), caller.now

    def work(tx: Transaction) -> Person:
        current = reached_person(tx, person_id, reach)
        version = current.version if expected_version is None else expected_version
        merged = current.model_dump() | changes
        if merged["provider_id"] != current.provider_id:
            reached_provider(tx, merged["provider_id"], reach, field="provider_id")
        if "supervised_by" in changes:
            merged["supervised_by"] = _supervisors(tx, person_id, changes["supervised_by"])
        merged |= {"version": current.version + 1, "updated_at": at}
        updated = Person.model_validate(merged)
        tx.save_person(updated, version)
        if any(getattr(updated, f) != getattr(current, f) for f in ROUTING_FIELDS):
            tx.bump_directory_version()  # routing counts a provider's active trained people
        return updated

    return caller.store.write(work)


def get_person(caller: Caller, person_id: str) -> Person:
    """A person the caller reaches."""
    reach = provider_reach(caller.principal)
    return caller.store.read(lambda tx: reached_person(tx, person_id, reach))


def provider_people(
    caller: Caller,
    provider_id: str,
    page: Page,
    *,
    active: bool | None = None,
    role: PersonRole | None = None,
) -> Listing[Person]:
    """The people of one provider (``NotFound`` if it is not there or not the caller's)."""
    reach = provider_reach(caller.principal)

    def work(tx: Transaction) -> Listing[Person]:
        reached_provider(tx, provider_id, reach)
        query = PeopleQuery(provider_id=provider_id, active=active, role=role)
        return tx.list_people(query, page)

    return caller.store.read(work)


def list_people(caller: Caller, query: PeopleQuery, page: Page) -> Listing[Person]:
    """People of any provider, as the query picks them (for the system: no reach)."""
    return caller.store.read(lambda tx: tx.list_people(query, page))


def supervisees(caller: Caller, person_id: str) -> list[Person]:
    """Whom a person supervises; of them, only those the caller reaches."""
    reach = provider_reach(caller.principal)

    def work(tx: Transaction) -> list[Person]:
        reached_person(tx, person_id, reach)
        found = tx.supervisees(person_id)
        if reach is None:
            return found
        providers = tx.get_providers({p.provider_id for p in found})
        return [p for p in found if p.provider_id in providers and reach(providers[p.provider_id])]

    return caller.store.read(work)


def person_competencies(caller: Caller, person_id: str, today: date) -> PersonCompetencies:
    """What a person is trained in on ``today``, and whether their coaching is overdue
    (counted from their last coaching, or from their first training if never coached)."""
    reach = provider_reach(caller.principal)

    def work(tx: Transaction) -> PersonCompetencies:
        person = reached_person(tx, person_id, reach)
        policy = policy_in_force(tx)
        records = tx.training_records(TrainingRecordQuery(person_id=person_id))
        found = competencies(records, policy, today)
        last = tx.last_coaching([person_id]).get(person_id)
        since = last or min((r.trained_on for r in records), default=None)
        due = None if since is None else since + timedelta(days=policy.coaching_interval_days)
        return PersonCompetencies(
            person_id=person.id,
            name=person.name,
            provider_id=person.provider_id,
            active=person.active,
            as_of=today,
            policy_version=policy.version,
            competencies=[
                CompetencyOut(
                    topic=c.topic,
                    earned_on=c.earned_on,
                    valid_until=c.valid_until,
                    status=c.status,
                    refresher_due=c.status is not CompetencyStatus.VALID,
                )
                for c in found
            ],
            last_coached_on=last,
            coaching_due_on=due,
            coaching_overdue=person.active and due is not None and due < today,
        )

    return caller.store.read(work)

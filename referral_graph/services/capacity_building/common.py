"""What the capacity use cases share: the policy in force, today's date, who reaches
which provider, paging through a whole listing, and the areas reports are grouped by.

Each use case takes a :class:`~referral_graph.services.caller.Caller` and derives from
its principal whose people it reaches (:func:`provider_reach`) and which area a
coordinator's report may cover: the API, the web app and the CLIs never pass a reach of
their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from referral_graph.domain.areas import Area, gazetteer
from referral_graph.domain.errors import InvalidInput, NotFound
from referral_graph.domain.models import Provider
from referral_graph.domain.training import Person, TrainingPolicy
from referral_graph.domain.vocabulary import AreaLevel
from referral_graph.policies.training import packaged_policy
from referral_graph.security.model import Principal, Role
from referral_graph.security.policy import in_area
from referral_graph.services.caller import Caller
from referral_graph.store.port import Listing, Page, Transaction

T = TypeVar("T")

#: Whether the caller may see and manage a provider's people (``None``: every provider).
Reach = Callable[[Provider], bool] | None

#: Dates outside these bounds are typing mistakes (and would overflow date arithmetic).
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


# --- the policy ----------------------------------------------------------------------
def policy_in_force(tx: Transaction) -> TrainingPolicy:
    return tx.get_training_policy() or packaged_policy()


def current_policy(caller: Caller) -> TrainingPolicy:
    return caller.store.read(policy_in_force)


def replace_policy(caller: Caller, policy: TrainingPolicy) -> TrainingPolicy:
    """Save a new policy; its version follows the one in force. Competencies are derived,
    so the new validity periods apply at once, to past trainings too; routing is told
    the directory changed (which services follow training may have changed)."""

    def work(tx: Transaction) -> TrainingPolicy:
        current = policy_in_force(tx)
        saved = policy.model_copy(update={"version": current.version + 1})
        tx.save_training_policy(saved)
        tx.bump_directory_version()
        return saved

    return caller.store.write(work)


# --- time ----------------------------------------------------------------------------
def local_today(now: datetime, tz: str) -> date:
    """The calendar day it is at ``now`` in the programme's timezone."""
    return now.astimezone(ZoneInfo(tz)).date()


def check_day(value: date, field: str, *, today: date | None = None) -> date:
    """A plausible day; with ``today``, also not in the future."""
    if not EARLIEST <= value <= LATEST:
        raise InvalidInput(
            f"{value.isoformat()} is not between {EARLIEST} and {LATEST}.", field=field
        )
    if today is not None and value > today:
        raise InvalidInput(f"{value.isoformat()} is in the future.", field=field)
    return value


# --- who reaches what ----------------------------------------------------------------
def provider_reach(principal: Principal) -> Reach:
    """Whose people a principal sees and manages.

    CCWC and provider accounts: their own provider's. Coordinators: those of providers
    located in their area. Supervisors and admins: everyone's (TPO's clinical supervisor
    coaches community providers across the programme; admins keep the directory), though
    a supervisor changes only those it oversees (:func:`provider_write_reach`). The
    system (command line): everyone's.
    """
    role = principal.role
    if role in (Role.SYSTEM, Role.ADMIN, Role.SUPERVISOR):
        return None
    if role in (Role.CCWC, Role.PROVIDER):
        own = principal.provider_id
        return lambda provider: provider.id == own
    if role is Role.COORDINATOR:
        return lambda provider: in_area(principal, provider.area_code)
    return lambda provider: False


def provider_write_reach(principal: Principal) -> Reach:
    """Whose people a principal may add, change, move or deactivate (what routing's
    training rule counts).

    As :func:`provider_reach`, except for supervisors, who read everyone's people (and
    record their attendance and coaching: TPO's clinical supervisor trains and coaches
    across the programme) but change only the people of their own provider and of the
    providers they oversee (``Provider.overseen_by``): a provincial department's account
    could otherwise move a health centre's nurse to another province, and routing would
    drop the service her training gave it."""
    if principal.role is not Role.SUPERVISOR:
        return provider_reach(principal)
    own = principal.provider_id
    return lambda provider: own is not None and (provider.id == own or own in provider.overseen_by)


def reached_provider(
    tx: Transaction, provider_id: str, reach: Reach, field: str | None = None
) -> Provider:
    """The provider if it exists and the caller reaches it: else ``NotFound`` (a path
    id) or ``InvalidInput`` naming ``field`` (a body field), the same either way."""
    provider = tx.get_provider(provider_id)
    if provider is None or (reach is not None and not reach(provider)):
        if field is None:
            raise NotFound("provider", provider_id)
        raise InvalidInput(f"No provider with id {provider_id!r}.", field=field)
    return provider


def reached_person(
    tx: Transaction, person_id: str, reach: Reach, field: str | None = None
) -> Person:
    """The person if they exist and the caller reaches their provider (see
    :func:`reached_provider` for what is raised otherwise)."""
    person = tx.get_person(person_id)
    if person is not None and reach is not None:
        provider = tx.get_provider(person.provider_id)
        if provider is None or not reach(provider):
            person = None
    if person is None:
        if field is None:
            raise NotFound("person", person_id)
        raise InvalidInput(f"No person with id {person_id!r}.", field=field)
    return person


def all_pages(fetch: Callable[[Page], Listing[T]], size: int = 1000) -> list[T]:
    """Every item of a paged listing."""
    items: list[T] = []
    while True:
        listing = fetch(Page(limit=size, offset=len(items)))
        items += listing.items
        if not listing.items or len(items) >= listing.count:
            return items


# --- areas ---------------------------------------------------------------------------
def grouping(area: str | None) -> tuple[AreaLevel, list[Area]]:
    """The level rows of a report on ``area`` are at, and the areas of that level in it:
    provinces of the country, districts of a province, communes of a district; a
    commune is its own row."""
    if area is None:
        return AreaLevel.PROVINCE, sorted(gazetteer().children(None), key=lambda a: a.code)
    found = gazetteer().area(area)
    if found.level is AreaLevel.PROVINCE:
        return AreaLevel.DISTRICT, sorted(gazetteer().children(area), key=lambda a: a.code)
    if found.level is AreaLevel.DISTRICT:
        return AreaLevel.COMMUNE, sorted(gazetteer().children(area), key=lambda a: a.code)
    return AreaLevel.COMMUNE, [found]


def row_area(code: str, level: AreaLevel) -> str:
    """The area of ``level`` that contains ``code``; ``code`` itself when it lies above
    that level (a provider located in a province, reported by district)."""
    for area in gazetteer().lineage(code):
        if area.level is level:
            return area.code
    return code

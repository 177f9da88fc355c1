"""Actions agreed at meetings: made with a meeting (or added to an open one), followed up
until done or dropped with a reason, seen by their owner, and — when one agrees a new
pathway — confirmed into the directory by an administrator.

:func:`owned_actions` is the query a work queue lists an account's actions with: the
open actions its provider owns (a coordinator's: the open actions of their area), overdue
first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from referral_graph.audit.groups import Label
from referral_graph.audit.period import REPORT_TZ, zone
from referral_graph.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from referral_graph.domain.ids import new_id
from referral_graph.domain.meetings import (
    Action,
    ActionStatus,
    ActionStep,
    ItemId,
    ItemKind,
    Meeting,
    MeetingStatus,
    PathwayProposal,
    Subject,
    Words,
)
from referral_graph.domain.models import Identifier, Pathway
from referral_graph.domain.queries import ActionQuery, Listing, Page, PathwayQuery, every
from referral_graph.domain.vocabulary import Service
from referral_graph.security.model import PROVIDER_ROLES, Role
from referral_graph.security.policy import coordinator_area
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building.common import check_day
from referral_graph.services.meetings.access import action_seen, may_run, meeting_seen, owns
from referral_graph.services.report_context import owner_label
from referral_graph.store.port import Transaction


class PathwayDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_provider_id: Identifier
    to_provider_id: Identifier
    service: Service


class ActionDraft(BaseModel):
    """An action as agreed: what, who owns it (a provider, or a person of it), by when,
    and the agenda item it answers; ``pathway`` when it agrees a new pathway."""

    model_config = ConfigDict(extra="forbid")

    item_id: ItemId | None = None
    text: Words
    owner_provider_id: Identifier
    owner_person_id: Identifier | None = None
    due_on: date
    pathway: PathwayDraft | None = None


class ActionUpdate(BaseModel):
    """What became of an action: done, dropped (with the reason), or kept open (with a
    new due day, if it moves)."""

    model_config = ConfigDict(extra="forbid")

    action_id: Identifier
    status: ActionStatus
    reason: str | None = Field(None, max_length=500)
    due_on: date | None = None
    version: int | None = Field(None, ge=1, description="The version read, if known.")


# --- checking a draft ----------------------------------------------------------------------
def _check_pathway(tx: Transaction, draft: PathwayDraft, field: str) -> PathwayProposal:
    if draft.from_provider_id == draft.to_provider_id:
        raise InvalidInput("A pathway links two different providers.", field=field)
    found = tx.get_providers([draft.from_provider_id, draft.to_provider_id])
    for end, pid in (
        ("from_provider_id", draft.from_provider_id),
        ("to_provider_id", draft.to_provider_id),
    ):
        if pid not in found:
            raise InvalidInput(f"No provider with id {pid!r}.", field=f"{field}.{end}")
    if draft.service not in found[draft.to_provider_id].services:
        raise InvalidInput(
            f"{draft.to_provider_id!r} does not offer {draft.service.value!r}.",
            field=f"{field}.service",
        )
    query = PathwayQuery(
        from_provider_id=draft.from_provider_id,
        to_provider_id=draft.to_provider_id,
        service=draft.service,
    )
    if any(w.active for w in tx.list_pathways(query, Page(limit=10)).items):
        raise InvalidInput("That pathway is agreed already.", field=field)
    return PathwayProposal(**draft.model_dump())


def _subject(meeting: Meeting, draft: ActionDraft, field: str) -> Subject:
    if draft.item_id is None:
        return Subject(provider_id=draft.owner_provider_id)
    item = meeting.item(draft.item_id)
    if item is None:
        raise InvalidInput(
            f"{draft.item_id!r} is not an item of this meeting's agenda.", field=f"{field}.item_id"
        )
    return item.subject


def new_actions(
    tx: Transaction,
    caller: Caller,
    meeting: Meeting,
    drafts: Sequence[ActionDraft],
    ids: Sequence[str],
    field: str = "actions",
) -> list[Action]:
    """The actions of ``drafts`` for ``meeting``, checked (``InvalidInput`` naming
    ``actions[i].field``); nothing is written here."""
    made = []
    for n, (draft, ident) in enumerate(zip(drafts, ids, strict=True)):
        at = f"{field}[{n}]"
        check_day(draft.due_on, f"{at}.due_on")
        if draft.due_on < meeting.held_on:
            raise InvalidInput(
                "An action is due after the meeting agrees it.", field=f"{at}.due_on"
            )
        owner = tx.get_provider(draft.owner_provider_id)
        if owner is None or not owner.active:
            raise InvalidInput(
                f"No active provider with id {draft.owner_provider_id!r}.",
                field=f"{at}.owner_provider_id",
            )
        if draft.owner_person_id is not None:
            person = tx.get_person(draft.owner_person_id)
            if person is None or person.provider_id != owner.id or not person.active:
                raise InvalidInput(
                    f"{draft.owner_person_id!r} is no active person of {owner.id!r}.",
                    field=f"{at}.owner_person_id",
                )
        pathway = (
            None if draft.pathway is None else _check_pathway(tx, draft.pathway, f"{at}.pathway")
        )
        made.append(
            Action(
                id=ident,
                meeting_id=meeting.id,
                item_id=draft.item_id,
                subject=_subject(meeting, draft, at),
                text=draft.text.strip(),
                owner_provider_id=owner.id,
                owner_person_id=draft.owner_person_id,
                due_on=draft.due_on,
                area_code=meeting.area_code,
                pathway=pathway,
                history=(
                    ActionStep(
                        at=caller.now,
                        actor=caller.actor,
                        status=ActionStatus.OPEN,
                        meeting_id=meeting.id,
                    ),
                ),
                created_by=caller.actor,
                created_at=caller.now,
                updated_at=caller.now,
            )
        )
    return made


def add_actions(caller: Caller, meeting_id: str, drafts: Sequence[ActionDraft]) -> list[Action]:
    """Record actions agreed at an open meeting, all of them or none."""
    ids = [new_id("act") for _ in drafts]

    def work(tx: Transaction) -> list[Action]:
        meeting = meeting_seen(caller.principal, tx.get_meeting(meeting_id), meeting_id)
        if meeting.status is MeetingStatus.CLOSED:
            raise Conflict("The meeting is closed; add actions at the next one.", field="status")
        actions = new_actions(tx, caller, meeting, drafts, ids)
        tx.add_actions(actions)
        return actions

    return caller.store.write(work)


# --- following up ---------------------------------------------------------------------------
def _updated(
    action: Action, update: ActionUpdate, caller: Caller, meeting_id: str | None, field: str
) -> Action:
    reason = (update.reason or "").strip() or None
    if update.status is ActionStatus.DROPPED and reason is None:
        raise InvalidInput("Say why the action is dropped.", field=f"{field}.reason")
    due = action.due_on
    if update.due_on is not None:
        check_day(update.due_on, f"{field}.due_on")
        if update.status is not ActionStatus.OPEN:
            raise InvalidInput("Only an open action gets a new due day.", field=f"{field}.due_on")
        due = update.due_on
    step = ActionStep(
        at=caller.now,
        actor=caller.actor,
        status=update.status,
        reason=reason,
        meeting_id=meeting_id,
    )
    return action.model_copy(
        update={
            "status": update.status,
            "status_reason": reason if update.status is not ActionStatus.OPEN else None,
            "due_on": due,
            "history": (*action.history, step),
            "updated_at": caller.now,
            "version": action.version + 1,
        }
    )


def apply_updates(
    tx: Transaction,
    caller: Caller,
    updates: Sequence[ActionUpdate],
    meeting: Meeting | None = None,
    field: str = "updates",
) -> list[Action]:
    """Apply each update (checked: the caller may change the action; an owner may only
    report it done), compare-and-set."""
    saved = []
    for n, update in enumerate(updates):
        at = f"{field}[{n}]"
        action = action_seen(caller.principal, tx.get_action(update.action_id), update.action_id)
        if update.version is not None and update.version != action.version:
            raise Conflict(
                f"The action changed since you read it (version {action.version}).",
                field=f"{at}.version",
            )
        runs = may_run(caller.principal, action.area_code)
        if meeting is not None and not runs:
            raise NotFound("action", action.id)
        if not runs and not (owns(caller.principal, action) and update.status is ActionStatus.DONE):
            raise Forbidden(
                "An action's owner may report it done; the meeting decides the rest.",
                field=f"{at}.status",
            )
        changed = _updated(action, update, caller, None if meeting is None else meeting.id, at)
        tx.save_action(changed, action.version)
        saved.append(changed)
    return saved


def update_action(caller: Caller, update: ActionUpdate) -> Action:
    """Mark an action done, drop it with a reason, or keep it open with a new due day
    (coordinators of its area); its owner may report it done."""
    return caller.store.write(lambda tx: apply_updates(tx, caller, [update], field="body")[0])


def confirm_pathway(caller: Caller, action_id: str) -> Action:
    """An administrator puts the pathway an action agreed into the directory; the action
    is done. One transaction: the pathway exists exactly when the action says so."""
    if caller.principal.role not in (Role.ADMIN, Role.SYSTEM):
        raise Forbidden("An administrator confirms pathways into the directory.")
    pathway_id = new_id("pw")

    def work(tx: Transaction) -> Action:
        action = action_seen(caller.principal, tx.get_action(action_id), action_id)
        proposal = action.pathway
        if proposal is None:
            raise Conflict("This action agrees no pathway.", field="pathway")
        if not action.awaits_confirmation:
            raise Conflict(
                "The pathway is confirmed already, or the action dropped.", field="pathway"
            )
        _check_pathway(
            tx,
            PathwayDraft(
                **proposal.model_dump(include={"from_provider_id", "to_provider_id", "service"})
            ),
            "pathway",
        )
        tx.add_pathway(
            Pathway(
                id=pathway_id,
                from_provider_id=proposal.from_provider_id,
                to_provider_id=proposal.to_provider_id,
                service=proposal.service,
                note=f"Agreed at meeting {action.meeting_id}",
            )
        )
        confirmed = proposal.model_copy(
            update={
                "pathway_id": pathway_id,
                "confirmed_by": caller.actor,
                "confirmed_at": caller.now,
            }
        )
        step = ActionStep(
            at=caller.now,
            actor=caller.actor,
            status=ActionStatus.DONE,
            reason="pathway confirmed into the directory",
        )
        done = action.model_copy(
            update={
                "pathway": confirmed,
                "status": ActionStatus.DONE,
                "history": (*action.history, step),
                "updated_at": caller.now,
                "version": action.version + 1,
            }
        )
        tx.save_action(done, action.version)
        return done

    return caller.store.write(work)


# --- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ActionView:
    """An action as a list shows it: who owns it, when its meeting was, whether overdue."""

    action: Action
    owner: Label
    meeting_held_on: date | None
    overdue: bool


def _views(tx: Transaction, actions: Sequence[Action], today: date) -> list[ActionView]:
    held: dict[str, date] = {}
    for meeting_id in {a.meeting_id for a in actions}:
        meeting = tx.get_meeting(meeting_id)
        if meeting is not None:
            held[meeting_id] = meeting.held_on
    return [
        ActionView(a, owner_label(tx, a), held.get(a.meeting_id), a.overdue(today)) for a in actions
    ]


def get_action(caller: Caller, action_id: str) -> Action:
    return caller.store.read(
        lambda tx: action_seen(caller.principal, tx.get_action(action_id), action_id)
    )


def list_actions(
    caller: Caller,
    page: Page,
    *,
    area: str | None = None,
    status: ActionStatus | None = None,
    meeting_id: str | None = None,
    awaiting_pathway: bool | None = None,
) -> Listing[Action]:
    """Actions the caller may see: a provider's accounts those their provider owns; a
    coordinator those of their area (or ``area`` inside it); an administrator those
    agreeing a pathway. Soonest due first."""
    principal = caller.principal
    query = ActionQuery(meeting_id=meeting_id, status=status, awaiting_pathway=awaiting_pathway)
    if principal.role in PROVIDER_ROLES:
        if area is not None:
            raise Forbidden("Providers see the actions they own, not an area's.", field="area")
        query = ActionQuery(
            meeting_id=meeting_id,
            status=status,
            awaiting_pathway=awaiting_pathway,
            owner_provider_id=principal.provider_id,
        )
    elif principal.role is Role.ADMIN:
        if awaiting_pathway is False:
            raise Forbidden(
                "Administrators see the actions that agree a pathway.", field="awaiting_pathway"
            )
        query = ActionQuery(area=area, meeting_id=meeting_id, status=status, awaiting_pathway=True)
    else:
        query = ActionQuery(
            area=coordinator_area(principal, area),
            meeting_id=meeting_id,
            status=status,
            awaiting_pathway=awaiting_pathway,
        )
    if meeting_id is not None and principal.role in (Role.COORDINATOR,):

        def check(tx: Transaction) -> Listing[Action]:
            meeting_seen(principal, tx.get_meeting(meeting_id), meeting_id)
            return tx.list_actions(query, page)

        return caller.store.read(check)
    return caller.store.read(lambda tx: tx.list_actions(query, page))


def owned_actions(caller: Caller, *, tz: str = REPORT_TZ) -> list[ActionView]:
    """The open actions the caller answers for — its provider's (a coordinator's: its
    area's; an administrator's: pathways to confirm) — overdue first, then soonest due:
    what a work queue lists."""
    today = caller.now.astimezone(zone(tz)).date()
    listing_query = ActionStatus.OPEN

    def work(tx: Transaction) -> list[ActionView]:
        principal = caller.principal
        if principal.role in PROVIDER_ROLES:
            query = ActionQuery(owner_provider_id=principal.provider_id, status=listing_query)
        elif principal.role is Role.ADMIN:
            query = ActionQuery(awaiting_pathway=True)
        else:
            query = ActionQuery(area=coordinator_area(principal, None), status=listing_query)
        found = list(every(lambda page: tx.list_actions(query, page)))
        return _views(tx, found, today)

    views = caller.store.read(work)
    return sorted(views, key=lambda v: (not v.overdue, v.action.due_on, v.action.id))


def actions_named(
    caller: Caller, action_ids: Sequence[str], *, tz: str = REPORT_TZ
) -> list[ActionView]:
    """The actions with these ids the caller may see (others are left out), as lists
    show them."""
    today = caller.now.astimezone(zone(tz)).date()

    def work(tx: Transaction) -> list[ActionView]:
        found = tx.get_actions(action_ids)
        seen = []
        for ident in action_ids:
            try:
                seen.append(action_seen(caller.principal, found.get(ident), ident))
            except NotFound:
                continue
        return _views(tx, seen, today)

    return caller.store.read(work)


def action_views(
    caller: Caller, actions: Sequence[Action], *, tz: str = REPORT_TZ
) -> list[ActionView]:
    today = caller.now.astimezone(zone(tz)).date()
    return caller.store.read(lambda tx: _views(tx, actions, today))


def item_kind_of(meeting: Meeting, item_id: str | None) -> ItemKind | None:
    item = None if item_id is None else meeting.item(item_id)
    return None if item is None else item.kind

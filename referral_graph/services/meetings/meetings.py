"""Planning, running and closing a meeting.

A coordinator opens a meeting for an area of theirs (:func:`create_meeting`): its agenda
is built from the graph then and there. Before the meeting they edit it
(:func:`edit_agenda`: keep, order, drop, add) or rebuild it from the graph
(:func:`refresh_agenda`, which keeps their edits). At the meeting they record who came
and what was agreed, and close it (:func:`close_meeting`): attendance, the new actions
and what became of earlier ones are written in one transaction, so a crash mid-save
leaves all of it or none. Every change is compare-and-set on the meeting's version: two
coordinators editing one agenda cannot overwrite each other unseen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from referral_graph.audit.period import REPORT_TZ
from referral_graph.domain.areas import area_contains
from referral_graph.domain.errors import Conflict, InvalidInput
from referral_graph.domain.ids import new_id
from referral_graph.domain.meetings import (
    ItemId,
    ItemKind,
    Meeting,
    MeetingLevel,
    MeetingStatus,
    Participant,
    Words,
)
from referral_graph.domain.models import Identifier
from referral_graph.domain.queries import Listing, MeetingQuery, Page, ProviderQuery, every
from referral_graph.meetings.agenda import added_item, merge_agenda
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building.common import check_day
from referral_graph.services.meetings.access import meeting_area, meeting_seen
from referral_graph.services.meetings.actions import (
    ActionDraft,
    ActionUpdate,
    apply_updates,
    new_actions,
)
from referral_graph.services.meetings.agenda import build_draft, check_level
from referral_graph.services.routing import Routing
from referral_graph.store.port import Transaction

#: Providers invited by default: those located in the meeting's area (at most this many).
DEFAULT_INVITED = 200


class NewMeeting(BaseModel):
    """What a coordinator gives to open a meeting; the participants default to the
    active providers located in the area."""

    model_config = ConfigDict(extra="forbid")

    area_code: str = Field(pattern=r"^\d{2}(\d{2}){0,2}$", description="Its area.")
    held_on: date = Field(description="The local day it is held.")
    level: MeetingLevel | None = Field(None, description="Default: the area's own.")
    place: str | None = Field(None, max_length=200)
    online: bool = False
    chaired_by: str | None = Field(None, max_length=200)
    participants: list[Identifier] | None = Field(None, max_length=500)


class MeetingChanges(BaseModel):
    """Details of a planned meeting that may change (``version``: the one read)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    held_on: date | None = None
    place: str | None = Field(None, max_length=200)
    online: bool | None = None
    chaired_by: str | None = Field(None, max_length=200)
    participants: list[Identifier] | None = Field(None, max_length=500)


class AgendaEntry(BaseModel):
    """One line of an edited agenda: an item kept (its ``id``) or added (``text``)."""

    model_config = ConfigDict(extra="forbid")

    id: ItemId | None = None
    text: Words | None = None

    @model_validator(mode="after")
    def _one(self) -> AgendaEntry:
        if (self.id is None) == (self.text is None):
            raise ValueError("give an item's id to keep it, or a text to add one")
        return self


class AgendaEdit(BaseModel):
    """The agenda as the coordinator wants it: items in order; an item of the agenda
    left out is dropped (kept, marked), a text is a new item."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    items: list[AgendaEntry] = Field(max_length=300)


class Closing(BaseModel):
    """What a meeting ends with: who came (provider ids; None: as recorded), the actions
    agreed, and what became of the actions of earlier meetings."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    present: list[Identifier] | None = Field(None, max_length=500)
    actions: list[ActionDraft] = Field(default_factory=list, max_length=100)
    updates: list[ActionUpdate] = Field(default_factory=list, max_length=200)


# --- reading ------------------------------------------------------------------------------
def _meeting(tx: Transaction, caller: Caller, meeting_id: str) -> Meeting:
    return meeting_seen(caller.principal, tx.get_meeting(meeting_id), meeting_id)


def get_meeting(caller: Caller, meeting_id: str) -> Meeting:
    return caller.store.read(lambda tx: _meeting(tx, caller, meeting_id))


def list_meetings(
    caller: Caller,
    page: Page,
    *,
    area: str | None = None,
    level: MeetingLevel | None = None,
    status: MeetingStatus | None = None,
) -> Listing[Meeting]:
    """Meetings of areas inside ``area`` (a coordinator's own by default), newest first."""
    covered = meeting_area(caller.principal, area)
    query = MeetingQuery(area=covered, level=level, status=status)
    return caller.store.read(lambda tx: tx.list_meetings(query, page))


# --- planning -----------------------------------------------------------------------------
def _participants(tx: Transaction, area: str, wanted: Sequence[str] | None) -> list[Participant]:
    if wanted is None:
        found = every(lambda page: tx.list_providers(ProviderQuery(area=area, active=True), page))
        located = [p.id for p in found if area_contains(area, p.area_code)]
        return [Participant(provider_id=pid) for pid in sorted(located)[:DEFAULT_INVITED]]
    ids = list(dict.fromkeys(wanted))
    known = tx.get_providers(ids)
    missing = [i for i in ids if i not in known]
    if missing:
        raise InvalidInput(f"No provider with id {missing[0]!r}.", field="participants")
    return [Participant(provider_id=pid) for pid in ids]


def create_meeting(
    caller: Caller, routing: Routing | None, new: NewMeeting, *, tz: str = REPORT_TZ
) -> Meeting:
    """Open a meeting of an area of the coordinator's (403 outside it) with the agenda
    the graph gives now."""
    check_day(new.held_on, "held_on")
    level = check_level(new.level, new.area_code)
    draft = build_draft(caller, routing, new.area_code, new.held_on, level, tz=tz)
    meeting_id = new_id("mtg")

    def work(tx: Transaction) -> Meeting:
        meeting = Meeting(
            id=meeting_id,
            level=level,
            area_code=new.area_code,
            held_on=new.held_on,
            place=new.place,
            online=new.online,
            chaired_by=new.chaired_by,
            participants=tuple(_participants(tx, new.area_code, new.participants)),
            period_since=draft.period_since,
            agenda=tuple(draft.items),
            agenda_built_at=draft.built_at,
            created_by=caller.actor,
            created_at=caller.now,
            updated_at=caller.now,
        )
        tx.add_meeting(meeting)
        return meeting

    return caller.store.write(work)


@dataclass(frozen=True, slots=True)
class _Change:
    meeting: Meeting
    expected: int


def _planned(tx: Transaction, caller: Caller, meeting_id: str, version: int) -> Meeting:
    meeting = _meeting(tx, caller, meeting_id)
    if meeting.status is MeetingStatus.CLOSED:
        raise Conflict("The meeting is closed; its record no longer changes.", field="status")
    if meeting.version != version:
        raise Conflict(
            f"The meeting changed since you read it (version {meeting.version}, not "
            f"{version}); reload it and try again.",
            field="version",
        )
    return meeting


def _save(tx: Transaction, caller: Caller, old: Meeting, **changes: object) -> Meeting:
    updated = Meeting.model_validate(
        old.model_dump() | changes | {"version": old.version + 1, "updated_at": caller.now}
    )
    tx.save_meeting(updated, old.version)
    return updated


def update_meeting(caller: Caller, meeting_id: str, changes: MeetingChanges) -> Meeting:
    """Change the day, place, chair or invited providers of a planned meeting."""
    if changes.held_on is not None:
        check_day(changes.held_on, "held_on")

    def work(tx: Transaction) -> Meeting:
        meeting = _planned(tx, caller, meeting_id, changes.version)
        fields: dict[str, object] = changes.model_dump(
            exclude_unset=True, exclude={"version", "participants"}
        )
        if changes.participants is not None:
            present = {p.provider_id: p.present for p in meeting.participants}
            fields["participants"] = tuple(
                p.model_copy(update={"present": present.get(p.provider_id)})
                for p in _participants(tx, meeting.area_code, changes.participants)
            )
        held_on = fields.get("held_on", meeting.held_on)
        if isinstance(held_on, date) and held_on < meeting.period_since:
            raise InvalidInput(
                "The meeting cannot be held before the period its agenda covers starts "
                f"({meeting.period_since.isoformat()}).",
                field="held_on",
            )
        return _save(tx, caller, meeting, **fields)

    return caller.store.write(work)


def edit_agenda(caller: Caller, meeting_id: str, edit: AgendaEdit) -> Meeting:
    """The agenda in the order given; items left out are dropped, texts are added."""

    def work(tx: Transaction) -> Meeting:
        meeting = _planned(tx, caller, meeting_id, edit.version)
        current = {i.id: i for i in meeting.agenda}
        kept, seen = [], set()
        for n, entry in enumerate(edit.items):
            if entry.id is None:
                assert entry.text is not None
                kept.append(added_item(f"added:{new_id('item')[5:17]}", entry.text.strip()))
                continue
            item = current.get(entry.id)
            if item is None or entry.id in seen:
                raise InvalidInput(
                    f"{entry.id!r} is not an item of this agenda (or is listed twice).",
                    field=f"items[{n}].id",
                )
            seen.add(entry.id)
            kept.append(item.model_copy(update={"dropped": False}))
        dropped = [
            i.model_copy(update={"dropped": True}) for i in meeting.agenda if i.id not in seen
        ]
        dropped = [i for i in dropped if i.kind is not ItemKind.ADDED]
        return _save(tx, caller, meeting, agenda=tuple(kept + dropped))

    return caller.store.write(work)


def refresh_agenda(
    caller: Caller, routing: Routing | None, meeting_id: str, version: int, *, tz: str = REPORT_TZ
) -> Meeting:
    """Rebuild the agenda from the graph as it is now, keeping the coordinator's edits
    (see :func:`~referral_graph.meetings.agenda.merge_agenda`)."""
    meeting = get_meeting(caller, meeting_id)
    draft = build_draft(
        caller,
        routing,
        meeting.area_code,
        meeting.held_on,
        meeting.level,
        period_since=meeting.period_since,
        tz=tz,
    )

    def work(tx: Transaction) -> Meeting:
        current = _planned(tx, caller, meeting_id, version)
        merged = merge_agenda(current.agenda, draft.items)
        return _save(tx, caller, current, agenda=tuple(merged), agenda_built_at=draft.built_at)

    return caller.store.write(work)


def _attendance(
    tx: Transaction, meeting: Meeting, present: Sequence[str] | None
) -> tuple[Participant, ...]:
    if present is None:
        return meeting.participants
    came = set(present)
    known = {p.provider_id for p in meeting.participants}
    extra = [pid for pid in dict.fromkeys(present) if pid not in known]
    found = tx.get_providers(extra)
    missing = [pid for pid in extra if pid not in found]
    if missing:
        raise InvalidInput(f"No provider with id {missing[0]!r}.", field="present")
    everyone = [p.provider_id for p in meeting.participants] + extra
    return tuple(Participant(provider_id=pid, present=pid in came) for pid in everyone)


def record_attendance(
    caller: Caller, meeting_id: str, present: Sequence[str], version: int
) -> Meeting:
    """Who came: the providers ``present`` (others invited are marked absent; a provider
    not invited who came is added)."""

    def work(tx: Transaction) -> Meeting:
        meeting = _planned(tx, caller, meeting_id, version)
        return _save(tx, caller, meeting, participants=_attendance(tx, meeting, present))

    return caller.store.write(work)


def close_meeting(caller: Caller, meeting_id: str, closing: Closing) -> Meeting:
    """Record attendance, the actions agreed and what became of earlier ones, and close
    the meeting — all in one transaction (a refusal of any part writes nothing)."""
    ids = [new_id("act") for _ in closing.actions]

    def work(tx: Transaction) -> Meeting:
        meeting = _planned(tx, caller, meeting_id, closing.version)
        participants = _attendance(tx, meeting, closing.present)
        actions = new_actions(tx, caller, meeting, closing.actions, ids)
        apply_updates(tx, caller, closing.updates, meeting, field="updates")
        tx.add_actions(actions)
        return _save(
            tx,
            caller,
            meeting,
            participants=participants,
            status=MeetingStatus.CLOSED,
            closed_at=caller.now,
            closed_by=caller.actor,
        )

    return caller.store.write(work)

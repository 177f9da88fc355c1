"""Network meetings: the monthly commune and district meetings, the technical meeting with
the health department and the provincial meeting — their agenda, who came, and the
actions they agreed, followed up until done or dropped with a reason.

A :class:`Meeting` is held for one area at one level, on a local calendar day. Its agenda
is built from the referral graph for the period since the last meeting of the same area
and level (``referral_graph.meetings.agenda``), then edited by the coordinator: items are
dropped (kept, marked, so a rebuilt agenda does not bring them back), reordered, added.
An :class:`Action` answers one agenda item and has an owner (a provider, or a person of
a provider) and a due day; an open action comes back on every later agenda of its area
until it is done or dropped with a reason. An action that agrees a new pathway carries
a :class:`PathwayProposal`, which an administrator confirms into the directory.

Pure: no I/O here. Texts of agenda items are :class:`Said` — a key and its parameters
(codes, counts, provider ids) with the sentence in English and Khmer — so a client can
translate for itself and a page can show the words without a catalogue.

>>> Meeting.level_fits(MeetingLevel.DISTRICT, "1701")
True
>>> Meeting.level_fits(MeetingLevel.COMMUNE, "1701")
False
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from referral_graph.domain.areas import level_of
from referral_graph.domain.errors import UnknownArea
from referral_graph.domain.models import Identifier, Model, ShortText, as_utc, known_area, utc_now
from referral_graph.domain.training import TrainingTopic
from referral_graph.domain.vocabulary import AreaLevel, Service

#: An agenda item's id: stable for the same finding, so a rebuilt agenda keeps its edits.
ItemId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:>~-]+$")]
#: Words a coordinator typed (an added item, an action): staff work, never a child's story.
Words = Annotated[str, Field(min_length=1, max_length=500)]
#: A case code as the programme prints it (``KH1701-7K3M9Q``).
CaseCode = Annotated[str, Field(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]


class MeetingLevel(StrEnum):
    """The meetings the programme holds (programme description, "Coordination")."""

    COMMUNE = "commune"  # the monthly network meeting of a commune
    DISTRICT = "district"  # the monthly district meeting
    PROVINCE = "province"  # the provincial meeting on issues of women and children
    TECHNICAL = "technical"  # the technical meeting with the health department


#: The area levels a meeting of each level is held for.
LEVEL_AREAS: dict[MeetingLevel, frozenset[AreaLevel]] = {
    MeetingLevel.COMMUNE: frozenset({AreaLevel.COMMUNE}),
    MeetingLevel.DISTRICT: frozenset({AreaLevel.DISTRICT}),
    MeetingLevel.PROVINCE: frozenset({AreaLevel.PROVINCE}),
    MeetingLevel.TECHNICAL: frozenset({AreaLevel.DISTRICT, AreaLevel.PROVINCE}),
}


def default_level(area_code: str) -> MeetingLevel:
    """The usual meeting of an area: a commune's, a district's or a province's.

    >>> default_level("19"), default_level("170101")
    (<MeetingLevel.PROVINCE: 'province'>, <MeetingLevel.COMMUNE: 'commune'>)
    """
    level = level_of(area_code)
    if level is AreaLevel.COMMUNE:
        return MeetingLevel.COMMUNE
    if level is AreaLevel.DISTRICT:
        return MeetingLevel.DISTRICT
    return MeetingLevel.PROVINCE


class MeetingStatus(StrEnum):
    PLANNED = "planned"  # agenda being prepared, or the meeting under way
    CLOSED = "closed"  # held: attendance and actions recorded


class ItemKind(StrEnum):
    """What the graph found (or the coordinator added)."""

    OVERDUE_HANDOFF = "overdue_handoff"
    CHILD_WAITING = "child_waiting"
    BOTTLENECK = "bottleneck"
    REPEATED_DECLINES = "repeated_declines"
    NO_PATHWAY = "no_pathway"
    SERVICE_GAP = "service_gap"
    REFRESHERS_DUE = "refreshers_due"
    COACHING_OVERDUE = "coaching_overdue"
    OPEN_ACTION = "open_action"
    ADDED = "added"


class Subject(Model):
    """What an agenda item or an action is about: a provider, a pathway (``provider_id``
    → ``to_provider_id`` for ``service``), a case (by its code only), a gap (``service``
    in ``area_code``), a training need (``topic`` at ``provider_id``), an earlier action.
    Every field is optional; the item's kind says which are set."""

    provider_id: Identifier | None = None
    to_provider_id: Identifier | None = None
    service: Service | None = None
    case_code: CaseCode | None = None
    area_code: str | None = None
    topic: TrainingTopic | None = None
    action_id: Identifier | None = None

    @field_validator("area_code")
    @classmethod
    def _area(cls, v: str | None) -> str | None:
        return None if v is None else known_area(v)

    @property
    def providers(self) -> tuple[str, ...]:
        """The providers it names."""
        return tuple(p for p in (self.provider_id, self.to_provider_id) if p is not None)


Param = str | int | float


class Said(Model):
    """One sentence: its ``key`` and ``params`` (codes, counts, ids, ISO days) and its
    words in English (``en``) and Khmer (``km``)."""

    key: Annotated[str, Field(min_length=1, max_length=64)]
    params: dict[str, Param] = Field(default_factory=dict)
    en: Annotated[str, Field(max_length=1000)]
    km: Annotated[str, Field(max_length=1000)]

    def in_lang(self, lang: str) -> str:
        return self.km if lang == "km" else self.en


class AgendaItem(Model):
    """One item: what was found (``title``), the evidence behind it, and the action the
    graph proposes. A dropped item stays in the agenda, marked, so that rebuilding the
    agenda does not bring it back."""

    id: ItemId
    kind: ItemKind
    subject: Subject = Subject()
    title: Said
    evidence: tuple[Said, ...] = ()
    proposal: Said | None = None
    dropped: bool = False


class Participant(Model):
    """A provider invited to the meeting; ``present`` once attendance is recorded."""

    provider_id: Identifier
    present: bool | None = None


class Meeting(Model):
    """A network meeting of one area at one level, on a local calendar day."""

    id: Identifier
    level: MeetingLevel
    area_code: str
    held_on: date = Field(description="The local calendar day of the meeting.")
    place: str | None = Field(None, max_length=200)
    online: bool = False
    chaired_by: str | None = Field(None, max_length=200, description="Who chairs it.")
    participants: tuple[Participant, ...] = ()
    period_since: date = Field(
        description="The agenda covers the days from this one up to the meeting's "
        "(the day of the last meeting of the same area and level, or a month before)."
    )
    agenda: tuple[AgendaItem, ...] = ()
    agenda_built_at: datetime | None = None
    status: MeetingStatus = MeetingStatus.PLANNED
    closed_at: datetime | None = None
    closed_by: ShortText | None = None
    created_by: ShortText
    created_at: datetime
    updated_at: datetime = Field(default_factory=utc_now)
    synthetic: bool = Field(False, description="Sample data: invented, not a real meeting.")
    version: int = 1

    _times = field_validator("created_at", "updated_at")(as_utc)

    @field_validator("area_code")
    @classmethod
    def _known(cls, v: str) -> str:
        return known_area(v)

    @staticmethod
    def level_fits(level: MeetingLevel, area_code: str) -> bool:
        """Whether a meeting of ``level`` is held for an area of ``area_code``'s level."""
        try:
            return level_of(area_code) in LEVEL_AREAS[level]
        except UnknownArea:
            return False

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.level_fits(self.level, self.area_code):
            wanted = " or ".join(sorted(a.value for a in LEVEL_AREAS[self.level]))
            raise ValueError(f"a {self.level.value} meeting is held for a {wanted}")
        if self.period_since > self.held_on:
            raise ValueError("period_since must not be after held_on")
        ids = [p.provider_id for p in self.participants]
        if len(ids) != len(set(ids)):
            raise ValueError("a provider takes part once")
        items = [i.id for i in self.agenda]
        if len(items) != len(set(items)):
            raise ValueError("agenda item ids must be distinct")
        return self

    @property
    def present(self) -> tuple[str, ...]:
        return tuple(p.provider_id for p in self.participants if p.present)

    def item(self, item_id: str) -> AgendaItem | None:
        return next((i for i in self.agenda if i.id == item_id), None)


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class PathwayProposal(Model):
    """A pathway the meeting agreed; it enters the directory once an administrator
    confirms it (``pathway_id`` is then the pathway made)."""

    from_provider_id: Identifier
    to_provider_id: Identifier
    service: Service
    pathway_id: Identifier | None = None
    confirmed_by: ShortText | None = None
    confirmed_at: datetime | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.from_provider_id == self.to_provider_id:
            raise ValueError("a pathway links two different providers")
        return self


class ActionStep(Model):
    """A change of an action's status: who, when, why, and at which meeting."""

    at: datetime
    actor: ShortText
    status: ActionStatus
    reason: str | None = Field(None, max_length=500)
    meeting_id: Identifier | None = None


class Action(Model):
    """An action agreed at a meeting: what, who owns it (a provider, or a person of that
    provider), by when, and which agenda item it answers."""

    id: Identifier
    meeting_id: Identifier
    item_id: ItemId | None = Field(None, description="The agenda item it answers.")
    subject: Subject = Subject()
    text: Words
    owner_provider_id: Identifier
    owner_person_id: Identifier | None = None
    due_on: date
    area_code: str = Field(description="The area of the meeting that agreed it.")
    status: ActionStatus = ActionStatus.OPEN
    status_reason: str | None = Field(None, max_length=500)
    pathway: PathwayProposal | None = None
    history: tuple[ActionStep, ...] = ()
    created_by: ShortText
    created_at: datetime
    updated_at: datetime
    synthetic: bool = Field(False, description="Sample data: invented, not a real action.")
    version: int = 1

    _times = field_validator("created_at", "updated_at")(as_utc)

    @field_validator("area_code")
    @classmethod
    def _known(cls, v: str) -> str:
        return known_area(v)

    @model_validator(mode="after")
    def _reason(self) -> Self:
        if self.status is ActionStatus.DROPPED and not (self.status_reason or "").strip():
            raise ValueError("a dropped action needs the reason it was dropped")
        return self

    @property
    def is_open(self) -> bool:
        return self.status is ActionStatus.OPEN

    def overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today

    @property
    def awaits_confirmation(self) -> bool:
        """An agreed pathway an administrator has not confirmed yet."""
        return (
            self.pathway is not None
            and self.pathway.pathway_id is None
            and self.status is not ActionStatus.DROPPED
        )

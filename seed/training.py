"""Capacity building in the programme seed network, derived from the programme providers.

``seed/programme/capacity.yaml`` holds the hand-written facts (TPO's clinical supervisor,
trainer and counsellors), the training calendar and the working assumptions; this module
expands them over the community providers of ``providers.yaml`` with a fixed random seed:

* 1–4 people for every VHSG, CCWC, health centre and school, with a role, supervised by
  the TPO counsellor of their part of the province (health-centre staff also by the
  clinical supervisor);
* trainings held in the programme districts from 2024 to 2026 — a first round, refreshers
  before it runs out, catch-up sessions for people who missed it or joined later, one
  online refresher — and who attended them, so that on ``as_of`` (25 November 2026) most
  providers hold a valid psychological-first-aid competency and a few have lapsed, lapse
  soon or were never trained (``degraded`` in the YAML);
* coaching sessions from mid-2025, most people coached within the policy's 90 days, some
  overdue, a few never;
* awareness sessions the trained providers ran in their villages and communes, with
  participant counts by age group and gender (no names, nothing about any child).

Every person is synthetic. The same files give the same records in the same order.

>>> data = programme_training()
>>> all(p.synthetic for p in data.people)
True
"""

from __future__ import annotations

import gc
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Final

from pydantic import Field, ValidationError

from referral_graph.domain.areas import gazetteer, lineage_codes
from referral_graph.domain.models import Provider
from referral_graph.domain.training import (
    AgeGroup,
    Attendance,
    AwarenessSession,
    AwarenessTopic,
    CoachingSession,
    ParticipantCount,
    Person,
    PersonRole,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import AreaLevel, DeliveryMode, Gender, ProviderKind
from seed.languages import with_languages
from seed.loader import (
    AreasDocument,
    Geography,
    SeedError,
    Spec,
    check_unique,
    load_programme,
    parse_document,
)

__all__ = [
    "Standing",
    "TrainingData",
    "TrainingDocument",
    "load_training_document",
    "programme_training",
]

A, G = AgeGroup, Gender
T = TrainingTopic
K = ProviderKind

#: Short topic names for session ids.
TOPIC_CODES: Final[Mapping[TrainingTopic, str]] = {
    T.PSYCHOLOGICAL_FIRST_AID: "pfa",
    T.CHILD_PROTECTION_BASICS: "cpb",
    T.MENTAL_HEALTH_BASICS: "mhb",
    T.GBV: "gbv",
    T.SUPPORTING_CHILDREN_AFFECTED_BY_VIOLENCE: "scav",
    T.COUNSELLING_SKILLS: "cs",
    T.FACILITATION: "fac",
}

#: Topics whose competency lasts two years, so that the calendar refreshes them [A].
REFRESHED: Final = (T.PSYCHOLOGICAL_FIRST_AID, T.COUNSELLING_SKILLS)

#: Chances that shape a provider in good standing [A]: a person took part in the first
#: round (else joined later), attended a first-round topic other than first aid, went to
#: their district's refresher, went to the online one instead; a provider keeps a person
#: who has left (inactive).
JOINED_FIRST_ROUND: Final = 0.88
JOINED_2025: Final = 0.7  # of those who joined later; the rest joined in 2026
ATTENDED_TOPIC: Final = 0.95
ATTENDED_REFRESHER: Final = 0.75
ATTENDED_ONLINE: Final = 0.35
HAS_LEFT: Final = 0.06

#: Coaching [A]: never coached, coaching stopped (overdue now); days between sessions.
NEVER_COACHED: Final = 0.04
COACHING_STOPPED: Final = 0.15
COACHING_GAP: Final = (60, 100)
COUNSELLOR_COACHING_GAP: Final = (25, 40)
#: How the coaching happened, per province: face to face, by phone, online [A] (remote
#: coaching where distances are long: the programme description).
COACHING_MODES: Final[Mapping[str, tuple[float, float, float]]] = {
    "17": (0.7, 0.2, 0.1),
    "16": (0.45, 0.4, 0.15),
    "19": (0.45, 0.4, 0.15),
}
COACHING_NOTES: Final = (
    None,
    "Reviewed the steps of psychological first aid",
    "Self-care and stress after difficult cases",
    "Questions on the referral pathway",
    "Practised facilitation of an awareness session",
    "Listening and safe questions with children",
)

#: Awareness sessions [A]: days between two sessions of a provider, participants per
#: session, and the audience as weights of age group × gender.
AWARENESS_GAP: Final[Mapping[ProviderKind, tuple[int, int]]] = {
    K.VHSG: (50, 90),
    K.CCWC: (80, 140),
    K.HEALTH_CENTRE: (60, 110),
    K.SCHOOL: (70, 120),
}
AWARENESS_SIZE: Final[Mapping[ProviderKind, tuple[int, int]]] = {
    K.VHSG: (12, 35),
    K.CCWC: (15, 45),
    K.HEALTH_CENTRE: (10, 30),
    K.SCHOOL: (25, 60),
}
AUDIENCE: Final[Mapping[ProviderKind, Mapping[tuple[AgeGroup, Gender], float]]] = {
    K.VHSG: {
        (A.FROM_25, G.FEMALE): 0.35,
        (A.FROM_25, G.MALE): 0.15,
        (A.FROM_18_TO_24, G.FEMALE): 0.10,
        (A.FROM_18_TO_24, G.MALE): 0.06,
        (A.FROM_12_TO_17, G.FEMALE): 0.10,
        (A.FROM_12_TO_17, G.MALE): 0.09,
        (A.UNDER_12, G.FEMALE): 0.08,
        (A.UNDER_12, G.MALE): 0.07,
    },
    K.CCWC: {
        (A.FROM_25, G.FEMALE): 0.30,
        (A.FROM_25, G.MALE): 0.20,
        (A.FROM_18_TO_24, G.FEMALE): 0.12,
        (A.FROM_18_TO_24, G.MALE): 0.10,
        (A.FROM_12_TO_17, G.FEMALE): 0.15,
        (A.FROM_12_TO_17, G.MALE): 0.13,
    },
    K.HEALTH_CENTRE: {
        (A.FROM_25, G.FEMALE): 0.40,
        (A.FROM_25, G.MALE): 0.15,
        (A.FROM_18_TO_24, G.FEMALE): 0.20,
        (A.FROM_18_TO_24, G.MALE): 0.10,
        (A.FROM_12_TO_17, G.FEMALE): 0.10,
        (A.FROM_12_TO_17, G.MALE): 0.05,
    },
    K.SCHOOL: {
        (A.FROM_12_TO_17, G.FEMALE): 0.45,
        (A.FROM_12_TO_17, G.MALE): 0.42,
        (A.FROM_18_TO_24, G.FEMALE): 0.05,
        (A.FROM_18_TO_24, G.MALE): 0.04,
        (A.FROM_25, G.FEMALE): 0.02,
        (A.FROM_25, G.MALE): 0.02,
    },
}
#: Chance that a young participant counted themself as non-binary [A].
NON_BINARY: Final = 0.08
AWARENESS_TOPICS: Final[Mapping[ProviderKind, Mapping[AwarenessTopic, int]]] = {
    K.VHSG: {
        AwarenessTopic.POSITIVE_PARENTING: 3,
        AwarenessTopic.VIOLENCE_AGAINST_CHILDREN: 3,
        AwarenessTopic.WHERE_TO_GET_HELP: 2,
        AwarenessTopic.MENTAL_HEALTH: 2,
    },
    K.CCWC: {
        AwarenessTopic.CHILD_RIGHTS: 3,
        AwarenessTopic.VIOLENCE_AGAINST_CHILDREN: 3,
        AwarenessTopic.GBV: 2,
        AwarenessTopic.WHERE_TO_GET_HELP: 2,
    },
    K.HEALTH_CENTRE: {
        AwarenessTopic.MENTAL_HEALTH: 4,
        AwarenessTopic.GBV: 2,
        AwarenessTopic.WHERE_TO_GET_HELP: 2,
    },
    K.SCHOOL: {
        AwarenessTopic.ONLINE_SAFETY: 3,
        AwarenessTopic.MENTAL_HEALTH: 3,
        AwarenessTopic.CHILD_RIGHTS: 2,
        AwarenessTopic.VIOLENCE_AGAINST_CHILDREN: 2,
    },
}


# --- the YAML document -------------------------------------------------------------------


class Standing(StrEnum):
    """How up to date a provider's people are in their training."""

    VALID = "valid"
    LAPSED = "lapsed"
    EXPIRING = "expiring"
    NEVER_TRAINED = "never_trained"


class StaffEntry(Spec):
    """One of TPO's own people, written by hand."""

    id: str
    provider_id: str
    name: str
    role: PersonRole
    gender: Gender | None = None
    supervised_by: list[str] = Field(default_factory=list)


class PeopleRule(Spec):
    role: PersonRole
    count: tuple[int, int]
    women: float = Field(ge=0, le=1)


class Calendar(Spec):
    initial: dict[str, date]
    refresher: dict[str, date]
    catch_up: list[date] = Field(min_length=3, max_length=3)
    online_refresher: date
    coaching_from: date
    awareness_from: date


class Names(Spec):
    family: list[str] = Field(min_length=1)
    female: list[str] = Field(min_length=1)
    male: list[str] = Field(min_length=1)


class TrainingDocument(Spec):
    """``capacity.yaml``."""

    as_of: date
    random_seed: int
    trainer: str
    staff: list[StaffEntry]
    people: dict[ProviderKind, PeopleRule]
    curriculum: dict[PersonRole, list[TrainingTopic]]
    days: dict[TrainingTopic, int]
    default_days: int = Field(ge=1)
    calendar: Calendar
    degraded: dict[Standing, dict[ProviderKind, int]]
    keep_trained: list[str]
    names: Names


def load_training_document(directory: Traversable | None = None) -> TrainingDocument:
    root = directory if directory is not None else files("seed") / "programme"
    return parse_document(TrainingDocument, root, "capacity.yaml")


# --- what the generators make ----------------------------------------------------------


@dataclass(slots=True)
class TrainingData:
    """People, trainings, attendance, coaching and awareness sessions, in loading order
    (a supervisor before the people they supervise)."""

    people: list[Person] = field(default_factory=list)
    sessions: list[TrainingSession] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    coaching: list[CoachingSession] = field(default_factory=list)
    awareness: list[AwarenessSession] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return (
            len(self.people)
            + len(self.sessions)
            + len(self.attendance)
            + len(self.coaching)
            + len(self.awareness)
        )

    def check(self) -> None:
        """Unique ids; raises :class:`SeedError` otherwise."""
        check_unique("person", [p.id for p in self.people])
        check_unique("training session", [s.id for s in self.sessions])
        check_unique("attendance", [f"{a.session_id}/{a.person_id}" for a in self.attendance])
        check_unique("coaching session", [c.id for c in self.coaching])
        check_unique("awareness session", [s.id for s in self.awareness])


def moment(day: date, hour: int = 10) -> datetime:
    """A fixed time of ``day`` (UTC) to stamp records with, so that loading repeats."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


def session_id(area_code: str | None, topic: TrainingTopic, starts_on: date) -> str:
    return f"training-{area_code or 'online'}-{TOPIC_CODES[topic]}-{starts_on:%Y%m%d}"


class NamePicker:
    """Synthetic people's names: a family name, then a given name (Khmer order)."""

    def __init__(self, names: Names, rng: random.Random) -> None:
        self.names = names
        self.rng = rng

    def draw(self, women: float, taken: Iterable[str] = ()) -> tuple[str, Gender]:
        used = set(taken)
        while True:
            gender = G.FEMALE if self.rng.random() < women else G.MALE
            given = self.names.female if gender is G.FEMALE else self.names.male
            name = f"{self.rng.choice(self.names.family)} {self.rng.choice(given)}"
            if name not in used:
                return name, gender


def district_of(code: str) -> str:
    """The district an area lies in, by the gazetteer's parent links."""
    lineage = lineage_codes(code)
    if len(lineage) < 2:
        raise SeedError(f"area {code!r} lies in no district")
    return lineage[1]


# --- the programme ---------------------------------------------------------------------


class _Programme:
    """Expands ``capacity.yaml`` over the programme providers."""

    def __init__(self, doc: TrainingDocument, providers: Sequence[Provider], geo: Geography):
        self.doc = doc
        self.rng = random.Random(doc.random_seed)  # noqa: S311 - reproducible, not a secret
        self.names = NamePicker(doc.names, self.rng)
        self.by_id = {p.id: p for p in providers}
        self.community = [p for p in providers if p.kind in doc.people]
        self.provinces = [a.code for a in geo.areas(AreaLevel.PROVINCE)]
        self.districts = geo.areas(AreaLevel.DISTRICT)
        self.hub = {
            province: self._hub(province, geo.context(gazetteer().area(province))["capital"])
            for province in self.provinces
        }
        self.data = TrainingData()
        self.sessions: dict[str, TrainingSession] = {}
        self.trained: dict[str, list[TrainingSession]] = {}  # person id → sessions attended
        self.taught: dict[str, list[TrainingTopic]] = {}  # province → topics, in week order

    def _hub(self, province: str, capital: str) -> str:
        ours = [d.code for d in self.districts if d.code.startswith(province)]
        return capital if capital in ours else ours[0]

    # -- calendar --
    def _session(
        self,
        topic: TrainingTopic,
        starts_on: date,
        area_code: str | None,
        *,
        refresher: bool = False,
    ) -> TrainingSession:
        ident = session_id(area_code, topic, starts_on)
        found = self.sessions.get(ident)
        if found is None:
            days = 1 if refresher else self.doc.days.get(topic, self.doc.default_days)
            venue = None
            if area_code is not None:
                venue = f"{gazetteer().area(area_code).name_en} district meeting hall"
            found = TrainingSession(
                id=ident,
                topic=topic,
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=days - 1),
                mode=DeliveryMode.IN_PERSON if area_code else DeliveryMode.ONLINE,
                area_code=area_code,
                venue=venue,
                trainer=self.doc.trainer,
                refresher=refresher,
                synthetic=True,
                created_at=moment(starts_on + timedelta(days=days - 1), 11),
            )
            self.sessions[ident] = found
        return found

    def _district_index(self, district: str) -> int:
        ours = [d.code for d in self.districts if d.code[:2] == district[:2]]
        return ours.index(district)

    def _topic_week(self, topic: TrainingTopic, province: str) -> int:
        """The week of a round in which ``topic`` is taught in a province."""
        if province not in self.taught:
            roles = {
                self.doc.people[p.kind].role for p in self.community if p.area_code[:2] == province
            }
            topics = {t for role in roles for t in self.doc.curriculum[role]}
            self.taught[province] = [t for t in TrainingTopic if t in topics]
        return self.taught[province].index(topic)

    def initial(self, district: str, topic: TrainingTopic) -> TrainingSession:
        province = district[:2]
        week = self._district_index(district) + self._topic_week(topic, province)
        starts = self.doc.calendar.initial[province] + timedelta(weeks=week)
        return self._session(topic, starts, district)

    def refresher(self, district: str, topic: TrainingTopic) -> TrainingSession:
        province = district[:2]
        starts = self.doc.calendar.refresher[province] + timedelta(
            weeks=self._district_index(district), days=REFRESHED.index(topic)
        )
        return self._session(topic, starts, district, refresher=True)

    def catch_up(self, n: int, province: str, topic: TrainingTopic) -> TrainingSession:
        starts = self.doc.calendar.catch_up[n] + timedelta(
            weeks=self.provinces.index(province) + self._topic_week(topic, province)
        )
        return self._session(topic, starts, self.hub[province])

    def online(self) -> TrainingSession:
        day = self.doc.calendar.online_refresher
        return self._session(T.PSYCHOLOGICAL_FIRST_AID, day, None, refresher=True)

    # -- who is degraded --
    def _kept(self, provider: Provider) -> bool:
        return any(
            provider.id == k or (k.isdigit() and provider.area_code.startswith(k))
            for k in self.doc.keep_trained
        )

    def standings(self) -> dict[str, Standing]:
        out = {p.id: Standing.VALID for p in self.community}
        for standing, per_kind in self.doc.degraded.items():
            for kind, count in per_kind.items():
                pool = [
                    p
                    for p in self.community
                    if p.kind == kind and out[p.id] is Standing.VALID and not self._kept(p)
                ]
                if count > len(pool):
                    raise SeedError(f"only {len(pool)} {kind.value} providers can be {standing}")
                for p in self.rng.sample(pool, count):
                    out[p.id] = standing
        return out

    # -- people and their trainings --
    def build(self) -> TrainingData:
        staff = self._staff()
        standing = self.standings()
        for provider in self.community:
            people = self._people(provider, standing[provider.id], staff)
            for person in people:
                self._coach(person)
            self._awareness(provider, people)
        self.data.sessions = sorted(self.sessions.values(), key=lambda s: (s.starts_on, s.id))
        self.data.check()
        return self.data

    def _staff(self) -> dict[str, Person]:
        """TPO's people, by the provider they work for (the counsellors' supervisor too)."""
        by_provider: dict[str, Person] = {}
        for entry in self.doc.staff:
            if entry.provider_id not in self.by_id:
                raise SeedError(f"staff {entry.id!r}: unknown provider {entry.provider_id!r}")
            person = self._person(
                entry.id,
                entry.provider_id,
                entry.name,
                entry.role,
                entry.gender,
                tuple(entry.supervised_by),
            )
            self.data.people.append(person)
            by_provider.setdefault(entry.provider_id, person)
        for person in self.data.people:
            if person.role is PersonRole.COUNSELLOR:
                self._coach(person, COUNSELLOR_COACHING_GAP, always=True)
        return by_provider

    def _person(
        self,
        ident: str,
        provider_id: str,
        name: str,
        role: PersonRole,
        gender: Gender | None,
        supervised_by: tuple[str, ...],
        *,
        active: bool = True,
    ) -> Person:
        try:
            return Person(
                id=ident,
                provider_id=provider_id,
                name=name,
                role=role,
                gender=gender,
                active=active,
                supervised_by=supervised_by,
                synthetic=True,
                updated_at=moment(self.doc.as_of, 0),
            )
        except ValidationError as exc:
            raise SeedError(f"person {ident!r}: {exc}") from exc

    def _supervisors(
        self, provider: Provider, role: PersonRole, staff: Mapping[str, Person]
    ) -> tuple[str, ...]:
        district = district_of(provider.area_code)
        province = district[:2]
        n = 1 + self._district_index(district) % 2
        counsellor = staff.get(f"tpo-counsellor-{province}-{n}")
        chosen = [counsellor.id] if counsellor else []
        if role is PersonRole.HEALTH_STAFF and "tpo-supervisor" in staff:
            chosen.append(staff["tpo-supervisor"].id)
        return tuple(chosen)

    def _people(
        self, provider: Provider, standing: Standing, staff: Mapping[str, Person]
    ) -> list[Person]:
        rule = self.doc.people[provider.kind]
        low, high = rule.count
        supervisors = self._supervisors(provider, rule.role, staff)
        count = self.rng.randint(low, high)
        leaver = standing is Standing.VALID and self.rng.random() < HAS_LEFT
        people: list[Person] = []
        for n in range(1, count + 1 + leaver):
            name, gender = self.names.draw(rule.women, (p.name for p in people))
            active = n <= count
            person = self._person(
                f"person-{provider.id}-{n}",
                provider.id,
                name,
                rule.role,
                gender,
                supervisors,
                active=active,
            )
            sessions = self._plan(provider, rule.role, standing, anchor=n == 1 or not active)
            self._attend(person, sessions)
            self.data.people.append(person)
            people.append(person)
        return people

    def _plan(
        self, provider: Provider, role: PersonRole, standing: Standing, *, anchor: bool
    ) -> list[TrainingSession]:
        """The sessions one person attended; an anchor keeps the provider in standing."""
        topics = self.doc.curriculum[role]
        district = district_of(provider.area_code)
        province = district[:2]
        if standing is Standing.NEVER_TRAINED:
            return []
        if standing is Standing.EXPIRING:
            return [self.catch_up(0, province, t) for t in topics]
        if standing is Standing.LAPSED:
            return [self.initial(district, t) for t in topics]
        if not anchor and self.rng.random() >= JOINED_FIRST_ROUND:
            later = 1 if self.rng.random() < JOINED_2025 else 2
            return [self.catch_up(later, province, t) for t in topics]
        out = [
            self.initial(district, t)
            for t in topics
            if t is T.PSYCHOLOGICAL_FIRST_AID or self.rng.random() < ATTENDED_TOPIC
        ]
        if anchor or self.rng.random() < ATTENDED_REFRESHER:
            out += [self.refresher(district, t) for t in topics if t in REFRESHED]
        elif T.PSYCHOLOGICAL_FIRST_AID in topics and self.rng.random() < ATTENDED_ONLINE:
            out.append(self.online())
        return out

    def _attend(self, person: Person, sessions: list[TrainingSession]) -> None:
        self.trained[person.id] = sessions
        self.data.attendance.extend(
            Attendance(session_id=s.id, person_id=person.id, recorded_at=moment(s.ends_on, 11))
            for s in sessions
        )

    # -- coaching --
    def _coach(
        self, person: Person, gap: tuple[int, int] = COACHING_GAP, *, always: bool = False
    ) -> None:
        trained = self.trained.get(person.id, [])
        if not person.active or not person.supervised_by or not (trained or always):
            return
        fate = self.rng.random()
        if not always and fate < NEVER_COACHED:
            return
        as_of = self.doc.as_of
        start = self.doc.calendar.coaching_from
        if trained:
            start = max(start, min(s.ends_on for s in trained) + timedelta(days=30))
        stopped = not always and fate < NEVER_COACHED + COACHING_STOPPED
        stop = as_of - timedelta(days=self.rng.randint(100, 220)) if stopped else as_of
        held: list[date] = []
        day = start + timedelta(days=self.rng.randint(0, 40))
        while day <= stop:
            held.append(day)
            day += timedelta(days=self.rng.randint(*gap))
        recent = as_of - timedelta(days=85)
        if not stopped and start <= as_of and (not held or held[-1] < recent):
            held.append(as_of - timedelta(days=self.rng.randint(3, 80)))
        province = district_of(self.by_id[person.provider_id].area_code)[:2]
        weights = COACHING_MODES.get(province, COACHING_MODES["17"])
        for n, day in enumerate(held):
            mode = self.rng.choices(list(DeliveryMode), weights)[0]
            self.data.coaching.append(
                CoachingSession(
                    id=f"coaching-{person.id}-{day:%Y%m%d}",
                    person_id=person.id,
                    coach_id=person.supervised_by[n % len(person.supervised_by)],
                    held_on=day,
                    mode=mode,
                    note=self.rng.choice(COACHING_NOTES),
                    created_at=moment(day, 9),
                )
            )

    # -- awareness sessions --
    def _awareness(self, provider: Provider, people: Sequence[Person]) -> None:
        ready = {
            p.id: min(s.ends_on for s in self.trained[p.id]) + timedelta(days=14)
            for p in people
            if p.active and self.trained.get(p.id)
        }
        if not ready:
            return
        facilitators = [
            pid for pid in ready if any(s.topic is T.FACILITATION for s in self.trained[pid])
        ] or list(ready)
        low, high = AWARENESS_GAP[provider.kind]
        day = max(self.doc.calendar.awareness_from, min(ready[f] for f in facilitators))
        day += timedelta(days=self.rng.randint(0, low))
        places = _awareness_places(provider)
        topics = AWARENESS_TOPICS[provider.kind]
        while day <= self.doc.as_of:
            able = [f for f in facilitators if ready[f] <= day]
            if able:
                self.data.awareness.append(
                    AwarenessSession(
                        id=f"awareness-{provider.id}-{day:%Y%m%d}",
                        provider_id=provider.id,
                        facilitator_id=self.rng.choice(able),
                        held_on=day,
                        area_code=self.rng.choice(places),
                        topic=self.rng.choices(list(topics), list(topics.values()))[0],
                        participants=participants(provider.kind, self.rng),
                        synthetic=True,
                        created_at=moment(day, 12),
                    )
                )
            day += timedelta(days=self.rng.randint(low, high))


def _awareness_places(provider: Provider) -> list[str]:
    """Villages and communes where a provider holds awareness sessions [A]: a VHSG in the
    villages of its commune; a CCWC in its commune and villages; a health centre in the
    communes it serves; a school in the communes of its district."""
    gaz = gazetteer()
    area = gaz.area(provider.area_code)
    if area.level is AreaLevel.DISTRICT:
        return sorted(a.code for a in gaz.within(area.code, AreaLevel.COMMUNE))
    villages = sorted(a.code for a in gaz.within(area.code, AreaLevel.VILLAGE))
    if provider.kind is K.VHSG:
        return villages or [area.code]
    if provider.kind is K.HEALTH_CENTRE:
        return sorted(c for c in provider.coverage if gaz.area(c).level is AreaLevel.COMMUNE)
    return [area.code, *villages]


def participants(kind: ProviderKind, rng: random.Random) -> tuple[ParticipantCount, ...]:
    """Counts by age group and gender for one awareness session (never a name)."""
    low, high = AWARENESS_SIZE[kind]
    size = rng.randint(low, high)
    counts: dict[tuple[AgeGroup, Gender], int] = {}
    for cell, weight in AUDIENCE[kind].items():
        n = round(size * weight * rng.uniform(0.6, 1.4))
        if n > 0:
            counts[cell] = n
    young = [a for a in (A.FROM_12_TO_17, A.FROM_18_TO_24) if (a, G.FEMALE) in counts]
    if young and rng.random() < NON_BINARY:
        counts[(rng.choice(young), G.NON_BINARY)] = rng.randint(1, 2)
    if not counts:
        counts[next(iter(AUDIENCE[kind]))] = size
    return tuple(ParticipantCount(age_group=a, gender=g, count=n) for (a, g), n in counts.items())


def programme_training(
    providers: Sequence[Provider] | None = None, directory: Traversable | None = None
) -> TrainingData:
    """The programme's people, trainings, attendance, coaching and awareness sessions.

    ``providers`` default to :func:`seed.loader.load_programme`'s; ``directory`` holds
    ``areas.yaml`` and ``capacity.yaml`` (the packaged ``programme`` folder by default).
    Raises :class:`SeedError` when the files do not fit the providers.
    """
    root = directory if directory is not None else files("seed") / "programme"
    doc = load_training_document(root)
    if providers is None:
        providers, _ = load_programme(directory)
    geo = Geography(parse_document(AreasDocument, root, "areas.yaml"))
    data = _Programme(doc, providers, geo).build()
    data.people = with_languages(data.people, providers, geo.languages_for)
    return data


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of records are made:
    none of them is garbage, and its passes over them would take most of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

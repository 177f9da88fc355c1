"""Capacity building in the programme seed network, derived from the programme providers.

``seed/programme/capacity.yaml`` holds the hand-written facts (TPO's clinical supervisor,
trainer and counsellors), the training calendar and the working assumptions; this module
expands them over the community providers of ``providers.yaml`` with a fixed random seed:

* 1–4 people for every VHSG, CCWC, health centre and school, with a role, supervised by
  the TPO counsellor of their part of the province (health-centre staff also by the
  clinical supervisor);
* trainings held in the programme districts over the two and a half years before the day
  it describes — a first round, refreshers before it runs out, catch-up sessions for
  people who missed it or joined later, one online refresher — and who attended them, so
  that on that day most providers hold a valid psychological-first-aid competency and a
  few have lapsed, lapse soon or were never trained (``degraded`` in the YAML);
* coaching sessions from mid-2025, most people coached within the policy's 90 days, some
  overdue, a few never;
* awareness sessions the trained providers ran in their villages and communes, with
  participant counts by age group and gender (no names, nothing about any child); the
  providers of ``keep_trained`` also hold one on the day itself, so that the current
  month has some even on its first day.

The YAML describes ``as_of`` (25 November 2026); the data describes the day it is seeded
(:func:`programme_training`'s ``today``, by default today in Cambodia): the calendar
moves by whole weeks towards it (:meth:`TrainingDocument.seeded_on`) and the same
chances are drawn, so a new store never shows a network that has aged, and holds the
same people on any day. Every record is sample data (``synthetic``). The same files and
the same day give the same records in the same order.

>>> from datetime import date
>>> data = programme_training(today=date(2026, 11, 25))
>>> all(p.synthetic for p in data.people) and all(a.synthetic for a in data.attendance)
True
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Final

from pydantic import ValidationError

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.models import Provider
from referral_graph.domain.training import (
    Attendance,
    AwarenessSession,
    CoachingSession,
    Person,
    PersonRole,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import AreaLevel, DeliveryMode, Gender, ProviderKind
from seed.awareness import AWARENESS_GAP, AWARENESS_TOPICS, awareness_places, participants
from seed.languages import with_languages
from seed.loader import AreasDocument, Geography, SeedError, load_programme, parse_document
from seed.training_data import (
    COACHING_GAP,
    COACHING_MODES,
    COACHING_NOTES,
    COACHING_STOPPED,
    COUNSELLOR_COACHING_GAP,
    NEVER_COACHED,
    NamePicker,
    Standing,
    TrainingData,
    TrainingDocument,
    day_start,
    district_of,
    load_training_document,
    moment,
    seeding_day,
    session_id,
)

__all__ = [
    "COACHING_NOTES",
    "Standing",
    "TrainingData",
    "TrainingDocument",
    "load_training_document",
    "programme_training",
]

G = Gender
T = TrainingTopic
K = ProviderKind

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

# --- the programme ---------------------------------------------------------------------


class _Programme:
    """Expands ``capacity.yaml`` over the programme providers."""

    def __init__(
        self,
        doc: TrainingDocument,
        providers: Sequence[Provider],
        geo: Geography,
        today: date | None = None,
    ):
        self.doc = doc
        #: The day the data describes: ``doc.as_of`` or up to six days after it.
        self.today = today or doc.as_of
        self.start = day_start(self.today)
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
                created_at=self._stamp(starts_on + timedelta(days=days - 1), 11),
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
                updated_at=self.start,
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
            Attendance(
                session_id=s.id,
                person_id=person.id,
                synthetic=True,
                recorded_at=self._stamp(s.ends_on, 11),
            )
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
                    synthetic=True,
                    created_at=self._stamp(day, 9),
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
        places = awareness_places(provider)
        last = None
        while day <= self.doc.as_of:
            able = [f for f in facilitators if ready[f] <= day]
            if able:
                self._awareness_session(provider, day, self.rng.choice(able), places, self.rng)
                last = day
            day += timedelta(days=self.rng.randint(low, high))
        today = self.today
        able = [f for f in facilitators if ready[f] <= today]
        if self._kept(provider) and last != today and able:
            # One on the day itself, drawn apart from the main stream of chances.
            rng = random.Random(f"{self.doc.random_seed}-{provider.id}-{today}")  # noqa: S311
            self._awareness_session(provider, today, rng.choice(able), places, rng)

    def _awareness_session(
        self,
        provider: Provider,
        day: date,
        facilitator: str,
        places: Sequence[str],
        rng: random.Random,
    ) -> None:
        topics = AWARENESS_TOPICS[provider.kind]
        self.data.awareness.append(
            AwarenessSession(
                id=f"awareness-{provider.id}-{day:%Y%m%d}",
                provider_id=provider.id,
                facilitator_id=facilitator,
                held_on=day,
                area_code=rng.choice(places),
                topic=rng.choices(list(topics), list(topics.values()))[0],
                participants=participants(provider.kind, rng),
                synthetic=True,
                created_at=self._stamp(day, 12),
            )
        )

    def _stamp(self, day: date, hour: int) -> datetime:
        """When a record of ``day`` was written: ``hour`` o'clock UTC that day, but
        never after the start of the day the data describes."""
        return min(moment(day, hour), self.start)


def programme_training(
    providers: Sequence[Provider] | None = None,
    directory: Traversable | None = None,
    *,
    today: date | None = None,
) -> TrainingData:
    """The programme's people, trainings, attendance, coaching and awareness sessions,
    as of ``today`` (by default today in Cambodia: :func:`seeding_day`).

    ``providers`` default to :func:`seed.loader.load_programme`'s; ``directory`` holds
    ``areas.yaml`` and ``capacity.yaml`` (the packaged ``programme`` folder by default).
    Raises :class:`SeedError` when the files do not fit the providers.
    """
    root = directory if directory is not None else files("seed") / "programme"
    day = today or seeding_day()
    doc = load_training_document(root).seeded_on(day)
    if providers is None:
        providers, _ = load_programme(directory)
    geo = Geography(parse_document(AreasDocument, root, "areas.yaml"))
    data = _Programme(doc, providers, geo, day).build()
    data.people = with_languages(data.people, providers, geo.languages_for)
    return data

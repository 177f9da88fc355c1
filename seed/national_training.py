"""Capacity building of the synthetic national network: people and trainings of every
VHSG, CCWC, health centre and school, deterministic from the seed number (split from
:mod:`seed.national`, which loads them after the directory)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Final

from referral_graph.domain.areas import lineage_codes
from referral_graph.domain.models import Provider
from referral_graph.domain.training import (
    Attendance,
    Person,
    PersonRole,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import ProviderKind
from seed.training_data import (
    NamePicker,
    Standing,
    TrainingData,
    collector_paused,
    load_training_document,
    moment,
    session_id,
)

__all__ = ["generate_national_training"]


# --- capacity building ------------------------------------------------------------------

PFA, CS = TrainingTopic.PSYCHOLOGICAL_FIRST_AID, TrainingTopic.COUNSELLING_SKILLS
SCAV = TrainingTopic.SUPPORTING_CHILDREN_AFFECTED_BY_VIOLENCE

#: The role of the people of each community provider and the topics they are trained in,
#: in the order a round teaches them (a week each) [A]; the training-dependent services
#: of capacity-policy.yaml follow these topics.
NATIONAL_CURRICULUM: Final[Mapping[ProviderKind, tuple[PersonRole, tuple[TrainingTopic, ...]]]] = {
    ProviderKind.VHSG: (PersonRole.VHSG_VOLUNTEER, (PFA,)),
    ProviderKind.CCWC: (PersonRole.CCWC_MEMBER, (PFA,)),
    ProviderKind.HEALTH_CENTRE: (PersonRole.HEALTH_STAFF, (PFA, CS)),
    ProviderKind.SCHOOL: (PersonRole.TEACHER, (PFA, SCAV)),
}
#: Topics a 2026 refresher renews (those that last two years) [A].
NATIONAL_REFRESHED: Final = (PFA, CS)
#: People per provider, drawn from these counts: two on average [A].
PEOPLE_COUNTS: Final = (1, 2, 2, 2, 3)
WOMEN: Final = 0.6
#: Providers none of whose people went to the refresher (lapsed), or none of whose people
#: are trained yet; the others are in good standing [A].
LAPSED_SHARE: Final = 0.06
NEVER_TRAINED_SHARE: Final = 0.04
#: In a provider in good standing, a person other than the first is new and not trained
#: yet, or missed the refresher (their competency lapsed) [A].
NEW_PERSON: Final = 0.03
MISSED_REFRESHER: Final = 0.04
#: A district's first round starts on a Monday drawn from the weeks after the first date,
#: its refresher likewise [A]. First rounds end by October 2024, so that a competency from
#: them alone has lapsed by 25 November 2026; refreshers end by October 2026.
FIRST_ROUND: Final = (date(2024, 2, 5), 38)
REFRESHER_ROUND: Final = (date(2026, 1, 12), 40)
NATIONAL_TRAINER: Final = "TPO Cambodia training team"


class _NationalTraining:
    """People and trainings of the national network's community providers."""

    def __init__(self, seed: int) -> None:
        self.doc = load_training_document()
        self.rng = random.Random(f"national-capacity-{seed}")  # noqa: S311 - reproducible
        self.names = NamePicker(self.doc.names, self.rng)
        self.stamp = moment(self.doc.as_of, 0)
        self.rounds: dict[str, tuple[date, date]] = {}
        self.sessions: dict[str, TrainingSession] = {}
        self.by_round: dict[
            tuple[str, tuple[TrainingTopic, ...], bool], list[tuple[str, datetime]]
        ] = {}
        self.data = TrainingData()

    def _round(self, district: str, refresher: bool) -> date:
        if district not in self.rounds:
            (first, weeks), (again, later) = FIRST_ROUND, REFRESHER_ROUND
            self.rounds[district] = (
                first + timedelta(weeks=self.rng.randint(0, weeks)),
                again + timedelta(weeks=self.rng.randint(0, later)),
            )
        return self.rounds[district][refresher]

    def _session(
        self, district: str, topic: TrainingTopic, week: int, refresher: bool
    ) -> TrainingSession:
        offset = timedelta(days=week) if refresher else timedelta(weeks=week)
        starts = self._round(district, refresher) + offset
        ident = session_id(district, topic, starts)
        found = self.sessions.get(ident)
        if found is None:
            days = 1 if refresher else self.doc.days.get(topic, self.doc.default_days)
            ends = starts + timedelta(days=days - 1)
            found = TrainingSession(
                id=ident,
                topic=topic,
                starts_on=starts,
                ends_on=ends,
                area_code=district,
                trainer=NATIONAL_TRAINER,
                refresher=refresher,
                synthetic=True,
                created_at=moment(ends, 11),
            )
            self.sessions[ident] = found
        return found

    def _round_sessions(
        self, district: str, topics: tuple[TrainingTopic, ...], refresher: bool
    ) -> list[tuple[str, datetime]]:
        """The sessions of a district's first round (or refresher) for ``topics``, as
        (id, when attendance was recorded)."""
        key = (district, topics, refresher)
        found = self.by_round.get(key)
        if found is None:
            chosen = [t for t in topics if t in NATIONAL_REFRESHED] if refresher else topics
            made = [self._session(district, t, n, refresher) for n, t in enumerate(chosen)]
            found = self.by_round[key] = [(s.id, moment(s.ends_on, 11)) for s in made]
        return found

    def _plan(
        self, district: str, topics: tuple[TrainingTopic, ...], standing: Standing, anchor: bool
    ) -> list[tuple[str, datetime]]:
        if standing is Standing.NEVER_TRAINED or (not anchor and self.rng.random() < NEW_PERSON):
            return []
        out = self._round_sessions(district, topics, False)
        missed = not anchor and self.rng.random() < MISSED_REFRESHER
        if standing is Standing.VALID and not missed:
            out = out + self._round_sessions(district, topics, True)
        return out

    def provider(self, provider: Provider) -> None:
        role, topics = NATIONAL_CURRICULUM[provider.kind]
        district = lineage_codes(provider.area_code)[1]
        draw = self.rng.random()
        standing = (
            Standing.NEVER_TRAINED
            if draw < NEVER_TRAINED_SHARE
            else Standing.LAPSED
            if draw < NEVER_TRAINED_SHARE + LAPSED_SHARE
            else Standing.VALID
        )
        taken: list[str] = []
        for n in range(1, self.rng.choice(PEOPLE_COUNTS) + 1):
            name, gender = self.names.draw(WOMEN, taken)
            taken.append(name)
            person = Person(
                id=f"person-{provider.id}-{n}",
                provider_id=provider.id,
                name=name,
                role=role,
                gender=gender,
                synthetic=True,
                updated_at=self.stamp,
            )
            self.data.people.append(person)
            self.data.attendance.extend(
                Attendance(session_id=ident, person_id=person.id, synthetic=True, recorded_at=at)
                for ident, at in self._plan(district, topics, standing, n == 1)
            )

    def build(self, providers: Sequence[Provider]) -> TrainingData:
        for p in providers:
            if p.kind in NATIONAL_CURRICULUM:
                self.provider(p)
        self.data.sessions = sorted(self.sessions.values(), key=lambda s: (s.starts_on, s.id))
        return self.data


def generate_national_training(providers: Sequence[Provider], seed: int = 2025) -> TrainingData:
    """People, training sessions and attendance for the national network's VHSGs, CCWCs,
    health centres and schools; same providers and seed, same output (no coaching or
    awareness sessions nationally)."""
    with collector_paused():
        data = _NationalTraining(seed).build(providers)
        data.check()
    return data

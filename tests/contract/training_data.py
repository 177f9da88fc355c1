"""Training (capacity building) data for the contract suite: builders, a small programme
around ``tests.factories.small_network`` (people, sessions, attendance, coaching,
awareness) with the orders the listings give it, and readers that list ids.

Used by ``test_training.py`` and by the archive's bulk-load tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any, TypeVar

from referral_graph.domain.training import (
    AgeGroup,
    Attendance,
    AwarenessSession,
    AwarenessTopic,
    CoachingSession,
    ParticipantCount,
    Person,
    PersonRole,
    ServiceRequirement,
    TrainingPolicy,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import DeliveryMode, Gender, ProviderKind, Service
from referral_graph.store.port import (
    AwarenessQuery,
    CoachingQuery,
    Listing,
    Page,
    PeopleQuery,
    Store,
    TrainingQuery,
    TrainingRecordQuery,
    Transaction,
)
from tests.factories import T0, provider, small_network

T = TypeVar("T")
R = PersonRole
PFA = TrainingTopic.PSYCHOLOGICAL_FIRST_AID

# --- factories ---------------------------------------------------------------------


def person(
    ident: str, provider_id: str, name: str, role: PersonRole = R.HEALTH_STAFF, **extra: Any
) -> Person:
    fields: dict[str, Any] = {
        "id": ident,
        "provider_id": provider_id,
        "name": name,
        "role": role,
        "synthetic": True,
        "updated_at": T0,
    }
    fields.update(extra)
    return Person.model_validate(fields)


def session(
    ident: str,
    topic: TrainingTopic,
    starts_on: date,
    days: int = 1,
    area_code: str | None = "170101",
    **extra: Any,
) -> TrainingSession:
    fields: dict[str, Any] = {
        "id": ident,
        "topic": topic,
        "starts_on": starts_on,
        "ends_on": starts_on + timedelta(days=days - 1),
        "area_code": area_code,
        "trainer": "TPO Cambodia",
        "synthetic": True,
        "created_at": T0,
    }
    if area_code is None:
        fields["mode"] = DeliveryMode.ONLINE
    fields.update(extra)
    return TrainingSession.model_validate(fields)


def attended(session_id: str, person_id: str, completed: bool = True) -> Attendance:
    return Attendance(
        session_id=session_id, person_id=person_id, completed=completed, recorded_at=T0
    )


def coaching(
    ident: str, person_id: str, coach_id: str, held_on: date, **extra: Any
) -> CoachingSession:
    fields: dict[str, Any] = {
        "id": ident,
        "person_id": person_id,
        "coach_id": coach_id,
        "held_on": held_on,
        "created_at": T0,
    }
    fields.update(extra)
    return CoachingSession.model_validate(fields)


def awareness(
    ident: str, provider_id: str, held_on: date, area_code: str, **extra: Any
) -> AwarenessSession:
    fields: dict[str, Any] = {
        "id": ident,
        "provider_id": provider_id,
        "held_on": held_on,
        "area_code": area_code,
        "topic": AwarenessTopic.VIOLENCE_AGAINST_CHILDREN,
        "participants": (
            ParticipantCount(age_group=AgeGroup.UNDER_12, gender=Gender.FEMALE, count=12),
        ),
        "synthetic": True,
        "created_at": T0,
    }
    fields.update(extra)
    return AwarenessSession.model_validate(fields)


def policy(**extra: Any) -> TrainingPolicy:
    fields: dict[str, Any] = {
        "valid_months": dict.fromkeys(TrainingTopic, 36) | {PFA: 24},
        "requirements": (
            ServiceRequirement(
                service=Service.PSYCHOLOGICAL_FIRST_AID,
                topic=PFA,
                kinds=frozenset({ProviderKind.VHSG, ProviderKind.HEALTH_CENTRE}),
            ),
        ),
    }
    fields.update(extra)
    return TrainingPolicy.model_validate(fields)


# Besides tests.factories.small_network (ccwc-a and hc-a in commune 170101, tpo-a in
# province 17, helpline in province 12): a health centre in a village of district 1702,
# and a VHSG in village 04061700, which lies in commune 040614 though its code does not
# start with the commune's.
EXTRA_PROVIDERS = [
    provider("hc-b", ProviderKind.HEALTH_CENTRE, {Service.MEDICAL_CARE}, area_code="17020101"),
    provider("vhsg-k", ProviderKind.VHSG, {Service.IDENTIFICATION}, area_code="04061700"),
]

# In the order add_person needs (supervisors first).
PEOPLE = [
    person("sup", "tpo-a", "Mey Lina", R.CLINICAL_SUPERVISOR),
    person("sok", "ccwc-a", "Sok Dara", R.CCWC_MEMBER, gender=Gender.MALE, contact="012 345 678"),
    person("hc-1", "hc-a", "Vann Rith", active=False, supervised_by=("sup",)),
    person("hc-2", "hc-a", "Chan Sophea", gender=Gender.FEMALE, supervised_by=("sup",)),
    person("hc-3", "hc-a", "Chan Sophea"),
    person("bopha", "hc-b", "Bopha Keo", supervised_by=("sup", "hc-2")),
    person("line", "helpline", "Dara Lim", R.COUNSELLOR),
    person("kosal", "vhsg-k", "Kosal Heng", R.VHSG_VOLUNTEER),
]
# by provider id, then name, then id
PEOPLE_ORDER = ["sok", "hc-2", "hc-3", "hc-1", "bopha", "line", "sup", "kosal"]

SESSIONS = [
    session("ts-1", PFA, date(2025, 3, 3), days=3, area_code="170101"),
    session("ts-2", TrainingTopic.GBV, date(2025, 6, 10), days=2, area_code="17020101"),
    session("ts-3", PFA, date(2026, 1, 12), area_code=None, refresher=True),
    session(
        "ts-4",
        TrainingTopic.COUNSELLING_SKILLS,
        date(2025, 9, 1),
        days=5,
        area_code="04061700",
        venue="Pagoda hall",
    ),
    session("ts-5", PFA, date(2025, 6, 10), area_code="17"),
]
# starts_on descending, then id
SESSION_ORDER = ["ts-3", "ts-4", "ts-2", "ts-5", "ts-1"]

ATTENDANCE = [
    attended("ts-1", "sok"),
    attended("ts-1", "hc-2"),
    attended("ts-1", "hc-1"),
    attended("ts-1", "kosal", completed=False),
    attended("ts-2", "bopha"),
    attended("ts-3", "hc-2"),
    attended("ts-4", "hc-3"),
    attended("ts-5", "sok"),
]

COACHING = [
    coaching("co-1", "hc-2", "sup", date(2025, 4, 1)),
    coaching("co-2", "hc-2", "sup", date(2025, 10, 1)),
    coaching("co-3", "bopha", "hc-2", date(2025, 10, 1)),
    coaching("co-4", "kosal", "sup", date(2025, 7, 15), mode=DeliveryMode.PHONE, note="Went well."),
]
COACHING_ORDER = ["co-2", "co-3", "co-4", "co-1"]

AWARENESS = [
    awareness(
        "aw-1",
        "ccwc-a",
        date(2025, 5, 20),
        "17010101",
        facilitator_id="sok",
        participants=(
            ParticipantCount(age_group=AgeGroup.UNDER_12, gender=Gender.FEMALE, count=12),
            ParticipantCount(age_group=AgeGroup.UNDER_12, gender=Gender.MALE, count=9),
            ParticipantCount(age_group=AgeGroup.FROM_25, gender=Gender.FEMALE, count=20),
        ),
    ),
    awareness("aw-2", "hc-b", date(2025, 8, 2), "170201", topic=AwarenessTopic.MENTAL_HEALTH),
    awareness(
        "aw-3",
        "vhsg-k",
        date(2025, 8, 2),
        "04061700",
        facilitator_id="kosal",
        topic=AwarenessTopic.WHERE_TO_GET_HELP,
    ),
    awareness(
        "aw-4", "ccwc-a", date(2026, 2, 10), "170101", topic=AwarenessTopic.POSITIVE_PARENTING
    ),
]
AWARENESS_ORDER = ["aw-4", "aw-2", "aw-3", "aw-1"]


ALL_RECORDS = [
    ("bopha", "ts-2"),
    ("hc-1", "ts-1"),
    ("hc-2", "ts-1"),
    ("hc-2", "ts-3"),
    ("hc-3", "ts-4"),
    ("sok", "ts-1"),
    ("sok", "ts-5"),
]


def add_providers(store: Store) -> None:
    """The directory only (``load_small_network`` also loads a trained nurse)."""
    providers, pathways = small_network()
    store.write(lambda tx: tx.load_directory([*providers, *EXTRA_PROVIDERS], pathways))


def write_each(
    store: Store, items: Iterable[T], action: Callable[[Transaction, T], object]
) -> None:
    """One write per item, as the services add them."""
    for item in items:

        def work(tx: Transaction, item: T = item) -> object:
            return action(tx, item)

        store.write(work)


def ids_of(listing: Listing[Any]) -> list[str]:
    return [item.id for item in listing.items]


def people_ids(store: Store, page: Page | None = None, **filters: Any) -> list[str]:
    query = PeopleQuery(**filters)
    return ids_of(store.read(lambda tx: tx.list_people(query, page or Page(limit=100))))


def session_ids(store: Store, **filters: Any) -> list[str]:
    query = TrainingQuery(**filters)
    return ids_of(store.read(lambda tx: tx.list_training_sessions(query, Page(limit=100))))


def coaching_ids(store: Store, **filters: Any) -> list[str]:
    query = CoachingQuery(**filters)
    return ids_of(store.read(lambda tx: tx.list_coaching(query, Page(limit=100))))


def awareness_ids(store: Store, **filters: Any) -> list[str]:
    query = AwarenessQuery(**filters)
    return ids_of(store.read(lambda tx: tx.list_awareness_sessions(query, Page(limit=100))))


def records(store: Store, **filters: Any) -> list[tuple[str, str]]:
    query = TrainingRecordQuery(**filters)
    return [(r.person_id, r.session_id) for r in store.read(lambda tx: tx.training_records(query))]


def supervisee_ids(store: Store, person_id: str) -> list[str]:
    return [p.id for p in store.read(lambda tx: tx.supervisees(person_id))]


def get_person(store: Store, person_id: str) -> Person | None:
    return store.read(lambda tx: tx.get_person(person_id))


def attendance_of(store: Store, session_id: str) -> list[Attendance]:
    return store.read(lambda tx: tx.session_attendance(session_id))

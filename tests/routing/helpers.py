"""What the routing tests of issue 21 share: the small network with a few more providers
(each breaking one hard rule for a 15-year-old girl needing counselling in Char Chhuk),
and short ways to refer and move a case."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from referral_graph.domain.hours import Hours
from referral_graph.domain.models import Eligibility
from referral_graph.domain.reasons import StepReason
from referral_graph.domain.training import Attendance, Person, PersonRole, TrainingSession
from referral_graph.domain.training import TrainingTopic as Topic
from referral_graph.domain.vocabulary import (
    DeliveryMode,
    Gender,
    Language,
    ProviderKind,
    Service,
)
from referral_graph.services import referrals
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralRequest, Step
from referral_graph.services.routing import Routing
from referral_graph.store.port import Store
from tests.factories import load_small_network, provider

#: Another commune of Angkor Chum (the small network sits in 170101).
NEIGHBOUR = "170102"
#: When the lapsed VHSG volunteer was trained: psychological first aid lasts two years.
LAPSED_ON = date(2023, 11, 1)

MORE = [
    provider("ngo-next", ProviderKind.NGO_COUNSELLOR, {Service.COUNSELLING}, area_code=NEIGHBOUR),
    provider(
        "youth-only",
        ProviderKind.NGO_COUNSELLOR,
        {Service.COUNSELLING},
        eligibility=Eligibility(min_age=18, max_age=24),
    ),
    provider(
        "boys-only",
        ProviderKind.NGO_COUNSELLOR,
        {Service.COUNSELLING},
        eligibility=Eligibility(genders=frozenset({Gender.MALE})),
    ),
    provider("vhsg-a", ProviderKind.VHSG, {Service.PSYCHOLOGICAL_FIRST_AID}),
    provider(
        "hospital",
        ProviderKind.REFERRAL_HOSPITAL,
        {Service.MEDICAL_CARE, Service.POST_RAPE_CARE},
        area_code="1701",
        hours=Hours(always_open=True),
        weekly_capacity=15,
    ),
    provider(
        "phone-tpu",
        ProviderKind.HELPLINE,
        {Service.PHONE_COUNSELLING},
        area_code="12",
        covers=("17",),
        modes=frozenset({DeliveryMode.PHONE}),
        hours=Hours(always_open=True),
        interpreter_support=True,
    ),
]

VOLUNTEER = Person(
    id="vhsg-a-1",
    provider_id="vhsg-a",
    name="Lapsed volunteer",
    role=PersonRole.VHSG_VOLUNTEER,
    synthetic=True,
)
PFA_2023 = TrainingSession(
    id="pfa-2023",
    topic=Topic.PSYCHOLOGICAL_FIRST_AID,
    starts_on=LAPSED_ON - timedelta(days=2),
    ends_on=LAPSED_ON,
    area_code="1701",
    trainer="TPO Cambodia",
    synthetic=True,
)


def wider_network(store: Store, *people: Person) -> Routing:
    """The small network, :data:`MORE` providers, a VHSG volunteer whose first-aid
    training lapsed on 1 Nov 2025, and ``people``; routing with a long activity cache
    (a fresh figure must come from the store's activity version, not from expiry)."""
    load_small_network(store)

    def load(tx: Any) -> None:
        tx.load_directory(MORE, [])
        tx.load_training(
            [VOLUNTEER, *people],
            [PFA_2023],
            [Attendance(session_id=PFA_2023.id, person_id=VOLUNTEER.id)],
        )

    store.write(load)
    return Routing(store, "Asia/Phnom_Penh", activity_ttl=3600)


def speaker(ident: str, provider_id: str, *languages: Language, interprets: bool = False) -> Person:
    return Person(
        id=ident,
        provider_id=provider_id,
        name=f"Person {ident}",
        role=PersonRole.OTHER,
        languages=frozenset(languages),
        interprets=interprets,
        synthetic=True,
    )


def refer(
    store: Store,
    at: datetime,
    case_id: str,
    to: str,
    service: Service,
    sender: str = "ccwc-a",
    continues: str | None = None,
) -> str:
    request = ReferralRequest(
        case_id=case_id,
        from_provider_id=sender,
        to_provider_id=to,
        service=service,
        reason="Needs it.",
        continues_referral_id=continues,
    )
    return referrals.make_referral(Caller.system(store, at, "t"), request).id


def move(
    store: Store,
    at: datetime,
    referral_id: str,
    *statuses: str,
    code: StepReason | None = None,
    actor: str = "t",
) -> None:
    for status in statuses:
        step = Step(
            status=status, reason_code=code, outcome="Done." if status == "completed" else None
        )
        if status not in ("rejected", "failed", "cancelled"):
            step = step.model_copy(update={"reason_code": None})
        referrals.move_referral(Caller.system(store, at, actor), referral_id, step)


def incident(store: Store, case_id: str, at: datetime) -> None:
    """Record when the violence happened (the field helper's intake sets it; routing
    only reads it)."""

    def work(tx: Any) -> None:
        case = tx.get_case(case_id)
        tx.save_case(
            case.model_copy(update={"incident_at": at, "version": case.version + 1}), case.version
        )

    store.write(work)

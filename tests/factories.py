"""A small, hand-made network in Angkor Chum for tests that need a directory."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.requests import Request

from referral_graph.domain.hours import Hours
from referral_graph.domain.models import (
    Consent,
    Eligibility,
    Pathway,
    Provider,
    Referral,
)
from referral_graph.domain.training import (
    Attendance,
    Person,
    PersonRole,
    TrainingSession,
    TrainingTopic,
)
from referral_graph.domain.vocabulary import (
    DeliveryMode,
    Gender,
    Language,
    ProviderKind,
    RiskLevel,
    Service,
)
from referral_graph.services.caller import Caller
from referral_graph.services.cases import CaseOpening
from referral_graph.store.port import Store, Transaction

COMMUNE = "170101"  # Char Chhuk, Angkor Chum, Siem Reap
VILLAGE = "17010101"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 in Phnom Penh


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def provider(
    ident: str, kind: ProviderKind | str, services: set[Service], **extra: Any
) -> Provider:
    fields: dict[str, Any] = {
        "id": ident,
        "name": f"Test {ident}",
        "kind": kind,
        "area_code": COMMUNE,
        "services": services,
        "synthetic": True,
    }
    fields.update(extra)
    return Provider.model_validate(fields)


def small_network() -> tuple[list[Provider], list[Pathway]]:
    providers = [
        provider("ccwc-a", ProviderKind.CCWC, {Service.REGISTRATION, Service.CASE_MANAGEMENT}),
        provider(
            "hc-a",
            ProviderKind.HEALTH_CENTRE,
            {Service.PSYCHOLOGICAL_FIRST_AID, Service.MEDICAL_CARE, Service.COUNSELLING},
        ),
        provider(
            "tpo-a",
            ProviderKind.NGO_COUNSELLOR,
            {Service.COUNSELLING, Service.GROUP_THERAPY},
            area_code="17",
            covers=("1701", "1702"),
            eligibility=Eligibility(min_age=0, max_age=24, lgbtiq_affirming=True),
        ),
        provider(
            "girls-only",
            ProviderKind.SHELTER,
            {Service.SHELTER},
            eligibility=Eligibility(min_age=10, max_age=17, genders=frozenset({Gender.FEMALE})),
        ),
        provider(
            "helpline",
            ProviderKind.HELPLINE,
            {Service.PHONE_COUNSELLING},
            area_code="12",
            covers=tuple(f"{p:02d}" for p in range(1, 26)),
            modes=frozenset({DeliveryMode.PHONE}),
            hours=Hours(always_open=True),
            languages=frozenset({Language.KHMER}),
            interpreter_support=True,
        ),
        provider("closed-hc", ProviderKind.HEALTH_CENTRE, {Service.COUNSELLING}, active=False),
    ]
    pathways = [
        Pathway(
            id="pw-1",
            from_provider_id="ccwc-a",
            to_provider_id="hc-a",
            service=Service.MEDICAL_CARE,
        ),
        Pathway(
            id="pw-2", from_provider_id="hc-a", to_provider_id="tpo-a", service=Service.COUNSELLING
        ),
        Pathway(
            id="pw-3",
            from_provider_id="ccwc-a",
            to_provider_id="helpline",
            service=Service.PHONE_COUNSELLING,
        ),
    ]
    return providers, pathways


#: When the small network's health-centre nurse was trained: her psychological first aid
#: and counselling skills are valid from T0 until late 2027.
TRAINED_ON = date(2025, 12, 5)


def small_network_training() -> tuple[list[Person], list[TrainingSession], list[Attendance]]:
    """One trained nurse at hc-a, so its training-dependent services (psychological first
    aid, counselling at a health centre) are offered."""
    nurse = Person(
        id="person-hc-a-1",
        provider_id="hc-a",
        name="Test nurse",
        role=PersonRole.HEALTH_STAFF,
        synthetic=True,
    )
    sessions = [
        TrainingSession(
            id=f"training-{topic.value}",
            topic=topic,
            starts_on=TRAINED_ON - timedelta(days=2),
            ends_on=TRAINED_ON,
            area_code="1701",
            trainer="TPO Cambodia",
            synthetic=True,
        )
        for topic in (TrainingTopic.PSYCHOLOGICAL_FIRST_AID, TrainingTopic.COUNSELLING_SKILLS)
    ]
    attendance = [Attendance(session_id=s.id, person_id=nurse.id) for s in sessions]
    return [nurse], sessions, attendance


def load_small_network(store: Store) -> None:
    providers, pathways = small_network()
    people, sessions, attendance = small_network_training()

    def load(tx: Transaction) -> None:
        tx.load_directory(providers, pathways)
        tx.load_training(people, sessions, attendance)

    store.write(load)


def consent(at: datetime = T0) -> Consent:
    return Consent(given_by="caregiver", recorded_by="ccwc-focal-1", recorded_at=at)


def opening(**extra: Any) -> CaseOpening:
    fields: dict[str, Any] = {
        "opened_by_provider_id": "ccwc-a",
        "age": 15,
        "gender": Gender.FEMALE,
        "risk": RiskLevel.HIGH,
        "needs": [Service.COUNSELLING],
        "village_code": VILLAGE,
        "consent": consent(),
    }
    fields.update(extra)
    return CaseOpening.model_validate(fields)


def acting_as_system(app: Any, username: str = "tester") -> Any:
    """Let a test client act with every permission (as the command line does), for
    tests about behaviour rather than access; the access tests sign in for real."""
    from api.security import authorize
    from referral_graph.security.model import Principal, Role

    async def as_system(request: Request) -> None:
        request.state.principal = Principal(user_id=username, username=username, role=Role.SYSTEM)

    app.dependency_overrides[authorize] = as_system
    return app


def refer_to_health_centre(
    store: Store,
    at: datetime,
    case_id: str,
    *,
    service: Service = Service.MEDICAL_CARE,
    reason: str = "x",
    actor: str = "t",
) -> Referral:
    """The small network's CCWC refers the case to its health centre (hc-a)."""
    from referral_graph.services import referrals
    from referral_graph.services.referrals import ReferralRequest

    request = ReferralRequest(
        case_id=case_id,
        from_provider_id="ccwc-a",
        to_provider_id="hc-a",
        service=service,
        reason=reason,
    )
    return referrals.make_referral(Caller.system(store, at, actor), request)

"""A small network with a second district (Angkor Thum, 1702) for capacity building:
providers there have no people yet, so each test sees only what it adds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.bootstrap import Runtime
from referral_graph.domain.training import Person, PersonRole, TrainingSession, TrainingTopic
from referral_graph.domain.vocabulary import DeliveryMode, ProviderKind, Service
from referral_graph.services import capacity_building
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building import AttendanceEntry
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import T0, FakeClock, acting_as_system, load_small_network, provider
from tests.security.conftest import world  # noqa: F401  (signed-in accounts per role)

#: Two communes of Angkor Thum district and a provincial team of Siem Reap.
THUM = "1702"
COMMUNE_1, COMMUNE_2 = "170201", "170202"
VILLAGE_1, VILLAGE_2 = "17020101", "17020201"
TODAY = date(2026, 3, 2)  # T0 in Phnom Penh


def thum_providers() -> list[Any]:
    return [
        provider(
            "vhsg-t1", ProviderKind.VHSG, {Service.PSYCHOLOGICAL_FIRST_AID}, area_code=VILLAGE_1
        ),
        provider("ccwc-t1", ProviderKind.CCWC, {Service.REGISTRATION}, area_code=COMMUNE_1),
        provider("hc-t2", ProviderKind.HEALTH_CENTRE, {Service.MEDICAL_CARE}, area_code=COMMUNE_2),
        provider("tpo-sr", ProviderKind.CLINICAL_SUPERVISOR, {Service.SUPERVISION}, area_code="17"),
    ]


@pytest.fixture
def net(store: Store) -> Store:
    load_small_network(store)
    extra = thum_providers()
    store.write(lambda tx: tx.load_directory(extra, []))
    return store


def person(store: Store, ident: str, provider_id: str, **extra: Any) -> Person:
    fields: dict[str, Any] = {
        "id": ident,
        "provider_id": provider_id,
        "name": f"Person {ident}",
        "role": PersonRole.VHSG_VOLUNTEER,
    }
    fields.update(extra)
    return capacity_building.add_person(Caller.system(store, T0), Person.model_validate(fields))


def training(
    store: Store,
    ident: str,
    topic: TrainingTopic,
    on: date,
    *,
    area: str | None = THUM,
    refresher: bool = False,
) -> TrainingSession:
    session = TrainingSession(
        id=ident,
        topic=topic,
        starts_on=on,
        ends_on=on,
        mode=DeliveryMode.IN_PERSON if area else DeliveryMode.ONLINE,
        area_code=area,
        trainer="TPO trainer",
        refresher=refresher,
    )
    return capacity_building.create_training_session(Caller.system(store, T0), session)


def attend(store: Store, session_id: str, *people: str, today: date = TODAY) -> int:
    entries = [AttendanceEntry(p) for p in people]
    result = capacity_building.record_attendance(
        Caller.system(store, T0), session_id, entries, today=today
    )
    return result.recorded


@pytest.fixture
def runtime(net: Store, clock: FakeClock) -> Runtime:
    return Runtime(settings=Settings(seed_on_start=False), store=net, clock=clock)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    app = acting_as_system(create_app(runtime))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c

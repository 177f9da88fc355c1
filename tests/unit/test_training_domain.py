"""Competencies follow from attendance and the policy: they lapse and come back."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from referral_graph.domain.training import (
    AwarenessSession,
    CompetencyStatus,
    Person,
    PersonRole,
    TrainingRecord,
    TrainingSession,
    TrainingTopic,
    coaching_overdue,
    competencies,
    trained_staff,
)
from referral_graph.domain.vocabulary import DeliveryMode, ProviderKind, Service
from referral_graph.policies.training import packaged_policy

PFA = TrainingTopic.PSYCHOLOGICAL_FIRST_AID


def record(person: str, on: date, topic: TrainingTopic = PFA) -> TrainingRecord:
    return TrainingRecord(person, "vhsg-1", topic, on, f"s-{person}-{on}")


def test_a_competency_is_valid_then_expiring_then_lapsed() -> None:
    policy = packaged_policy()  # PFA: 24 months, warning 60 days
    trained = [record("p1", date(2024, 3, 15))]
    assert policy.valid_until(PFA, date(2024, 3, 15)) == date(2026, 3, 14)
    statuses = [
        competencies(trained, policy, day)[0].status
        for day in (date(2025, 6, 1), date(2026, 2, 1), date(2026, 3, 14), date(2026, 3, 15))
    ]
    assert statuses == [
        CompetencyStatus.VALID,
        CompetencyStatus.EXPIRING,
        CompetencyStatus.EXPIRING,
        CompetencyStatus.LAPSED,
    ]


def test_a_refresher_restores_the_competency_from_its_own_date() -> None:
    policy = packaged_policy()
    trained = [record("p1", date(2024, 3, 15)), record("p1", date(2026, 5, 2))]
    (only,) = competencies(trained, policy, date(2026, 6, 1))
    assert only.earned_on == date(2026, 5, 2)
    assert only.valid_until == date(2028, 5, 1)
    assert only.status is CompetencyStatus.VALID


def test_trained_staff_counts_people_covered_on_the_day() -> None:
    periods = [
        ("p1", date(2025, 1, 10), date(2027, 1, 9)),
        ("p2", date(2024, 1, 10), date(2026, 1, 9)),  # lapsed on the day
        ("p3", date(2026, 12, 1), date(2028, 11, 30)),  # trained later than the day
        ("p1", date(2023, 1, 10), date(2025, 1, 9)),  # an older period of p1
    ]
    staff = trained_staff(periods, PFA, date(2026, 11, 25))
    assert (staff.count, staff.next_refresher) == (1, date(2027, 1, 9))
    assert trained_staff([], PFA, date(2026, 11, 25)).count == 0


def test_the_policy_names_which_services_follow_training() -> None:
    policy = packaged_policy()
    assert policy.requirement(ProviderKind.VHSG, Service.PSYCHOLOGICAL_FIRST_AID) is not None
    assert policy.requirement(ProviderKind.NGO_COUNSELLOR, Service.COUNSELLING) is None
    assert policy.requirement(ProviderKind.HEALTH_CENTRE, Service.COUNSELLING) is not None


def test_coaching_overdue_lists_active_people_past_the_interval() -> None:
    policy = packaged_policy()  # 90 days
    people = [
        Person(id=f"p{i}", provider_id="vhsg-1", name=f"P{i}", role=PersonRole.VHSG_VOLUNTEER)
        for i in range(4)
    ]
    people[3] = people[3].model_copy(update={"active": False})
    last = {"p0": date(2026, 10, 1), "p1": date(2026, 6, 1), "p3": date(2025, 1, 1)}
    overdue = coaching_overdue(people, last, policy, date(2026, 11, 25))
    assert [(p.id, d) for p, d in overdue] == [("p1", date(2026, 6, 1)), ("p2", None)]


def test_records_refuse_what_cannot_be() -> None:
    with pytest.raises(ValidationError, match="ends_on"):
        TrainingSession(
            id="s",
            topic=PFA,
            starts_on=date(2026, 1, 2),
            ends_on=date(2026, 1, 1),
            area_code="17",
            trainer="TPO",
        )
    with pytest.raises(ValidationError, match="area_code"):
        TrainingSession(
            id="s", topic=PFA, starts_on=date(2026, 1, 2), ends_on=date(2026, 1, 2), trainer="T"
        )
    online = TrainingSession(
        id="s",
        topic=PFA,
        starts_on=date(2026, 1, 2),
        ends_on=date(2026, 1, 2),
        trainer="T",
        mode=DeliveryMode.ONLINE,
    )
    assert online.area_code is None
    with pytest.raises(ValidationError, match="themself"):
        Person(id="p", provider_id="x", name="P", role=PersonRole.OTHER, supervised_by=("p",))
    base = {
        "id": "a",
        "provider_id": "ccwc-170101",
        "held_on": date(2026, 5, 1),
        "topic": "gbv",
    }
    with pytest.raises(ValidationError, match="village or commune"):
        AwarenessSession.model_validate(
            {
                **base,
                "area_code": "1701",
                "participants": [{"age_group": "12_17", "gender": "female", "count": 3}],
            }
        )
    with pytest.raises(ValidationError, match="counted once"):
        AwarenessSession.model_validate(
            {
                **base,
                "area_code": "170101",
                "participants": [
                    {"age_group": "12_17", "gender": "female", "count": 3},
                    {"age_group": "12_17", "gender": "female", "count": 4},
                ],
            }
        )
    ok = AwarenessSession.model_validate(
        {
            **base,
            "area_code": "170101",
            "participants": [
                {"age_group": "12_17", "gender": "female", "count": 3},
                {"age_group": "25_plus", "gender": "male", "count": 4},
            ],
        }
    )
    assert ok.total == 7

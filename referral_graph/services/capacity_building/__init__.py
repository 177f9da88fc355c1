"""Use cases of capacity building (issue #10): the people of providers, trainings and
attendance, coaching and supervision, awareness sessions, the capacity policy, and what
coordinators see of an area.

Competencies are never stored: they are derived from completed attendance and the
policy in force, on a ``today`` the caller passes (tests control the clock). Whatever
routing reads — a person's provider and active flag, attendance, the policy — bumps the
directory version in the transaction that changes it.

* :mod:`.common` — the policy in force, who reaches which provider, areas of reports;
* :mod:`.people` — people, supervision links, a person's competencies;
* :mod:`.sessions` — training sessions, attendance, coaching sessions;
* :mod:`.awareness` — awareness sessions and their reach per area and month;
* :mod:`.overview` — per-commune (district) overview, lapsing soon, coaching overdue.
"""

from __future__ import annotations

from referral_graph.policies.training import load_policy_file, packaged_policy
from referral_graph.services.capacity_building.awareness import (
    AwarenessRow,
    AwarenessSummary,
    MonthTotal,
    ReachCounts,
    awareness_summary,
    list_awareness,
    record_awareness,
)
from referral_graph.services.capacity_building.common import (
    Reach,
    current_policy,
    local_today,
    policy_in_force,
    provider_reach,
    provider_write_reach,
    replace_policy,
)
from referral_graph.services.capacity_building.overview import (
    CoachingDue,
    CompetencyRow,
    TopicCounts,
    TrainingOverview,
    TrainingRow,
    capacity_overview,
    coaching_overdue_in,
    competency_list,
    lapsing_soon,
    training_attention,
)
from referral_graph.services.capacity_building.people import (
    CompetencyOut,
    PersonCompetencies,
    add_person,
    get_person,
    list_people,
    person_competencies,
    provider_people,
    supervisees,
    update_person,
)
from referral_graph.services.capacity_building.sessions import (
    AttendanceEntry,
    AttendanceResult,
    create_training_session,
    get_training_session,
    list_coaching,
    list_training_sessions,
    record_attendance,
    record_coaching,
    session_attendance,
)

__all__ = [
    "AttendanceEntry",
    "AttendanceResult",
    "AwarenessRow",
    "AwarenessSummary",
    "CoachingDue",
    "CompetencyOut",
    "CompetencyRow",
    "MonthTotal",
    "PersonCompetencies",
    "Reach",
    "ReachCounts",
    "TopicCounts",
    "TrainingOverview",
    "TrainingRow",
    "add_person",
    "awareness_summary",
    "capacity_overview",
    "coaching_overdue_in",
    "competency_list",
    "create_training_session",
    "current_policy",
    "get_person",
    "get_training_session",
    "lapsing_soon",
    "list_awareness",
    "list_coaching",
    "list_people",
    "list_training_sessions",
    "load_policy_file",
    "local_today",
    "packaged_policy",
    "person_competencies",
    "policy_in_force",
    "provider_people",
    "provider_reach",
    "provider_write_reach",
    "record_attendance",
    "record_awareness",
    "record_coaching",
    "replace_policy",
    "session_attendance",
    "supervisees",
    "training_attention",
    "update_person",
]

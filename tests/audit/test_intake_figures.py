"""The monthly report's figures of issue 18, from hand-made facts: identifications and
referrals by source of identification, and referrals with relayed steps counted apart
(in the JSON, CSV and HTML forms, English and Khmer)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from referral_graph.audit.intake import relayed_steps, sources
from referral_graph.audit.period import month_period
from referral_graph.audit.render import to_csv, to_html
from referral_graph.audit.report import build_report
from referral_graph.domain.identification import (
    AgeBand,
    Identification,
    IdentificationStatus,
)
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import Deadlines

MARCH = month_period("2026-03")
T = datetime(2026, 3, 10, 2, tzinfo=UTC)
H = timedelta(hours=1)


def fact(ident: str, case_id: str, **extra: Any) -> HopFact:
    fields: dict[str, Any] = {
        "id": ident,
        "case_id": case_id,
        "from_provider_id": "ccwc-170101",
        "to_provider_id": "hc-170101",
        "continues_referral_id": None,
        "service": "medical_care",
        "risk": "high",
        "status": "received",
        "hop": 1,
        "village_code": "17010101",
        "case_opened_at": T,
        "created_at": T,
        "received_at": T + H,
        "accepted_at": None,
        "rejected_at": None,
        "in_progress_at": None,
        "closed_at": None,
        "acknowledge_due": T + 4 * H,
        "decide_due": T + 12 * H,
        "first_contact_due": T + 24 * H,
        "status_reason_code": None,
        "recommendation_rank": None,
    }
    fields.update(extra)
    return HopFact(**fields)


def identification(ident: str, source: str, **extra: Any) -> Identification:
    fields: dict[str, Any] = {
        "id": ident,
        "identified_by_provider_id": "vhsg-170101",
        "to_provider_id": "ccwc-170101",
        "source": source,
        "age_band": AgeBand.FROM_12_TO_14,
        "gender": "female",
        "risk": "high",
        "needs": ["counselling"],
        "village_code": "17010101",
        "created_by": "v",
        "created_at": T,
        "due": Deadlines(
            acknowledge=T + 4 * H, decide=T + 12 * H, first_contact=T + 24 * H, policy_version=1
        ),
    }
    fields.update(extra)
    return Identification.model_validate(fields)


FACTS = [
    fact("r1", "c1", identification_source="vhsg", relayed_steps=("received",)),
    fact("r2", "c1", identification_source="vhsg", relayed_steps=("received", "accepted")),
    fact("r3", "c2"),  # a case the CCWC registered itself
    fact("r4", "c3", identification_source="teacher"),
]
IDENTIFICATIONS = [
    identification(
        "i1",
        "vhsg",
        status=IdentificationStatus.ACCEPTED,
        acknowledged_at=T + 2 * H,
        decided_at=T + 3 * H,
        case_id="c1",
    ),
    identification(
        "i2",
        "vhsg",
        status=IdentificationStatus.DECLINED,
        acknowledged_at=T + 6 * H,  # late: acknowledge was due at 4 h
        decided_at=T + 7 * H,
    ),
    identification("i3", "helpline"),
    identification("i-feb", "vhsg", created_at=T - timedelta(days=20)),  # another month
]


def test_relayed_steps_are_counted_apart() -> None:
    relayed = relayed_steps(FACTS)
    assert (relayed.referrals, relayed.relayed_referrals, relayed.relayed_share) == (4, 2, 0.5)
    assert relayed.steps == {
        ReferralStatus.RECEIVED: 2,
        ReferralStatus.ACCEPTED: 1,
        ReferralStatus.REJECTED: 0,
        ReferralStatus.IN_PROGRESS: 0,
    }


def test_sources_count_identifications_and_referred_cases() -> None:
    found = sources(FACTS, IDENTIFICATIONS, MARCH)
    rows = {r.source: r for r in found.rows}
    assert found.identifications == 3
    assert list(rows) == ["vhsg", "ccwc", "helpline", "teacher"]
    vhsg = rows["vhsg"]
    assert (vhsg.identifications, vhsg.accepted, vhsg.declined, vhsg.waiting) == (2, 1, 1, 0)
    assert vhsg.acknowledged_on_time == 1
    assert vhsg.hours_to_acknowledge.median_hours == 4.0  # of 2 h and 6 h
    assert (vhsg.cases_referred, vhsg.referrals) == (1, 2)
    assert (rows["ccwc"].identifications, rows["ccwc"].cases_referred) == (0, 1)
    assert (rows["helpline"].waiting, rows["helpline"].cases_referred) == (1, 0)
    small = sources(FACTS, IDENTIFICATIONS, MARCH, min_cell=2)
    assert [r.source for r in small.rows] == ["vhsg"]


def test_the_report_shows_both_in_every_form() -> None:
    report = build_report(
        FACTS,
        area="1701",
        month="2026-03",
        period=MARCH,
        now=T + 30 * H,
        names={},
        overdue_now=0,
        identifications=IDENTIFICATIONS,
    )
    assert report.relayed.relayed_referrals == 2
    assert report.sources.rows[0].source == "vhsg"
    csv = to_csv(report)
    assert "relayed,,,,relayed_referrals,2" in csv
    assert "relayed,,,received,steps,2" in csv
    assert "sources,vhsg,Village health support group,,identifications,2" in csv
    english = to_html(report, "en")
    assert "Steps recorded on the receiver&#39;s behalf" in english
    assert "Where children came from" in english
    khmer = to_html(report, "km")
    assert "ជំហានដែលបានកត់ត្រាជំនួសអ្នកទទួល" in khmer
    assert "ក្រុមគាំទ្រសុខភាពភូមិ" in khmer

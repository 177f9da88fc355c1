"""The agenda, built by the pure builder from hand-made facts: each kind of item, its
evidence and proposed action in English and Khmer, which children count as left
waiting, and a rebuilt agenda keeping the coordinator's edits."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from referral_graph.audit.groups import Label
from referral_graph.audit.sections import AreaName, coverage_section
from referral_graph.domain.meetings import Action, ItemKind, PathwayProposal
from referral_graph.domain.records import HopFact
from referral_graph.domain.training import TrainingTopic
from referral_graph.domain.vocabulary import RiskLevel, Service
from referral_graph.meetings.agenda import (
    AgendaInputs,
    OpenAction,
    OverdueHandoff,
    ProviderTraining,
    added_item,
    build_agenda,
    merge_agenda,
)
from referral_graph.meetings.items import left_waiting

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 in Phnom Penh
NOW = T + timedelta(days=20)
KHMER = re.compile(r"[\u1780-\u17FF]")
NAMES = {
    "ccwc": Label(en="Char Chhuk CCWC", km="គ.ក.ន.ក ចារឈូក"),
    "hc": Label(en="Char Chhuk health centre", km="មណ្ឌលសុខភាពចារឈូក"),
    "tpo": Label(en="TPO counsellor", km="អ្នកប្រឹក្សា TPO"),
}


def fact(ident: str, sender: str = "ccwc", receiver: str = "hc", **extra: Any) -> HopFact:
    fields: dict[str, Any] = {
        "id": ident,
        "case_id": f"case-{ident}",
        "from_provider_id": sender,
        "to_provider_id": receiver,
        "continues_referral_id": None,
        "service": "counselling",
        "risk": "high",
        "status": "requested",
        "hop": 1,
        "village_code": "17010101",
        "case_opened_at": T,
        "created_at": T,
        "received_at": None,
        "accepted_at": None,
        "rejected_at": None,
        "in_progress_at": None,
        "closed_at": None,
        "status_reason_code": None,
        "recommendation_rank": None,
    }
    fields.update(extra)
    made = fields["created_at"]
    fields.setdefault("acknowledge_due", made + timedelta(hours=4))
    fields.setdefault("decide_due", made + timedelta(hours=12))
    fields.setdefault("first_contact_due", made + timedelta(hours=24))
    return HopFact(**fields)


def declined(
    ident: str, case: str, hours: float, code: str | None = "no_capacity", **extra: Any
) -> HopFact:
    at = T + timedelta(hours=hours)
    return fact(
        ident,
        case_id=case,
        created_at=at - timedelta(hours=1),
        status="rejected",
        received_at=at - timedelta(minutes=30),
        rejected_at=at,
        closed_at=at,
        status_reason_code=code,
        **extra,
    )


def inputs(facts: list[HopFact], **extra: Any) -> AgendaInputs:
    fields: dict[str, Any] = {
        "since": T - timedelta(days=1),
        "until": NOW,
        "today": NOW.date(),
        "tz": "Asia/Phnom_Penh",
        "facts": facts,
        "case_codes": {f.case_id: f"KH1701-{f.case_id[-4:].upper()}" for f in facts},
        "overdue": [],
        "pathways": frozenset(),
        "names": NAMES,
    }
    fields.update(extra)
    return AgendaInputs(**fields)


def test_a_child_declined_and_not_referred_again_is_left_waiting() -> None:
    facts = [
        declined("d1", "c1", 3),  # no capacity, nothing since: waiting
        declined("d2", "c2", 3),
        fact("again", case_id="c2", created_at=T + timedelta(hours=5)),  # referred again
        declined("d3", "c3", 3, code="child_moved"),  # moved away: not waiting
        declined("d4", "c4", 3, case_closed_at=T + timedelta(days=2)),  # case closed
        declined("d5", "c5", 3, code=None),  # before codes: "other", waiting
        fact("f6", case_id="c6", status="failed", closed_at=T + timedelta(hours=9),
             status_reason_code="child_unreachable"),
        fact("c7", case_id="c7", status="cancelled", closed_at=T + timedelta(hours=2),
             status_reason_code="referred_elsewhere"),
        declined("d8", "c8", 3, service="counselling"),
        fact("other-need", case_id="c8", service="legal_aid", created_at=T + timedelta(hours=6)),
    ]  # fmt: skip
    assert [f.id for f in left_waiting(facts)] == ["d1", "d5", "d8", "f6"]


def test_every_kind_of_item_with_its_evidence_and_proposal() -> None:
    facts = [
        declined("d1", "c1", 3),
        declined("d2", "c2", 4, code="not_eligible"),
        fact("late", receiver="tpo", created_at=T + timedelta(hours=1),
             received_at=T + timedelta(hours=30), status="received"),
    ]  # fmt: skip
    coverage = coverage_section(
        {"counselling": [AreaName(code="170102", label=Label(en="Chi Kraeng", km="ជីក្រែង"))]},
        {"counselling": 2},
        ["counselling"],
        8,
    )
    action = Action(
        id="act-1",
        meeting_id="mtg-0",
        text="Agree a counselling pathway",
        owner_provider_id="ccwc",
        due_on=date(2026, 3, 10),
        area_code="1701",
        pathway=PathwayProposal(
            from_provider_id="ccwc", to_provider_id="tpo", service=Service.COUNSELLING
        ),
        created_by="coord",
        created_at=T,
        updated_at=T,
    )
    found = build_agenda(
        "1701",
        inputs(
            facts,
            overdue=[
                OverdueHandoff(
                    "r9",
                    "KH1701-AAAA",
                    "ccwc",
                    "hc",
                    Service.COUNSELLING,
                    RiskLevel.HIGH,
                    "acknowledge",
                    T,
                    T + timedelta(hours=4),
                ),
            ],
            coverage=coverage,
            training=[
                ProviderTraining("hc", {TrainingTopic.PSYCHOLOGICAL_FIRST_AID: (2, 1)}, (40, 12))
            ],
            open_actions=[OpenAction(action, date(2026, 2, 27), NAMES["ccwc"])],
        ),
        NOW,
    )
    kinds = [i.kind for i in found]
    assert kinds == [
        ItemKind.OPEN_ACTION,
        ItemKind.OVERDUE_HANDOFF,
        ItemKind.CHILD_WAITING,
        ItemKind.CHILD_WAITING,
        ItemKind.BOTTLENECK,
        ItemKind.REPEATED_DECLINES,
        ItemKind.NO_PATHWAY,
        ItemKind.NO_PATHWAY,
        ItemKind.SERVICE_GAP,
        ItemKind.REFRESHERS_DUE,
        ItemKind.COACHING_OVERDUE,
    ]
    by_id = {i.id: i for i in found}
    opened = by_id["action:act-1"]
    assert opened.title.en == "Action from the meeting of 27 Feb 2026: Agree a counselling pathway"
    assert [e.key for e in opened.evidence] == [
        "ev_action_owner",
        "ev_action_overdue",
        "ev_action_pathway",
    ]
    assert "Char Chhuk CCWC → TPO counsellor" in opened.evidence[2].en
    overdue = by_id["overdue:hc"]
    assert overdue.title.en == "1 handoffs waiting on Char Chhuk health centre past their deadline"
    assert overdue.evidence[0].en == (
        "KH1701-AAAA: counselling from Char Chhuk CCWC, waiting for acknowledgement since "
        "2 Mar 2026 (due 2 Mar 2026, high risk)."
    )
    assert overdue.evidence[0].params["code"] == "KH1701-AAAA"
    waiting = by_id["waiting:d1"]
    assert waiting.subject.case_code == "KH1701-C1" and waiting.subject.service == "counselling"
    assert (
        waiting.title.en
        == "KH1701-C1: counselling declined by Char Chhuk health centre, not referred again"
    )
    assert "no counsellor or staff available" in waiting.evidence[0].en
    assert (
        by_id["declines:ccwc>hc"].title.en
        == "Char Chhuk health centre declined 2 referrals from Char Chhuk CCWC"
    )
    assert [e.params for e in by_id["declines:ccwc>hc"].evidence] == [
        {"reason": "no_capacity", "n": 1},
        {"reason": "not_eligible", "n": 1},
    ]
    assert by_id["bottleneck:tpo"].subject.provider_id == "tpo"
    pathway = by_id["pathway:ccwc>tpo:counselling"]
    assert pathway.proposal is not None and pathway.proposal.key == "prop_no_pathway"
    assert (pathway.subject.provider_id, pathway.subject.to_provider_id) == ("ccwc", "tpo")
    gap = by_id["gap:counselling"]
    assert gap.title.en == "Counselling: no provider reaches 1 of 8 communes"
    assert [e.key for e in gap.evidence] == ["ev_gap_communes", "ev_gap_recorded"]
    assert (
        by_id["refreshers:hc"].evidence[0].en == "Psychological first aid: 2 due, 1 of them lapsed."
    )
    assert by_id["coaching:hc"].evidence[0].en == "Longest overdue: 40 days."
    for item in found:
        proposals = (item.proposal,) if item.proposal else ()
        for said in (item.title, *item.evidence, *proposals):
            assert said.en and KHMER.search(said.km), (item.id, said.key)
            assert "{" not in said.en and "{" not in said.km, said


def test_an_agreed_pathway_is_no_item_and_nothing_found_is_an_empty_agenda() -> None:
    made = [fact("r1", receiver="tpo")]
    agreed = frozenset({("ccwc", "tpo", "counselling")})
    assert build_agenda("1701", inputs(made, pathways=agreed), T + timedelta(hours=1)) == []


def test_a_rebuilt_agenda_keeps_the_coordinators_edits() -> None:
    first = build_agenda("1701", inputs([declined("d1", "c1", 3), declined("d2", "c2", 4)]), NOW)
    ids = [i.id for i in first]
    assert ids == ["waiting:d1", "waiting:d2", "declines:ccwc>hc", "pathway:ccwc>hc:counselling"]
    # The coordinator puts the pathway first, drops one child and adds an item.
    edited = [
        first[3],
        first[0],
        added_item("added:x", "Visit the new shelter"),
        first[1].model_copy(update={"dropped": True}),
        first[2],
    ]
    # Since then c1 was referred again, and a third decline came in.
    later = [
        declined("d1", "c1", 3),
        declined("d2", "c2", 4),
        fact(
            "again",
            case_id="c1",
            created_at=T + timedelta(hours=8),
            status="in_progress",
            received_at=T + timedelta(hours=9),
            accepted_at=T + timedelta(hours=9),
            in_progress_at=T + timedelta(hours=10),
        ),
        declined("d3", "c3", 9),
    ]
    rebuilt = merge_agenda(edited, build_agenda("1701", inputs(later), NOW))
    assert [(i.id, i.dropped) for i in rebuilt] == [
        ("pathway:ccwc>hc:counselling", False),
        ("added:x", False),
        ("waiting:d2", True),
        ("declines:ccwc>hc", False),
        ("waiting:d3", False),
    ]
    assert rebuilt[3].title.en.startswith("Char Chhuk health centre declined 3 referrals")

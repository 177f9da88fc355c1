"""Contract of a case's life on both stores (#17): the documents keep every field of a
case's life and of a coded step; ``attention_cases`` finds what a work queue needs in
one read; ``retime_referral`` moves an open hop's deadlines with compare-and-set; and
the use cases built on them (change, close, reopen, the duplicate guard, the queue)
behave alike on SQLite and Neo4j."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from referral_graph.domain.case_life import sooner_terms
from referral_graph.domain.errors import DuplicateReferral, InvalidInput, NeedsUnmet, StaleVersion
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import (
    CaseClosure,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Referral,
    ReferralEvent,
)
from referral_graph.domain.reasons import ClosureReason, StepReason
from referral_graph.domain.vocabulary import RelayChannel, RiskLevel, Service
from referral_graph.policies.sla import packaged_policy
from referral_graph.services import case_life, cases, referrals
from referral_graph.services.caller import Caller
from referral_graph.services.case_life import CaseChange, CaseClosing, CaseReopening
from referral_graph.services.queue import queue
from referral_graph.services.referrals import ReferralRequest, Step
from referral_graph.store.port import AttentionQuery, DueQuery, Page, Store, Transaction
from tests.contract.helpers import HOUR, add, case, created, moved, referral
from tests.factories import T0, FakeClock, opening

S = ReferralStatus
C, M = Service.COUNSELLING, Service.MEDICAL_CARE
NOW = T0 + 48 * HOUR


# --- the documents keep a case's life ---------------------------------------------------
def test_a_case_keeps_its_life_and_a_step_its_codes(network: Store) -> None:
    history = (
        CaseEvent(
            at=T0 + HOUR,
            actor="ccwc",
            kind=CaseEventKind.RISK_CHANGED,
            risk=RiskLevel.EMERGENCY,
            previous_risk=RiskLevel.HIGH,
            note="threat",
        ),
        CaseEvent(
            at=T0 + 2 * HOUR,
            actor="ccwc",
            kind=CaseEventKind.NEEDS_CHANGED,
            needs=frozenset({C}),
            previous_needs=frozenset({C, M}),
            closure_reason=ClosureReason.CHILD_DECLINED,
        ),
        CaseEvent(
            at=T0 + 3 * HOUR,
            actor="ccwc",
            kind=CaseEventKind.FOLLOW_UP_SET,
            follow_up_on=date(2026, 3, 9),
        ),
        CaseEvent(at=T0 + 4 * HOUR, actor="ccwc", kind=CaseEventKind.CLOSED, needs=frozenset({C})),
    )
    closed = case(
        "case-1",
        status=CaseStatus.CLOSED,
        closed_at=T0 + 4 * HOUR,
        closure=CaseClosure(
            reason=ClosureReason.CHILD_MOVED,
            outcome="Moved",
            unmet_needs=frozenset({C}),
            override="Referred there by phone",
            closed_by="ccwc",
        ),
        follow_up_on=date(2026, 3, 9),
        incident_at=T0 - 24 * HOUR,
        history=history,
    )
    network.write(lambda tx: tx.add_case(closed))
    assert network.read(lambda tx: tx.get_case("case-1")) == closed
    reopened = closed.model_copy(
        update={"status": CaseStatus.OPEN, "closed_at": None, "closure": None, "version": 2}
    )
    network.write(lambda tx: tx.save_case(reopened, 1))
    assert network.read(lambda tx: tx.get_case("case-1")) == reopened

    made = add(network, referral("r1", parallel_reason="The first one is far away"))
    received, event = moved(made, S.RECEIVED)
    network.write(lambda tx: tx.save_referral(received, made.version, event))
    rejected = received.model_copy(
        update={
            "status": S.REJECTED,
            "status_reason": "Counsellor away",
            "status_reason_code": StepReason.NO_CAPACITY,
            "version": 3,
        }
    )
    step = ReferralEvent(
        id="evt-r1-3",
        referral_id="r1",
        sequence=3,
        at=T0 + 5 * HOUR,
        actor="ccwc",
        from_status=S.RECEIVED,
        to_status=S.REJECTED,
        reason="Counsellor away",
        reason_code=StepReason.NO_CAPACITY,
        occurred_at=T0 + 3 * HOUR,
        relayed_for="hc-a",
        relay_channel=RelayChannel.PHONE,
    )
    network.write(lambda tx: tx.save_referral(rejected, 2, step))
    assert network.read(lambda tx: tx.get_referral("r1")) == rejected
    assert network.read(lambda tx: tx.referral_events("r1"))[-1] == step


# --- retime_referral --------------------------------------------------------------------
def test_retime_moves_an_open_hops_deadlines_with_compare_and_set(with_case: Store) -> None:
    policy = packaged_policy()
    made = add(
        with_case,
        referral("r1", risk=RiskLevel.MEDIUM, due=policy.deadlines_for(RiskLevel.MEDIUM, T0)),
    )
    raised = sooner_terms(made, policy, RiskLevel.EMERGENCY, T0 + HOUR)
    assert raised is not None and raised.due is not None
    with_case.write(lambda tx: tx.retime_referral(raised, made.version))
    assert with_case.read(lambda tx: tx.get_referral("r1")) == raised
    assert with_case.read(lambda tx: tx.referral_events("r1")) == [created(made)]  # no step
    # the columns the due list and the scheduler read moved with it
    due = with_case.read(lambda tx: tx.referrals_due(DueQuery(before=T0 + 3 * HOUR), Page())).items
    assert [r.id for r in due] == ["r1"]
    alerting = with_case.read(lambda tx: tx.referrals_alert_due(T0 + 2 * HOUR, 10))
    assert [r.id for r in alerting] == ["r1"]
    with pytest.raises(StaleVersion):
        with_case.write(lambda tx: tx.retime_referral(raised, made.version))


# --- attention_cases --------------------------------------------------------------------
def _hop(
    ident: str, case_id: str, service: Service, status: S, at: datetime = T0, **extra: Any
) -> Referral:
    r = referral(ident, case_id=case_id, service=service, at=at, **extra)
    if status is S.REQUESTED:
        return r
    return r.model_copy(update={"status": status, "step_times": {**r.step_times, status: at}})


@pytest.fixture
def queue_world(network: Store) -> Store:
    """Cases of ccwc-a and of another CCWC, with hops late, declined, waiting, done."""
    policy = packaged_policy()
    due = policy.deadlines_for(RiskLevel.HIGH, T0)  # acknowledge within 4 h
    stored = [
        case("c-left", needs={C}),  # declined counselling, never referred again
        case("c-again", needs={C}, opened_at=T0 + HOUR),  # declined, then referred again
        case("c-late", needs={M}, opened_at=T0 + 2 * HOUR),  # unacknowledged past deadline
        case("c-fresh", needs={M}, opened_at=T0 + 3 * HOUR),  # waiting, not late
        case("c-quiet", needs={M}, opened_at=T0 + 4 * HOUR),  # met: nothing to do
        case("c-closed", status=CaseStatus.CLOSED, closed_at=T0, opened_at=T0 + 5 * HOUR),
        case(
            "c-stung",
            opened_by_provider_id="helpline",
            village_code="19010101",
            opened_at=T0 + 6 * HOUR,
        ),
    ]
    hops = [
        _hop("h-left", "c-left", C, S.REJECTED, receiver="tpo-a"),
        _hop("h-again-1", "c-again", C, S.REJECTED, receiver="tpo-a"),
        _hop("h-again-2", "c-again", C, S.REQUESTED, receiver="hc-a", at=T0 + HOUR),
        _hop("h-late", "c-late", M, S.REQUESTED, due=due),
        _hop("h-fresh", "c-fresh", M, S.RECEIVED, at=NOW - HOUR),
        _hop("h-quiet", "c-quiet", M, S.COMPLETED),
        _hop("h-closed", "c-closed", M, S.REJECTED),
        _hop(
            "h-stung", "c-stung", C, S.FAILED, sender="helpline", receiver="tpo-a"
        ),  # of a child in Stung Treng
    ]

    def load(tx: Transaction) -> None:
        for c in stored:
            tx.add_case(c)
        for r in hops:
            tx.add_referral(r, created(r))

    network.write(load)
    return network


def _found(store: Store, query: AttentionQuery) -> list[str]:
    files = store.read(lambda tx: tx.attention_cases(query))
    for f in files:  # each case comes with all its referrals, in path order
        assert f.referrals == store.read(lambda tx, cid=f.case.id: tx.case_referrals(cid))
    return [f.case.id for f in files]


def test_attention_finds_what_a_queue_needs_in_one_read(queue_world: Store) -> None:
    opened = ["c-left", "c-again", "c-late", "c-fresh", "c-quiet"]  # oldest first, open only
    assert _found(queue_world, AttentionQuery(NOW, openers=("ccwc-a",))) == opened
    # hops waiting on the receiver's own step, late or not
    assert _found(queue_world, AttentionQuery(NOW, receivers=("hc-a",))) == [
        "c-again",
        "c-late",
        "c-fresh",
    ]
    # hops sent that are late or left a child waiting (not the one referred again)
    assert _found(queue_world, AttentionQuery(NOW, senders=("ccwc-a",))) == ["c-left", "c-late"]
    assert _found(queue_world, AttentionQuery(NOW, senders=("helpline",))) == ["c-stung"]
    # by the child's area, at any level, or everywhere
    assert _found(queue_world, AttentionQuery(NOW, area="1701")) == ["c-left", "c-late"]
    assert _found(queue_world, AttentionQuery(NOW, area="170101")) == ["c-left", "c-late"]
    assert _found(queue_world, AttentionQuery(NOW, area="19")) == ["c-stung"]
    assert _found(queue_world, AttentionQuery(NOW, everywhere=True)) == [
        "c-left",
        "c-late",
        "c-stung",
    ]
    # before the deadline nothing is late
    assert _found(queue_world, AttentionQuery(T0 + HOUR, senders=("ccwc-a",))) == ["c-left"]
    # a limit keeps the oldest; no scope reads nothing
    assert _found(queue_world, AttentionQuery(NOW, openers=("ccwc-a",), limit=2)) == opened[:2]
    assert _found(queue_world, AttentionQuery(NOW)) == []


def test_a_case_with_many_matching_hops_comes_once(network: Store) -> None:
    due = packaged_policy().deadlines_for(RiskLevel.HIGH, T0)
    hops = [
        _hop("h-1", "c-twice", C, S.REQUESTED, due=due),
        _hop("h-2", "c-twice", M, S.REQUESTED, receiver="tpo-a", due=due),
    ]

    def load(tx: Transaction) -> None:
        tx.add_case(case("c-twice", needs={C, M}))
        for r in hops:
            tx.add_referral(r, created(r))

    network.write(load)
    for query in (
        AttentionQuery(NOW, area="17"),
        AttentionQuery(NOW, everywhere=True),
        AttentionQuery(NOW, senders=("ccwc-a",)),
        AttentionQuery(NOW, receivers=("hc-a", "tpo-a")),
        AttentionQuery(NOW, openers=("ccwc-a",), senders=("ccwc-a",), area="1701"),
    ):
        assert _found(network, query) == ["c-twice"], query


# --- the use cases on both stores -------------------------------------------------------
def _refer(
    store: Store, now: datetime, case_id: str, to: str, service: Service, **extra: Any
) -> Referral:
    request = ReferralRequest.model_validate(
        {
            "case_id": case_id,
            "from_provider_id": "ccwc-a",
            "to_provider_id": to,
            "service": service,
            "reason": "Needs support.",
            **extra,
        }
    )
    return referrals.make_referral(Caller.system(store, now, "ccwc"), request)


def test_duplicates_are_refused_and_parallels_need_a_reason(network: Store) -> None:
    clock = FakeClock()
    opened = cases.open_case(Caller.system(network, clock(), "ccwc"), opening(needs=[C]))
    first = _refer(network, clock(), opened.id, "hc-a", C)
    with pytest.raises(DuplicateReferral) as twice:
        _refer(network, clock.advance(minutes=5), opened.id, "hc-a", C)
    assert twice.value.referral_id == first.id
    with pytest.raises(InvalidInput) as parallel:
        _refer(network, clock(), opened.id, "tpo-a", C)
    assert parallel.value.field == "parallel_reason"
    second = _refer(network, clock(), opened.id, "tpo-a", C, parallel_reason="Closer to school")
    assert second.parallel_reason == "Closer to school"
    # once the first ends, the same handoff may be made again
    system = Caller.system(network, clock(), "hc")
    referrals.move_referral(system, first.id, Step(status=S.CANCELLED, reason_code="sent_in_error"))
    again = _refer(network, clock(), opened.id, "hc-a", C, parallel_reason="Both, after all")
    assert again.to_provider_id == "hc-a"
    assert len(network.read(lambda tx: tx.case_referrals(opened.id))) == 3


def test_a_risk_rise_retimes_open_hops_in_the_same_transaction(network: Store) -> None:
    clock = FakeClock()
    opened = cases.open_case(
        Caller.system(network, clock(), "ccwc"), opening(risk=RiskLevel.LOW, needs=[C, M])
    )
    waiting = _refer(network, clock(), opened.id, "hc-a", C)
    done = _refer(network, clock(), opened.id, "hc-a", M)
    for status in (S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS):
        referrals.move_referral(Caller.system(network, clock(), "hc"), done.id, Step(status=status))
    referrals.move_referral(
        Caller.system(network, clock(), "hc"), done.id, Step(status=S.COMPLETED, outcome="Seen")
    )
    later = clock.advance(hours=1)
    changed = case_life.change_case(
        Caller.system(network, later, "ccwc"), opened.id, CaseChange(risk=RiskLevel.EMERGENCY)
    )
    assert changed.risk is RiskLevel.EMERGENCY
    retimed = network.read(lambda tx: tx.get_referral(waiting.id))
    assert retimed is not None and retimed.due is not None
    assert retimed.risk is RiskLevel.EMERGENCY and retimed.due.acknowledge == later + HOUR
    untouched = network.read(lambda tx: tx.get_referral(done.id))
    assert untouched is not None and untouched.risk is RiskLevel.LOW  # completed: as it was


def test_close_and_reopen_on_both_stores(network: Store) -> None:
    clock = FakeClock()
    system = Caller.system(network, clock(), "ccwc")
    opened = cases.open_case(system, opening(needs=[C]))
    made = _refer(network, clock(), opened.id, "hc-a", C)
    referrals.move_referral(system, made.id, Step(status=S.CANCELLED, reason_code="sent_in_error"))
    closing = CaseClosing(reason=ClosureReason.CHILD_DECLINED, outcome="Family said no")
    with pytest.raises(NeedsUnmet) as unmet:
        case_life.close_case(system, opened.id, closing)
    assert unmet.value.unmet_needs == [C]
    assert cases.get_case(system, opened.id) == opened  # nothing half-written
    closing = closing.model_copy(update={"override": "The family refused counselling"})
    closed = case_life.close_case(system, opened.id, closing)
    assert network.read(lambda tx: tx.get_case(opened.id)) == closed
    reopened = case_life.reopen_case(system, opened.id, CaseReopening(reason="They agreed"))
    assert network.read(lambda tx: tx.get_case(opened.id)) == reopened


def test_the_queue_reads_alike_on_both_stores(queue_world: Store) -> None:
    from referral_graph.security.model import Principal, Role

    ccwc = Principal(user_id="u", username="ccwc", role=Role.CCWC, provider_id="ccwc-a")
    found = queue(Caller(ccwc, queue_world, NOW), Page(limit=50), today=date(2026, 3, 4))
    kinds = sorted((i.case_id, i.kind) for i in found.items)
    assert kinds == [
        ("c-late", "overdue"),
        ("c-left", "left_waiting"),
    ]
    hc = Principal(user_id="h", username="hc", role=Role.PROVIDER, provider_id="hc-a")
    answers = queue(Caller(hc, queue_world, NOW), Page(), today=date(2026, 3, 4)).items
    assert sorted((i.case_id, i.kind, i.late) for i in answers) == [
        ("c-again", "to_answer", False),
        ("c-fresh", "to_answer", False),
        ("c-late", "to_answer", True),
    ]

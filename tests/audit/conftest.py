"""A month of referral history built through the real services, and an API client.

Times are hours after ``T0`` (Monday 2 March 2026, 08:00 in Phnom Penh); every risk is
high (acknowledge 4 h, decide 12 h, first contact 24 h, wall-clock). The five cases:

* A (Angkor Chum)  ccwc → hc (on time, completed) → tpo (late to acknowledge and to
  first contact, completed); the CCWC closes the case (its closure record);
* B (Angkor Thum)  ccwc → hc declined (no capacity, with a private note); ccwc → hc
  declined again (free text only: "other"), late to decide; ccwc → helpline
  (completed) — every referral closed, the case itself still open;
* C (Angkor Chum)  ccwc → hc (first aid only) → back to ccwc, never acknowledged:
  a ping-pong, overdue now;
* D (Stung Treng)  ccwc → tpo, never acknowledged (outside Siem Reap);
* E (Angkor Thum)  ccwc → hc → tpo → back to ccwc, cancelled after its acknowledge
  deadline: a three-provider loop;
* F (Angkor Chum)  opened at 00:30 on 1 April local time (still 31 March in UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral_graph.bootstrap import Runtime
from referral_graph.domain.models import Case
from referral_graph.domain.reasons import ClosureReason
from referral_graph.domain.vocabulary import RiskLevel, Service
from referral_graph.services import case_life, cases, referrals
from referral_graph.services.caller import Caller
from referral_graph.services.case_life import CaseClosing
from referral_graph.services.referrals import ReferralRequest, Step
from referral_graph.settings import Settings
from referral_graph.store.port import Store
from tests.factories import T0, FakeClock, acting_as_system, load_small_network, opening

NOW = T0 + timedelta(days=31)  # 2 April 2026, 08:00 local
#: A decline's free text: it names a person, so no report or audit answer may show it.
DECLINE_REASON = "No doctor available this week, ask Sok Dara"


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@dataclass
class History:
    """What the scenario made: cases by letter, referrals by number (r1 … r12)."""

    store: Store
    now: datetime
    cases: dict[str, Case] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)

    def open(self, letter: str, when: datetime, village: str) -> None:
        self.cases[letter] = cases.open_case(
            Caller.system(self.store, when, "ccwc-focal-1"),
            opening(risk=RiskLevel.HIGH, village_code=village),
        )

    def refer(
        self,
        name: str,
        letter: str,
        when: datetime,
        route: tuple[str, str],
        service: Service,
        *,
        after: str | None = None,
        rank: int | None = None,
    ) -> None:
        request = ReferralRequest(
            case_id=self.cases[letter].id,
            from_provider_id=route[0],
            to_provider_id=route[1],
            service=service,
            reason=f"Private note about the child for {name}",
            continues_referral_id=None if after is None else self.refs[after],
            recommendation_rank=rank,
            # kept only when another referral of the need is open (the queue's rule)
            parallel_reason=f"Private note: {name} asked at the same time",
        )
        self.refs[name] = referrals.make_referral(Caller.system(self.store, when, "t"), request).id

    def move(self, name: str, status: str, when: datetime, **extra: str) -> None:
        step = Step.model_validate({"status": status, "note": "Seen at home", **extra})
        referrals.move_referral(Caller.system(self.store, when, "t"), self.refs[name], step)

    def walk(self, name: str, *steps: tuple[str, float]) -> None:
        for status, hours in steps:
            extra = {"outcome": "Service given"} if status == "completed" else {}
            self.move(name, status, at(hours), **extra)


def build_history(store: Store) -> History:
    load_small_network(store)
    h = History(store=store, now=NOW)
    ccwc, hc, tpo, line = "ccwc-a", "hc-a", "tpo-a", "helpline"
    mc, co = Service.MEDICAL_CARE, Service.COUNSELLING

    h.open("A", at(0), "17010101")
    h.refer("r1", "A", at(0), (ccwc, hc), mc, rank=1)
    h.walk("r1", ("received", 1), ("accepted", 2), ("in_progress", 3))
    h.refer("r2", "A", at(4), (hc, tpo), co, after="r1")
    h.walk("r1", ("completed", 20))
    h.walk("r2", ("received", 10), ("accepted", 12), ("in_progress", 34), ("completed", 50))
    case_life.close_case(
        Caller.system(h.store, at(60), "ccwc-focal-1"),
        h.cases["A"].id,
        CaseClosing(
            reason=ClosureReason.CHILD_MOVED, outcome="Moved away", override="Closed for the test"
        ),
    )

    h.open("B", at(1), "17020101")
    h.refer("r3", "B", at(1), (ccwc, hc), mc, rank=2)
    h.walk("r3", ("received", 3))
    h.move("r3", "rejected", at(4), reason=DECLINE_REASON, reason_code="no_capacity")
    h.refer("r4", "B", at(5), (ccwc, hc), mc)
    h.walk("r4", ("received", 7))
    h.move("r4", "rejected", at(20), reason="  no doctor available\nthis WEEK ")
    h.refer("r5", "B", at(21), (ccwc, line), Service.PHONE_COUNSELLING, rank=1)
    h.walk("r5", ("received", 21.5), ("accepted", 21.6), ("in_progress", 22), ("completed", 23))

    h.open("C", at(2), "17010101")
    h.refer("r6", "C", at(2), (ccwc, hc), Service.PSYCHOLOGICAL_FIRST_AID)
    h.walk("r6", ("received", 3), ("accepted", 4), ("in_progress", 5))
    h.refer("r7", "C", at(6), (hc, ccwc), Service.CASE_MANAGEMENT, after="r6")

    h.open("D", at(3), "19010101")
    h.refer("r8", "D", at(3), (ccwc, tpo), co, rank=1)

    h.open("E", at(4), "17020101")
    h.refer("r9", "E", at(4), (ccwc, hc), mc)
    h.walk("r9", ("received", 5), ("accepted", 6), ("in_progress", 7))
    h.refer("r10", "E", at(8), (hc, tpo), co, after="r9")
    h.walk("r10", ("received", 9), ("accepted", 10), ("in_progress", 11))
    h.refer("r11", "E", at(12), (tpo, ccwc), Service.CASE_MANAGEMENT, after="r10")
    h.move("r11", "cancelled", at(20), reason="Family moved away")

    april_first = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)
    h.open("F", april_first, "17010101")
    h.refer("r12", "F", april_first, (ccwc, hc), mc)
    h.move("r12", "received", april_first + timedelta(hours=1))
    return h


@pytest.fixture
def history(store: Store) -> History:
    return build_history(store)


@pytest.fixture
def client(history: History) -> Iterator[TestClient]:
    clock = FakeClock(history.now)
    runtime = Runtime(settings=Settings(seed_on_start=False), store=history.store, clock=clock)
    app = acting_as_system(create_app(runtime))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c

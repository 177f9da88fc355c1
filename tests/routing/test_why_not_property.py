""" "Why not?", proven on any small network (hypothesis): for every provider in the
explain list, the rules it states really exclude it — checked by rules written out
again here — and removing those causes makes it eligible; removing only the first
leaves exactly the others. Every provider of the area offering a needed service is
either recommended or listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referral_graph.domain.areas import lineage_codes
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Eligibility, Provider, Referral
from referral_graph.domain.reasons import StepReason
from referral_graph.domain.vocabulary import Gender, ProviderKind, RiskLevel, Service
from referral_graph.policies.training import packaged_policy
from referral_graph.routing.graph import DirectoryGraph
from referral_graph.routing.recommend import Recommender
from referral_graph.routing.rules import Activity
from tests.factories import provider

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
NOW = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # Tuesday 09:00 in Phnom Penh
TODAY = NOW.astimezone(PHNOM_PENH).date()
VILLAGE = "17010101"  # Char Chhuk, Angkor Chum
PLACES = ("17010102", "170101", "170102", "1701", "17")  # where a provider sits
COVERS: tuple[tuple[str, ...], ...] = ((), ("1701",), ("170102",), ("17",))
SERVICES = (Service.COUNSELLING, Service.PSYCHOLOGICAL_FIRST_AID, Service.MEDICAL_CARE)
KINDS = (ProviderKind.NGO_COUNSELLOR, ProviderKind.HEALTH_CENTRE, ProviderKind.VHSG)
STATUSES = ("rejected", "failed", "requested", "accepted", "completed", "cancelled")
ORDER = (
    "holder", "inactive", "untrained", "age", "gender", "lgbtiq", "area",
    "declined", "referred", "at_capacity",
)  # fmt: skip


@dataclass
class World:
    providers: list[Provider]
    trained: dict[str, date | None]  # provider → when its one person was trained
    activity: dict[str, Activity]
    referrals: list[Referral]
    case: Case
    holder: str
    extra: dict[str, Any] = field(default_factory=dict)

    def graph(self) -> DirectoryGraph:
        facts = [
            (pid, f"person-{pid}", topic, on)
            for pid, on in self.trained.items()
            if on is not None
            for topic in ("psychological_first_aid", "counselling_skills")
        ]
        return DirectoryGraph.build(1, self.providers, [], facts, packaged_policy())

    def explain(self) -> Any:
        recommender = Recommender(self.graph(), self.activity, self.referrals)
        local = NOW.astimezone(PHNOM_PENH)
        return recommender.recommend(self.case, self.holder, None, local, 3, explain=True)


def independently_broken(w: World, p: Provider, service: Service) -> list[str]:
    """Every hard rule, written out again rather than calling routing's own."""
    broken = []
    if p.id == w.holder:
        broken.append("holder")
    if not p.active:
        broken.append("inactive")
    policy = packaged_policy()
    rule = policy.requirement(p.kind, service)
    if rule is not None:
        on = w.trained.get(p.id)
        if on is None or not on <= TODAY <= policy.valid_until(rule.topic, on):
            broken.append("untrained")
    e, c = p.eligibility, w.case
    if c.age is None or not e.min_age <= c.age <= e.max_age:
        broken.append("age")
    if e.genders and c.gender not in e.genders:
        broken.append("gender")
    if c.wants_lgbtiq_affirming and not e.lgbtiq_affirming:
        broken.append("lgbtiq")
    if not set(p.coverage) & set(lineage_codes(c.village_code)):
        broken.append("area")
    mine = [r for r in w.referrals if r.to_provider_id == p.id and r.service is service]
    if mine:
        last = max(mine, key=lambda r: (r.created_at, r.id))
        if last.status in (ReferralStatus.REJECTED, ReferralStatus.FAILED):
            broken.append("declined")
        elif last.status not in (ReferralStatus.COMPLETED, ReferralStatus.CANCELLED):
            broken.append("referred")
    capacity = p.weekly_capacity
    if capacity and w.activity.get(p.id, Activity()).open_referrals >= capacity:
        broken.append("at_capacity")
    return broken


def without(w: World, p: Provider, service: Service, causes: list[str]) -> World:
    """The world with these causes of leaving ``p`` out (for ``service``) removed."""
    providers = {x.id: x for x in w.providers}
    trained = dict(w.trained)
    activity = dict(w.activity)
    referrals = list(w.referrals)
    holder = w.holder
    q = providers[p.id]
    for cause in causes:
        e = q.eligibility
        if cause == "holder":
            holder = "ccwc-elsewhere"
        elif cause == "inactive":
            q = q.model_copy(update={"active": True})
        elif cause == "untrained":
            trained[p.id] = TODAY - timedelta(days=30)
        elif cause == "age":
            q = q.model_copy(
                update={"eligibility": e.model_copy(update={"min_age": 0, "max_age": 120})}
            )
        elif cause == "gender":
            q = q.model_copy(update={"eligibility": e.model_copy(update={"genders": frozenset()})})
        elif cause == "lgbtiq":
            q = q.model_copy(
                update={"eligibility": e.model_copy(update={"lgbtiq_affirming": True})}
            )
        elif cause == "area":
            q = q.model_copy(update={"covers": (*q.coverage, VILLAGE)})
        elif cause in ("declined", "referred"):
            referrals = [
                r for r in referrals if not (r.to_provider_id == p.id and r.service is service)
            ]
        elif cause == "at_capacity":
            activity[p.id] = Activity()
    providers[p.id] = q
    return World(list(providers.values()), trained, activity, referrals, w.case, holder)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    count = draw(st.integers(2, 7))
    providers, trained, activity = [], {}, {}
    for n in range(count):
        pid = f"p{n}"
        low = draw(st.integers(0, 20))
        high = draw(st.integers(low, 24))
        p = provider(
            pid,
            draw(st.sampled_from(KINDS)),
            draw(st.sets(st.sampled_from(SERVICES), min_size=1)),
            area_code=draw(st.sampled_from(PLACES)),
            covers=draw(st.sampled_from(COVERS)),
            active=draw(st.booleans()),
            weekly_capacity=draw(st.sampled_from([None, 1, 2, 3])),
            eligibility=Eligibility(
                min_age=low,
                max_age=high,
                genders=draw(st.frozensets(st.sampled_from(list(Gender)), max_size=2)),
                lgbtiq_affirming=draw(st.booleans()),
            ),
        )
        providers.append(p)
        trained[pid] = draw(st.sampled_from([None, TODAY - timedelta(days=100), date(2023, 1, 10)]))
        activity[pid] = Activity(open_referrals=draw(st.integers(0, 3)))
    case = Case(
        id="case-p",
        code="KH0000-PROP",
        age=draw(st.integers(0, 24)),
        gender=draw(st.sampled_from(list(Gender))),
        risk=draw(st.sampled_from([RiskLevel.MEDIUM, RiskLevel.LOW])),
        needs=draw(st.sets(st.sampled_from(SERVICES), min_size=1)),
        village_code=VILLAGE,
        wants_lgbtiq_affirming=draw(st.booleans()),
        opened_by_provider_id="ccwc-x",
        opened_by="t",
        opened_at=NOW - timedelta(days=3),
    )
    referrals = []
    for n, (p, service, status) in enumerate(
        draw(
            st.lists(
                st.tuples(
                    st.sampled_from(providers),
                    st.sampled_from(SERVICES),
                    st.sampled_from(STATUSES),
                ),
                max_size=4,
            )
        )
    ):
        at = NOW - timedelta(days=2, hours=-n)
        ended = status in ("rejected", "failed", "cancelled")
        referrals.append(
            Referral(
                id=f"r{n}",
                case_id=case.id,
                from_provider_id="ccwc-x",
                to_provider_id=p.id,
                service=service,
                reason="x",
                risk=case.risk,
                status=ReferralStatus(status),
                status_reason_code=StepReason.OTHER if ended else None,
                created_by="t",
                created_at=at,
                updated_at=at,
                step_times={ReferralStatus(status): at},
            )
        )
    holder = draw(st.sampled_from(["ccwc-x", *[p.id for p in providers]]))
    return World(providers, trained, activity, referrals, case, holder)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(w=worlds())
def test_every_stated_rule_is_true_and_removing_it_makes_the_provider_eligible(w: World) -> None:
    result = w.explain()
    by_id = {p.id: p for p in w.providers}
    shown = {i.provider_id for i in [*result.items, *result.alternatives]}
    listed = {(e.provider_id, e.service) for e in result.excluded or []}
    for item in result.items:
        assert independently_broken(w, by_id[item.provider_id], item.service) == []
    for e in result.excluded or []:
        p = by_id[e.provider_id]
        broken = independently_broken(w, p, e.service)
        if e.rule == "ranked_below":
            assert broken == [] and e.rules == ["ranked_below"]
            continue
        assert e.rules == broken, (e.provider_id, e.service)
        assert e.rule == broken[0] == min(broken, key=ORDER.index)
        assert e.reason.en and e.reason.km and "{" not in e.reason.en + e.reason.km
        # removing every stated cause makes it eligible
        freed = without(w, p, e.service, e.rules)
        assert independently_broken(freed, freed_provider(freed, p.id), e.service) == []
        again = freed.explain()
        assert (p.id, e.service) not in {
            (x.provider_id, x.service) for x in again.excluded or [] if x.rule != "ranked_below"
        }
        # removing only the first leaves exactly the others
        first_gone = without(w, p, e.service, [e.rule])
        rest = independently_broken(first_gone, freed_provider(first_gone, p.id), e.service)
        assert rest == e.rules[1:]
    # nobody of the area (or of the child's district, but for the village groups of other
    # villages) offering a needed service goes unmentioned
    for p in w.providers:
        in_district = "1701" in lineage_codes(p.area_code)[1:2]
        near = p.serves_area(VILLAGE) or (in_district and len(p.area_code) < 8)
        for service in w.case.needs & p.services:
            if near and p.id not in shown:
                assert (p.id, service) in listed, (p.id, service)


def freed_provider(w: World, provider_id: str) -> Provider:
    return next(p for p in w.providers if p.id == provider_id)

"""On the national network, no recommendation ever breaks a hard rule (hypothesis)."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referral_graph.domain.areas import gazetteer, lineage_codes
from referral_graph.domain.models import Case, Provider
from referral_graph.domain.vocabulary import (
    PROFESSIONAL_SERVICES,
    AreaLevel,
    DeliveryMode,
    Gender,
    Language,
    ProviderKind,
    RiskLevel,
    Service,
)
from referral_graph.policies.training import packaged_policy
from referral_graph.routing.graph import DirectoryGraph
from referral_graph.routing.recommend import Recommendation, Recommender
from referral_graph.routing.rules import Activity
from seed.national import generate_national, generate_national_training

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")


#: Per provider: (topic, trained on) of each completed training of an active person.
TRAINED: dict[str, list[tuple[str, date]]] = defaultdict(list)


@pytest.fixture(scope="module")
def national() -> tuple[DirectoryGraph, list[str], list[str]]:
    providers, pathways = generate_national(2025)
    capacity = generate_national_training(providers, 2025)
    active = {p.id for p in capacity.people if p.active}
    where = {p.id: p.provider_id for p in capacity.people}
    sessions = {s.id: s for s in capacity.sessions}
    facts = [
        (
            where[a.person_id],
            a.person_id,
            sessions[a.session_id].topic.value,
            sessions[a.session_id].ends_on,
        )
        for a in capacity.attendance
        if a.completed and a.person_id in active
    ]
    TRAINED.clear()
    for provider_id, _, topic, on in facts:
        TRAINED[provider_id].append((topic, on))
    graph = DirectoryGraph.build(1, providers, pathways, facts)
    villages = sorted(a.code for a in gazetteer().all() if a.level is AreaLevel.VILLAGE)
    ccwcs = sorted(p.id for p in providers if p.kind is ProviderKind.CCWC)
    return graph, villages, ccwcs


def trained_now(p: Provider, service: Service, today: date) -> bool:
    """The training rule, read straight from the packaged policy file's words: a
    community provider offers these services only with someone trained, recently."""
    policy = packaged_policy()
    for rule in policy.requirements:
        if rule.service == service and p.kind in rule.kinds:
            months = policy.valid_months[rule.topic]
            return any(
                topic == rule.topic.value
                and on <= today
                and (today.year, today.month, today.day) < _add_months(on, months)
                for topic, on in TRAINED.get(p.id, ())
            )
    return True


def _add_months(day: date, months: int) -> tuple[int, int, int]:
    month = day.month - 1 + months
    return day.year + month // 12, month % 12 + 1, day.day


def independently_allowed(
    p: Provider, case: Case, service: Service, today: date = date(2026, 3, 2)
) -> list[str]:
    """Every hard rule, written out again rather than calling the recommender's own."""
    broken = []
    if not p.active:
        broken.append("inactive")
    if service not in p.services:
        broken.append("service not offered")
    elif not trained_now(p, service, today):
        broken.append("nobody trained for it now")
    if not p.eligibility.min_age <= case.age <= p.eligibility.max_age:
        broken.append("age")
    if p.eligibility.genders and case.gender not in p.eligibility.genders:
        broken.append("gender")
    if case.wants_lgbtiq_affirming and not p.eligibility.lgbtiq_affirming:
        broken.append("not LGBTIQ-affirming")
    if not set(p.coverage) & set(lineage_codes(case.village_code)):
        broken.append("does not serve the child's area")
    return broken


cases = st.fixed_dictionaries(
    {
        "age": st.integers(0, 24),
        "gender": st.sampled_from(list(Gender)),
        "risk": st.sampled_from(list(RiskLevel)),
        "needs": st.sets(st.sampled_from(list(Service)), min_size=1, max_size=3),
        "language": st.sampled_from(list(Language)),
        "wants_lgbtiq_affirming": st.booleans(),
        "village_index": st.integers(0, 14_000),
        "holder_index": st.integers(0, 1_600),
        "minutes": st.integers(0, 7 * 24 * 60),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=cases)
def test_recommendations_never_break_a_hard_rule(
    national: tuple[DirectoryGraph, list[str], list[str]], drawn: dict[str, object]
) -> None:
    graph, villages, ccwcs = national
    village = villages[int(drawn["village_index"]) % len(villages)]  # type: ignore[call-overload]
    holder = ccwcs[int(drawn["holder_index"]) % len(ccwcs)]  # type: ignore[call-overload]
    now = datetime(2026, 3, 2, tzinfo=UTC) + timedelta(minutes=int(drawn["minutes"]))  # type: ignore[call-overload]
    case = Case(
        id="case_p",
        code="KH0000-PROP",
        opened_by_provider_id=holder,
        opened_by="t",
        opened_at=now,
        village_code=village,
        age=drawn["age"],
        gender=drawn["gender"],
        risk=drawn["risk"],
        needs=drawn["needs"],
        language=drawn["language"],
        wants_lgbtiq_affirming=drawn["wants_lgbtiq_affirming"],
    )
    local = now.astimezone(PHNOM_PENH)
    today = local.date()
    result = Recommender(graph, {}).recommend(case, holder, None, local, 5)

    for item in result.items:
        provider = graph.providers[item.provider_id]
        assert independently_allowed(provider, case, item.service, today) == [], item.provider_id
        assert item.provider_id != holder
        assert item.reasons
    relaxed = case.model_copy(update={"wants_lgbtiq_affirming": False})
    for item in result.alternatives:
        provider = graph.providers[item.provider_id]
        assert independently_allowed(provider, relaxed, item.service, today) == []
        assert item.reasons[0].key == "lgbtiq.not_affirming"
    if result.alternatives:
        assert result.items == []
        assert case.wants_lgbtiq_affirming

    def exists(rule: object) -> bool:
        return any(
            not independently_allowed(p, case, s, today) and rule(p, s)  # type: ignore[operator]
            for p in graph.providers.values()
            for s in p.services
            if p.id != holder
        )

    if case.risk in (RiskLevel.EMERGENCY, RiskLevel.HIGH) and exists(
        lambda p, s: s in PROFESSIONAL_SERVICES
    ):
        assert any(i.service in PROFESSIONAL_SERVICES for i in result.items), (
            "an urgent case must be offered a professional service"
        )
    if case.risk is RiskLevel.EMERGENCY and exists(lambda p, s: p.hours.always_open):
        assert any(i.open_now and i.mode is DeliveryMode.IN_PERSON for i in result.items) or any(
            graph.providers[i.provider_id].hours.always_open for i in result.items
        ), "an emergency reaches something open now"


# --- issue 21 and 18: order, ties, points and "why not?" on the national network --------

RULE_OF = {
    "inactive": "inactive",
    "nobody trained for it now": "untrained",
    "age": "age",
    "gender": "gender",
    "not LGBTIQ-affirming": "lgbtiq",
    "does not serve the child's area": "area",
}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    drawn=cases,
    emergency=st.booleans(),
    load_seed=st.integers(0, 10_000),
    pep_hours=st.one_of(st.none(), st.integers(0, 100)),
)
def test_order_ties_points_and_why_not_on_the_national_network(
    national: tuple[DirectoryGraph, list[str], list[str]],
    drawn: dict[str, object],
    emergency: bool,
    load_seed: int,
    pep_hours: int | None,
) -> None:
    graph, villages, ccwcs = national
    village = villages[int(drawn["village_index"]) % len(villages)]  # type: ignore[call-overload]
    holder = ccwcs[int(drawn["holder_index"]) % len(ccwcs)]  # type: ignore[call-overload]
    now = datetime(2026, 3, 2, tzinfo=UTC) + timedelta(minutes=int(drawn["minutes"]))  # type: ignore[call-overload]
    needs = set(drawn["needs"])  # type: ignore[call-overload]
    if pep_hours is not None:
        needs.add(Service.POST_RAPE_CARE)
    case = Case(
        id="case_p",
        code="KH0000-PROP",
        opened_by_provider_id=holder,
        opened_by="t",
        opened_at=now,
        village_code=village,
        age=drawn["age"],
        gender=drawn["gender"],
        risk=RiskLevel.EMERGENCY if emergency else drawn["risk"],
        needs=needs,
        language=drawn["language"],
        wants_lgbtiq_affirming=drawn["wants_lgbtiq_affirming"],
        incident_at=None if pep_hours is None else now - timedelta(hours=pep_hours),
    )
    rng = random.Random(load_seed)
    activity = {
        pid: Activity(open_referrals=rng.randint(0, graph.providers[pid].weekly_capacity or 3))
        for pid in graph.serving(village)
    }
    local = now.astimezone(PHNOM_PENH)
    result = Recommender(graph, activity).recommend(case, holder, None, local, 5, explain=True)
    emergency = case.risk is RiskLevel.EMERGENCY

    for group in (result.items, result.alternatives):
        # An emergency: no service closed now ranks above one open now (#18).
        if emergency:
            flags = [i.open_now for i in group]
            assert flags == sorted(flags, reverse=True), [i.provider_id for i in group]
        for item in group:
            # A score is the sum of its reasons' points.
            assert round(sum(r.points for r in item.reasons), 2) == item.score
            assert activity.get(item.provider_id, Activity()).open_referrals < (
                graph.providers[item.provider_id].weekly_capacity or 10**9
            ), "never a provider at its weekly capacity"
    # While the PEP window is open, post-rape care comes first (within open or closed).
    if pep_hours is not None and pep_hours < 72:
        tiers = [
            (not i.open_now if emergency else False, i.service is not Service.POST_RAPE_CARE)
            for i in result.items
        ]
        assert tiers == sorted(tiers)

    # Ties are broken by stated criteria, never by id; what nothing separates is said to
    # be equivalent.
    def share(i: Recommendation) -> float | None:
        return None if not i.weekly_capacity else i.open_referrals / i.weekly_capacity

    for above, below in itertools.pairwise(result.items):
        if above.score != below.score or (emergency and above.open_now != below.open_now):
            continue
        if (above.service is Service.POST_RAPE_CARE) != (below.service is Service.POST_RAPE_CARE):
            continue
        assert above.tie_break in ("load", "speed", "pathway", "equivalent"), above.provider_id
        alike = (share(above), above.acknowledge_median_hours, above.pathway) == (
            share(below),
            below.acknowledge_median_hours,
            below.pathway,
        )
        assert (above.tie_break == "equivalent") == alike, (above.provider_id, below.provider_id)
        if alike:
            assert below.rank in above.equivalent_to
    # "Why not?": the directory rules each exclusion states are the ones it breaks.
    today = local.date()
    for e in result.excluded or []:
        if e.rule == "ranked_below":
            continue
        provider = graph.providers[e.provider_id]
        expected = [RULE_OF[b] for b in independently_allowed(provider, case, e.service, today)]
        if e.provider_id == holder:
            expected.insert(0, "holder")
        if (
            provider.weekly_capacity
            and activity.get(provider.id, Activity()).open_referrals >= provider.weekly_capacity
        ):
            expected.append("at_capacity")
        assert e.rules == expected, (e.provider_id, e.service)

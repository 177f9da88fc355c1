""" "Why not?": every provider of the child's area left out of a recommendation, with the
first hard rule that left it out, in both languages, and every rule it breaks (codes
for clients).

The providers looked at are those offering a needed service that either serve the
child's village or sit in the child's district (a neighbour whose coverage stops short
is exactly what a coordinator asks about) — except the village-level groups of other
villages, which serve only their own village. A provider that breaks no rule but ranked
below the options shown says so, with its rank and score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from referral_graph.domain.areas import lineage_codes
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Provider
from referral_graph.domain.reasons import StepReason
from referral_graph.domain.vocabulary import Service
from referral_graph.routing.answers import Exclusion
from referral_graph.routing.graph import DirectoryGraph, district_of
from referral_graph.routing.ranking import Option
from referral_graph.routing.reasons import Reason, reason
from referral_graph.routing.rules import Activity, CaseMemory, Rule, broken_rules

RANKED_BELOW = "ranked_below"
#: A village lies four levels down (province, district, commune, village); some village
#: codes are not digits alone, so the depth of its lineage tells, not the code.
VILLAGE_DEPTH = 4
_ORDER = {rule.value: n for n, rule in enumerate(Rule)} | {RANKED_BELOW: len(Rule)}


def why(
    rule: Rule,
    graph: DirectoryGraph,
    provider: Provider,
    case: Case,
    service: Service,
    local_now: datetime,
    memory: CaseMemory,
    activity: Activity | None,
) -> Reason:
    """The reason, in both languages, that ``rule`` leaves the provider out."""
    today = local_now.date()
    rules = provider.eligibility
    match rule:
        case Rule.HOLDER | Rule.INACTIVE | Rule.LGBTIQ:
            return reason(f"excluded.{rule.value}")
        case Rule.UNTRAINED:
            needed = graph.policy.requirement(provider.kind, service)
            topic = needed.topic.value if needed is not None else service.value
            since = graph.lapsed_since(provider, service, today)
            if since is None:
                return reason("excluded.untrained", topic=topic)
            return reason("excluded.untrained_since", topic=topic, since=since.isoformat())
        case Rule.AGE:
            age = -1 if case.age is None else case.age
            return reason("excluded.age", min=rules.min_age, max=rules.max_age, age=age)
        case Rule.GENDER:
            return reason("excluded.gender", genders=tuple(sorted(g.value for g in rules.genders)))
        case Rule.AREA:
            return reason("excluded.area", areas=tuple(provider.coverage[:3]))
        case Rule.DECLINED:
            ended = memory.ended[(provider.id, service)]
            at = ended.step_times.get(ended.status, ended.updated_at)
            on = at.astimezone(local_now.tzinfo).date().isoformat()
            code = (ended.status_reason_code or StepReason.OTHER).value
            declined = ended.status is ReferralStatus.REJECTED
            key = "excluded.declined" if declined else "excluded.failed"
            return reason(key, on=on, reason=code)
        case Rule.REFERRED:
            still = memory.open[(provider.id, service)]
            on = still.created_at.astimezone(local_now.tzinfo).date().isoformat()
            return reason(
                "excluded.referred", service=service.value, on=on, status=still.status.value
            )
        case Rule.AT_CAPACITY:
            busy = 0 if activity is None else activity.open_referrals
            return reason("excluded.at_capacity", open=busy, capacity=provider.weekly_capacity)
    raise AssertionError(rule)  # pragma: no cover - every rule is matched above


def exclusions(
    graph: DirectoryGraph,
    activities: Mapping[str, Activity],
    memory: CaseMemory,
    case: Case,
    holder_id: str,
    services: Sequence[Service],
    local_now: datetime,
    found: Sequence[Option],
    shown: set[str],
    limit: int,
) -> list[Exclusion]:
    """Every provider of the area not shown, for each needed service it offers: the
    first rule that left it out (``found``: the options that broke none, ordered)."""
    village = case.village_code
    district = district_of(village)
    near = graph.serving(village)
    for pid in graph.by_district.get(district, set()) if district else ():
        # a village's own group elsewhere in the district serves only its village: it
        # is no alternative for this child, and a district has hundreds of them
        if len(lineage_codes(graph.providers[pid].area_code)) < VILLAGE_DEPTH:
            near.add(pid)
    today = local_now.date()
    ranks: dict[str, int] = {}
    scores: dict[tuple[str, Service], float] = {}
    for option in found:
        scores.setdefault((option.provider.id, option.service), option.shown_score)
        ranks.setdefault(option.provider.id, len(ranks) + 1)
    out: list[tuple[str, int, str, str, Exclusion]] = []
    for service in services:
        for pid in near & graph.by_service.get(service, set()):
            if pid in shown:
                continue
            provider = graph.providers[pid]
            activity = activities.get(pid)
            broken = broken_rules(
                provider,
                case,
                service,
                graph.trained_staff(provider, service, today),
                holder_id=holder_id,
                memory=memory,
                activity=activity,
            )
            if broken:
                code = broken[0].value
                told = why(broken[0], graph, provider, case, service, local_now, memory, activity)
            elif (pid, service) in scores:
                code = RANKED_BELOW
                told = reason(
                    "excluded.ranked_below",
                    rank=ranks[pid],
                    of=len(ranks),
                    score=scores[(pid, service)],
                    shown=limit,
                )
            else:  # breaks no rule yet no mode of delivery reaches the child
                continue
            entry = Exclusion(
                provider_id=pid,
                provider_name=provider.name,
                service=service,
                rule=code,
                rules=[r.value for r in broken] or [RANKED_BELOW],
                reason=told,
            )
            out.append((service.value, _ORDER[code], provider.name, pid, entry))
    out.sort(key=lambda e: e[:4])
    return [e[4] for e in out]

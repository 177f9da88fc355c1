"""Rank the next providers for a case, and say why.

Hard rules are filters and are never traded against a score: a recommended provider is
active, offers the service (for a service that follows training, such as psychological
first aid at a VHSG, only while one of its active people holds a valid competency),
admits the child's age and gender, serves the child's area (in person or remotely), and
is LGBTIQ-affirming when the child asked for that. Then a
score orders what is left; every point of it comes with a reason a coordinator can read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from referral_graph.domain.areas import common_level
from referral_graph.domain.models import Case, Provider
from referral_graph.domain.training import TrainedStaff, staffed
from referral_graph.domain.vocabulary import (
    PROFESSIONAL_SERVICES,
    AreaLevel,
    DeliveryMode,
    RiskLevel,
    Service,
)
from referral_graph.routing.graph import DirectoryGraph
from referral_graph.routing.reasons import Reason, reason

URGENT = frozenset({RiskLevel.EMERGENCY, RiskLevel.HIGH})
REMOTE_MODES = (DeliveryMode.PHONE, DeliveryMode.ONLINE)
PRIOR_ACK_HOURS = 24.0

PLACE_POINTS = {
    AreaLevel.VILLAGE: 25.0,
    AreaLevel.COMMUNE: 20.0,
    AreaLevel.DISTRICT: 12.0,
    AreaLevel.PROVINCE: 6.0,
}
REMOTE_POINTS = 8.0


@dataclass(frozen=True, slots=True)
class Activity:
    """What the referral history says of a provider: its caseload (referrals open now)
    and how fast it acknowledges."""

    open_referrals: int = 0
    acknowledge_median_seconds: float | None = None
    acknowledged: int = 0


class Recommendation(BaseModel):
    rank: int
    provider_id: str
    provider_name: str
    service: Service
    mode: DeliveryMode
    place: str
    pathway: str
    via: str | None
    open_referrals: int
    weekly_capacity: int | None
    acknowledge_median_hours: float | None
    open_now: bool
    score: float
    reasons: list[Reason]


class Gap(BaseModel):
    """A service the child needs that nothing reaches in person in the child's area."""

    service: Service
    village_code: str
    reachable_by: list[DeliveryMode]


class Recommendations(BaseModel):
    case_id: str
    holder_id: str
    directory_version: int
    items: list[Recommendation]
    alternatives: list[Recommendation] = Field(
        default_factory=list,
        description="When the child asked for LGBTIQ-affirming providers and none is "
        "reachable: the nearest others, flagged as not affirming.",
    )
    gaps: list[Gap]
    notes: list[Reason]


@dataclass
class _Candidate:
    provider: Provider
    service: Service
    mode: DeliveryMode
    place: str
    score: float = 0.0
    reasons: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    pathway: str = "none"
    via: str | None = None
    open_now: bool = False
    staff: TrainedStaff | None = None

    def add(self, points: float, key: str, **params: Any) -> None:
        """Score points, with the reason for them (made readable only for the providers
        that end up recommended: most candidates are scored and dropped)."""
        self.score += points
        self.reasons.append((key, params))

    def note(self, key: str, **params: Any) -> None:
        self.reasons.append((key, params))


def eligible(provider: Provider, case: Case, service: Service, staff: TrainedStaff | None) -> bool:
    """The hard rules, in one place (the property tests check them again). ``staff``:
    the provider's trained people for the service (``DirectoryGraph.trained_staff``)."""
    return (
        provider.active
        and case.age is not None
        and case.gender is not None
        and service in provider.services
        and staffed(staff)
        and provider.eligibility.admits(case.age, case.gender)
        and (provider.eligibility.lgbtiq_affirming or not case.wants_lgbtiq_affirming)
        and provider.serves_area(case.village_code)
    )


def _mode_and_place(provider: Provider, village: str) -> tuple[DeliveryMode, str] | None:
    shared = common_level(provider.area_code, village)
    if DeliveryMode.IN_PERSON in provider.modes and shared is not None:
        return DeliveryMode.IN_PERSON, shared.value
    remote = next((m for m in REMOTE_MODES if m in provider.modes), None)
    if remote is not None:
        return remote, "remote"
    if DeliveryMode.IN_PERSON in provider.modes:
        return DeliveryMode.IN_PERSON, "far"
    return None


class Recommender:
    """Ranks providers over one :class:`DirectoryGraph`."""

    def __init__(self, graph: DirectoryGraph, activity: Mapping[str, Activity]) -> None:
        self.graph = graph
        self.activity = activity

    def candidates(
        self,
        case: Case,
        holder_id: str,
        services: Iterable[Service],
        local_now: datetime,
        always_open: bool = False,
    ) -> list[_Candidate]:
        """Eligible providers of the services for the case (``always_open``: only those
        open day and night)."""
        serving = self.graph.serving(case.village_code)
        today = local_now.date()
        found: list[_Candidate] = []
        for service in services:
            for pid in sorted(serving & self.graph.by_service.get(service, set())):
                provider = self.graph.providers[pid]
                if always_open and not provider.hours.always_open:
                    continue
                staff = self.graph.trained_staff(provider, service, today)
                if pid == holder_id or not eligible(provider, case, service, staff):
                    continue
                where = _mode_and_place(provider, case.village_code)
                if where is None:
                    continue
                candidate = _Candidate(provider, service, where[0], where[1])
                candidate.open_now = provider.hours.is_open(local_now)
                candidate.staff = staff
                found.append(candidate)
        return found

    def score(self, c: _Candidate, case: Case, holder_id: str, nobody_speaks: bool) -> None:
        p, holder = c.provider, self.graph.providers.get(holder_id)
        holder_name = holder.name if holder else holder_id
        if self.graph.pathway(holder_id, p.id, c.service):
            c.pathway = "direct"
            c.add(30, "pathway.direct", holder=holder_name, service=c.service.value)
        elif self.graph.linked(holder_id, p.id):
            c.pathway = "other_service"
            c.add(12, "pathway.other_service", holder=holder_name)
        elif (middle := self.graph.via(holder_id, p.id, c.service)) is not None:
            c.pathway, c.via = "via", middle
            c.add(5, "pathway.via", via=self.graph.providers[middle].name)
        else:
            c.note("pathway.none", holder=holder_name)

        if c.place == "remote":
            c.add(REMOTE_POINTS, "place.remote", mode=c.mode.value)
        elif c.place == "far":
            c.note("place.far")
        else:
            c.add(PLACE_POINTS[AreaLevel(c.place)], f"place.{c.place}")

        language = case.language.value
        if case.language in p.languages:
            c.add(15, "language.match", language=language)
        elif p.interpreter_support:
            c.add(25 if nobody_speaks else 5, "language.interpreter", language=language)
        else:
            c.add(-20, "language.none", language=language)

        act = self.activity.get(p.id, Activity())
        if p.weekly_capacity:  # the caseload against what the provider takes a week
            caseload = {"open": act.open_referrals, "capacity": p.weekly_capacity}
            share = act.open_referrals / p.weekly_capacity
            if share >= 1:
                c.add(-15, "load.full", **caseload)
            else:
                c.add(10 * (1 - share), "load.free", **caseload)

        if act.acknowledge_median_seconds is None:
            hours = PRIOR_ACK_HOURS
            c.note("speed.prior")
        else:
            hours = act.acknowledge_median_seconds / 3600
            c.note("speed.observed", hours=round(hours, 1), count=act.acknowledged)
        c.score += 10 / (1 + hours / 4)

        if c.staff is not None and c.staff.next_refresher is not None:
            c.note(
                "training.staff",
                count=c.staff.count,
                topic=c.staff.topic.value,
                month=c.staff.next_refresher.strftime("%Y-%m"),
            )
        if case.risk in URGENT and c.service in PROFESSIONAL_SERVICES:
            c.add(10, "risk.professional", risk=case.risk.value)
        emergency = case.risk is RiskLevel.EMERGENCY
        if p.hours.always_open:
            c.add(8 if emergency else 0, "open.always")
        elif c.open_now:
            c.add(8 if emergency else 0, "open.now")
        elif emergency:
            c.add(-10, "open.closed")
        if case.wants_lgbtiq_affirming:
            c.note("lgbtiq.affirming")

    def recommend(
        self, case: Case, holder_id: str, service: Service | None, local_now: datetime, limit: int
    ) -> Recommendations:
        services = [service] if service else sorted(case.needs)
        found = self.candidates(case, holder_id, services, local_now)
        nobody_speaks = not any(case.language in c.provider.languages for c in found)
        notes = (
            [reason("language.nobody", language=case.language.value)]
            if (found and nobody_speaks)
            else []
        )
        for c in found:
            self.score(c, case, holder_id, nobody_speaks)
        found.sort(key=lambda c: (-c.score, c.provider.id, c.service.value))
        chosen = _best_per_provider(found)[:limit]
        chosen += self._urgent_additions(case, holder_id, chosen, local_now, nobody_speaks)
        gaps = [g for s in services if (g := self._gap(case, s, found)) is not None]
        alternatives: list[Recommendation] = []
        if case.wants_lgbtiq_affirming and not chosen:
            notes.append(reason("lgbtiq.none_reachable"))
            others = self.recommend(
                case.model_copy(update={"wants_lgbtiq_affirming": False}),
                holder_id,
                service,
                local_now,
                limit,
            ).items
            flag = reason("lgbtiq.not_affirming")
            alternatives = [a.model_copy(update={"reasons": [flag, *a.reasons]}) for a in others]
        return Recommendations(
            case_id=case.id,
            holder_id=holder_id,
            directory_version=self.graph.version,
            items=[_public(c, i + 1, self.activity) for i, c in enumerate(chosen)],
            alternatives=alternatives,
            gaps=gaps,
            notes=notes,
        )

    def _urgent_additions(
        self,
        case: Case,
        holder_id: str,
        chosen: list[_Candidate],
        local_now: datetime,
        nobody_speaks: bool,
    ) -> list[_Candidate]:
        added: list[_Candidate] = []
        if case.risk in URGENT and not any(c.service in PROFESSIONAL_SERVICES for c in chosen):
            pool = self.candidates(case, holder_id, sorted(PROFESSIONAL_SERVICES), local_now)
            for c in pool:
                self.score(c, case, holder_id, nobody_speaks)
            best = _best(pool, exclude=chosen)
            if best is not None:
                best.reasons.insert(0, ("risk.added_professional", {"risk": case.risk.value}))
                added.append(best)
        if case.risk is RiskLevel.EMERGENCY:
            so_far = chosen + added
            in_person_open = any(c.open_now and c.mode is DeliveryMode.IN_PERSON for c in so_far)
            if not in_person_open and not any(c.provider.hours.always_open for c in so_far):
                pool = self.candidates(
                    case, holder_id, sorted(Service), local_now, always_open=True
                )
                for c in pool:
                    self.score(c, case, holder_id, nobody_speaks)
                best = _best(pool, exclude=so_far)
                if best is not None:
                    best.reasons.insert(0, ("risk.added_open_now", {}))
                    added.append(best)
        return added

    def _gap(self, case: Case, service: Service, found: list[_Candidate]) -> Gap | None:
        mine = [c for c in found if c.service is service]
        if any(c.mode is DeliveryMode.IN_PERSON and c.place != "far" for c in mine):
            return None
        modes = sorted({c.mode for c in mine if c.mode is not DeliveryMode.IN_PERSON})
        return Gap(service=service, village_code=case.village_code, reachable_by=modes)


def _best(pool: list[_Candidate], exclude: list[_Candidate]) -> _Candidate | None:
    taken = {c.provider.id for c in exclude}
    pool = sorted(
        (c for c in pool if c.provider.id not in taken),
        key=lambda c: (-c.score, c.provider.id, c.service.value),
    )
    return pool[0] if pool else None


def _best_per_provider(ranked: list[_Candidate]) -> list[_Candidate]:
    seen: set[str] = set()
    out = []
    for c in ranked:
        if c.provider.id not in seen:
            seen.add(c.provider.id)
            out.append(c)
    return out


def _public(c: _Candidate, rank: int, activity: Mapping[str, Activity]) -> Recommendation:
    act = activity.get(c.provider.id, Activity())
    median = act.acknowledge_median_seconds
    return Recommendation(
        rank=rank,
        provider_id=c.provider.id,
        provider_name=c.provider.name,
        service=c.service,
        mode=c.mode,
        place=c.place,
        pathway=c.pathway,
        via=c.via,
        open_referrals=act.open_referrals,
        weekly_capacity=c.provider.weekly_capacity,
        acknowledge_median_hours=None if median is None else round(median / 3600, 2),
        open_now=c.open_now,
        score=round(c.score, 2),
        reasons=[reason(key, **params) for key, params in c.reasons],
    )

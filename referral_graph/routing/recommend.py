"""Rank the next providers for a case, and say why.

Hard rules are filters and are never traded against a score (:mod:`.rules`): a
recommended provider is active, offers the service (for a service that follows
training, such as psychological first aid at a VHSG, only while one of its active
people holds a valid competency), admits the child's age and gender, serves the child's
area (in person or remotely), is LGBTIQ-affirming when the child asked for that, has
not declined or failed this case for this need, has no open referral of it for this
need already, and is below its weekly capacity. Then a score orders what is left;
every point of it comes with a reason a coordinator can read, and ties are broken by
stated criteria (:mod:`.ranking`). With ``explain``, every provider of the area left
out is listed with the rule that left it out (:mod:`.explain`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from referral_graph.domain.areas import common_level
from referral_graph.domain.models import Case, Provider, Referral
from referral_graph.domain.vocabulary import (
    PROFESSIONAL_SERVICES,
    AreaLevel,
    DeliveryMode,
    Language,
    RiskLevel,
    Service,
)
from referral_graph.routing.answers import Gap, Recommendation, Recommendations
from referral_graph.routing.coverage import REMOTE_SERVICES
from referral_graph.routing.explain import exclusions
from referral_graph.routing.graph import DirectoryGraph
from referral_graph.routing.hours import next_opening
from referral_graph.routing.languages import interpreter_offers, language_notes
from referral_graph.routing.ranking import Option, explain_ties, order_key
from referral_graph.routing.reasons import Reason, reason, scored
from referral_graph.routing.rules import (
    EMPTY_MEMORY,
    Activity,
    CaseMemory,
    at_capacity,
    eligible,
)

__all__ = [
    "Activity",
    "Gap",
    "Recommendation",
    "Recommendations",
    "Recommender",
    "eligible",
    "pep_hours_left",
]

URGENT = frozenset({RiskLevel.EMERGENCY, RiskLevel.HIGH})
REMOTE_MODES = (DeliveryMode.PHONE, DeliveryMode.ONLINE)
PRIOR_ACK_HOURS = 24.0
#: How long after a sexual assault post-exposure prophylaxis (PEP) can be started.
PEP_WINDOW = timedelta(hours=72)

PLACE_POINTS = {
    AreaLevel.VILLAGE: 25.0,
    AreaLevel.COMMUNE: 20.0,
    AreaLevel.DISTRICT: 12.0,
    AreaLevel.PROVINCE: 6.0,
}
REMOTE_POINTS = 8.0

#: A need that phone counselling with an interpreter can meet when nobody near speaks
#: the child's language.
PHONE_SUBSTITUTES = frozenset({Service.COUNSELLING, Service.PSYCHOLOGICAL_FIRST_AID})


def pep_hours_left(case: Case, now: datetime) -> float | None:
    """Hours left to start PEP for a case that needs post-rape care and whose incident
    time is known and less than 72 hours ago (None otherwise)."""
    if Service.POST_RAPE_CARE not in case.needs or case.incident_at is None:
        return None
    elapsed = now - case.incident_at
    if elapsed < timedelta(0) or elapsed >= PEP_WINDOW:
        return None
    return round((PEP_WINDOW - elapsed).total_seconds() / 3600, 1)


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
    """Ranks providers over one :class:`DirectoryGraph`, with the providers' activity
    and the case's own referrals (``referrals``: what it remembers of each provider)."""

    def __init__(
        self,
        graph: DirectoryGraph,
        activity: Mapping[str, Activity],
        referrals: Sequence[Referral] = (),
    ) -> None:
        self.graph = graph
        self.activity = activity
        self.memory = CaseMemory.of(referrals) if referrals else EMPTY_MEMORY

    def candidates(
        self,
        case: Case,
        holder_id: str,
        services: Iterable[Service],
        local_now: datetime,
        always_open: bool = False,
    ) -> list[Option]:
        """Providers of the services that the directory's hard rules allow for the case
        (``always_open``: only those open day and night)."""
        serving = self.graph.serving(case.village_code)
        today = local_now.date()
        found: list[Option] = []
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
                option = Option(provider, service, where[0], where[1])
                option.open_now = provider.hours.is_open(local_now)
                option.staff = staff
                found.append(option)
        return found

    def free(self, option: Option) -> bool:
        """Whether the case's history and the provider's caseload allow the option."""
        pid = option.provider.id
        if self.memory.blocks(pid, option.service) is not None:
            return False
        return not at_capacity(option.provider, self.activity.get(pid))

    def score(
        self,
        c: Option,
        case: Case,
        holder_id: str,
        nobody_speaks: bool,
        local_now: datetime,
        pep_left: float | None = None,
    ) -> None:
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

        self._language(c, case.language, nobody_speaks)

        act = self.activity.get(p.id, Activity())
        c.open_referrals = act.open_referrals
        if p.weekly_capacity:  # the caseload against what the provider takes a week
            c.load = act.open_referrals / p.weekly_capacity
            caseload = {"open": act.open_referrals, "capacity": p.weekly_capacity}
            c.add(10 * (1 - c.load), "load.free", **caseload)

        if act.acknowledge_median_seconds is None:
            c.add(10 / (1 + PRIOR_ACK_HOURS / 4), "speed.prior", hours=PRIOR_ACK_HOURS)
        else:
            hours = round(act.acknowledge_median_seconds / 3600, 1)
            c.ack_hours = hours
            c.add(10 / (1 + hours / 4), "speed.observed", hours=hours, count=act.acknowledged)

        if c.staff is not None and c.staff.next_refresher is not None:
            c.note(
                "training.staff",
                count=c.staff.count,
                topic=c.staff.topic.value,
                month=c.staff.next_refresher.strftime("%Y-%m"),
            )
        if case.risk in URGENT and c.service in PROFESSIONAL_SERVICES:
            c.add(10, "risk.professional", risk=case.risk.value)
        self._hours(c, case.risk is RiskLevel.EMERGENCY, local_now)
        if pep_left is not None and c.service is Service.POST_RAPE_CARE:
            c.pep_tier = 0
            c.note("pep.window", hours=pep_left)
        held = self.memory.holding.get(p.id)
        if held is not None:
            on = held.updated_at.astimezone(local_now.tzinfo).date().isoformat()
            status = held.status.value
            c.note("memory.holds", service=held.service.value, status=status, on=on)
        if case.wants_lgbtiq_affirming:
            c.note("lgbtiq.affirming")

    def _language(self, c: Option, language: Language, nobody_speaks: bool) -> None:
        speaking = self.graph.speaking(c.provider, language)
        if speaking == 0:
            c.add(15, "language.match", language=language.value)
        elif speaking is not None:
            c.add(15, "language.people", language=language.value, count=speaking)
        elif c.provider.interpreter_support:
            c.add(25 if nobody_speaks else 5, "language.interpreter", language=language.value)
        else:
            c.add(-20, "language.none", language=language.value)

    @staticmethod
    def _hours(c: Option, emergency: bool, local_now: datetime) -> None:
        p = c.provider
        if p.hours.always_open:
            c.add(8 if emergency else 0, "open.always")
        elif c.open_now:
            c.add(8 if emergency else 0, "open.now")
        elif emergency:
            c.closed_tier = 1
            c.opens_at = next_opening(p.hours, local_now)
            if c.opens_at is None:
                c.add(-10, "open.closed_unlisted")
            else:
                c.add(-10, "open.closed", opens=c.opens_at.replace(tzinfo=None).isoformat())

    def recommend(
        self,
        case: Case,
        holder_id: str,
        service: Service | None,
        local_now: datetime,
        limit: int,
        *,
        explain: bool = False,
    ) -> Recommendations:
        services = [service] if service else sorted(case.needs)
        reachable = self.candidates(case, holder_id, services, local_now)
        found = [c for c in reachable if self.free(c)]
        nobody_speaks = not any(self.graph.speaks(c.provider, case.language) for c in found)
        pep_left = pep_hours_left(case, local_now)
        for c in found:
            self.score(c, case, holder_id, nobody_speaks, local_now, pep_left)
        found.sort(key=order_key)
        ranked = _best_per_provider(found)
        chosen = ranked[:limit]
        chosen += self._urgent_additions(case, holder_id, chosen, local_now, nobody_speaks)
        if nobody_speaks and found:
            chosen += self._phone_with_interpreter(case, holder_id, services, chosen, local_now)
        chosen.sort(key=order_key)
        equivalent = explain_ties(chosen)
        notes = self._notes(case, chosen, pep_left)
        offers = []
        if found and nobody_speaks:
            offers = interpreter_offers(self.graph, case)
            notes += language_notes(case.language, chosen, offers)
        gaps = [g for s in services if (g := self._gap(case, s, reachable)) is not None]
        alternatives: list[Recommendation] = []
        if case.wants_lgbtiq_affirming and not chosen:
            notes.append(reason("lgbtiq.none_reachable"))
            relaxed = case.model_copy(update={"wants_lgbtiq_affirming": False})
            others = self.recommend(relaxed, holder_id, service, local_now, limit).items
            flag = reason("lgbtiq.not_affirming")
            alternatives = [a.model_copy(update={"reasons": [flag, *a.reasons]}) for a in others]
        shown = {c.provider.id for c in chosen} | {a.provider_id for a in alternatives}
        excluded = None
        if explain:
            excluded = exclusions(
                self.graph, self.activity, self.memory, case, holder_id, services, local_now,
                found, shown, limit,
            )  # fmt: skip
        return Recommendations(
            case_id=case.id,
            holder_id=holder_id,
            directory_version=self.graph.version,
            items=[_public(c, i + 1, local_now) for i, c in enumerate(chosen)],
            alternatives=alternatives,
            gaps=gaps,
            notes=notes,
            equivalent=equivalent,
            interpreters=offers,
            excluded=excluded,
        )

    def _notes(self, case: Case, chosen: list[Option], pep_left: float | None) -> list[Reason]:
        notes = []
        if case.risk is RiskLevel.EMERGENCY and any(c.closed_tier for c in chosen):
            notes.append(reason("emergency.open_first"))
        if pep_left is not None and any(c.pep_tier == 0 for c in chosen):
            notes.append(reason("pep.first", hours=pep_left))
        return notes

    def _pool(
        self,
        case: Case,
        holder_id: str,
        services: Iterable[Service],
        local_now: datetime,
        nobody_speaks: bool,
        always_open: bool = False,
    ) -> list[Option]:
        pool = [
            c
            for c in self.candidates(case, holder_id, services, local_now, always_open)
            if self.free(c)
        ]
        pep_left = pep_hours_left(case, local_now)
        for c in pool:
            self.score(c, case, holder_id, nobody_speaks, local_now, pep_left)
        return pool

    def _urgent_additions(
        self,
        case: Case,
        holder_id: str,
        chosen: list[Option],
        local_now: datetime,
        nobody_speaks: bool,
    ) -> list[Option]:
        added: list[Option] = []
        if case.risk in URGENT and not any(c.service in PROFESSIONAL_SERVICES for c in chosen):
            professional = sorted(PROFESSIONAL_SERVICES)
            pool = self._pool(case, holder_id, professional, local_now, nobody_speaks)
            best = _best(pool, exclude=chosen)
            if best is not None:
                best.reasons.insert(0, ("risk.added_professional", {"risk": case.risk.value}, 0))
                added.append(best)
        if case.risk is RiskLevel.EMERGENCY:
            so_far = chosen + added
            in_person_open = any(c.open_now and c.mode is DeliveryMode.IN_PERSON for c in so_far)
            if not in_person_open and not any(c.provider.hours.always_open for c in so_far):
                every = sorted(Service)
                pool = self._pool(case, holder_id, every, local_now, nobody_speaks, True)
                best = _best(pool, exclude=so_far)
                if best is not None:
                    best.reasons.insert(0, ("risk.added_open_now", {}, 0))
                    added.append(best)
        return added

    def _phone_with_interpreter(
        self,
        case: Case,
        holder_id: str,
        services: list[Service],
        chosen: list[Option],
        local_now: datetime,
    ) -> list[Option]:
        """When nobody near speaks the child's language and the need can be met by
        phone: the best phone counselling that speaks it or brings an interpreter."""
        if not PHONE_SUBSTITUTES & set(services):
            return []
        if any(c.service is Service.PHONE_COUNSELLING for c in chosen):
            return []
        pool = [
            c
            for c in self._pool(case, holder_id, [Service.PHONE_COUNSELLING], local_now, True)
            if c.mode is not DeliveryMode.IN_PERSON
            and (c.provider.interpreter_support or self.graph.speaks(c.provider, case.language))
        ]
        best = _best(pool, exclude=chosen)
        if best is None:
            return []
        params = {"language": case.language.value, "service": Service.PHONE_COUNSELLING.value}
        best.reasons.insert(0, ("language.added_phone", params, 0))
        return [best]

    def _gap(self, case: Case, service: Service, reachable: list[Option]) -> Gap | None:
        """A gap when no suitable mode reaches the child: in person within the child's
        province — or, for a service given by phone (or given only remotely anywhere in
        the directory), any mode at all. Declines and full caseloads are not gaps of the
        network: ``reachable`` is what the directory's rules allow."""
        mine = [c for c in reachable if c.service is service]
        if service in REMOTE_SERVICES or self.graph.only_remote(service):
            if mine:
                return None
        elif any(c.mode is DeliveryMode.IN_PERSON and c.place != "far" for c in mine):
            return None
        modes = sorted({c.mode for c in mine if c.mode is not DeliveryMode.IN_PERSON})
        return Gap(service=service, village_code=case.village_code, reachable_by=modes)


def _best(pool: list[Option], exclude: list[Option]) -> Option | None:
    taken = {c.provider.id for c in exclude}
    pool = sorted((c for c in pool if c.provider.id not in taken), key=order_key)
    return pool[0] if pool else None


def _best_per_provider(ranked: list[Option]) -> list[Option]:
    seen: set[str] = set()
    out = []
    for c in ranked:
        if c.provider.id not in seen:
            seen.add(c.provider.id)
            out.append(c)
    return out


def _public(c: Option, rank: int, local_now: datetime) -> Recommendation:
    reasons = [scored(key, points, **params) for key, params, points in c.reasons]
    if c.tie is not None:
        reasons.append(reason(c.tie[0], **c.tie[1]))
    opens_at = c.opens_at
    if opens_at is None and not c.open_now:
        opens_at = next_opening(c.provider.hours, local_now)
    return Recommendation(
        rank=rank,
        provider_id=c.provider.id,
        provider_name=c.provider.name,
        service=c.service,
        mode=c.mode,
        place=c.place,
        pathway=c.pathway,
        via=c.via,
        open_referrals=c.open_referrals,
        weekly_capacity=c.provider.weekly_capacity,
        acknowledge_median_hours=c.ack_hours,
        open_now=c.open_now,
        opens_at=opens_at,
        score=c.shown_score,
        reasons=reasons,
        tie_break=c.tie_break,
        equivalent_to=c.equivalent_to,
    )

"""The items of an agenda, one builder per kind (see :mod:`referral_graph.meetings.agenda`
for what each kind means and the order a meeting takes them in), and what they are built
from besides hop facts: overdue handoffs with their case codes, providers' training
needs, open actions of earlier meetings."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from referral_graph.audit.groups import Label, ProviderNames, provider_label
from referral_graph.audit.patterns import bottlenecks
from referral_graph.audit.period import zone
from referral_graph.audit.sections import Coverage
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.meetings import Action, AgendaItem, ItemKind, Subject
from referral_graph.domain.reasons import StepReason
from referral_graph.domain.records import HopFact
from referral_graph.domain.training import TrainingTopic
from referral_graph.domain.vocabulary import RiskLevel, Service
from referral_graph.meetings.wording import day_words, said

#: Most items of one kind (the longest lists first; the rest wait for the next meeting).
MOST = {
    ItemKind.OVERDUE_HANDOFF: 10,
    ItemKind.CHILD_WAITING: 15,
    ItemKind.BOTTLENECK: 5,
    ItemKind.REPEATED_DECLINES: 5,
    ItemKind.NO_PATHWAY: 8,
    ItemKind.SERVICE_GAP: 6,
    ItemKind.REFRESHERS_DUE: 8,
    ItemKind.COACHING_OVERDUE: 8,
}
#: Declines on one edge in the period that make an item.
REPEATED = 2
#: Cases listed by name in a gap's evidence.
COMMUNES_LISTED = 8

#: Reasons that leave the child's need unmet (a child who moved, declined or was
#: already served is not waiting on the network).
LEAVES_WAITING = frozenset(
    {
        StepReason.NO_CAPACITY,
        StepReason.NOT_ELIGIBLE,
        StepReason.SERVICE_NOT_OFFERED,
        StepReason.OUTSIDE_AREA,
        StepReason.CHILD_UNREACHABLE,
        StepReason.OTHER,
    }
)
_UNSERVED = frozenset({ReferralStatus.REJECTED, ReferralStatus.FAILED, ReferralStatus.CANCELLED})


@dataclass(frozen=True, slots=True)
class OverdueHandoff:
    """An open handoff past the deadline it waits on (read with its case's code)."""

    referral_id: str
    case_code: str
    sender: str
    receiver: str
    service: Service
    risk: RiskLevel
    window: str  # acknowledge | decide | first_contact
    since: datetime  # when the referral was made
    due: datetime


@dataclass(frozen=True, slots=True)
class ProviderTraining:
    """One provider's training needs: refreshers due per topic (and how many of them
    lapsed already), and its people whose coaching is overdue (days overdue each)."""

    provider_id: str
    refreshers: Mapping[TrainingTopic, tuple[int, int]] = field(default_factory=dict)
    coaching_days_overdue: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class OpenAction:
    action: Action
    held_on: date  # of the meeting that agreed it
    owner: Label


def _p(names: ProviderNames, pid: str) -> Label:
    return provider_label(pid, names)


def local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(zone(tz)).date()


# --- each kind ----------------------------------------------------------------------------
def open_action_items(
    actions: Sequence[OpenAction], today: date, names: ProviderNames
) -> list[AgendaItem]:
    items = []
    for o in sorted(actions, key=lambda o: (o.action.due_on, o.action.id)):
        a = o.action
        evidence = [
            said(
                "ev_action_owner",
                {"owner": o.owner, "due": day_words(a.due_on)},
                owner=a.owner_provider_id,
                due=a.due_on.isoformat(),
            )
        ]
        if a.overdue(today):
            evidence.append(said("ev_action_overdue", days=(today - a.due_on).days))
        if a.awaits_confirmation and a.pathway is not None:
            evidence.append(
                said(
                    "ev_action_pathway",
                    {
                        "sender": _p(names, a.pathway.from_provider_id),
                        "receiver": _p(names, a.pathway.to_provider_id),
                    },
                    sender=a.pathway.from_provider_id,
                    receiver=a.pathway.to_provider_id,
                    service=a.pathway.service.value,
                )
            )
        items.append(
            AgendaItem(
                id=f"action:{a.id}",
                kind=ItemKind.OPEN_ACTION,
                subject=Subject(action_id=a.id, provider_id=a.owner_provider_id),
                title=said(
                    "item_open_action",
                    {"day": day_words(o.held_on)},
                    day=o.held_on.isoformat(),
                    text=a.text,
                ),
                evidence=tuple(evidence),
                proposal=said("prop_action", {"owner": o.owner}, owner=a.owner_provider_id),
            )
        )
    return items


def overdue_items(
    overdue: Sequence[OverdueHandoff], names: ProviderNames, tz: str
) -> list[AgendaItem]:
    per_receiver: dict[str, list[OverdueHandoff]] = defaultdict(list)
    for o in overdue:
        per_receiver[o.receiver].append(o)
    ordered = sorted(per_receiver.items(), key=lambda kv: (-len(kv[1]), min(o.due for o in kv[1])))
    items = []
    for receiver, waiting in ordered[: MOST[ItemKind.OVERDUE_HANDOFF]]:
        provider = _p(names, receiver)
        evidence = tuple(
            said(
                "ev_overdue",
                {
                    "sender": _p(names, o.sender),
                    "since": day_words(local_day(o.since, tz)),
                    "due": day_words(local_day(o.due, tz)),
                },
                code=o.case_code,
                service=o.service.value,
                sender=o.sender,
                window=o.window,
                since=local_day(o.since, tz).isoformat(),
                due=local_day(o.due, tz).isoformat(),
                risk=o.risk.value,
            )
            for o in sorted(waiting, key=lambda o: o.due)
        )
        items.append(
            AgendaItem(
                id=f"overdue:{receiver}",
                kind=ItemKind.OVERDUE_HANDOFF,
                subject=Subject(provider_id=receiver),
                title=said(
                    "item_overdue", {"provider": provider}, n=len(waiting), provider=receiver
                ),
                evidence=evidence,
                proposal=said("prop_overdue", {"provider": provider}, provider=receiver),
            )
        )
    return items


def left_waiting(facts: Sequence[HopFact]) -> list[HopFact]:
    """Hops that ended without the service for a reason that leaves the need unmet,
    whose child was not referred again for that service since, and whose case is open."""
    later: dict[tuple[str, str], list[HopFact]] = defaultdict(list)
    for f in facts:
        later[(f.case_id, f.service)].append(f)
    found = []
    for f in facts:
        if f.status not in _UNSERVED or f.closed_at is None or f.case_closed_at is not None:
            continue
        if (f.status_reason_code or StepReason.OTHER.value) not in LEAVES_WAITING:
            continue
        again = [g for g in later[(f.case_id, f.service)] if g.id != f.id]
        if any(g.created_at >= f.created_at for g in again):
            continue
        found.append(f)
    return sorted(found, key=lambda f: f.closed_at or f.created_at)


def waiting_items(
    facts: Sequence[HopFact], codes: Mapping[str, str], names: ProviderNames, today: date, tz: str
) -> list[AgendaItem]:
    items = []
    for f in left_waiting(facts)[: MOST[ItemKind.CHILD_WAITING]]:
        assert f.closed_at is not None
        code = codes.get(f.case_id, f.case_id)
        closed = local_day(f.closed_at, tz)
        items.append(
            AgendaItem(
                id=f"waiting:{f.id}",
                kind=ItemKind.CHILD_WAITING,
                subject=Subject(
                    case_code=code, provider_id=f.to_provider_id, service=Service(f.service)
                ),
                title=said(
                    "item_waiting",
                    {"provider": _p(names, f.to_provider_id)},
                    code=code,
                    service=f.service,
                    outcome=f.status,
                    provider=f.to_provider_id,
                ),
                evidence=(
                    said(
                        "ev_waiting",
                        {"day": day_words(closed)},
                        reason=f.status_reason_code or StepReason.OTHER.value,
                        day=closed.isoformat(),
                        days=max((today - closed).days, 0),
                    ),
                ),
                proposal=said("prop_waiting", service=f.service),
            )
        )
    return items


def bottleneck_items(
    made: Sequence[HopFact], now: datetime, since: date, names: ProviderNames
) -> list[AgendaItem]:
    items = []
    for b in bottlenecks(made, now, names, limit=MOST[ItemKind.BOTTLENECK]):
        if not b.past_deadline:
            continue
        provider = _p(names, b.provider_id)
        items.append(
            AgendaItem(
                id=f"bottleneck:{b.provider_id}",
                kind=ItemKind.BOTTLENECK,
                subject=Subject(provider_id=b.provider_id),
                title=said("item_bottleneck", {"provider": provider}, provider=b.provider_id),
                evidence=(
                    said(
                        "ev_bottleneck",
                        {"since": day_words(since)},
                        handoffs=b.handoffs,
                        since=since.isoformat(),
                        past=b.past_deadline,
                        hours=round(b.hours_past_deadline),
                        open=b.open,
                    ),
                ),
                proposal=said("prop_bottleneck", {"provider": provider}, provider=b.provider_id),
            )
        )
    return items


def decline_items(made: Sequence[HopFact], names: ProviderNames) -> list[AgendaItem]:
    per_edge: dict[tuple[str, str], list[HopFact]] = defaultdict(list)
    for f in made:
        if f.status == ReferralStatus.REJECTED.value:
            per_edge[(f.from_provider_id, f.to_provider_id)].append(f)
    repeated = [(edge, fs) for edge, fs in per_edge.items() if len(fs) >= REPEATED]
    repeated.sort(key=lambda e: (-len(e[1]), e[0]))
    items = []
    for (sender, receiver), declined in repeated[: MOST[ItemKind.REPEATED_DECLINES]]:
        words = {"sender": _p(names, sender), "receiver": _p(names, receiver)}
        reasons = Counter(f.status_reason_code or StepReason.OTHER.value for f in declined)
        evidence = [
            said("ev_declines_reason", reason=code, n=n)
            for code, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        twice = sum(n > 1 for n in Counter(f.case_id for f in declined).values())
        if twice:
            evidence.append(said("ev_declines_repeat", n=twice))
        items.append(
            AgendaItem(
                id=f"declines:{sender}>{receiver}",
                kind=ItemKind.REPEATED_DECLINES,
                subject=Subject(provider_id=sender, to_provider_id=receiver),
                title=said(
                    "item_declines", words, n=len(declined), sender=sender, receiver=receiver
                ),
                evidence=tuple(evidence),
                proposal=said("prop_declines", words, sender=sender, receiver=receiver),
            )
        )
    return items


def pathway_items(
    made: Sequence[HopFact], pathways: frozenset[tuple[str, str, str]], names: ProviderNames
) -> list[AgendaItem]:
    missing: dict[tuple[str, str, str], list[HopFact]] = defaultdict(list)
    for f in made:
        edge = (f.from_provider_id, f.to_provider_id, f.service)
        if edge not in pathways:
            missing[edge].append(f)
    ordered = sorted(missing.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    items = []
    for (sender, receiver, service), fs in ordered[: MOST[ItemKind.NO_PATHWAY]]:
        words = {"sender": _p(names, sender), "receiver": _p(names, receiver)}
        statuses = Counter(f.status for f in fs)
        closed = {s.value for s in ReferralStatus if s.is_closed}
        items.append(
            AgendaItem(
                id=f"pathway:{sender}>{receiver}:{service}",
                kind=ItemKind.NO_PATHWAY,
                subject=Subject(
                    provider_id=sender, to_provider_id=receiver, service=Service(service)
                ),
                title=said(
                    "item_no_pathway",
                    words,
                    n=len(fs),
                    sender=sender,
                    receiver=receiver,
                    service=service,
                ),
                evidence=(
                    said(
                        "ev_no_pathway",
                        done=statuses[ReferralStatus.COMPLETED.value],
                        declined=statuses[ReferralStatus.REJECTED.value],
                        open=sum(n for s, n in statuses.items() if s not in closed),
                    ),
                ),
                proposal=said(
                    "prop_no_pathway", words, sender=sender, receiver=receiver, service=service
                ),
            )
        )
    return items


def gap_items(coverage: Coverage | None, area: str, since: date) -> list[AgendaItem]:
    if coverage is None:
        return []
    items = []
    for gap in coverage.gaps[: MOST[ItemKind.SERVICE_GAP]]:
        evidence = []
        if gap.unreached:
            listed = gap.unreached[:COMMUNES_LISTED]
            more = len(gap.unreached) - len(listed)
            en = ", ".join(a.label.en for a in listed) + (f" and {more} more" if more else "")
            km = ", ".join(a.label.km for a in listed) + (f" និង {more} ទៀត" if more else "")
            evidence.append(
                said(
                    "ev_gap_communes",
                    {"communes": Label(en=en, km=km)},
                    communes=",".join(a.code for a in gap.unreached),
                )
            )
        recorded = gap.recorded if isinstance(gap.recorded, int) else 0
        if recorded:
            evidence.append(
                said(
                    "ev_gap_recorded",
                    {"since": day_words(since)},
                    n=recorded,
                    since=since.isoformat(),
                )
            )
        title = (
            said("item_gap", service=gap.service, n=len(gap.unreached), total=coverage.communes)
            if gap.unreached
            else said("item_gap_recorded", service=gap.service)
        )
        items.append(
            AgendaItem(
                id=f"gap:{gap.service}",
                kind=ItemKind.SERVICE_GAP,
                subject=Subject(service=Service(gap.service), area_code=area),
                title=title,
                evidence=tuple(evidence),
                proposal=said("prop_gap", service=gap.service),
            )
        )
    return items


def training_items(training: Sequence[ProviderTraining], names: ProviderNames) -> list[AgendaItem]:
    refreshers, coaching = [], []
    for t in training:
        provider = _p(names, t.provider_id)
        due = sum(n for n, _ in t.refreshers.values())
        if due:
            main = max(t.refreshers, key=lambda topic: (t.refreshers[topic][0], topic.value))
            evidence = tuple(
                said("ev_refresher", topic=topic.value, n=n, lapsed=lapsed)
                for topic, (n, lapsed) in sorted(t.refreshers.items(), key=lambda kv: -kv[1][0])
            )
            refreshers.append(
                (
                    due,
                    AgendaItem(
                        id=f"refreshers:{t.provider_id}",
                        kind=ItemKind.REFRESHERS_DUE,
                        subject=Subject(provider_id=t.provider_id, topic=main),
                        title=said(
                            "item_refreshers", {"provider": provider}, n=due, provider=t.provider_id
                        ),
                        evidence=evidence,
                        proposal=said("prop_refreshers", topic=main.value),
                    ),
                )
            )
        if t.coaching_days_overdue:
            coaching.append(
                (
                    len(t.coaching_days_overdue),
                    AgendaItem(
                        id=f"coaching:{t.provider_id}",
                        kind=ItemKind.COACHING_OVERDUE,
                        subject=Subject(provider_id=t.provider_id),
                        title=said(
                            "item_coaching",
                            {"provider": provider},
                            n=len(t.coaching_days_overdue),
                            provider=t.provider_id,
                        ),
                        evidence=(said("ev_coaching", days=max(t.coaching_days_overdue)),),
                        proposal=said("prop_coaching"),
                    ),
                )
            )
    refreshers.sort(key=lambda x: (-x[0], x[1].id))
    coaching.sort(key=lambda x: (-x[0], x[1].id))
    return [i for _, i in refreshers[: MOST[ItemKind.REFRESHERS_DUE]]] + [
        i for _, i in coaching[: MOST[ItemKind.COACHING_OVERDUE]]
    ]

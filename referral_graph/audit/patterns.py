"""Where a network gets stuck: bottlenecks, loops and ping-pong, repeated declines.

* **Bottlenecks** — per receiving provider, over handoffs made in the period: how many
  wait on it now and for how long, how many went past a deadline, and how far past
  (a handoff's lateness is its worst step: hours between that step's deadline and when
  the step happened, or until now or closing if it never did).
* **Loops** — a referral that sends a case back to a provider already on its chain
  (``continues_referral_id`` links each hop to the one before). A → B → A is a
  *ping-pong*; A → B → C → A is a longer loop. Counted when the returning referral was
  made in the period.
* **Declines** — per pathway edge (sender → receiver): share declined, the coded
  reasons the receiver gave (:mod:`referral_graph.domain.reasons`: counted by code,
  named in English and Khmer — the free text of an "other" reason is never read here),
  and cases declined more than once on the edge.

Outputs hold counts, hours, provider ids and names — never a case id or code, never
free text. Counts follow the small-cell rule (:mod:`referral_graph.audit.cells`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from referral_graph.audit.cells import Count, share_of, small
from referral_graph.audit.delays import STEPS, measure, step_due, step_end
from referral_graph.audit.groups import Label, ProviderNames, edge_label, provider_label
from referral_graph.audit.period import Period
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.reasons import StepReason, reason_name
from referral_graph.domain.records import HopFact
from referral_graph.domain.sla import PENDING_WINDOW

_WAITING = frozenset(s.value for s in PENDING_WINDOW)


# --- bottlenecks -------------------------------------------------------------------------
class Bottleneck(BaseModel):
    """A receiving provider where waiting piles up: ``handoffs`` made to it, ``open``
    waiting on it now (``open_waiting_hours``: hours they have waited, added up),
    ``overdue_open`` of them past their deadline, ``past_deadline`` handoffs that
    missed one (``hours_past_deadline``: by how many hours, added up)."""

    model_config = ConfigDict(frozen=True)

    provider_id: str
    label: Label
    handoffs: int
    open: Count
    open_waiting_hours: float
    overdue_open: Count
    past_deadline: Count
    hours_past_deadline: float


def lateness_hours(fact: HopFact, now: datetime) -> float:
    """Hours the handoff spent past its worst-missed deadline (0 if none was missed)."""
    worst = 0.0
    for step, o in zip(STEPS, measure(fact, now), strict=True):
        due = step_due(fact, step)
        if due is None or o is None or o.within is not False:
            continue
        until = step_end(fact, step) or fact.closed_at or now
        worst = max(worst, (until - due).total_seconds() / 3600)
    return worst


def _overdue_open(fact: HopFact, now: datetime) -> bool:
    window = PENDING_WINDOW.get(ReferralStatus(fact.status))
    due = None if window is None else step_due(fact, window)
    return due is not None and due < now


def bottlenecks(
    facts: Sequence[HopFact],
    now: datetime,
    names: ProviderNames,
    *,
    min_cell: int = 0,
    limit: int | None = None,
) -> list[Bottleneck]:
    """Receiving providers ranked by hours past deadline, then overdue count, then
    hours of open waiting; providers with nothing late or waiting are left out."""
    by_provider: dict[str, list[HopFact]] = defaultdict(list)
    for f in facts:
        by_provider[f.to_provider_id].append(f)
    rows: list[Bottleneck] = []
    for pid, handoffs in by_provider.items():
        if len(handoffs) < min_cell:
            continue
        waiting = [f for f in handoffs if f.status in _WAITING]
        late = [lateness_hours(f, now) for f in handoffs]
        past = sum(h > 0 for h in late)
        if not waiting and not past:
            continue
        rows.append(
            Bottleneck(
                provider_id=pid,
                label=provider_label(pid, names),
                handoffs=len(handoffs),
                open=small(len(waiting), min_cell),
                open_waiting_hours=round(
                    sum((now - f.created_at).total_seconds() for f in waiting) / 3600, 2
                ),
                overdue_open=small(sum(_overdue_open(f, now) for f in waiting), min_cell),
                past_deadline=small(past, min_cell),
                hours_past_deadline=round(sum(late), 2),
            )
        )
    rows.sort(key=lambda r: (-r.hours_past_deadline, -r.open_waiting_hours, r.provider_id))
    return rows if limit is None else rows[:limit]


# --- loops -------------------------------------------------------------------------------
class LoopPattern(BaseModel):
    model_config = ConfigDict(frozen=True)

    providers: list[str]
    labels: list[Label]
    ping_pong: bool
    cases: int


class Loops(BaseModel):
    """Cases whose path returned to a provider already on it."""

    model_config = ConfigDict(frozen=True)

    cases: Count
    cases_with_loop: Count
    cases_with_ping_pong: Count
    loop_share: float | None
    repeat_referrals: Count
    patterns: list[LoopPattern]
    suppressed_patterns: int
    min_cell: int


def chain_of(fact: HopFact, by_id: Mapping[str, HopFact]) -> list[str]:
    """Providers along the fact's chain, the first sender first, ending with its
    receiver (as far back as the known facts go)."""
    hops = [fact]
    seen = {fact.id}
    parent = fact.continues_referral_id
    while parent is not None and parent in by_id and parent not in seen:
        seen.add(parent)
        hops.append(by_id[parent])
        parent = by_id[parent].continues_referral_id
    hops.reverse()
    return [hops[0].from_provider_id, *(h.to_provider_id for h in hops)]


def loop_in(chain: Sequence[str]) -> tuple[str, ...] | None:
    """The loop the chain's last hop closes (from the earlier visit on), or None."""
    last = chain[-1]
    earlier = [i for i, p in enumerate(chain[:-1]) if p == last]
    return None if not earlier else tuple(chain[earlier[-1] :])


def loops(
    facts: Sequence[HopFact],
    period: Period,
    names: ProviderNames,
    *,
    min_cell: int = 0,
) -> Loops:
    """Loops closed by referrals made in ``period``; ``facts`` may reach back further so
    that chains are complete."""
    by_id = {f.id: f for f in facts}
    made = [f for f in facts if f.created_at in period]
    per_pattern: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for f in made:
        loop = loop_in(chain_of(f, by_id))
        if loop is not None:
            per_pattern[loop].add(f.case_id)
    looped = set().union(*per_pattern.values()) if per_pattern else set()
    ping = {c for p, cs in per_pattern.items() if len(p) == 3 for c in cs}
    visits = Counter((f.case_id, f.to_provider_id) for f in made)
    kept = {p: cs for p, cs in per_pattern.items() if len(cs) >= min_cell}
    patterns = [
        LoopPattern(
            providers=list(p),
            labels=[provider_label(x, names) for x in p],
            ping_pong=len(p) == 3,
            cases=len(cs),
        )
        for p, cs in sorted(kept.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    cases = {f.case_id for f in made}
    return Loops(
        cases=small(len(cases), min_cell),
        cases_with_loop=small(len(looped), min_cell),
        cases_with_ping_pong=small(len(ping), min_cell),
        loop_share=share_of(len(looped), len(cases), min_cell),
        repeat_referrals=small(sum(n - 1 for n in visits.values() if n > 1), min_cell),
        patterns=patterns,
        suppressed_patterns=len(per_pattern) - len(kept),
        min_cell=min_cell,
    )


# --- declines ----------------------------------------------------------------------------
class ReasonCount(BaseModel):
    """How often one coded reason was given (its name in English and Khmer)."""

    model_config = ConfigDict(frozen=True)

    code: str
    label: Label
    count: Count


class EdgeDeclines(BaseModel):
    model_config = ConfigDict(frozen=True)

    from_provider_id: str
    to_provider_id: str
    label: Label
    referrals: int
    declined: Count
    decline_share: float | None
    cases_declined_repeatedly: Count
    reasons: list[ReasonCount]


class Declines(BaseModel):
    model_config = ConfigDict(frozen=True)

    referrals: Count
    declined: Count
    cases_declined_repeatedly: Count
    reasons: list[ReasonCount]
    edges: list[EdgeDeclines]
    suppressed_edges: int
    min_cell: int


def reason_label(code: str | None) -> Label:
    """A reason code's name in English and Khmer (unknown codes as they are)."""
    key = code or StepReason.OTHER.value
    return Label(en=reason_name(key, "en"), km=reason_name(key, "km"))


def count_reasons(codes: Sequence[str | None], min_cell: int = 0) -> list[ReasonCount]:
    """Reason codes counted, most frequent first (a missing code counts as "other")."""
    counts = Counter(code or StepReason.OTHER.value for code in codes)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        ReasonCount(code=code, label=reason_label(code), count=small(n, min_cell))
        for code, n in ordered
    ]


def _repeated(declined: Sequence[HopFact]) -> int:
    return sum(n > 1 for n in Counter(f.case_id for f in declined).values())


def declines(facts: Sequence[HopFact], names: ProviderNames, *, min_cell: int = 0) -> Declines:
    """Declines of ``facts`` per edge, edges with most declines first; edges with fewer
    than ``min_cell`` referrals are left out."""
    rejected = ReferralStatus.REJECTED.value
    per_edge: dict[tuple[str, str], list[HopFact]] = defaultdict(list)
    for f in facts:
        per_edge[(f.from_provider_id, f.to_provider_id)].append(f)
    edges: list[tuple[int, EdgeDeclines]] = []
    for (sender, receiver), made in per_edge.items():
        declined = [f for f in made if f.status == rejected]
        if len(made) < min_cell or not declined:
            continue
        row = EdgeDeclines(
            from_provider_id=sender,
            to_provider_id=receiver,
            label=edge_label(sender, receiver, names),
            referrals=len(made),
            declined=small(len(declined), min_cell),
            decline_share=share_of(len(declined), len(made), min_cell),
            cases_declined_repeatedly=small(_repeated(declined), min_cell),
            reasons=count_reasons([f.status_reason_code for f in declined], min_cell),
        )
        edges.append((len(declined), row))
    edges.sort(
        key=lambda e: (-e[0], -e[0] / e[1].referrals, e[1].from_provider_id, e[1].to_provider_id)
    )
    all_declined = [f for f in facts if f.status == rejected]
    return Declines(
        referrals=small(len(facts), min_cell),
        declined=small(len(all_declined), min_cell),
        cases_declined_repeatedly=small(_repeated(all_declined), min_cell),
        reasons=count_reasons([f.status_reason_code for f in all_declined], min_cell),
        edges=[row for _, row in edges],
        suppressed_edges=sum(
            1
            for made in per_edge.values()
            if len(made) < min_cell and any(f.status == rejected for f in made)
        ),
        min_cell=min_cell,
    )

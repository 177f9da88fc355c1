"""A synthetic referral history, written straight through the store port, and the time
the audit takes over it.

Cases go in with ``tx.add_case`` and referrals with ``tx.add_referral`` (only their
creating event: the audit reads hop facts, not the event log), ``batch`` referrals per
transaction, over the programme's seed network: CCWCs open cases in villages of their
commune and refer along the seed pathways; some hops are declined, cancelled, fail,
run late, or send the case back where it came from. Everything is drawn from one seed,
so a run is repeatable.

    python -m benchmarks.history --referrals 100000 --db /tmp/audit-bench.sqlite3
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.audit.groups import GroupBy
from referral_graph.audit.period import Period, month_period
from referral_graph.audit.render import to_csv, to_html
from referral_graph.domain.areas import gazetteer
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Referral, ReferralEvent
from referral_graph.domain.reasons import StepReason, reasons_for
from referral_graph.domain.sla import SlaPolicy, first_alert_time
from referral_graph.domain.vocabulary import AreaLevel, Gender, ProviderKind, RiskLevel, Service
from referral_graph.policies.sla import packaged_policy
from referral_graph.services import audit
from referral_graph.services.audit import AuditScope
from referral_graph.services.caller import Caller
from referral_graph.store.port import HistoryQuery, Store, Transaction
from seed.loader import load_programme
from seed.national import generate_national, load_national
from seed.seeding import seed_programme

S = ReferralStatus
START = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
#: The day the programme's sample data describes here (its YAML's), so figures repeat.
SEEDED_ON = date(2026, 11, 25)
RISKS = (RiskLevel.EMERGENCY, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)
RISK_WEIGHTS = (0.05, 0.25, 0.45, 0.25)
REASONS = (
    "No counsellor available this week",
    "Outside our catchment area",
    "Child is older than we serve",
    "Service suspended (staff training)",
    "Family refused contact",
)
HOPS = (1, 2, 3, 4)
HOP_WEIGHTS = (0.45, 0.30, 0.18, 0.07)


@dataclass
class Batch:
    cases: list[Case] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)

    def write(self, store: Store) -> None:
        def work(tx: Transaction) -> None:
            for case in self.cases:
                tx.add_case(case)
            for r in self.referrals:
                tx.add_referral(r, _created(r))

        store.write(work)
        self.cases.clear()
        self.referrals.clear()


def _created(r: Referral) -> ReferralEvent:
    return ReferralEvent(
        id=f"evt_{r.id}_1",
        referral_id=r.id,
        sequence=1,
        at=r.created_at,
        actor="bench",
        from_status=None,
        to_status=S.REQUESTED,
    )


class Network:
    """The seed network (programme or national) as the generator needs it."""

    def __init__(self, national: bool = False) -> None:
        providers, pathways = generate_national() if national else load_programme()
        self.services = {p.id: sorted(p.services) for p in providers}
        self.ccwcs = sorted(p.id for p in providers if p.kind is ProviderKind.CCWC)
        self.area = {p.id: p.area_code for p in providers}
        self.onward: dict[str, list[tuple[str, Service]]] = defaultdict(list)
        for w in pathways:
            self.onward[w.from_provider_id].append((w.to_provider_id, w.service))
        g = gazetteer()
        self.villages = {
            c: [v.code for v in g.within(self.area[c], AreaLevel.VILLAGE)] for c in self.ccwcs
        }
        self.ccwcs = [c for c in self.ccwcs if self.villages[c]]  # a few communes list none


def _hours(rng: random.Random, typical: float, late_share: float) -> float:
    """A waiting time: log-normal around ``typical`` hours, sometimes far longer."""
    value = rng.lognormvariate(0, 0.8) * typical
    return value * rng.uniform(3, 10) if rng.random() < late_share else value


def _referral(
    rng: random.Random,
    policy: SlaPolicy,
    now: datetime,
    ident: str,
    case: Case,
    route: tuple[str, str, Service],
    made: datetime,
    previous: Referral | None,
) -> Referral:
    risk = case.risk
    due = policy.deadlines_for(risk, made)
    nominal = {RiskLevel.EMERGENCY: 0.5, RiskLevel.HIGH: 2, RiskLevel.MEDIUM: 10}.get(risk, 20)
    steps: dict[ReferralStatus, datetime] = {S.REQUESTED: made}
    t = made
    status, reason = S.REQUESTED, None
    code: StepReason | None = None
    fate = rng.random()
    plan: list[tuple[ReferralStatus, float]] = [(S.RECEIVED, nominal)]
    if fate < 0.05:
        plan = [(S.CANCELLED, nominal * 4)]
    elif fate < 0.15:
        plan += [(S.REJECTED, nominal)]
    else:
        plan += [(S.ACCEPTED, nominal), (S.IN_PROGRESS, nominal * 2)]
        plan += [(S.FAILED, 72.0)] if fate < 0.18 else [(S.COMPLETED, 24 * 14.0)]
    for next_status, typical in plan:
        t = t + timedelta(hours=_hours(rng, typical, 0.12))
        if t > now:
            break
        status = next_status
        steps.setdefault(status, t)
        if status in (S.REJECTED, S.CANCELLED, S.FAILED):
            reason = rng.choice(REASONS)
            code = rng.choice(reasons_for(status))
    return Referral(
        id=ident,
        case_id=case.id,
        from_provider_id=route[0],
        to_provider_id=route[1],
        service=route[2],
        reason="Synthetic referral for a benchmark.",
        risk=risk,
        status=status,
        continues_referral_id=None if previous is None else previous.id,
        hop=1 if previous is None else previous.hop + 1,
        recommendation_rank=(rng.choice((1, 1, 1, 2, 3)) if rng.random() < 0.6 else None),
        status_reason=reason,
        status_reason_code=code,
        created_by="bench",
        created_at=made,
        updated_at=max(steps.values()),
        step_times=steps,
        due=due,
        next_alert_at=first_alert_time(status, made, due),
        version=len(steps),
    )


def _next_route(
    rng: random.Random, net: Network, previous: Referral
) -> tuple[str, str, Service] | None:
    sender = previous.to_provider_id
    if rng.random() < 0.04:  # ping-pong: back to whoever sent it
        back = previous.from_provider_id
        return sender, back, rng.choice(net.services[back])
    options = [o for o in net.onward.get(sender, []) if o[0] != sender]
    if not options:
        return None
    to, service = rng.choice(options)
    return sender, to, service


def build(
    store: Store,
    referrals: int,
    *,
    months: int = 12,
    seed: int = 7,
    batch: int = 5000,
    national: bool = False,
) -> datetime:
    """Write ``referrals`` synthetic referrals (and their cases) over the programme or the
    national network; returns the ``now`` the history was drawn up to."""
    rng = random.Random(seed)
    if national:
        store.reset()
        load_national(store)
    else:
        seed_programme(store, reset=True, today=SEEDED_ON)
    net, policy = Network(national), packaged_policy()
    now = START + timedelta(days=30.5 * months)
    pending, made, case_no = Batch(), 0, 0
    while made < referrals:
        case_no += 1
        opener = rng.choice(net.ccwcs)
        opened = START + timedelta(seconds=rng.uniform(0, (now - START).total_seconds() * 0.97))
        case = Case(
            id=f"case_{case_no}",
            code=f"KH{net.area[opener][:4]}-{case_no:07d}",
            age=rng.randint(3, 24),
            gender=rng.choice((Gender.FEMALE, Gender.MALE)),
            risk=rng.choices(RISKS, RISK_WEIGHTS)[0],
            needs=frozenset({Service.COUNSELLING}),
            village_code=rng.choice(net.villages[opener]),
            opened_by_provider_id=opener,
            opened_by="bench",
            opened_at=opened,
        )
        pending.cases.append(case)
        previous: Referral | None = None
        when = opened
        for _ in range(rng.choices(HOPS, HOP_WEIGHTS)[0]):
            if previous is None:
                to, service = rng.choice(net.onward[opener])
                route: tuple[str, str, Service] | None = (opener, to, service)
            elif previous.status in (S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED, S.FAILED):
                route = _next_route(rng, net, previous)
            else:
                route = None
            if route is None or made >= referrals:
                break
            start = previous.step_times.get(S.IN_PROGRESS) if previous else None
            when = (start or when) + timedelta(hours=rng.uniform(0.1, 6))
            if when > now:
                break
            made += 1
            previous = _referral(rng, policy, now, f"ref_{made}", case, route, when, previous)
            pending.referrals.append(previous)
        if len(pending.referrals) >= batch:
            pending.write(store)
    if pending.cases:
        pending.write(store)
    return now


def _timed(work: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Best wall-clock seconds of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - t)
    return best, result


def measure(store: Store, now: datetime, province: str, month: str) -> dict[str, Any]:
    """Seconds taken by the delay report and the monthly report."""
    month_p = month_period(month)
    whole = Period(START - timedelta(days=1), now)
    facts_s, facts = _timed(
        lambda: store.read(
            lambda tx: tx.hop_facts(HistoryQuery(since=whole.since, until=whole.until))
        )
    )
    pm_s, pm = _timed(
        lambda: audit.delays(
            Caller.system(store, now), AuditScope(province, month_p), group_by=GroupBy.DISTRICT
        )
    )
    all_s, _ = _timed(
        lambda: audit.delays(
            Caller.system(store, now), AuditScope(None, whole), group_by=GroupBy.MONTH
        )
    )
    all_p_s, _ = _timed(
        lambda: audit.delays(
            Caller.system(store, now), AuditScope(None, whole), group_by=GroupBy.PROVIDER
        )
    )
    report_s, report = _timed(
        lambda: audit.monthly_report(Caller.system(store, now), area=province, month=month)
    )
    html_s, _ = _timed(lambda: to_html(report, "km"))
    csv_s, _ = _timed(lambda: to_csv(report, "en"))
    return {
        "facts_whole_history": len(facts),
        "read_facts_whole_history_s": round(facts_s, 3),
        "delays_province_month_s": round(pm_s, 3),
        "province_month_referrals": sum(g.referrals for g in pm.table.groups),
        "delays_whole_history_by_month_s": round(all_s, 3),
        "delays_whole_history_by_provider_s": round(all_p_s, 3),
        "monthly_report_province_s": round(report_s, 3),
        "render_html_km_s": round(html_s, 4),
        "render_csv_s": round(csv_s, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/audit-bench.sqlite3"))
    parser.add_argument("--province", default="17")
    parser.add_argument("--month", default="2025-06")
    parser.add_argument("--reuse", action="store_true", help="Keep an existing database.")
    args = parser.parse_args()
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    store = SqliteStore(args.db)
    store.initialise()
    try:
        t = time.perf_counter()
        now = START + timedelta(days=30.5 * 12)
        if not args.reuse:
            now = build(store, args.referrals)
        built = time.perf_counter() - t
        figures = {"referrals": args.referrals, "build_s": round(built, 1)}
        figures |= measure(store, now, args.province, args.month)
    finally:
        store.close()
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

"""Timeliness at scale: a long referral history on the national network, then the delay
report, the overdue list and the scheduler's tick over the whole open set."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from benchmarks.common import latencies
from benchmarks.history import START, build
from referral_graph.audit.groups import GroupBy
from referral_graph.audit.period import Period, month_period
from referral_graph.services import audit, timeliness
from referral_graph.services.audit import AuditScope
from referral_graph.services.caller import Caller
from referral_graph.store.port import DueQuery, Page, Store


def run(store: Store, referrals: int, *, months: int = 24) -> dict[str, Any]:
    t = time.perf_counter()
    now = build(store, referrals, months=months, national=True)
    built = time.perf_counter() - t
    out: dict[str, Any] = {"referrals": referrals, "months": months, "build_s": round(built, 1)}

    def timed(work: Any) -> float:
        t0 = time.perf_counter()
        work()
        return round(time.perf_counter() - t0, 3)

    month = f"{(now - timedelta(days=40)):%Y-%m}"
    out["delay_report_province_month_s"] = timed(
        lambda: audit.delays(
            Caller.system(store, now),
            AuditScope("17", month_period(month)),
            group_by=GroupBy.DISTRICT,
        )
    )
    out["delay_report_national_month_s"] = timed(
        lambda: audit.delays(
            Caller.system(store, now),
            AuditScope(None, month_period(month)),
            group_by=GroupBy.PROVINCE,
        )
    )
    out["delay_report_whole_history_s"] = timed(
        lambda: audit.delays(
            Caller.system(store, now), AuditScope(None, Period(START, now)), group_by=GroupBy.MONTH
        )
    )
    out["overdue_list_province"] = latencies(
        lambda: store.read(
            lambda tx: tx.referrals_due(DueQuery(before=now, area="17"), Page(limit=50))
        ),
        200,
    )
    out["overdue_list_national"] = latencies(
        lambda: store.read(lambda tx: tx.referrals_due(DueQuery(before=now), Page(limit=50))), 200
    )
    t = time.perf_counter()
    fired = timeliness.tick(store, now)
    out["first_tick_s"] = round(time.perf_counter() - t, 2)
    out["first_tick_alerts"] = len(fired)
    t = time.perf_counter()
    again = timeliness.tick(store, now + timedelta(minutes=1))
    out["steady_tick_s"] = round(time.perf_counter() - t, 3)
    out["steady_tick_alerts"] = len(again)
    return out

"""Use cases of routing: recommendations for a case, and coverage of an area."""

from __future__ import annotations

import statistics
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from referral_graph.domain.errors import NotFound
from referral_graph.domain.models import Case
from referral_graph.domain.vocabulary import Gender, Service
from referral_graph.routing.coverage import CommuneCoverage, coverage
from referral_graph.routing.graph import DirectoryCache
from referral_graph.routing.recommend import Activity, Recommendations, Recommender
from referral_graph.store.port import ServiceGap, Store, Transaction

HISTORY = timedelta(days=180)


def holder_of(tx: Transaction, case: Case) -> str:
    """Who holds the case now: the receiver of its furthest held referral, else the
    provider that opened it."""
    held = [r for r in tx.case_referrals(case.id) if r.holds_case]
    if not held:
        return case.opened_by_provider_id
    return max(held, key=lambda r: (r.hop, r.created_at)).to_provider_id


class Routing:
    """Recommendations over a cached directory graph and a briefly cached history."""

    def __init__(self, store: Store, timezone: str, activity_ttl: float = 30.0) -> None:
        self.store = store
        self.tz = ZoneInfo(timezone)
        self.directory = DirectoryCache(store)
        self.activity_ttl = timedelta(seconds=activity_ttl)
        self._activity: tuple[datetime, dict[str, Activity]] | None = None
        self._lock = threading.Lock()

    def activity(self, now: datetime) -> dict[str, Activity]:
        cached = self._activity
        if cached is not None and now - cached[0] < self.activity_ttl and now >= cached[0]:
            return cached[1]
        with self._lock:
            raw = self.store.read(lambda tx: tx.provider_activity(now - HISTORY))
            activity = {
                pid: Activity(
                    open_referrals=a.open_referrals,
                    acknowledge_median_seconds=(
                        statistics.median(a.acknowledge_seconds) if a.acknowledge_seconds else None
                    ),
                    acknowledged=len(a.acknowledge_seconds),
                )
                for pid, a in raw.items()
            }
            self._activity = (now, activity)
            return activity

    def recommend(
        self, case_id: str, now: datetime, *, service: Service | None = None, limit: int = 5
    ) -> Recommendations:
        def load(tx: Transaction) -> tuple[Case, str]:
            case = tx.get_case(case_id)
            if case is None:
                raise NotFound("case", case_id)
            return case, holder_of(tx, case)

        case, holder = self.store.read(load)
        graph = self.directory.current()
        recommender = Recommender(graph, self.activity(now))
        result = recommender.recommend(case, holder, service, now.astimezone(self.tz), limit)
        if result.gaps:
            gaps = [
                ServiceGap(
                    id=f"gap_{case.id}_{g.service.value}",
                    case_id=case.id,
                    service=g.service,
                    village_code=g.village_code,
                    reachable_by=tuple(m.value for m in g.reachable_by),
                    at=now,
                )
                for g in result.gaps
            ]

            def record(tx: Transaction) -> None:
                for gap in gaps:
                    tx.record_service_gap(gap)

            self.store.write(record)
        return result

    def coverage(
        self,
        area: str,
        services: list[Service],
        *,
        age: int | None = None,
        gender: Gender | None = None,
    ) -> list[CommuneCoverage]:
        return coverage(self.directory.current(), area, services, age=age, gender=gender)

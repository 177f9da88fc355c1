"""Use cases of routing: recommendations for a case, and coverage of an area."""

from __future__ import annotations

import statistics
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from referral_graph.domain.errors import NotFound
from referral_graph.domain.models import Case, Referral
from referral_graph.domain.vocabulary import Gender, Service
from referral_graph.routing.coverage import CommuneCoverage, coverage
from referral_graph.routing.graph import DirectoryCache
from referral_graph.routing.recommend import Activity, Recommendations, Recommender
from referral_graph.services.caller import WouldWait
from referral_graph.store.port import ServiceGap, Store, Transaction

HISTORY = timedelta(days=180)


#: Checks, inside the read that loads the case, that the caller may see it (raises).
CaseCheck = Callable[[Transaction, Case, list[Referral]], None]


def holder(case: Case, referrals: list[Referral]) -> str:
    """Who holds the case now: the receiver of its furthest held referral, else the
    provider that opened it."""
    held = [r for r in referrals if r.holds_case]
    if not held:
        return case.opened_by_provider_id
    return max(held, key=lambda r: (r.hop, r.created_at)).to_provider_id


def holder_of(tx: Transaction, case: Case) -> str:
    return holder(case, tx.case_referrals(case.id))


class _Seen:
    """Ids seen lately (bounded): gaps already recorded need no second write."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, ids: list[str]) -> list[str]:
        with self._lock:
            return [i for i in ids if i not in self._ids]

    def add(self, ids: list[str]) -> None:
        with self._lock:
            for i in ids:
                self._ids[i] = None
            while len(self._ids) > self.capacity:
                self._ids.popitem(last=False)


class Routing:
    """Recommendations over a cached directory graph and a briefly cached history."""

    def __init__(
        self,
        store: Store,
        timezone: str,
        activity_ttl: float = 30.0,
        defer: Callable[[Callable[[Transaction], None]], None] | None = None,
    ) -> None:
        """``defer``: where gap records go to be written behind the answer (without it
        a recommendation writes its new gaps itself before answering)."""
        self.store = store
        self.defer = defer
        self.tz = ZoneInfo(timezone)
        self.directory = DirectoryCache(store)
        self.activity_ttl = timedelta(seconds=activity_ttl)
        self._activity: tuple[datetime, dict[str, Activity]] | None = None
        self._lock = threading.Lock()
        self._recorded_gaps = _Seen()

    def _fresh_activity(self, now: datetime) -> dict[str, Activity] | None:
        cached = self._activity
        if cached is not None and now - cached[0] < self.activity_ttl and now >= cached[0]:
            return cached[1]
        return None

    def activity(self, now: datetime) -> dict[str, Activity]:
        fresh = self._fresh_activity(now)
        if fresh is not None:
            return fresh
        with self._lock:
            fresh = self._fresh_activity(now)  # another thread may have just read it
            if fresh is not None:
                return fresh
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
        self,
        case_id: str,
        now: datetime,
        *,
        service: Service | None = None,
        limit: int = 5,
        check: CaseCheck | None = None,
        quick: bool = False,
    ) -> Recommendations:
        """Recommendations for the case from whoever holds it now. The case, its path
        and the directory version are read in one transaction, where ``check`` (the
        caller's access check) runs too.

        ``quick``: answer only from what is in memory already, after that one read;
        raise :class:`WouldWait` (nothing written) when the graph must be rebuilt, the
        history refreshed, or a new gap written and there is no ``defer``."""

        def load(tx: Transaction) -> tuple[Case, str, int]:
            case = tx.get_case(case_id)
            if case is None:
                raise NotFound("case", case_id)
            referrals = tx.case_referrals(case_id)
            if check is not None:
                check(tx, case, referrals)
            return case, holder(case, referrals), tx.directory_version()

        case, holder_id, version = self.store.read(load)
        if quick:
            graph, activity = self.directory.built(version), self._fresh_activity(now)
            if graph is None or activity is None:
                raise WouldWait("the directory graph or the referral history is not ready")
        else:
            graph, activity = self.directory.current(version), self.activity(now)
        recommender = Recommender(graph, activity)
        result = recommender.recommend(case, holder_id, service, now.astimezone(self.tz), limit)
        if result.gaps:
            self._record_gaps(case, result, now, quick)
        return result

    def _record_gaps(self, case: Case, result: Recommendations, now: datetime, quick: bool) -> None:
        """Keep the gaps for the coordinators' map; one write per gap, not per request
        (a gap's id is its case and service, so a repeat would change nothing)."""
        gaps = {
            f"gap_{case.id}_{g.service.value}": ServiceGap(
                id=f"gap_{case.id}_{g.service.value}",
                case_id=case.id,
                service=g.service,
                village_code=g.village_code,
                reachable_by=tuple(m.value for m in g.reachable_by),
                at=now,
            )
            for g in result.gaps
        }
        new = self._recorded_gaps.new(list(gaps))
        if not new:
            return

        def record(tx: Transaction) -> None:  # a gap already there is left as it is
            for gap_id in new:
                tx.record_service_gap(gaps[gap_id])

        if self.defer is not None:
            self.defer(record)
        elif quick:
            raise WouldWait("a new service gap is to be recorded")
        else:
            self.store.write(record)
        self._recorded_gaps.add(new)

    def coverage(
        self,
        area: str,
        services: list[Service],
        *,
        age: int | None = None,
        gender: Gender | None = None,
        now: datetime | None = None,
    ) -> list[CommuneCoverage]:
        today = (now or datetime.now(self.tz)).astimezone(self.tz).date()
        graph = self.directory.current()
        return coverage(graph, area, services, age=age, gender=gender, today=today)

"""Use cases of routing: recommendations for a case, coverage of an area, and the gaps
met while routing.

:class:`Routing` is the engine the runtime holds: the directory graph (rebuilt when the
directory moves, :mod:`referral_graph.services.directory_graph`) and a briefly cached
history of each provider's caseload, both read from the store here and handed to the
pure :mod:`referral_graph.routing`. The functions at the end are the use cases the API
and the web app call with a :class:`~referral_graph.services.caller.Caller`.
"""

from __future__ import annotations

import statistics
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.errors import NotFound
from referral_graph.domain.models import Case, Referral
from referral_graph.domain.paths import holder
from referral_graph.domain.queries import Listing, Page
from referral_graph.domain.records import ProviderActivity, ServiceGap
from referral_graph.domain.vocabulary import Gender, Service
from referral_graph.routing.coverage import CommuneCoverage
from referral_graph.routing.coverage import coverage as area_coverage
from referral_graph.routing.recommend import Activity, Recommendations, Recommender
from referral_graph.security.policy import coordinator_area
from referral_graph.services.access import check_routing
from referral_graph.services.caller import Caller, WouldWait
from referral_graph.services.directory_graph import DirectoryCache
from referral_graph.store.port import Store, Transaction

#: How far back the history of acknowledgements reaches.
HISTORY = timedelta(days=180)

#: Checks, inside the read that loads the case and its path, that the caller may see it
#: (raises).
CaseCheck = Callable[[Case, list[Referral]], None]


def holder_of(tx: Transaction, case: Case) -> str:
    """Who holds the case now, its path read in ``tx``."""
    return holder(case, tx.case_referrals(case.id))


def activity_of(raw: ProviderActivity) -> Activity:
    """What routing weighs of a provider's history: its caseload (referrals open now)
    and the median time it took to acknowledge the referrals it received."""
    seconds = raw.acknowledge_seconds
    return Activity(
        open_referrals=raw.open_referrals,
        acknowledge_median_seconds=statistics.median(seconds) if seconds else None,
        acknowledged=len(seconds),
    )


class _Seen:
    """Ids seen lately (at most ``most``): gaps already recorded need no second write."""

    def __init__(self, most: int = 50_000) -> None:
        self.most = most
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, ids: list[str]) -> list[str]:
        with self._lock:
            return [i for i in ids if i not in self._ids]

    def add(self, ids: list[str]) -> None:
        with self._lock:
            for i in ids:
                self._ids[i] = None
            while len(self._ids) > self.most:
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
        a recommendation writes its new gaps itself before answering).
        ``activity_ttl``: for how many seconds the history read is used."""
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
        """Every provider's caseload and speed, read at most once per ``activity_ttl``."""
        fresh = self._fresh_activity(now)
        if fresh is not None:
            return fresh
        with self._lock:
            fresh = self._fresh_activity(now)  # another thread may have just read it
            if fresh is not None:
                return fresh
            raw = self.store.read(lambda tx: tx.provider_activity(now - HISTORY))
            activity = {pid: activity_of(a) for pid, a in raw.items()}
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
        store: Store | None = None,
    ) -> Recommendations:
        """Recommendations for the case from whoever holds it now. The case, its path
        and the directory version are read in one transaction (through ``store``, the
        caller's, else the engine's own), where ``check`` (the caller's access check)
        runs too.

        ``quick``: answer only from what is in memory already, after that one read;
        raise :class:`WouldWait` (nothing written) when the graph must be rebuilt, the
        history refreshed, or a new gap written and there is no ``defer``."""

        def load(tx: Transaction) -> tuple[Case, str, int]:
            case = tx.get_case(case_id)
            if case is None:
                raise NotFound("case", case_id)
            referrals = tx.case_referrals(case_id)
            if check is not None:
                check(case, referrals)
            return case, holder(case, referrals), tx.directory_version()

        case, holder_id, version = (store or self.store).read(load)
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
        return area_coverage(graph, area, services, age=age, gender=gender, today=today)


# --- use cases ---------------------------------------------------------------------------
def recommendations(
    caller: Caller,
    routing: Routing,
    case_id: str,
    *,
    service: Service | None = None,
    limit: int = 5,
    quick: bool = False,
) -> Recommendations:
    """The next providers for the case from whoever holds it now, ranked, with reasons;
    for the case's CCWC and its current holder only (see
    :func:`~referral_graph.services.access.check_routing`). ``quick``: see
    :meth:`Routing.recommend`."""
    return routing.recommend(
        case_id,
        caller.now,
        service=service,
        limit=limit,
        check=partial(check_routing, caller.principal),
        quick=quick,
        store=caller.store,
    )


def coverage(
    caller: Caller,
    routing: Routing,
    area: str,
    services: list[Service] | None = None,
    *,
    age: int | None = None,
    gender: Gender | None = None,
) -> list[CommuneCoverage]:
    """Per commune of the area and per service (all when none are named): reached in
    person, by phone, or not at all (an unknown area is invalid input)."""
    gazetteer().area(area)
    wanted = services or sorted(Service)
    return routing.coverage(area, wanted, age=age, gender=gender, now=caller.now)


def recorded_gaps(caller: Caller, area: str, page: Page) -> Listing[ServiceGap]:
    """Gaps met while routing real cases in the area, newest first (a coordinator's
    own area only)."""
    coordinator_area(caller.principal, area)
    return caller.store.read(lambda tx: tx.service_gaps(area, page))

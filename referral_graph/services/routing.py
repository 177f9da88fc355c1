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
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.errors import InvalidInput, NotFound, UnknownArea
from referral_graph.domain.models import Case, Referral
from referral_graph.domain.paths import holder
from referral_graph.domain.queries import Listing, Page
from referral_graph.domain.records import ProviderActivity, ServiceGap
from referral_graph.domain.vocabulary import Gender, Language, Service
from referral_graph.routing.coverage import CHILD_SERVICES, NOT_FOR_CHILDREN, CommuneCoverage
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


def activity_of(raw: ProviderActivity | None, open_referrals: int) -> Activity:
    """What routing weighs of a provider's history: its caseload (referrals open now)
    and the median time it took to acknowledge the referrals it received."""
    seconds = raw.acknowledge_seconds if raw is not None else ()
    return Activity(
        open_referrals=open_referrals,
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
    """Recommendations over a cached directory graph and the providers' activity.

    Caseloads are as fresh as the store: the store's activity version (it grows with
    every referral made or moved, in any worker) is read with the case, and the open
    counts are read again whenever it has moved. Acknowledgement times, read from six
    months of history, are reused for ``activity_ttl`` seconds."""

    def __init__(
        self,
        store: Store,
        timezone: str,
        activity_ttl: float = 30.0,
        defer: Callable[[Callable[[Transaction], None]], None] | None = None,
        programme_areas: Sequence[str] = (),
    ) -> None:
        """``defer``: where gap records go to be written behind the answer (without it
        a recommendation writes its new gaps itself before answering).
        ``activity_ttl``: for how many seconds acknowledgement times are reused.
        ``programme_areas``: the programme's areas (coverage marks what lies outside)."""
        self.store = store
        self.defer = defer
        self.tz = ZoneInfo(timezone)
        self.directory = DirectoryCache(store)
        self.activity_ttl = timedelta(seconds=activity_ttl)
        for code in programme_areas:  # a wrong code stops the server at start
            gazetteer().area(code)
        self.programme_areas = tuple(programme_areas)
        self._speed: tuple[datetime, dict[str, ProviderActivity]] | None = None
        self._load: tuple[int, dict[str, int]] | None = None
        self._activity: tuple[datetime, int, dict[str, Activity]] | None = None
        self._lock = threading.Lock()
        self._recorded_gaps = _Seen()

    def _fresh_activity(self, now: datetime, version: int) -> dict[str, Activity] | None:
        cached = self._activity
        if cached is None or cached[1] != version:
            return None
        if now - cached[0] < self.activity_ttl and now >= cached[0]:
            return cached[2]
        return None

    def activity(self, now: datetime, version: int | None = None) -> dict[str, Activity]:
        """Every provider's caseload (as of activity ``version``, read when not given)
        and speed (read at most once per ``activity_ttl``)."""
        if version is None:
            version = self.store.read(lambda tx: tx.activity_version())
        fresh = self._fresh_activity(now, version)
        if fresh is not None:
            return fresh
        with self._lock:
            fresh = self._fresh_activity(now, version)  # another thread may have just read it
            if fresh is not None:
                return fresh
            speed = self._speed
            if speed is None or not (speed[0] <= now < speed[0] + self.activity_ttl):
                raw = self.store.read(lambda tx: tx.provider_activity(now - HISTORY))
                speed = self._speed = (now, raw)
            load = self._load
            if load is None or load[0] != version:
                # The version is read with the counts: a label never newer than its figures.
                load = self._load = self.store.read(
                    lambda tx: (tx.activity_version(), tx.open_referral_counts())
                )
            counts = load[1]
            activity = {
                pid: activity_of(speed[1].get(pid), counts.get(pid, 0))
                for pid in set(counts) | set(speed[1])
            }
            self._activity = (speed[0], load[0], activity)
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
        explain: bool = False,
    ) -> Recommendations:
        """Recommendations for the case from whoever holds it now. The case, its path,
        the directory version and the activity version are read in one transaction
        (through ``store``, the caller's, else the engine's own), where ``check`` (the
        caller's access check) runs too. ``explain``: list every provider of the area
        left out, with the rule that left it out.

        ``quick``: answer only from what is in memory already, after that one read;
        raise :class:`WouldWait` (nothing written) when the graph must be rebuilt, the
        activity re-read, or a new gap written and there is no ``defer``."""

        def load(tx: Transaction) -> tuple[Case, list[Referral], int, int]:
            case = tx.get_case(case_id)
            if case is None:
                raise NotFound("case", case_id)
            referrals = tx.case_referrals(case_id)
            if check is not None:
                check(case, referrals)
            return case, referrals, tx.directory_version(), tx.activity_version()

        case, referrals, version, activity_version = (store or self.store).read(load)
        if quick:
            graph = self.directory.built(version)
            activity = self._fresh_activity(now, activity_version)
            if graph is None or activity is None:
                raise WouldWait("the directory graph or the referral activity is not ready")
        else:
            graph = self.directory.current(version)
            activity = self.activity(now, activity_version)
        recommender = Recommender(graph, activity, referrals)
        result = recommender.recommend(
            case,
            holder(case, referrals),
            service,
            now.astimezone(self.tz),
            limit,
            explain=explain,
        )
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
        services: Sequence[Service],
        *,
        age: int | None = None,
        gender: Gender | None = None,
        language: Language | None = None,
        now: datetime | None = None,
        programme_only: bool | None = None,
    ) -> list[CommuneCoverage]:
        today = (now or datetime.now(self.tz)).astimezone(self.tz).date()
        graph = self.directory.current()
        return area_coverage(
            graph,
            area,
            services,
            age=age,
            gender=gender,
            language=language,
            today=today,
            programme=self.programme_areas,
            programme_only=programme_only,
        )


# --- use cases ---------------------------------------------------------------------------
def recommendations(
    caller: Caller,
    routing: Routing,
    case_id: str,
    *,
    service: Service | None = None,
    limit: int = 5,
    quick: bool = False,
    explain: bool = False,
) -> Recommendations:
    """The next providers for the case from whoever holds it now, ranked, with reasons;
    for the case's CCWC and its current holder only (see
    :func:`~referral_graph.services.access.check_routing`). ``explain``: also every
    provider of the area left out, and why. ``quick``: see :meth:`Routing.recommend`."""
    return routing.recommend(
        case_id,
        caller.now,
        service=service,
        limit=limit,
        check=partial(check_routing, caller.principal),
        quick=quick,
        store=caller.store,
        explain=explain,
    )


def coverage(
    caller: Caller,
    routing: Routing,
    area: str,
    services: Sequence[Service] | None = None,
    *,
    age: int | None = None,
    gender: Gender | None = None,
    language: Language | None = None,
    in_programme: bool | None = None,
) -> list[CommuneCoverage]:
    """Per commune of the area and per service (every service for children when none
    are named): reached in person, by phone, or not at all, for a child of that age,
    gender and language (each filter alone or together). ``in_programme``: only the
    communes inside (True) or outside (False) the programme's areas. An unknown area,
    or a service that is not for children, is invalid input."""
    try:
        gazetteer().area(area)
    except UnknownArea:
        raise UnknownArea(area, field="area") from None
    for s in services or ():
        if s in NOT_FOR_CHILDREN:
            raise InvalidInput(
                f"{s.value!r} is a service for the network's staff, not for children; "
                "coverage is about children.",
                field="service",
            )
    wanted = list(services or CHILD_SERVICES)
    return routing.coverage(
        area,
        wanted,
        age=age,
        gender=gender,
        language=language,
        now=caller.now,
        programme_only=in_programme,
    )


def recorded_gaps(caller: Caller, area: str, page: Page) -> Listing[ServiceGap]:
    """Gaps met while routing real cases in the area, newest first (a coordinator's
    own area only)."""
    coordinator_area(caller.principal, area)
    return caller.store.read(lambda tx: tx.service_gaps(area, page))

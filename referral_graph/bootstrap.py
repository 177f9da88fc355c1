"""The composition root: the one place that builds the store and the runtime from
settings, and readies a server's runtime to serve (:func:`start`). The API, the web app
and the command line are handed what it built."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from referral_graph.domain.errors import ReferralGraphError
from referral_graph.domain.models import utc_now
from referral_graph.policies.sla import load_policy_file, packaged_policy
from referral_graph.security.model import Principal
from referral_graph.security.principals import PrincipalCache
from referral_graph.services import accounts
from referral_graph.services.caller import Caller
from referral_graph.services.demo_users import create_demo_users
from referral_graph.services.routing import Routing
from referral_graph.services.timeliness import ensure_policy
from referral_graph.settings import Settings, StoreKind
from referral_graph.store.port import Store
from referral_graph.write_behind import WriteBehind

log = logging.getLogger("referral_graph.bootstrap")

Clock = Callable[[], datetime]


def make_store(settings: Settings) -> Store:
    if settings.store is StoreKind.NEO4J:
        from referral_graph.adapters.neo4j.store import Neo4jStore

        return Neo4jStore(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
        )
    from referral_graph.adapters.sqlite.store import SqliteStore

    return SqliteStore(settings.sqlite_path)


@dataclass
class Runtime:
    """Everything a request handler or a command needs, built once per process."""

    settings: Settings
    store: Store
    clock: Clock = field(default=utc_now)
    routing: Routing = field(init=False)
    write_behind: WriteBehind = field(init=False)
    principals: PrincipalCache = field(init=False)

    def __post_init__(self) -> None:
        self.write_behind = WriteBehind(self.store)
        self.principals = PrincipalCache(self.settings.principal_cache_seconds)
        self.routing = Routing(
            self.store,
            self.settings.timezone,
            self.settings.activity_cache_seconds,
            defer=self.write_behind.defer,
            programme_areas=self.settings.programme_areas,
        )

    def now(self) -> datetime:
        return self.clock()

    def system(self) -> Caller:
        """The system, now: the caller of what runs on nobody's behalf (a probe, a metrics
        scrape, seeding)."""
        return Caller.system(self.store, self.now())

    def principal(self, bearer: str) -> Principal:
        """Who a bearer token speaks for (``Unauthenticated`` if nobody, any more)."""
        now = self.now()
        return self.principals.resolve(
            bearer, now, lambda: accounts.principal_for(self.store, now, bearer, self.settings)
        )


def build_runtime(settings: Settings, *, clock: Clock = utc_now) -> Runtime:
    store = make_store(settings)
    store.initialise()
    policy = (
        load_policy_file(settings.sla_policy_path)
        if settings.sla_policy_path
        else packaged_policy()
    )
    ensure_policy(store, policy)
    return Runtime(settings=settings, store=store, clock=clock)


def start(runtime: Runtime) -> None:
    """Ready a server's freshly built runtime to serve: seed an empty store with the
    programme's directory (``seed_on_start``), build the directory graph before the first
    request needs it, and in development create a demo account per role and print them,
    once."""
    if runtime.settings.seed_on_start:
        from seed.seeding import seed_if_empty

        seed_if_empty(runtime.store)
    try:
        runtime.routing.directory.current()
    except ReferralGraphError as exc:
        log.warning("directory graph not built at start: %s", exc.detail)
    made = create_demo_users(runtime.system(), runtime.settings)
    if made:
        lines = [f"  {u:<20} {p:<18} {scope}" for u, p, scope in made]
        print(
            "Demo accounts (development mode; shown only now):\n" + "\n".join(lines),
            flush=True,
        )

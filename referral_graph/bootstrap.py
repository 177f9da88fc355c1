"""The composition root: the one place that builds the store and the runtime from
settings, and readies a server's runtime to serve (:func:`start`). The API, the web app
and the command line are handed what it built."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from referral_graph.domain.alerting import Channel, WorkingHours
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.domain.models import utc_now
from referral_graph.notify.gateways import GatewayConfig, RapidProSms, TelegramBot
from referral_graph.notify.port import NoticeSender
from referral_graph.notify.smtp import SmtpConfig, SmtpSender
from referral_graph.policies.sla import load_policy_file, packaged_policy
from referral_graph.security.model import Principal
from referral_graph.security.principals import PrincipalCache
from referral_graph.services import accounts
from referral_graph.services.alert_notices import NoticePlan
from referral_graph.services.caller import Caller
from referral_graph.services.demo_users import create_demo_users
from referral_graph.services.routing import Routing
from referral_graph.services.sample_data import SampleDataMark
from referral_graph.services.timeliness import ensure_policy
from referral_graph.settings import Mode, Settings, StoreKind
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


def notice_senders(settings: Settings) -> dict[Channel, NoticeSender]:
    """The channels the settings configure (none unless their server and credentials
    are set: nothing is sent unconfigured)."""
    senders: dict[Channel, NoticeSender] = {}
    if settings.smtp_host and settings.smtp_from:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        senders[Channel.EMAIL] = SmtpSender(
            SmtpConfig(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_from,
                security=settings.smtp_security,
                username=settings.smtp_username,
                password=password,
            )
        )
    if settings.sms_gateway_url and settings.sms_gateway_token:
        token = settings.sms_gateway_token.get_secret_value()
        senders[Channel.SMS] = RapidProSms(GatewayConfig(settings.sms_gateway_url, token))
    if settings.telegram_bot_token:
        token = settings.telegram_bot_token.get_secret_value()
        senders[Channel.TELEGRAM] = TelegramBot(GatewayConfig(settings.telegram_api_url, token))
    return senders


@dataclass
class Runtime:
    """Everything a request handler or a command needs, built once per process."""

    settings: Settings
    store: Store
    clock: Clock = field(default=utc_now)
    routing: Routing = field(init=False)
    write_behind: WriteBehind = field(init=False)
    principals: PrincipalCache = field(init=False)
    sample_data: SampleDataMark = field(init=False)
    #: Channels to people beyond webhooks (e-mail, SMS, Telegram), from the settings.
    senders: dict[Channel, NoticeSender] = field(init=False)

    def __post_init__(self) -> None:
        self.senders = notice_senders(self.settings)
        self.write_behind = WriteBehind(self.store)
        self.sample_data = SampleDataMark(self.store, self.settings.sample_data_cache_seconds)
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

    @property
    def notice_plan(self) -> NoticePlan:
        """What the scheduler queues messages to people with: the configured channels,
        working hours and the address for links."""
        return NoticePlan(
            channels=frozenset(self.senders),
            hours=WorkingHours.parse(self.settings.notify_working_hours),
            public_url=self.settings.public_url,
        )

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


def seed_on_start(runtime: Runtime) -> int:
    """Seed an empty store when the settings ask (``seed_on_start``): the programme's
    directory and its sample data in development, the directory alone in production;
    rows written."""
    if not runtime.settings.seed_on_start:
        return 0
    from seed.seeding import seed_if_empty

    written = seed_if_empty(runtime.store, sample=runtime.settings.mode is Mode.DEVELOPMENT)
    runtime.sample_data.forget()
    return written


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
    """Ready a server's freshly built runtime to serve: seed an empty store
    (:func:`seed_on_start`), build the directory graph before the first
    request needs it, and in development create a demo account per role and print them,
    once."""
    seed_on_start(runtime)
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

"""Settings from the environment (and a ``.env`` file), validated at start.

In production (``REFERRAL_GRAPH_MODE=production``) the settings refuse the development
secret and a short one, a default Neo4j password, demo accounts, and seeding on start
unless it is asked for. A command that cannot start says why in one line
(:func:`settings_problem`).
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Literal, Self

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from referral_graph.domain.alerting import WorkingHours


class StoreKind(StrEnum):
    SQLITE = "sqlite"
    NEO4J = "neo4j"


class WebhookSetting(BaseModel):
    url: str = Field(pattern=r"^https?://")
    secret: SecretStr = Field(min_length=16)


class Mode(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


DEV_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105
#: The hosts a production server answers to unless REFERRAL_GRAPH_ALLOWED_HOSTS says more.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="REFERRAL_GRAPH_", env_file=".env", extra="ignore", populate_by_name=True
    )

    mode: Mode = Mode.DEVELOPMENT
    secret_key: SecretStr = Field(
        SecretStr(DEV_SECRET), description="Signs access tokens; ≥ 32 characters in production."
    )
    access_token_minutes: int = Field(15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(7, ge=1, le=90)
    login_max_failures: int = Field(
        5,
        ge=1,
        le=100,
        description="Sign-in attempts of one account from one address per window; more "
        "answer 429 (the account's owner signs in from elsewhere meanwhile).",
    )
    login_max_failures_per_source: int = Field(
        20,
        ge=1,
        le=10_000,
        description="Failed sign-ins from one address per window, whatever the account.",
    )
    login_window_minutes: int = Field(15, ge=1, le=24 * 60)
    rate_limit_per_minute: int = Field(
        1200, ge=0, description="Requests per client address per minute; 0 turns it off."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed cross-site; none by default."
    )
    allowed_hosts: list[str] | None = Field(
        None,
        description='JSON list of the host names the server answers to ("*.example.org" '
        'for subdomains, "*" for any); others get 400. Default: any in development, '
        "localhost and 127.0.0.1 only in production.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="JSON list of the addresses or networks of reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; none by default.",
    )
    idempotency_hours: float = Field(
        24, gt=0, le=24 * 90, description="How long an Idempotency-Key is remembered."
    )
    retention_years: float = Field(
        5, ge=1, le=100, description="Years after closure before a case is purged (≥ 1)."
    )
    demo_users: bool = Field(
        True, description="In development, create a demo user per role on first start."
    )
    store: StoreKind = StoreKind.SQLITE
    sqlite_path: Path = Path("data/referral-graph.sqlite3")

    neo4j_uri: str = Field(
        "bolt://127.0.0.1:7687", validation_alias=AliasChoices("NEO4J_URI", "neo4j_uri")
    )
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "neo4j_user"))
    neo4j_password: SecretStr = Field(
        SecretStr("referral-graph-dev"),
        validation_alias=AliasChoices("NEO4J_PASSWORD", "neo4j_password"),
    )
    neo4j_database: str = Field(
        "neo4j", validation_alias=AliasChoices("NEO4J_DATABASE", "neo4j_database")
    )

    host: str = Field("127.0.0.1", validation_alias=AliasChoices("HOST", "host"))
    port: int = Field(8000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "port"))
    timezone: str = "Asia/Phnom_Penh"
    max_body_bytes: int = Field(64 * 1024, ge=1024)
    seed_on_start: bool | None = Field(
        None,
        description="Seed an empty store on start: the programme directory and its sample "
        "data in development (the default there); in production only when set, and then "
        "the directory alone (sample data is never seeded on start in production).",
    )
    sla_policy_path: Path | None = Field(
        None, description="A YAML deadline policy saved into an empty store at start."
    )
    tick_seconds: float = Field(
        60.0, ge=0, description="How often the server's scheduler runs; 0 turns it off."
    )
    webhooks: list[WebhookSetting] = Field(
        default_factory=list, description='JSON list: [{"url": "...", "secret": "..."}].'
    )
    # --- alerts to people (e-mail, SMS, Telegram); a channel left unset sends nothing --
    smtp_host: str | None = Field(None, description="Mail server for e-mail alerts.")
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="starttls (587), ssl (465), or none (a local relay only)."
    )
    smtp_from: str | None = Field(None, description="From address of e-mail alerts.")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    sms_gateway_url: str | None = Field(
        None,
        pattern=r"^https?://",
        description="Base URL of a RapidPro-compatible SMS gateway (broadcasts API).",
    )
    sms_gateway_token: SecretStr | None = None
    telegram_bot_token: SecretStr | None = Field(None, description="The network's bot.")
    telegram_api_url: str = Field("https://api.telegram.org", pattern=r"^https?://")
    notify_working_hours: str = Field(
        "07:30-17:00",
        pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
        description="Local hours in which alerts of working-day windows are sent.",
    )
    public_url: str | None = Field(
        None,
        pattern=r"^https?://",
        description="The server's address as people reach it, for links in messages.",
    )
    programme_areas: list[str] = Field(
        default_factory=lambda: ["1701", "1702", "1703", "1712", "1602", "1603", "19"],
        description="The programme's districts or provinces (JSON list of gazetteer codes): "
        "coverage marks communes outside them, so their gaps can be told apart.",
    )
    worker_threads: int = Field(
        8,
        ge=1,
        le=400,
        description="Requests handled at once per worker process (threads reading the store).",
    )
    principal_cache_seconds: float = Field(
        5.0,
        ge=0,
        le=60,
        description="How long a verified token is trusted without re-reading its account; "
        "a sign-out or deactivation in another worker takes effect within this time.",
    )
    report_min_cell: int = Field(
        5,
        ge=0,
        le=1000,
        description="Reports and audit answers show counts from 1 to this minus 1 as "
        "'< N' (small cells); 0 or 1 shows every count. A request may ask for another.",
    )
    activity_cache_seconds: float = Field(
        30.0, ge=0, description="How long routing reuses load and responsiveness figures."
    )
    sample_data_cache_seconds: float = Field(
        30.0,
        ge=0,
        le=3600,
        description="How long the server trusts its answer to 'is sample data stored?' "
        "(the page banner and the Sample-Data header).",
    )

    @field_validator("notify_working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        WorkingHours.parse(value)  # a ValueError names the setting
        return value

    @model_validator(mode="after")
    def _safe_in_production(self) -> Self:
        if self.mode is Mode.PRODUCTION:
            secret = self.secret_key.get_secret_value()
            if secret == DEV_SECRET or len(secret) < 32:
                raise ValueError(
                    "REFERRAL_GRAPH_SECRET_KEY must be set to a random secret of at least "
                    "32 characters in production"
                )
            if self.neo4j_password.get_secret_value() in {"referral-graph-dev", "neo4j"} and (
                self.store is StoreKind.NEO4J
            ):
                raise ValueError("NEO4J_PASSWORD must not be a default in production")
            if self.demo_users:
                self.demo_users = False
            if (
                self.smtp_host
                and self.smtp_security == "none"
                and (self.smtp_host not in ("localhost", "127.0.0.1", "::1"))
            ):
                raise ValueError(
                    "REFERRAL_GRAPH_SMTP_SECURITY=none sends mail unencrypted: only to a "
                    "relay on this machine in production"
                )
        if self.seed_on_start is None:
            self.seed_on_start = self.mode is Mode.DEVELOPMENT
        if self.allowed_hosts is None:
            production = self.mode is Mode.PRODUCTION
            self.allowed_hosts = list(LOCAL_HOSTS) if production else ["*"]
        return self

    @property
    def hosts(self) -> list[str]:
        """The host names answered (``allowed_hosts`` as validated)."""
        return self.allowed_hosts if self.allowed_hosts is not None else ["*"]

    def token_secret(self) -> str:
        """The secret access tokens are signed and checked with; the development secret
        is refused in production even where validation was bypassed (``model_copy``)."""
        secret = self.secret_key.get_secret_value()
        if self.mode is Mode.PRODUCTION and (secret == DEV_SECRET or len(secret) < 32):
            raise InsecureSecret(
                "REFERRAL_GRAPH_SECRET_KEY is the development secret or too short; "
                "production refuses it"
            )
        return secret


class InsecureSecret(ValueError):
    """The development (or a short) secret, found in production."""


def settings_problem(exc: ValidationError) -> str:
    """What is wrong with the settings, in one line (for a command that cannot start)."""
    parts = []
    for error in exc.errors():
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        loc = [str(x) for x in error.get("loc", ())]
        parts.append(f"{_variable(loc[0])}: {message}" if loc else message)
    return "; ".join(parts)


def _variable(name: str) -> str:
    """The environment variable a field is read from."""
    field = Settings.model_fields.get(name)
    alias = field.validation_alias if field is not None else None
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0]
    return f"REFERRAL_GRAPH_{name.upper()}"


@cache
def get_settings() -> Settings:
    return Settings()

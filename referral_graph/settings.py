"""Settings from the environment (and a ``.env`` file), validated at start."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Self

from pydantic import AliasChoices, BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    login_max_failures: int = Field(5, ge=1, le=100)
    login_window_minutes: int = Field(15, ge=1, le=24 * 60)
    rate_limit_per_minute: int = Field(
        1200, ge=0, description="Requests per client address per minute; 0 turns it off."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed cross-site; none by default."
    )
    idempotency_hours: float = Field(
        24, gt=0, le=24 * 90, description="How long an Idempotency-Key is remembered."
    )
    retention_years: float = Field(
        5, gt=0, le=100, description="Years after closure before a case is purged."
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
    seed_on_start: bool = True
    sla_policy_path: Path | None = Field(
        None, description="A YAML deadline policy saved into an empty store at start."
    )
    tick_seconds: float = Field(
        60.0, ge=0, description="How often the server's scheduler runs; 0 turns it off."
    )
    webhooks: list[WebhookSetting] = Field(
        default_factory=list, description='JSON list: [{"url": "...", "secret": "..."}].'
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
        return self


@cache
def get_settings() -> Settings:
    return Settings()

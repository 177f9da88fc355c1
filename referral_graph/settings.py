"""Settings from the environment (and a ``.env`` file), validated at start."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class StoreKind(StrEnum):
    SQLITE = "sqlite"
    NEO4J = "neo4j"


class WebhookSetting(BaseModel):
    url: str = Field(pattern=r"^https?://")
    secret: SecretStr = Field(min_length=16)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="REFERRAL_GRAPH_", env_file=".env", extra="ignore", populate_by_name=True
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
    activity_cache_seconds: float = Field(
        30.0, ge=0, description="How long routing reuses load and responsiveness figures."
    )


@cache
def get_settings() -> Settings:
    return Settings()

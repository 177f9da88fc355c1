"""docker-compose.yml and the Dockerfile stay valid (Docker itself is not on the build
machines, so these files are checked by reading them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from referral_graph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))


def test_neo4j_service_has_auth_memory_volumes_and_a_healthcheck() -> None:
    neo4j = compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    env = neo4j["environment"]
    assert env["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD")
    assert "NEO4J_server_memory_heap_max__size" in env
    assert "NEO4J_server_memory_pagecache_size" in env
    assert {v.split(":")[1] for v in neo4j["volumes"]} == {"/data", "/logs"}
    assert "7474" in " ".join(neo4j["healthcheck"]["test"])
    assert neo4j["healthcheck"]["start_period"] == "30s"
    assert all(p.startswith("127.0.0.1:") for p in neo4j["ports"])


def test_api_waits_for_a_healthy_neo4j_and_is_configured_for_it() -> None:
    doc = compose()
    api = doc["services"]["api"]
    assert api["build"] == "."
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = api["environment"]
    assert env["REFERRAL_GRAPH_STORE"] == "neo4j"
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert env["REFERRAL_GRAPH_SEED_ON_START"] == "true"
    assert "127.0.0.1:8000:8000" in api["ports"]
    assert set(doc["volumes"]) == {"neo4j-data", "neo4j-logs"}


def test_the_compose_environment_is_what_the_settings_read(monkeypatch: Any) -> None:
    env = compose()["services"]["api"]["environment"]
    for key, value in env.items():
        monkeypatch.setenv(key, value.replace("${NEO4J_PASSWORD:?set NEO4J_PASSWORD}", "pw"))
    settings = Settings()
    assert settings.store == "neo4j"
    assert settings.neo4j_uri == "bolt://neo4j:7687"
    assert settings.host == "0.0.0.0"


def test_dockerfile_installs_the_package_and_serves() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("# referral-graph")
    assert "FROM python:3.11" in text
    assert 'CMD ["referral-graph", "serve"]' in text
    assert "USER referral" in text
    for folder in ("referral_graph", "api", "seed"):
        assert f"COPY {folder} ./{folder}" in text

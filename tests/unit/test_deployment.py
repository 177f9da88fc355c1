"""docker-compose.yml and the Dockerfile run referral-graph in production mode (Docker
itself is not on the build machines, so these files are checked by reading them), and a
server in production mode with an unsafe setting refuses to start in one line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from referral_graph.settings import DEV_SECRET, Settings

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = re.compile(r"^\$\{(?P<name>[A-Z0-9_]+):\?(?P<message>[^}]+)\}$")


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def dockerfile_env() -> dict[str, str]:
    """Every ``ENV`` of the Dockerfile (``KEY=value`` pairs, continuation lines too)."""
    text = dockerfile().replace("\\\n", " ")
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            found.update(pair.split("=", 1) for pair in line[4:].split())
    return found


def test_neo4j_service_has_auth_memory_volumes_and_a_healthcheck() -> None:
    neo4j = compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    env = neo4j["environment"]
    assert env["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD:?")
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
    assert "127.0.0.1:8000:8000" in api["ports"]
    assert set(doc["volumes"]) == {"neo4j-data", "neo4j-logs"}


def test_compose_runs_the_api_in_production_with_required_secrets() -> None:
    env = compose()["services"]["api"]["environment"]
    assert env["REFERRAL_GRAPH_MODE"] == "production"
    assert env["REFERRAL_GRAPH_DEMO_USERS"] == "false"
    assert env["REFERRAL_GRAPH_SEED_ON_START"] == "false"
    # compose refuses to start while either is unset: ${NAME:?message}
    for name in ("REFERRAL_GRAPH_SECRET_KEY", "NEO4J_PASSWORD"):
        required = REQUIRED.match(env[name])
        assert required is not None, env[name]
        assert required["name"] == name
    secret = REQUIRED.match(env["REFERRAL_GRAPH_SECRET_KEY"])
    assert secret is not None
    assert "32" in secret["message"]
    assert "README" in secret["message"]  # where to read how to make one
    neo4j_auth = compose()["services"]["neo4j"]["environment"]["NEO4J_AUTH"]
    assert REQUIRED.match(neo4j_auth.removeprefix("neo4j/"))


def test_the_compose_environment_is_what_the_settings_read(monkeypatch: Any) -> None:
    env = compose()["services"]["api"]["environment"]
    values = {"REFERRAL_GRAPH_SECRET_KEY": "s" * 48, "NEO4J_PASSWORD": "a-real-neo4j-password"}
    for key, value in env.items():
        required = REQUIRED.match(value)
        defaulted = re.fullmatch(r"\$\{(?P<name>\w+):-(?P<default>.*)\}", value)
        if defaulted:  # as compose reads ${NAME:-default} with NAME unset
            value = defaulted["default"]
        monkeypatch.setenv(key, values[required["name"]] if required else value)
    settings = Settings()
    assert settings.mode == "production"
    assert settings.store == "neo4j"
    assert settings.neo4j_uri == "bolt://neo4j:7687"
    assert settings.neo4j_password.get_secret_value() == "a-real-neo4j-password"
    assert settings.host == "0.0.0.0"
    assert settings.demo_users is False
    assert settings.seed_on_start is False
    assert settings.hosts == ["localhost", "127.0.0.1"]  # and nothing forwarded is believed
    assert settings.trusted_proxies == []


def test_dockerfile_installs_the_package_and_serves() -> None:
    text = dockerfile()
    assert text.startswith("# referral-graph")
    assert "FROM python:3.11" in text
    assert 'CMD ["referral-graph", "serve"]' in text
    for folder in ("referral_graph", "api", "seed"):
        assert f"COPY {folder} ./{folder}" in text


def test_dockerfile_runs_in_production_as_a_user_owning_data() -> None:
    text = dockerfile()
    assert "USER referral" in text
    assert text.index("USER referral") > text.index("pip install")
    env = dockerfile_env()
    assert env["REFERRAL_GRAPH_MODE"] == "production"
    assert env["REFERRAL_GRAPH_DEMO_USERS"] == "false"
    assert env["REFERRAL_GRAPH_SEED_ON_START"] == "false"
    assert env["REFERRAL_GRAPH_SQLITE_PATH"].startswith("/data/")
    assert "REFERRAL_GRAPH_SECRET_KEY" not in env  # it comes from the deployment
    # /data is made and given to the user before it is declared a volume
    assert re.search(r"mkdir -p /data\s*\\?\s*&& chown referral:referral /data", text)
    assert text.index("chown referral:referral /data") < text.index('VOLUME ["/data"]')


def _serve(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``referral-graph serve`` with ``env`` on top of a clean environment (no .env)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REFERRAL_GRAPH_")}
    clean.update({"REFERRAL_GRAPH_SQLITE_PATH": str(tmp_path / "db.sqlite3"), "PORT": "1"})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "referral_graph.cli", "serve"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "secret",
    [None, DEV_SECRET, "too-short"],
    ids=["no-secret", "development-secret", "short-secret"],
)
def test_production_with_the_development_secret_refuses_to_start_in_one_line(
    tmp_path: Path, secret: str | None
) -> None:
    env = {"REFERRAL_GRAPH_MODE": "production"}
    if secret is not None:
        env["REFERRAL_GRAPH_SECRET_KEY"] = secret
    done = _serve(tmp_path, **env)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert lines[0].startswith("Cannot start: REFERRAL_GRAPH_SECRET_KEY must be set")
    assert not (tmp_path / "db.sqlite3").exists()  # refused before touching the store


def test_a_store_folder_that_cannot_be_made_refuses_in_one_line(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    done = _serve(tmp_path, REFERRAL_GRAPH_SQLITE_PATH=str(blocked / "data" / "db.sqlite3"))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert lines[0].startswith("Cannot start: Cannot open the SQLite store at")

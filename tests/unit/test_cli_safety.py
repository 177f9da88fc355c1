"""The command line is safe to run on a real store (issue #20, item 4): retention asks and
refuses silly periods, account commands answer in one line, a password can be reset and
the first administrator bootstrapped, ``demo`` and sample data stay out of production,
and seeding a store that holds a network fails loudly.

The real ``referral-graph`` app over a SQLite file named by the environment.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from referral_graph.adapters.sqlite.store import SqliteStore
from referral_graph.cli import app
from referral_graph.domain.errors import Unauthenticated
from referral_graph.domain.models import utc_now
from referral_graph.domain.reasons import ClosureReason
from referral_graph.services import accounts, case_life, cases, referrals
from referral_graph.services.caller import Caller
from referral_graph.services.case_life import CaseClosing
from referral_graph.services.referrals import Step
from referral_graph.settings import Settings, get_settings
from referral_graph.store.port import AccessQuery, Page, ProviderQuery
from seed.seeding import has_sample_data
from tests.factories import FakeClock, consent, load_small_network, opening, refer_to_health_centre

SECRET = "production-secret-" + "x" * 30
PASSWORD = "correct horse battery"


@dataclass
class Cli:
    path: Path
    monkeypatch: pytest.MonkeyPatch

    def __call__(self, *args: str, stdin: str | None = None) -> Result:
        get_settings.cache_clear()
        return CliRunner().invoke(app, list(args), input=stdin)

    def production(self) -> None:
        self.monkeypatch.setenv("REFERRAL_GRAPH_MODE", "production")
        self.monkeypatch.setenv("REFERRAL_GRAPH_SECRET_KEY", SECRET)

    def store(self) -> SqliteStore:
        store = SqliteStore(self.path)
        store.initialise()
        return store


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    for name in ("REFERRAL_GRAPH_MODE", "REFERRAL_GRAPH_SECRET_KEY", "REFERRAL_GRAPH_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("REFERRAL_GRAPH_SQLITE_PATH", str(path))
    yield Cli(path, monkeypatch)
    get_settings.cache_clear()


def one_line(result: Result) -> str:
    """The single line a refused command prints on standard error."""
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


# --- retention -------------------------------------------------------------------------


def closed(store: SqliteStore, ago: timedelta) -> str:
    """A case whose one referral completed and which was closed ``ago``."""
    clock = FakeClock(utc_now() - ago - timedelta(hours=10))
    case = cases.open_case(
        Caller.system(store, clock(), "ccwc-focal-1"), opening(consent=consent(clock()))
    )
    made = refer_to_health_centre(store, clock(), case.id)
    for status in ("received", "accepted", "in_progress", "completed"):
        clock.advance(hours=2)
        step = Step(status=status, outcome="done" if status == "completed" else None)
        referrals.move_referral(Caller.system(store, clock(), "t"), made.id, step)
    case_life.close_case(
        Caller.system(store, utc_now() - ago),
        case.id,
        CaseClosing(
            reason=ClosureReason.CHILD_MOVED, outcome="Moved away", override="Closed for the test"
        ),
    )
    return case.id


@pytest.fixture
def old_and_new(cli: Cli) -> tuple[str, str]:
    store = cli.store()
    try:
        load_small_network(store)
        return closed(store, timedelta(days=3 * 365)), closed(store, timedelta(seconds=19))
    finally:
        store.close()


def purged(cli: Cli, case_id: str) -> bool:
    store = cli.store()
    try:
        case = cases.get_case(Caller.system(store, utc_now()), case_id)
    finally:
        store.close()
    return case.purged_at is not None


@pytest.mark.parametrize("years", ["-1", "0", "0.5"])
def test_retention_refuses_a_period_under_a_year(
    cli: Cli, old_and_new: tuple[str, str], years: str
) -> None:
    result = cli("retention", "--years", years, "--yes")
    assert result.exit_code == 2
    assert "--years" in result.output
    assert not purged(cli, old_and_new[0])
    assert not purged(cli, old_and_new[1])


def test_retention_asks_before_purging(cli: Cli, old_and_new: tuple[str, str]) -> None:
    old, _new = old_and_new
    result = cli("retention", "--years", "2", stdin="n\n")
    assert result.exit_code == 1
    assert "1 case(s) closed before" in result.output
    assert "Nothing was purged." in result.stderr
    assert not purged(cli, old)


def test_retention_purges_what_it_said_and_logs_it(cli: Cli, old_and_new: tuple[str, str]) -> None:
    old, new = old_and_new
    result = cli("retention", "--years", "2", stdin="y\n")
    assert result.exit_code == 0, result.output
    assert purged(cli, old)
    assert not purged(cli, new)
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(
        r["message"] == "closed cases purged" and r["purged"] == 1 and r["level"] == "WARNING"
        for r in logged
    ), result.stderr
    store = cli.store()
    try:
        trail = store.read(lambda tx: tx.list_access(AccessQuery(object_id=old), Page(limit=50)))
    finally:
        store.close()
    assert any(r.method == "PURGE" and r.username == "retention" for r in trail.items)


def test_retention_with_yes_and_the_default_period(cli: Cli, old_and_new: tuple[str, str]) -> None:
    result = cli("retention", "--yes")  # five years: neither case
    assert result.exit_code == 0, result.output
    assert "0 case(s)" in result.output
    assert not purged(cli, old_and_new[0])


# --- accounts --------------------------------------------------------------------------


@pytest.fixture
def directory(cli: Cli) -> Cli:
    store = cli.store()
    load_small_network(store)
    store.close()
    return cli


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--role", "chief"], "role 'chief' is not one of ccwc, provider"),
        (["--role", "admin", "--password", "short"], "at least 10 characters"),
        (["--role", "admin", "--password", "1234567890"], "most common passwords"),
        (["--role", "admin", "--password", "carol-2026-x"], "contains the username"),
        (["--role", "ccwc", "--provider", "nowhere"], "No provider with id 'nowhere'"),
        (["--role", "coordinator", "--area", "9999"], "Unknown area '9999'"),
        (["--role", "ccwc"], "A ccwc user needs provider_id."),
    ],
)
def test_create_user_refuses_in_one_line(directory: Cli, args: list[str], expected: str) -> None:
    if "--password" not in args:
        args = [*args, "--password", PASSWORD]
    result = directory("create-user", "--username", "carol", *args)
    assert result.exit_code == 1
    line = one_line(result)
    assert line.startswith("Cannot create the account: ")
    assert expected in line


def test_create_user_refuses_a_taken_name_in_one_line(directory: Cli) -> None:
    first = directory(
        "create-user", "--username", "carol", "--role", "admin", "--password", PASSWORD
    )
    assert first.exit_code == 0, first.output
    again = directory(
        "create-user", "--username", "carol", "--role", "admin", "--password", PASSWORD
    )
    assert again.exit_code == 1
    assert "taken" in one_line(again)


def _sign_in(cli: Cli, username: str, password: str) -> None:
    store = cli.store()
    try:
        accounts.sign_in(store, utc_now(), username, password, Settings())
    finally:
        store.close()


def test_the_first_admin_of_production_gets_a_one_time_password(directory: Cli) -> None:
    directory.production()
    result = directory(
        "create-user", "--username", "admin", "--role", "admin", "--generate-password"
    )
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("One-time password"))
    password = line.rsplit(" ", 1)[1]
    _sign_in(directory, "admin", password)


def test_a_password_can_come_from_standard_input(directory: Cli) -> None:
    result = directory(
        "create-user", "--username", "dana", "--role", "admin", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    _sign_in(directory, "dana", PASSWORD)


def test_reset_password(directory: Cli) -> None:
    made = directory("create-user", "--username", "erin", "--role", "admin", "--password", PASSWORD)
    assert made.exit_code == 0
    result = directory("reset-password", "--username", "erin", "--generate-password")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("One-time password"))
    _sign_in(directory, "erin", line.rsplit(" ", 1)[1])
    with pytest.raises(Unauthenticated):
        _sign_in(directory, "erin", PASSWORD)
    nobody = directory("reset-password", "--username", "nobody", "--generate-password")
    assert nobody.exit_code == 1
    assert "No account named 'nobody'" in one_line(nobody)
    weak = directory("reset-password", "--username", "erin", "--password", "qwertyuiop")
    assert weak.exit_code == 1
    assert "most common passwords" in one_line(weak)


# --- production and seeding ------------------------------------------------------------


def test_demo_refuses_production(cli: Cli) -> None:
    cli.production()
    result = cli("demo")
    assert result.exit_code == 1
    assert "production" in one_line(result)
    assert not cli.path.exists()  # refused before opening the store


def test_a_command_with_unsafe_production_settings_stops_in_one_line(cli: Cli) -> None:
    cli.monkeypatch.setenv("REFERRAL_GRAPH_MODE", "production")
    result = cli("tick")
    assert result.exit_code == 2
    assert one_line(result).startswith("Cannot start: REFERRAL_GRAPH_SECRET_KEY")


def providers(cli: Cli) -> int:
    store = cli.store()
    try:
        return store.read(lambda tx: tx.list_providers(ProviderQuery(), Page(limit=1)).count)
    finally:
        store.close()


def sample(cli: Cli) -> bool:
    store = cli.store()
    try:
        return has_sample_data(store)
    finally:
        store.close()


@pytest.mark.parametrize("args", [["--national"], []], ids=["national", "programme"])
def test_seeding_a_store_that_holds_a_network_fails(directory: Cli, args: list[str]) -> None:
    before = providers(directory)
    result = directory("seed", *args)
    assert result.exit_code == 1
    assert "already holds a network; nothing was seeded" in one_line(result)
    assert providers(directory) == before


@pytest.mark.parametrize("args", [[], ["sample"], ["--national"]])
def test_production_refuses_sample_data_unless_forced(cli: Cli, args: list[str]) -> None:
    cli.production()
    result = cli("seed", *args)
    assert result.exit_code == 1
    assert "--force-sample-data-in-production" in one_line(result)
    assert providers(cli) == 0


def test_production_loads_only_the_real_providers_of_the_directory(cli: Cli) -> None:
    """The programme directory's invented providers (communes' CCWCs, VHSGs, health
    centres with made-up names and phones) are development data: production takes the
    real, sourced ones alone, and says how to add the rest."""
    cli.production()
    done = cli("seed", "directory")
    assert done.exit_code == 0, done.output
    assert "only the real, sourced providers" in " ".join(done.stdout.split())
    store = cli.store()
    try:
        held = store.read(lambda tx: tx.list_providers(ProviderQuery(), Page(limit=500)).items)
    finally:
        store.close()
    assert 0 < len(held) < 20 and not any(p.synthetic for p in held)
    assert {"helpline-1280"} <= {p.id for p in held} or any(
        p.kind.value == "helpline" for p in held
    )


def test_directory_then_sample_then_removal(cli: Cli) -> None:
    cli.production()
    done = cli("seed", "directory", "--force-sample-data-in-production")
    assert done.exit_code == 0, done.output
    held = providers(cli)
    assert held > 200
    assert not sample(cli)  # the directory alone is no sample data

    forced = cli("seed", "sample", "--force-sample-data-in-production", "--as-of", "2027-03-01")
    assert forced.exit_code == 0, forced.output
    assert "people" in forced.output
    assert sample(cli)
    again = cli("seed", "sample", "--force-sample-data-in-production")
    assert again.exit_code == 1
    assert "already holds sample data" in one_line(again)

    counted = cli("remove-sample-data", "--dry-run")
    assert counted.exit_code == 0
    assert "people" in counted.output
    kept = cli("remove-sample-data", stdin="n\n")
    assert kept.exit_code == 1
    assert sample(cli)
    removed = cli("remove-sample-data", "--yes")
    assert removed.exit_code == 0, removed.output
    assert "Removed " in removed.output
    assert not sample(cli)
    assert providers(cli) == held
    assert cli("remove-sample-data").output.strip() == "The store holds no sample data."


def test_plain_seed_in_development_is_directory_and_sample(cli: Cli) -> None:
    done = cli("seed", "--as-of", "2026-11-25")
    assert done.exit_code == 0, done.output
    assert providers(cli) > 200
    assert sample(cli)
    wrong = cli("seed", "sample", "--as-of", "25/11/2026")
    assert wrong.exit_code == 2


def test_seed_on_start_defaults_by_mode() -> None:
    assert Settings().seed_on_start is True
    assert Settings(mode="production", secret_key=SECRET).seed_on_start is False
    assert Settings(mode="production", secret_key=SECRET, seed_on_start=True).seed_on_start

"""The ``referral-graph`` command line: serve, seed, demo, accounts, operations.

Every command first reads the settings; settings that cannot work (the development
secret in production, say) stop it with one line on standard error and exit status 2.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from referral_graph.bootstrap import build_runtime
from referral_graph.cli.accounts import create_user_command, reset_password_command
from referral_graph.cli.audit import report as report_command
from referral_graph.cli.backup import backup_command, restore_command
from referral_graph.cli.common import console, fail
from referral_graph.cli.interop import app as interop_app
from referral_graph.cli.meetings import app as meeting_app
from referral_graph.cli.seeding import app as seed_app
from referral_graph.cli.seeding import remove_sample_data_command
from referral_graph.cli.training import import_attendance, training_report
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.settings import Mode, get_settings, settings_problem

app = typer.Typer(help="Referral network coordination for child protection in Cambodia.")
app.add_typer(interop_app)
app.add_typer(meeting_app)
app.add_typer(seed_app)


@app.callback()
def main() -> None:
    """Referral network coordination for child protection in Cambodia."""
    try:
        get_settings()
    except ValidationError as exc:
        fail(f"Cannot start: {settings_problem(exc)}.", 2)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default: HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT or 8000)")] = None,
    workers: Annotated[int, typer.Option(min=1, max=16)] = 1,
) -> None:
    """Serve the API (in development, seeding the programme network and its sample data
    into an empty store)."""
    import os
    import signal

    import uvicorn

    from referral_graph.domain.errors import StoreUnavailable
    from referral_graph.logging_setup import configure_logging, logging_config

    settings = get_settings()
    level = os.environ.get("REFERRAL_GRAPH_LOG_LEVEL", "INFO")
    configure_logging(level)
    try:  # fail fast, in one line, on a store that cannot be opened or written
        build_runtime(settings).store.close()
    except StoreUnavailable as exc:
        typer.echo(f"Cannot start: {exc.detail}", err=True)
        raise typer.Exit(1) from None

    def stopped(signum: int, frame: object) -> None:
        raise SystemExit(0)

    # uvicorn shuts down gracefully on SIGTERM, then raises SIGTERM again: exit 0 then.
    signal.signal(signal.SIGTERM, stopped)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        timeout_graceful_shutdown=20,
        log_config=logging_config(level),  # applied in each worker process too
        access_log=False,
        # The app believes X-Forwarded-* from REFERRAL_GRAPH_TRUSTED_PROXIES only
        # (api.hardening.install_front_door); uvicorn's own would believe 127.0.0.1.
        proxy_headers=False,
    )


@app.command()
def demo() -> None:
    """Walk a sample case in Angkor Chum: CCWC → health centre → TPO counsellor
    (development only: it seeds sample data and makes an invented case)."""
    from referral_graph.cli.demo import run_demo
    from seed.seeding import seed_if_empty

    settings = get_settings()
    if settings.mode is Mode.PRODUCTION:
        fail(
            "Refused: `demo` makes an invented case and sample data, which a production "
            "store must not hold (REFERRAL_GRAPH_MODE=production)."
        )
    runtime = build_runtime(settings)
    try:
        seed_if_empty(runtime.store)
        case, hops = run_demo(runtime.store, runtime.now() - timedelta(days=3))
    finally:
        runtime.store.close()
    table = Table(title=f"Referral path of case {case.code}")
    for column in (
        "hop",
        "from",
        "to",
        "service",
        "status",
        "acknowledge",
        "decide",
        "first contact",
        "complete",
    ):
        table.add_column(column)
    for hop in hops:
        r = hop.referral
        steps = hop.step_seconds

        def fmt(name: str, s: dict[str, float] = steps) -> str:
            return "—" if name not in s else str(timedelta(seconds=round(s[name])))

        table.add_row(
            str(r.hop),
            r.from_provider_id,
            r.to_provider_id,
            r.service.value,
            r.status.value,
            fmt("to_acknowledge"),
            fmt("to_decide"),
            fmt("to_first_contact"),
            fmt("to_complete"),
        )
    console.print(table)


@app.command()
def retention(
    years: Annotated[
        float | None,
        typer.Option(min=1, help="Years after closure, at least 1 (default: the setting)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Only count what would be purged.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Purge cases closed long ago: only anonymous timing statistics remain. Asks first
    (--yes for cron); each purged case gets an access record, and the run is logged."""
    from referral_graph.logging_setup import configure_logging
    from referral_graph.services.retention import purge_closed_cases

    configure_logging("INFO")
    settings = get_settings()
    chosen = settings.retention_years if years is None else years
    runtime = build_runtime(settings)
    try:
        now = runtime.now()
        found = purge_closed_cases(runtime.store, now, years=chosen, dry_run=True)
        console.print(
            f"{found.purged} case(s) closed before {found.cutoff:%Y-%m-%d} "
            f"({chosen:g} years ago) {'would be' if dry_run else 'will be'} purged."
        )
        if dry_run or found.purged == 0:
            return
        if not yes and not typer.confirm("Purge them?", default=False):
            fail("Nothing was purged.")
        report = purge_closed_cases(runtime.store, now, years=chosen)
    except ReferralGraphError as exc:
        fail(f"Cannot purge: {exc.detail}")
    finally:
        runtime.store.close()
    console.print(f"{report.purged} case(s) closed before {report.cutoff:%Y-%m-%d} purged.")


@app.command()
def tick() -> None:
    """Fire due reminders and escalations, and deliver webhooks and messages to people
    (e-mail, SMS, Telegram) once (for cron)."""
    from referral_graph.scheduler import run_once

    runtime = build_runtime(get_settings())
    try:
        fired = run_once(runtime)
    finally:
        runtime.store.close()
    for alert in fired:
        console.print(
            f"{alert.kind.value:<10} {alert.window.value:<13} referral {alert.referral_id} "
            f"→ {', '.join(alert.notify)}"
        )
    console.print(f"{len(fired)} alerts fired.")


app.command("create-user")(create_user_command)
app.command("reset-password")(reset_password_command)
app.command("remove-sample-data")(remove_sample_data_command)
app.command("report")(report_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("import-attendance")(import_attendance)
app.command("capacity-report")(training_report)

"""The ``referral-graph`` command line: serve, seed, demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from referral_graph.bootstrap import build_runtime
from referral_graph.cli.audit import report as report_command
from referral_graph.cli.backup import backup_command, restore_command
from referral_graph.cli.interop import app as interop_app
from referral_graph.cli.meetings import app as meeting_app
from referral_graph.cli.training import import_attendance, training_report
from referral_graph.settings import get_settings

app = typer.Typer(help="Referral network coordination for child protection in Cambodia.")
app.add_typer(interop_app)
app.add_typer(meeting_app)
console = Console(width=None if Console().is_terminal else 160)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default: HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT or 8000)")] = None,
    workers: Annotated[int, typer.Option(min=1, max=16)] = 1,
) -> None:
    """Serve the API (and seed the programme network into an empty store)."""
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
    )


@app.command()
def seed(
    reset: Annotated[bool, typer.Option(help="Delete everything in the store first.")] = False,
    national: Annotated[
        bool, typer.Option(help="Load the synthetic national network (every province).")
    ] = False,
    seed_number: Annotated[int, typer.Option("--seed", help="National generator seed.")] = 2025,
) -> None:
    """Load the programme network (or with --national, the whole country's), with the
    people of its community providers and their trainings."""
    from seed.national import national_writes
    from seed.seeding import is_empty, programme_writes

    runtime = build_runtime(get_settings())
    store = runtime.store
    try:
        if reset:
            store.reset()
        elif not is_empty(store):
            console.print("The store already holds a network; use --reset to replace it.")
            raise typer.Exit(0)
        batch = 500
        writes = national_writes(seed_number, batch) if national else programme_writes(batch)
        sizes: dict[str, int] = {}
        for write in writes:
            sizes[write.what] = sizes.get(write.what, 0) + write.size
        with Progress(console=console) as progress:
            task = progress.add_task("Seeding", total=sum(sizes.values()))
            for write in writes:
                store.write(write.work)
                progress.advance(task, write.size)
        summary = ", ".join(f"{n} {what}" for what, n in sizes.items())
        console.print(f"Seeded {summary} into the {store.name} store.")
    finally:
        store.close()


@app.command()
def demo() -> None:
    """Walk a sample case in Angkor Chum: CCWC → health centre → TPO counsellor."""
    from referral_graph.cli.demo import run_demo
    from seed.seeding import seed_if_empty

    runtime = build_runtime(get_settings())
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


@app.command("create-user")
def create_user_command(
    username: Annotated[str, typer.Option(help="Login name.")],
    role: Annotated[str, typer.Option(help="admin, ccwc, provider, supervisor, coordinator")],
    provider: Annotated[
        str | None, typer.Option(help="Provider id (ccwc/provider/supervisor)")
    ] = None,
    area: Annotated[str | None, typer.Option(help="Area code, or KH (coordinator)")] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create an account (the first admin, for instance); the password is asked for."""
    from referral_graph.security.model import Role
    from referral_graph.services.accounts import NewUser, create_user

    runtime = build_runtime(get_settings())
    try:
        user = create_user(
            runtime.system(),
            NewUser(
                username=username,
                password=password,
                role=Role(role),
                provider_id=provider,
                area_code=area,
            ),
        )
    finally:
        runtime.store.close()
    console.print(f"Created {user.username} ({user.role.value}).")


@app.command()
def retention(
    years: Annotated[
        float | None, typer.Option(help="Years after closure (default: the setting).")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Only count what would be purged.")] = False,
) -> None:
    """Purge cases closed long ago: only anonymous timing statistics remain."""
    from referral_graph.services.retention import purge_closed_cases

    settings = get_settings()
    runtime = build_runtime(settings)
    try:
        report = purge_closed_cases(
            runtime.store,
            runtime.now(),
            years=years or settings.retention_years,
            dry_run=dry_run,
        )
    finally:
        runtime.store.close()
    verb = "would be purged" if report.dry_run else "purged"
    console.print(f"{report.purged} case(s) closed before {report.cutoff:%Y-%m-%d} {verb}.")


@app.command()
def tick() -> None:
    """Fire due reminders and escalations and deliver webhooks once (for cron)."""
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


app.command("report")(report_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("import-attendance")(import_attendance)
app.command("capacity-report")(training_report)

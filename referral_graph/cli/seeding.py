"""``referral-graph seed`` (directory, sample data, or both) and
``referral-graph remove-sample-data``.

    referral-graph seed directory          # the programme's providers and pathways
    referral-graph seed sample             # its sample data, dated from today
    referral-graph seed                    # both (development: what `make run` does)
    referral-graph seed --national         # the synthetic national network (load tests)
    referral-graph remove-sample-data      # every sample record, and nothing else

Production (``REFERRAL_GRAPH_MODE=production``) takes the directory; sample data, and the
national network (invented throughout), only with ``--force-sample-data-in-production``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Annotated

import typer
from rich.progress import Progress

from referral_graph.bootstrap import build_runtime
from referral_graph.cli.common import FORCE_SAMPLE, console, fail, refuse_in_production
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.services.caller import Caller
from referral_graph.services.sample_data import remove_sample_data
from referral_graph.settings import Mode, get_settings
from referral_graph.store.port import Store
from seed.seeding import (
    Write,
    directory_writes_of_programme,
    has_sample_data,
    is_empty,
    sample_writes,
)

log = logging.getLogger("referral_graph.cli")
app = typer.Typer(
    name="seed",
    help="Seed the programme's directory and its sample data (both by default).",
)

Reset = Annotated[bool, typer.Option(help="Delete everything in the store first.")]
Force = Annotated[bool, typer.Option(FORCE_SAMPLE, help="Allow sample data in a production store.")]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="The day the sample data describes (YYYY-MM-DD; default: today)."),
]


def _run(store: Store, steps: Sequence[Write]) -> str:
    sizes: dict[str, int] = {}
    for write in steps:
        if write.size:
            sizes[write.what] = sizes.get(write.what, 0) + write.size
    with Progress(console=console) as progress:
        task = progress.add_task("Seeding", total=sum(sizes.values()))
        for write in steps:
            store.write(write.work)
            progress.advance(task, write.size)
    return ", ".join(f"{n} {what}" for what, n in sizes.items())


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of: {value!r} is not a day (YYYY-MM-DD).", 2)


def _seed(
    *, directory: bool, sample: bool, reset: bool, as_of: date | None, real_only: bool = False
) -> None:
    runtime = build_runtime(get_settings())
    store = runtime.store
    try:
        if reset:
            store.reset()
        elif directory and not is_empty(store):
            fail(
                "The store already holds a network; nothing was seeded. Use --reset to "
                "replace everything in it"
                + (", or `referral-graph seed sample` to add sample data to it." if sample else ".")
            )
        if sample and not directory and is_empty(store):
            fail("The store holds no directory; run `referral-graph seed directory` first.")
        if sample and not directory and has_sample_data(store):
            fail(
                "The store already holds sample data; remove it first with "
                "`referral-graph remove-sample-data`."
            )
        writes: list[Write] = []
        if directory:
            writes += directory_writes_of_programme(500, real_only=real_only)
        if sample:
            writes += sample_writes(500, as_of)
        summary = _run(store, writes)
    except ReferralGraphError as exc:
        fail(f"Seeding failed: {exc.detail}")
    finally:
        store.close()
    console.print(f"Seeded {summary} into the {store.name} store.")


@app.callback(invoke_without_command=True)
def seed(
    ctx: typer.Context,
    reset: Reset = False,
    national: Annotated[
        bool, typer.Option(help="Load the synthetic national network (every province).")
    ] = False,
    seed_number: Annotated[int, typer.Option("--seed", help="National generator seed.")] = 2025,
    force: Force = False,
    as_of: AsOf = None,
) -> None:
    """Load the programme's directory and its sample data (development), or with
    --national the whole country's synthetic network. Production: `seed directory`."""
    if ctx.invoked_subcommand is not None:
        if reset or national or force or as_of:
            fail("Options before a subcommand belong to `seed` alone; put them after it.", 2)
        return
    settings = get_settings()
    what = "the national network (invented throughout)" if national else "sample data"
    refuse_in_production(settings, f"seeding {what}", forced=force)
    if not national:
        _seed(directory=True, sample=True, reset=reset, as_of=_day(as_of))
        return
    from seed.national import national_writes

    runtime = build_runtime(settings)
    store = runtime.store
    try:
        if reset:
            store.reset()
        elif not is_empty(store):
            fail(
                "The store already holds a network; nothing was seeded. Use --reset to "
                "replace everything in it with the national network."
            )
        summary = _run(store, national_writes(seed_number, 500))
    except ReferralGraphError as exc:
        fail(f"Seeding failed: {exc.detail}")
    finally:
        store.close()
    console.print(f"Seeded {summary} into the {store.name} store.")


@app.command("directory")
def seed_directory(reset: Reset = False, force: Force = False) -> None:
    """Load the programme's directory (providers and pathways) into an empty store: what
    a production store starts from. In production only its real, sourced providers (and
    the pathways among them); the invented ones are development data and need
    --force-sample-data-in-production. Add the rest with `referral-graph import` (HSDS,
    a spreadsheet) or the admin pages."""
    settings = get_settings()
    real_only = settings.mode is Mode.PRODUCTION and not force
    _seed(directory=True, sample=False, reset=reset, as_of=None, real_only=real_only)
    if real_only:
        console.print(
            "Production: only the real, sourced providers were loaded (the programme's "
            "invented ones are development data). Add the network's providers with "
            "`referral-graph import` or the admin pages."
        )


@app.command("sample")
def seed_sample(force: Force = False, as_of: AsOf = None) -> None:
    """Add the programme's sample data (synthetic people, trainings, attendance, coaching
    and awareness sessions, dated from today) to a store that holds its directory."""
    refuse_in_production(get_settings(), "seeding sample data", forced=force)
    _seed(directory=False, sample=True, reset=False, as_of=_day(as_of))


def remove_sample_data_command(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Only count what would be removed.")] = False,
) -> None:
    """Remove every sample record (synthetic people, trainings, attendance, coaching and
    awareness sessions) and nothing else, in one transaction."""
    runtime = build_runtime(get_settings())
    try:
        caller = Caller.system(runtime.store, runtime.now(), "remove-sample-data")
        found = remove_sample_data(caller, dry_run=True)
        if found.total == 0:
            console.print("The store holds no sample data.")
            return
        console.print(f"Sample data in the {runtime.store.name} store: {found.summary()}.")
        if dry_run:
            return
        if not yes and not typer.confirm("Remove all of it?", default=False):
            fail("Nothing was removed.")
        removed = remove_sample_data(caller)
    except ReferralGraphError as exc:
        fail(f"Cannot remove the sample data: {exc.detail}")
    finally:
        runtime.store.close()
    console.print(f"Removed {removed.summary()}.")

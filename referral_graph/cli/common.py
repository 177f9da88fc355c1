"""What the commands share: the consoles, and stopping with one line instead of a
traceback."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from referral_graph.settings import Mode, Settings

console = Console(width=None if Console().is_terminal else 160)
errors = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 160)

#: The flag that lets a command write sample data into a production store.
FORCE_SAMPLE = "--force-sample-data-in-production"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` as one line on standard error and exit with ``code``."""
    errors.print(escape(message), soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def refuse_in_production(settings: Settings, what: str, *, forced: bool = False) -> None:
    """Stop a command that writes sample data (or demo records) into a production store,
    unless ``forced`` with :data:`FORCE_SAMPLE`."""
    if settings.mode is Mode.PRODUCTION and not forced:
        fail(
            f"Refused: {what} would put invented records into a production store "
            f"(REFERRAL_GRAPH_MODE=production). Pass {FORCE_SAMPLE} if that is really "
            "what you want."
        )

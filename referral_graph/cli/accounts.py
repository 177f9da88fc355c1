"""``referral-graph create-user`` and ``referral-graph reset-password``.

The first administrator of a production store (no demo accounts exist there)::

    referral-graph create-user --username admin --role admin --generate-password

prints a one-time password once (sign in and keep it in a password manager, or replace
it with ``reset-password``); ``--password-stdin`` reads it from standard input instead
(``printf '%s\\n' "$PW" | referral-graph create-user ... --password-stdin``), and without
either the password is asked for twice. A refused account or password answers in one
line with exit status 1.
"""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer
from pydantic import ValidationError

from referral_graph.bootstrap import build_runtime
from referral_graph.cli.common import console, fail
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.security.model import Role
from referral_graph.security.passwords import password_problem
from referral_graph.services.accounts import NewUser, create_user, reset_password
from referral_graph.settings import get_settings

ROLES = tuple(r.value for r in Role if r is not Role.SYSTEM)

Generate = Annotated[
    bool,
    typer.Option(
        "--generate-password", help="Make a random password and print it once (one-time)."
    ),
]
FromStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _problem(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        loc = ".".join(str(x) for x in error.get("loc", ()))
        parts.append(f"{loc}: {message}" if loc else message)
    return "; ".join(parts)


def _generated(username: str) -> str:
    while True:
        password = secrets.token_urlsafe(15)
        if password_problem(password, username) is None:
            return password


def _password(username: str, given: str | None, generate: bool, stdin: bool) -> str:
    """The password from the one source chosen (asked for twice when none is)."""
    if sum((given is not None, generate, stdin)) > 1:
        fail("Choose one of --password, --generate-password and --password-stdin.", 2)
    if generate:
        return _generated(username)
    if stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail("No password on standard input.")
        return line
    if given is not None:
        return given
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


def create_user_command(
    username: Annotated[str, typer.Option(help="Login name.")],
    role: Annotated[str, typer.Option(help=", ".join(ROLES))],
    provider: Annotated[
        str | None, typer.Option(help="Provider id (ccwc/provider/supervisor)")
    ] = None,
    area: Annotated[str | None, typer.Option(help="Area code, or KH (coordinator)")] = None,
    password: Annotated[
        str | None, typer.Option(help="The password (better: asked, stdin or generated).")
    ] = None,
    generate: Generate = False,
    stdin: FromStdin = False,
) -> None:
    """Create an account (the first admin, for instance)."""
    if role not in ROLES:
        fail(f"Cannot create the account: role {role!r} is not one of {', '.join(ROLES)}.")
    secret = _password(username, password, generate, stdin)
    try:
        new = NewUser(
            username=username,
            password=secret,
            role=Role(role),
            provider_id=provider,
            area_code=area,
        )
    except ValidationError as exc:
        fail(f"Cannot create the account: {_problem(exc)}.")
    runtime = build_runtime(get_settings())
    try:
        user = create_user(runtime.system(), new)
    except ReferralGraphError as exc:
        fail(f"Cannot create the account: {exc.detail}")
    finally:
        runtime.store.close()
    console.print(f"Created {user.username} ({user.role.value}).")
    if generate:
        console.print(f"One-time password (shown only now): {secret}", highlight=False)


def reset_password_command(
    username: Annotated[str, typer.Option(help="The account's login name.")],
    password: Annotated[
        str | None, typer.Option(help="The password (better: asked, stdin or generated).")
    ] = None,
    generate: Generate = False,
    stdin: FromStdin = False,
) -> None:
    """Give an account a new password (a forgotten one, a one-time demo password): its
    sessions end and its sign-in lock is lifted."""
    secret = _password(username, password, generate, stdin)
    runtime = build_runtime(get_settings())
    try:
        user = reset_password(runtime.system(), username, secret)
    except ReferralGraphError as exc:
        fail(f"Cannot reset the password: {exc.detail}")
    finally:
        runtime.store.close()
    runtime.principals.forget_all()
    console.print(f"New password set for {user.username}.")
    if generate:
        console.print(f"One-time password (shown only now): {secret}", highlight=False)

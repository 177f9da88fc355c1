"""What the forms of the web app share: reading a day typed in a field, naming the field
a refusal is about, and building the query string of a link.

A form that does not validate comes back with each mistake (a message id of
``api.web.i18n``) next to its field, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from urllib.parse import urlencode

from fastapi import Request
from pydantic import ValidationError

from referral_graph.domain.errors import InvalidInput
from referral_graph.services.capacity_building.common import EARLIEST, LATEST


def any_day(text: str) -> tuple[date | None, str | None]:
    """A day typed in a form, past or planned: (the day, None) or (None, message id)."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        return None, "err_date"
    if not EARLIEST <= value <= LATEST:
        return None, "err_date"
    return value, None


def past_day(text: str, today: date) -> tuple[date | None, str | None]:
    """A day something happened on, typed in a form: not after ``today``."""
    value, problem = any_day(text)
    if value is not None and value > today:
        return None, "err_future"
    return value, problem


def field_of(exc: InvalidInput | ValidationError, fields: Sequence[str], fallback: str) -> str:
    """The form field a refusal of the use case (or of the model) names; ``fallback``
    when it names none of ``fields``."""
    if isinstance(exc, InvalidInput):
        return exc.field if exc.field is not None and exc.field in fields else fallback
    for e in exc.errors():
        for part in reversed(e.get("loc", ())):
            if part in fields:
                return str(part)
    return fallback


def _message(kind: str) -> str:
    """The message id for a pydantic error type."""
    if kind in ("missing", "too_short", "string_too_short") or kind.endswith("_empty"):
        return "err_required"
    if kind in ("int_parsing", "int_from_float"):
        return "err_number"
    return "err_invalid"


def field_errors(exc: ValidationError, fields: Mapping[str, str], fallback: str) -> dict[str, str]:
    """pydantic's errors as {form field: message id}: ``fields`` maps the names in an
    error's location to form fields, and the deepest known name wins (a nested model's
    own name maps its whole-model errors); an error naming none lands on ``fallback``."""
    errors: dict[str, str] = {}
    for e in exc.errors():
        names = [str(p) for p in e.get("loc", ()) if isinstance(p, str)]
        field = next((fields[n] for n in reversed(names) if n in fields), fallback)
        errors.setdefault(field, _message(str(e.get("type", ""))))
    return errors


def query_string(**params: str | int | None) -> str:
    """A query string of the parameters given (empty ones left out), encoded."""
    return urlencode([(k, str(v)) for k, v in params.items() if v not in (None, "")])


async def posted(request: Request) -> dict[str, str]:
    """The form's fields as text (one value each)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}

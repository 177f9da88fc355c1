"""Logs as JSON lines on standard error: one object per record, with its extras.

Every line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``, plus
the record's ``extra`` fields, plus ``request_id`` when the record was made while a
request was being answered (see :mod:`api.observability`)::

    {"level": "INFO", "logger": "referral_graph.http", "message": "request",
     "request_id": "3f9c…", "method": "GET", "route": "/api/v1/cases/{case_id}",
     "status": 200, "duration_ms": 4.1, "client": "127.0.0.1", "time": "2026-…"}
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import Any, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

#: The id of the request being answered in this context (None outside requests).
REQUEST_ID: ContextVar[str | None] = ContextVar("referral_graph_request_id", default=None)

_MARK = "_referral_graph_handler"


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request it was made in, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            request_id = REQUEST_ID.get()
            if request_id is not None:
                record.request_id = request_id
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "{levelname}{name}{message}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],  # uvicorn's, with ANSI colours
        timestamp="time",
    )


def configure_logging(
    level: str | int = "INFO", *, json_lines: bool = True, stream: TextIO | None = None
) -> logging.Handler:
    """Send every log record (uvicorn's too, when it leaves logging to us) to one
    handler on ``stream`` (standard error), as JSON lines unless ``json_lines`` is
    false. Calling it again replaces the handler it installed; returns the handler."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        json_formatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(floor)
    return handler


#: Loggers kept at WARNING or above whatever the level: the Neo4j driver's INFO and
#: DEBUG lines are per connection and per message, noise for an operator.
QUIET: dict[str, str] = {"neo4j": "WARNING"}


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """What :func:`configure_logging` sets up, as a ``logging.config.dictConfig``
    dictionary. The server hands it to uvicorn, which applies it in every worker process
    it starts: with ``--workers`` above one, the workers are new processes that the
    parent's set-up does not reach, and they logged nothing (not even errors as JSON)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"json": {"()": json_formatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {name: {"level": floor} for name, floor in QUIET.items()},
    }

"""Every error leaves as RFC 9457 problem details; no stack trace ever does."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.idempotency import replay_response
from api.schemas import Problem
from referral_graph.domain.errors import (
    Conflict,
    DuplicateReferral,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NeedsUnmet,
    NotFound,
    ReferralGraphError,
    StaleVersion,
    StoreUnavailable,
    TooManyAttempts,
    Unauthenticated,
)
from referral_graph.services.recorded import Replay

log = logging.getLogger("referral_graph.api")

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 5

_STATUS: list[tuple[type[ReferralGraphError], int]] = [
    (Unauthenticated, 401),
    (Forbidden, 403),
    (TooManyAttempts, 429),
    (NotFound, 404),
    (InvalidInput, 422),
    (Conflict, 409),
    (StoreUnavailable, 503),
]

_TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    500: "Internal error",
    503: "Service unavailable",
}


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def problem(status: int, detail: str, **extra: Any) -> JSONResponse:
    return problem_response(
        Problem(title=_TITLES.get(status, "Error"), status=status, detail=detail, **extra)
    )


def rows_refused(errors: Sequence[Any], detail: str) -> JSONResponse:
    """422 for an all-or-nothing import with bad rows: every row error in ``errors``,
    its field named ``sheet[row].column`` (the import wrote nothing)."""
    items = [
        {"field": f"{e.sheet}[{e.row}].{e.column}", "reason": e.reason, **e.model_dump()}
        for e in errors
    ]
    return problem(422, f"{len(items)} error(s) {detail}", field="file", errors=items)


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _validation(errors: list[Any]) -> JSONResponse:
    items = [{"field": _loc(e.get("loc", ())), "reason": e.get("msg", "invalid")} for e in errors]
    first = items[0] if items else {"field": "body", "reason": "invalid"}
    return problem(
        422,
        f"{first['field']}: {first['reason']}",
        field=first["field"],
        errors=items,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(ReferralGraphError)
    async def domain_error(_: Request, exc: ReferralGraphError) -> JSONResponse:
        status = next((code for kind, code in _STATUS if isinstance(exc, kind)), 400)
        body = Problem(title=exc.title, status=status, detail=exc.detail, field=exc.field)
        if isinstance(exc, IllegalTransition):
            body.current_status, body.allowed = exc.current, exc.allowed
        if isinstance(exc, StaleVersion):
            body.current_status = exc.current_status
        if isinstance(exc, DuplicateReferral):
            body.referral_id = exc.referral_id
        if isinstance(exc, NeedsUnmet):
            body.unmet_needs = exc.unmet_needs
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after)}
        if isinstance(exc, Unauthenticated):
            headers = {"WWW-Authenticate": "Bearer"}
        if status == 503:
            log.warning("store unavailable: %s", exc.detail)
        return problem_response(body, headers)

    @app.exception_handler(Replay)
    async def replayed(_: Request, exc: Replay) -> Response:
        return replay_response(exc.record)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation(list(exc.errors()))

    @app.exception_handler(ValidationError)
    async def model_invalid(_: Request, exc: ValidationError) -> JSONResponse:
        return _validation(list(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that could not be parsed (e.g. not UTF-8)
            return problem(422, f"body: {exc.detail}", field="body")
        if exc.status_code == 413:  # a body that grew past the limit while being read
            return problem(413, str(exc.detail), field="body")
        return problem(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return problem(500, "Something went wrong on our side; it has been logged.")

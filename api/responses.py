"""OpenAPI declarations of the problem responses each route can give."""

from __future__ import annotations

from typing import Any

from api.schemas import Problem

_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not signed in, or the token is expired, revoked or not valid",
    403: "The account's role may not do this",
    429: "Too many requests; retry after the Retry-After header",
    404: "No such object",
    409: "Conflicts with the current state (the body names it and what is allowed)",
    413: "Request body too large",
    422: "Invalid input (the body names the field and the reason)",
    503: "Store unavailable; retry after the Retry-After header",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status as problem+json; 422 and 503 always."""
    wanted = sorted({*statuses, 422, 503})
    return {
        status: {
            "model": Problem,
            "description": _DESCRIPTIONS[status],
            "content": {"application/problem+json": {}},
        }
        for status in wanted
    }

"""What the web app answers when a request goes wrong: a page in the reader's language
that keeps the menu (so nobody is left at a dead end) and names the field a refusal is
about and why; and, for a form whose CSRF token had expired, the same form again with
everything typed and a fresh token instead of the typing lost.

Refilling a refused form is safe: it writes nothing, and happens only for a signed-in
session (its cookies are SameSite=Strict, so another site's POST arrives without them)
whose request does not name another Origin; the person reads the refilled form and
sends it again, with the new token.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import RETRY_AFTER_SECONDS
from api.middleware import BodyTooLarge
from api.web.i18n import MESSAGES, Lang, t
from api.web.render import page
from api.web.session import (
    CsrfRejected,
    SignInNeeded,
    Web,
    base_of,
    lang_of,
    posted_form,
    renew_csrf,
    same_origin,
    web_context,
)
from referral_graph.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ReferralGraphError,
    StoreUnavailable,
    TooManyAttempts,
    Unauthenticated,
)

#: Re-renders a form from what was posted (no write), by the path it posts to.
Refill = Callable[[Web, Sequence[tuple[str, str]]], Response | None]
_REFILLS: dict[str, Refill] = {}
Model = TypeVar("Model", bound=BaseModel)


def refills(path: str) -> Callable[[Refill], Refill]:
    """Register how the form posted to ``path`` (under the app's base) comes back filled
    when its token had expired."""

    def register(refill: Refill) -> Refill:
        _REFILLS[path] = refill
        return refill

    return register


def form_model(model: type[Model], fields: Sequence[tuple[str, str]]) -> Model:
    """A form model from posted pairs: list fields take every value, others the last."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        given = [v for k, v in fields if k == name]
        if getattr(info.annotation, "__origin__", None) is list:
            values[name] = given
        elif given:
            values[name] = given[-1]
    return model.model_validate(values)


def _viewer(request: Request) -> Web | None:
    """The signed-in person, if any, so that an error page keeps their menu."""
    try:
        return web_context(request)
    except (SignInNeeded, ReferralGraphError):
        return None


def field_label(field: str | None, lang: Lang) -> str:
    """A field named as the forms name it, in ``lang``."""
    for key in (f"field_{field}", field or ""):
        if key in MESSAGES:
            return t(key, lang)
    return t("field_unknown", lang)


def _why(kind: str) -> str:
    """The message id saying why a value was refused, from pydantic's error type."""
    if kind == "missing" or kind.endswith("_empty") or kind.endswith("too_short"):
        return "why_required"
    if kind.startswith("int_") or kind.startswith("float_"):
        return "why_number"
    if kind.endswith("too_long"):
        return "why_too_long"
    return "why_value"


def error_page(request: Request, status: int, message: str, **values: object) -> Response:
    viewer = _viewer(request)
    return page(
        request,
        "error.html",
        principal=viewer.principal if viewer else None,
        status=status,
        title="error_title",
        message=message,
        values=values,
    )


def _invalid(request: Request, field: str | None, why: str) -> Response:
    lang = lang_of(request)
    return error_page(request, 422, "err_field", field=field_label(field, lang), why=why)


def _named_field(errors: Sequence[Mapping[str, Any]]) -> tuple[str | None, str]:
    """The field the first of pydantic's errors is about, and the reason's message id."""
    for e in errors:
        names = [str(p) for p in e.get("loc", ()) if isinstance(p, str)]
        names = [n for n in names if n not in ("body", "query", "path", "form")]
        return (names[-1] if names else None), _why(str(e.get("type", "")))
    return None, "why_value"


def install(app: FastAPI) -> None:
    """The web app's error pages."""

    async def sign_in_needed(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        query = f"?next={quote(target, safe='/')}" if request.method == "GET" else ""
        return RedirectResponse(f"{base_of(request)}/signin{query}", status_code=303)

    async def csrf_rejected(request: Request, exc: Exception) -> Response:
        renew_csrf(request)
        refill = _REFILLS.get(request.url.path.removeprefix(base_of(request)))
        fields = posted_form(request)
        if refill is not None and fields is not None and same_origin(request):
            viewer = _viewer(request)
            refilled = refill(viewer, fields) if viewer is not None else None
            if refilled is not None:
                return refilled
        return error_page(request, 403, "csrf_failed")

    async def domain_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, Unauthenticated):
            return await sign_in_needed(request, exc)
        status, message = 500, "error_title"
        if isinstance(exc, NotFound):
            status, message = 404, "not_found"
        elif isinstance(exc, Forbidden):
            status, message = 403, "forbidden"
        elif isinstance(exc, InvalidInput):
            lang = lang_of(request)
            why = exc.detail if lang == "en" else t("why_value", lang)
            return _invalid(request, exc.field, why)
        elif isinstance(exc, Conflict):
            status, message = 409, "err_conflict"
        elif isinstance(exc, TooManyAttempts):
            status, message = 429, "signin_locked"
        elif isinstance(exc, StoreUnavailable):  # a full disk too: nothing was written
            response = error_page(request, 503, "err_unavailable")
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return error_page(request, status, message)

    async def bad_request(request: Request, exc: Exception) -> Response:
        errors = exc.errors() if isinstance(exc, RequestValidationError) else []
        field, why = _named_field(errors)
        return _invalid(request, field, t(why, lang_of(request)))

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
        if isinstance(exc, BodyTooLarge):
            return error_page(request, 413, "err_too_large", kb=exc.max_bytes // 1024)
        return error_page(request, status, "not_found" if status == 404 else "error_title")

    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(CsrfRejected, csrf_rejected)
    app.add_exception_handler(ReferralGraphError, domain_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(StarletteHTTPException, http_error)

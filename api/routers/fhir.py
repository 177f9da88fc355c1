"""FHIR R4 (``application/fhir+json``): referrals as Task and ServiceRequest, both ways.

Read, search and update Task (an update moves the referral through its lifecycle),
read and search ServiceRequest, the case Bundle, the CapabilityStatement
(``/fhir/metadata``) and the StructureDefinitions of our extensions. Everything under
``/fhir`` answers FHIR: errors are ``OperationOutcome`` resources (:class:`FhirRoute`),
a request that accepts only XML gets 406. Each route is one call to a use case in
``referral_graph.services.fhir``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import CallerDep
from api.idempotency import REPLAYED, IdempotencyDep
from referral_graph.domain.errors import (
    Conflict,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotFound,
    ReferralGraphError,
    StaleVersion,
    StoreUnavailable,
    TooManyAttempts,
    Unauthenticated,
)
from referral_graph.interop import fhir_definitions, fhir_search
from referral_graph.interop.fhir_inbound import BadRequest
from referral_graph.interop.fhir_narrative import outcome_text
from referral_graph.interop.fhir_search import BadSearch
from referral_graph.services import fhir as use
from referral_graph.services.recorded import Replay

log = logging.getLogger("referral_graph.api")
FHIR_JSON = "application/fhir+json"
_JSON_OK = ("json", "*/*", "application/*")

#: domain error → (HTTP status, OperationOutcome issue type); the first match wins.
_OUTCOMES: list[tuple[type[ReferralGraphError], int, str]] = [
    (BadSearch, 400, "invalid"),
    (BadRequest, 400, "structure"),
    (Unauthenticated, 401, "login"),
    (Forbidden, 403, "forbidden"),
    (TooManyAttempts, 429, "throttled"),
    (NotFound, 404, "not-found"),
    (IllegalTransition, 409, "business-rule"),
    (StaleVersion, 409, "conflict"),
    (InvalidInput, 422, "invalid"),
    (Conflict, 409, "conflict"),
    (StoreUnavailable, 503, "transient"),
]
_HTTP_ISSUE = {400: "invalid", 404: "not-found", 405: "not-supported", 413: "too-costly"}


class FhirJSONResponse(JSONResponse):
    """FHIR resources leave as ``application/fhir+json``."""

    media_type = FHIR_JSON


def outcome(
    status: int,
    detail: str,
    *,
    code: str = "processing",
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> FhirJSONResponse:
    """An ``OperationOutcome`` with one error issue, naming the element if known."""
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": detail}
    if field:
        issue["expression"] = [field]
    body = {"resourceType": "OperationOutcome", "text": outcome_text(detail), "issue": [issue]}
    return FhirJSONResponse(body, status_code=status, headers=headers)


def _from_error(request: Request, exc: ReferralGraphError) -> FhirJSONResponse:
    status, code = next(((s, c) for k, s, c in _OUTCOMES if isinstance(exc, k)), (400, "invalid"))
    if isinstance(exc, StaleVersion) and request.headers.get("if-match"):
        status = 412  # FHIR: a version-aware update whose If-Match is out of date
    headers = None
    if isinstance(exc, Unauthenticated):
        headers = {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    elif status == 503:
        headers = {"Retry-After": "5"}
    field = exc.field
    if request.method == "PUT" and field in ("status", "reason", "outcome"):
        field = {"status": "Task.status", "reason": "Task.statusReason"}.get(field, "Task.output")
    return outcome(status, exc.detail, code=code, field=field, headers=headers)


def _refuses_json(request: Request) -> str | None:
    """Why the request cannot be answered in JSON (None if it can)."""
    wanted = request.query_params.get("_format")
    if wanted is not None and not ("json" in wanted or wanted == "*/*"):
        return f"_format={wanted!r}: this server speaks FHIR JSON only (application/fhir+json)."
    accept = request.headers.get("accept", "").lower()
    if accept and not any(token in accept for token in _JSON_OK):
        return f"Accept: {accept!r}: this server answers in application/fhir+json only."
    return None


class FhirRoute(APIRoute):
    """A route whose errors are FHIR ``OperationOutcome`` resources, whatever raised
    them (a use case, the authorisation or idempotency dependencies, parameter checks),
    and whose documented error responses are ``application/fhir+json``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.responses = FhirResponses(self.responses)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            refused = _refuses_json(request)
            if refused is not None:
                return outcome(406, refused, code="not-supported")
            try:
                return await handler(request)
            except ReferralGraphError as exc:
                return _from_error(request, exc)
            except Replay as exc:
                body = use.task_of_answer(exc.record.body)
                return FhirJSONResponse(body, exc.record.status, headers={REPLAYED: "true"})
            except RequestValidationError as exc:
                first: dict[str, Any] = next(iter(exc.errors()), {})
                where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
                return outcome(400, f"{where}: {first.get('msg', 'invalid')}", field=where)
            except StarletteHTTPException as exc:
                code = _HTTP_ISSUE.get(exc.status_code, "processing")
                return outcome(exc.status_code, str(exc.detail), code=code)
            except Exception as exc:  # the FHIR answer to a bug; it is logged
                log.exception("unexpected error", exc_info=exc)
                return outcome(500, "Something went wrong on our side; it has been logged.")

        return answer


_OUTCOME_SCHEMA = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {"resourceType": {"const": "OperationOutcome"}, "issue": {"type": "array"}},
}
_DESCRIPTIONS = {
    400: "A search parameter, header or body this server cannot use",
    401: "Not signed in, or the token is expired, revoked or not valid",
    403: "The account's role may not do this",
    404: "No such resource (or not yours)",
    406: "Only application/fhir+json is served",
    409: "Conflicts with the referral's current status (an illegal step)",
    412: "If-Match names an older version",
    415: "The body must be application/fhir+json",
    422: "The Task is not valid, or lacks the reason or outcome the step needs",
    429: "Too many requests",
    503: "Store unavailable; retry after the Retry-After header",
}


def _outcome_response(status: int, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or _DESCRIPTIONS.get(status, "Error"),
        "content": {FHIR_JSON: {"schema": _OUTCOME_SCHEMA}},
    }


class FhirResponses(dict[int | str, dict[str, Any]]):
    """Documented responses of a FHIR route: whoever adds an error response later (the
    app documents 401 and 403 on every signed-in route) gets it as an OperationOutcome."""

    def update(self, *args: Any, **kwargs: Any) -> None:
        for status, spec in dict(*args, **kwargs).items():
            code = int(status)
            self[status] = _outcome_response(code, spec.get("description")) if code >= 400 else spec


def fhir_problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a FHIR route: each status as an OperationOutcome."""
    return {s: _outcome_response(s) for s in sorted({*statuses, 400, 406, 422, 503})}


router = APIRouter(prefix="/fhir", tags=["fhir"], route_class=FhirRoute)
FhirId = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


def _versioned(body: dict[str, Any]) -> FhirJSONResponse:
    version = body.get("meta", {}).get("versionId")
    headers = {"ETag": f'W/"{version}"'} if version else None
    return FhirJSONResponse(body, headers=headers)


def _strict(request: Request) -> bool:
    return "handling=strict" in request.headers.get("prefer", "").replace(" ", "")


@router.get("/metadata", response_class=FhirJSONResponse, responses=fhir_problems())
def capability_statement(request: Request) -> FhirJSONResponse:
    """The CapabilityStatement: exactly what this FHIR API supports."""
    return FhirJSONResponse(fhir_definitions.capability_statement(_base(request)))


@router.get("/StructureDefinition", response_class=FhirJSONResponse, responses=fhir_problems())
def search_structure_definitions(request: Request, url: str | None = None) -> FhirJSONResponse:
    """The StructureDefinitions of our extensions (all, or the one with ``url``)."""
    found = [d for d in fhir_definitions.structure_definitions() if url is None or d["url"] == url]
    entries = [
        {"fullUrl": f"{_base(request)}/StructureDefinition/{d['id']}", "resource": d,
         "search": {"mode": "match"}}
        for d in found
    ]  # fmt: skip
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "total": len(found)}
    if entries:
        bundle["entry"] = entries
    return FhirJSONResponse(bundle)


@router.get(
    "/StructureDefinition/{definition_id}",
    response_class=FhirJSONResponse,
    responses=fhir_problems(404),
)
def read_structure_definition(definition_id: str) -> FhirJSONResponse:
    """One extension's StructureDefinition, at the path of its canonical URL."""
    ext = fhir_definitions.BY_ID.get(definition_id)
    if ext is None:
        raise NotFound("StructureDefinition", definition_id)
    return FhirJSONResponse(fhir_definitions.structure_definition(ext))


@router.get("/Task", response_class=FhirJSONResponse, responses=fhir_problems())
def search_tasks(caller: CallerDep, request: Request) -> FhirJSONResponse:
    """Search the Tasks you may see: ``owner``, ``requester``, ``status``, ``part-of``,
    ``_lastUpdated``, ``_id``, ``identifier``; paged with ``_count`` and Bundle links."""
    query = fhir_search.parse("Task", request.query_params.multi_items(), strict=_strict(request))
    return FhirJSONResponse(use.search(caller, query, base=_base(request)))


@router.get("/Task/{task_id}", response_class=FhirJSONResponse, responses=fhir_problems(404))
def read_task(caller: CallerDep, task_id: str) -> FhirJSONResponse:
    """The Task of a referral: its status one to one, owner, timings and ``partOf``."""
    return _versioned(use.read_task(caller, task_id))


_TASK_BODY = {
    "required": True,
    "content": {
        FHIR_JSON: {"schema": {"type": "object", "description": "A FHIR R4 Task"}},
        "application/json": {"schema": {"type": "object", "description": "A FHIR R4 Task"}},
    },
}


def _if_match(value: str | None) -> int | None:
    if value is None:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d{1,9})"?\s*', value)
    if match is None:
        raise BadRequest(
            'If-Match must be a version as the ETag gives it: W/"3".', field="If-Match"
        )
    return int(match[1])


@router.put(
    "/Task/{task_id}",
    response_class=FhirJSONResponse,
    responses=fhir_problems(403, 404, 409, 412, 415, 422),
    dependencies=[IdempotencyDep],
    openapi_extra={"requestBody": _TASK_BODY},
)
async def update_task(
    caller: CallerDep,
    request: Request,
    task_id: str,
    if_match: Annotated[str | None, Header(description='W/"version" from the ETag')] = None,
) -> FhirJSONResponse:
    """Move the referral by updating its Task: change ``status`` (with ``statusReason``
    to decline, fail or cancel, ``output`` for the outcome of a completed referral).
    Same rules, authorisation, idempotency (``Idempotency-Key``) and audit as
    ``POST /api/v1/referrals/{id}/transitions``."""
    kind = request.headers.get("content-type", FHIR_JSON).split(";")[0].strip().lower()
    if kind not in (FHIR_JSON, "application/json"):
        return outcome(415, f"Content-Type {kind!r}: send application/fhir+json.",
                       code="not-supported")  # fmt: skip
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("The body is not JSON.", field="Task") from None
    version = _if_match(if_match)
    task = await run_in_threadpool(use.update_task, caller, task_id, body, if_match=version)
    return _versioned(task)


@router.get("/ServiceRequest", response_class=FhirJSONResponse, responses=fhir_problems())
def search_service_requests(caller: CallerDep, request: Request) -> FhirJSONResponse:
    """Search the ServiceRequests you may see: ``requester``, ``performer``, ``status``,
    ``_lastUpdated``, ``_id``; paged with ``_count`` and Bundle links."""
    items = request.query_params.multi_items()
    query = fhir_search.parse("ServiceRequest", items, strict=_strict(request))
    return FhirJSONResponse(use.search(caller, query, base=_base(request)))


@router.get(
    "/ServiceRequest/{request_id}", response_class=FhirJSONResponse, responses=fhir_problems(404)
)
def read_service_request(caller: CallerDep, request_id: str) -> FhirJSONResponse:
    """The ServiceRequest of a referral: the service asked for, by whom, of whom."""
    return _versioned(use.read_service_request(caller, request_id))


@router.get("/Bundle", response_class=FhirJSONResponse, responses=fhir_problems(404))
def case_bundle(caller: CallerDep, request: Request, case: FhirId) -> FhirJSONResponse:
    """A ``collection`` Bundle of one case: nameless Patient, Organizations, and each
    referral's ServiceRequest and Task (for the case's own CCWC)."""
    return FhirJSONResponse(use.case_bundle(caller, case, base=_base(request)))


#: A served type's own route answers first (``/fhir/Task/…``), with its own 401 and 403.
SERVED_TYPES_ANSWER = (400, 401, 403, 404, 406)


@router.get(
    "/{resource_type}",
    response_class=FhirJSONResponse,
    responses=fhir_problems(*SERVED_TYPES_ANSWER),
)
def unsupported_type(resource_type: str) -> FhirJSONResponse:
    """Any other resource type: not served here (see ``/fhir/metadata``)."""
    return outcome(
        404,
        f"{resource_type} is not served here; /fhir/metadata lists what is.",
        code="not-supported",
    )


@router.get(
    "/{resource_type}/{resource_id}",
    response_class=FhirJSONResponse,
    responses=fhir_problems(*SERVED_TYPES_ANSWER),
)
def unsupported_read(resource_type: str, resource_id: str) -> FhirJSONResponse:
    """Any other resource type: not served here (see ``/fhir/metadata``)."""
    return unsupported_type(resource_type)

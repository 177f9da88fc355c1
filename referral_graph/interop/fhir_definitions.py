"""What the FHIR API publishes about itself: the StructureDefinitions of its extensions
and the CapabilityStatement (``/fhir/metadata``).

The four extensions are served at their canonical URLs' paths
(``/fhir/StructureDefinition/age`` …) and are the ones a strict validator (HAPI with
``setAnyExtensionsAllowed(false)``) loads, so an export that used an extension not
defined here fails validation. The CapabilityStatement lists exactly the interactions
and search parameters ``api/routers/fhir.py`` serves; a test compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from referral_graph import __version__
from referral_graph.interop.codes import CANONICAL
from referral_graph.interop.fhir_narrative import narrative

Json = dict[str, Any]

FHIR_VERSION = "4.0.1"
PUBLISHED = "2026-12-07"
PUBLISHER = "referral-graph"
CORE_SP = "http://hl7.org/fhir/SearchParameter"


@dataclass(frozen=True, slots=True)
class ExtensionDefinition:
    id: str
    name: str
    title: str
    description: str
    context: str  # the element the extension sits on
    value_type: str  # the FHIR data type of value[x]

    @property
    def url(self) -> str:
        return f"{CANONICAL}/StructureDefinition/{self.id}"


def _deadline(window: str, what: str) -> ExtensionDefinition:
    return ExtensionDefinition(
        id=f"deadline-{window}",
        name=f"Deadline{''.join(w.title() for w in window.split('-'))}",
        title=f"Deadline to {what}",
        description=(
            f"When the receiving provider must {what} at the latest, under the network's "
            "agreed deadlines (its SLA policy) for the referral's risk level."
        ),
        context="Task.restriction",
        value_type="dateTime",
    )


EXTENSIONS: tuple[ExtensionDefinition, ...] = (
    ExtensionDefinition(
        id="age",
        name="Age",
        title="Age of the child in years",
        description=(
            "The child's age in years when the case was opened. Cases are pseudonymous: "
            "no birth date is kept, so the age travels as this extension."
        ),
        context="Patient",
        value_type="Age",
    ),
    _deadline("acknowledge", "acknowledge the referral"),
    _deadline("decide", "accept or decline the referral"),
    _deadline("first-contact", "make first contact with the child"),
)
BY_ID = {e.id: e for e in EXTENSIONS}
BY_URL = {e.url: e for e in EXTENSIONS}


def structure_definition(ext: ExtensionDefinition) -> Json:
    """The StructureDefinition (differential only) of one extension."""
    return {
        "resourceType": "StructureDefinition",
        "id": ext.id,
        "text": narrative(
            f"Extension {ext.title}: {ext.description}",
            f"ផ្នែកបន្ថែម {ext.id} ({ext.title})។",
        ),
        "url": ext.url,
        "version": "1.0.0",
        "name": ext.name,
        "title": ext.title,
        "status": "active",
        "date": PUBLISHED,
        "publisher": PUBLISHER,
        "description": ext.description,
        "fhirVersion": FHIR_VERSION,
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": ext.context}],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {
            "element": [
                {
                    "id": "Extension",
                    "path": "Extension",
                    "short": ext.title,
                    "definition": ext.description,
                    "min": 0,
                    "max": "1",
                },
                {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
                {"id": "Extension.url", "path": "Extension.url", "fixedUri": ext.url},
                {
                    "id": "Extension.value[x]",
                    "path": "Extension.value[x]",
                    "min": 1,
                    "type": [{"code": ext.value_type}],
                },
            ]
        },
    }


def structure_definitions() -> list[Json]:
    return [structure_definition(e) for e in EXTENSIONS]


@dataclass(frozen=True, slots=True)
class SearchParam:
    name: str
    type: str
    definition: str | None
    documentation: str


TASK_SEARCH: tuple[SearchParam, ...] = (
    SearchParam("_id", "token", f"{CORE_SP}/Resource-id", "The Task's id."),
    SearchParam(
        "_lastUpdated",
        "date",
        f"{CORE_SP}/Resource-lastUpdated",
        "When the referral last changed; prefixes eq, ne, gt, ge, lt, le, sa, eb; "
        "repeat the parameter for a range.",
    ),
    SearchParam(
        "identifier", "token", f"{CORE_SP}/Task-identifier", "The referral id (system|value)."
    ),
    SearchParam(
        "owner",
        "reference",
        f"{CORE_SP}/Task-owner",
        "The receiving provider: Organization/{id} (the inbox of a provider).",
    ),
    SearchParam("requester", "reference", f"{CORE_SP}/Task-requester", "The referring provider."),
    SearchParam(
        "status",
        "token",
        f"{CORE_SP}/Task-status",
        "Task status codes, comma-separated for any of them.",
    ),
    SearchParam(
        "part-of",
        "reference",
        f"{CORE_SP}/Task-part-of",
        "The Task an onward referral continues: Task/{id}.",
    ),
)
SERVICE_REQUEST_SEARCH: tuple[SearchParam, ...] = (
    SearchParam("_id", "token", f"{CORE_SP}/Resource-id", "The ServiceRequest's id."),
    SearchParam(
        "_lastUpdated",
        "date",
        f"{CORE_SP}/Resource-lastUpdated",
        "When the referral last changed (prefixes as for Task).",
    ),
    SearchParam(
        "requester", "reference", f"{CORE_SP}/ServiceRequest-requester", "The referring provider."
    ),
    SearchParam(
        "performer",
        "reference",
        f"{CORE_SP}/ServiceRequest-performer",
        "The provider asked: Organization/{id}.",
    ),
    SearchParam(
        "status",
        "token",
        f"{CORE_SP}/ServiceRequest-status",
        "Request status codes (active, on-hold, completed, revoked), comma-separated.",
    ),
)
SEARCHES: dict[str, tuple[SearchParam, ...]] = {
    "Task": TASK_SEARCH,
    "ServiceRequest": SERVICE_REQUEST_SEARCH,
}

PAGING = (
    "Searches answer a searchset Bundle with total and links self, first, previous, next "
    "and last; _count sets the page size (default 50, at most 500). Unknown parameters are "
    "ignored and left out of the self link, or refused with 400 when the request sends "
    "'Prefer: handling=strict'."
)


def _search_params(params: tuple[SearchParam, ...]) -> list[Json]:
    out: list[Json] = []
    for p in params:
        entry: Json = {"name": p.name, "type": p.type, "documentation": p.documentation}
        if p.definition is not None:
            entry["definition"] = p.definition
        out.append(entry)
    return out


def capability_statement(base: str) -> Json:
    """What this server does, exactly: read, search and update of Task (update moves the
    referral through its lifecycle), read and search of ServiceRequest, the case Bundle,
    and the StructureDefinitions of the extensions."""
    read = {"code": "read"}
    search = {"code": "search-type"}
    update = {
        "code": "update",
        "documentation": (
            "A partner signed in as the receiving provider (or the sender, to cancel) moves "
            "the referral by changing Task.status, with statusReason (declined, failed, "
            "cancelled) and output (the outcome of a completed referral), through the same "
            "lifecycle rules, authorisation, idempotency (Idempotency-Key) and audit as the "
            'JSON API. If-Match: W/"version" refuses a stale update with 412. An illegal '
            "step answers an OperationOutcome with 409, a missing reason or outcome 422."
        ),
    }
    return {
        "resourceType": "CapabilityStatement",
        "id": "referral-graph",
        "text": narrative(
            "referral-graph FHIR R4 API: read, search and update Task; read and search "
            "ServiceRequest; the case Bundle; StructureDefinitions of its extensions.",
            "FHIR API របស់ referral-graph៖ អាន ស្វែងរក និងធ្វើបច្ចុប្បន្នភាព Task "
            "អាន និងស្វែងរក ServiceRequest។",
        ),
        "url": f"{CANONICAL}/CapabilityStatement/referral-graph",
        "version": __version__,
        "name": "ReferralGraph",
        "title": "referral-graph FHIR API",
        "status": "active",
        "date": PUBLISHED,
        "publisher": PUBLISHER,
        "description": (
            "Referrals of children and young people between providers of a child-protection "
            "and mental-health network in Cambodia, as ServiceRequest (what was asked) and "
            "Task (where the handoff stands), with partOf chains for onward referrals."
        ),
        "kind": "instance",
        "software": {"name": "referral-graph", "version": __version__},
        "implementation": {"description": "referral-graph FHIR API", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "JSON only (application/fhir+json); a request that accepts only XML is "
                    "refused with 406. Errors are OperationOutcome resources. "
                    "GET /fhir/Bundle?case={id} answers the case's collection Bundle "
                    "(nameless Patient, Organizations, each referral's ServiceRequest and "
                    "Task) to the CCWC that opened the case. " + PAGING
                ),
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "restful-security-service",
                                    "code": "OAuth",
                                }
                            ]
                        }
                    ],
                    "description": (
                        "Send an Authorization header with a bearer token: an access token from "
                        "POST /api/v1/auth/token or an integration's API token. A provider "
                        "sees only its own handoffs."
                    ),
                },
                "resource": [
                    {
                        "type": "Task",
                        "documentation": "Where a referral stands; one per referral.",
                        "interaction": [read, update, search],
                        "versioning": "versioned-update",
                        "readHistory": False,
                        "updateCreate": False,
                        "conditionalUpdate": False,
                        "searchParam": _search_params(TASK_SEARCH),
                    },
                    {
                        "type": "ServiceRequest",
                        "documentation": "What the referring provider asked for.",
                        "interaction": [read, search],
                        "versioning": "versioned",
                        "readHistory": False,
                        "searchParam": _search_params(SERVICE_REQUEST_SEARCH),
                    },
                    {
                        "type": "StructureDefinition",
                        "documentation": "The extensions this server uses.",
                        "interaction": [read, search],
                        "searchParam": [
                            {
                                "name": "url",
                                "type": "uri",
                                "definition": f"{CORE_SP}/conformance-url",
                                "documentation": "The canonical URL of the extension.",
                            }
                        ],
                    },
                ],
            }
        ],
    }

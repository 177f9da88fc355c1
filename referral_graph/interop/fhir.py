"""FHIR R4 (R4B models) export of referrals: pure mappings from domain objects.

One referral becomes a ``ServiceRequest`` (what was asked for) and a ``Task`` (where the
handoff stands); a case becomes a ``Bundle`` of type ``collection`` holding a nameless
``Patient``, the ``Organization`` of every provider involved and each referral's pair.

* Ids: :func:`~referral_graph.interop.fhir_ids.fhir_id` (stable, collision-free: an id
  that is not already a FHIR id is encoded reversibly); the exact domain id is kept in
  ``identifier`` as well.
* Every resource has a short generated narrative in English and Khmer
  (:mod:`.fhir_narrative`); a Task and its ServiceRequest carry ``meta.versionId`` (the
  referral's version, also the ``ETag`` of a read) and ``meta.lastUpdated``.
* The Patient is pseudonymous: no name, no birth date, no address, no telecom; its only
  identifier is the case code and its age travels as an extension.
* ``Task.status`` is the referral status renamed (:attr:`ReferralStatus.fhir_code`);
  ``ServiceRequest.status`` is :data:`SERVICE_REQUEST_STATUS`; ``businessStatus`` is our
  status code; ``priority`` follows the risk level.
* ``Task.statusReason`` is the referral's reason, shown only in ``rejected``, ``failed``
  and ``cancelled`` (the statuses that require one, so it is always this step's reason).
* ``Task.executionPeriod`` starts when the referral first went ``in_progress`` and ends
  when it completed, failed or was cancelled; a referral never started has none.
* ``Task.restriction.period`` runs from ``authoredOn`` to the latest deadline when the
  referral carries deadlines (``due``), each deadline also as an extension.
* ``Task.partOf`` points at the Task of the referral an onward referral continues.

Nothing here reads a store or a clock: callers pass everything in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from pydantic import BaseModel

from referral_graph.domain.lifecycle import REASON_REQUIRED, ReferralStatus
from referral_graph.domain.models import Case, CaseStatus, Provider, Referral
from referral_graph.domain.vocabulary import Gender, RiskLevel
from referral_graph.interop import fhir_narrative
from referral_graph.interop.codes import (
    CANONICAL,
    CS_PROVIDER_KIND,
    CS_REFERRAL_STATUS,
    CS_SERVICE,
    NS_CASE_CODE,
    NS_PROVIDER_ID,
    NS_REFERRAL_ID,
    bcp47,
    label,
    language_name,
)
from referral_graph.interop.fhir_ids import fhir_id

Json = dict[str, Any]
S = ReferralStatus

#: Base used for ``Bundle.entry.fullUrl`` when the caller knows no better one.
DEFAULT_BASE = CANONICAL

SD_AGE = f"{CANONICAL}/StructureDefinition/age"
SD_DEADLINE = f"{CANONICAL}/StructureDefinition/deadline"
#: The deadlines a Task carries as extensions of ``restriction`` (``Deadlines`` fields).
DEADLINE_NAMES = ("acknowledge", "decide", "first_contact")

#: ServiceRequest.status (request-status) for each referral status.
SERVICE_REQUEST_STATUS: dict[ReferralStatus, str] = {
    S.REQUESTED: "active",
    S.RECEIVED: "active",
    S.ACCEPTED: "active",
    S.IN_PROGRESS: "active",
    S.ON_HOLD: "on-hold",
    S.COMPLETED: "completed",
    S.REJECTED: "revoked",
    S.FAILED: "revoked",
    S.CANCELLED: "revoked",
}

#: Patient.gender (administrative-gender) for each stated gender.
PATIENT_GENDER: dict[Gender, str] = {
    Gender.FEMALE: "female",
    Gender.MALE: "male",
    Gender.NON_BINARY: "other",
    Gender.UNDISCLOSED: "unknown",
}

#: request-priority for each risk level (routine < urgent < asap < stat).
PRIORITY: dict[RiskLevel, str] = {
    RiskLevel.LOW: "routine",
    RiskLevel.MEDIUM: "urgent",
    RiskLevel.HIGH: "asap",
    RiskLevel.EMERGENCY: "stat",
}

#: Statuses whose time ends ``Task.executionPeriod``.
_ENDING = (S.COMPLETED, S.FAILED, S.CANCELLED)

_PSEUDONYMISED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "PSEUDED",
    "display": "pseudonymized",
}


def as_json(resource: Resource) -> Json:
    """FHIR JSON of a resource (``resourceType`` first, no empty elements)."""
    data: Json = json.loads(resource.model_dump_json())
    return data


def _time(value: datetime) -> str:
    return value.isoformat()


def _ref(kind: str, ident: str) -> Json:
    return {"reference": f"{kind}/{fhir_id(ident)}"}


def _identifier(system: str, value: str) -> list[Json]:
    return [{"system": system, "value": value}]


def _service_code(referral: Referral) -> Json:
    code = referral.service
    return {"coding": [{"system": CS_SERVICE, "code": code.value, "display": label(code)}]}


def patient(case: Case) -> Patient:
    """The case as a nameless Patient: identifier = case code, age as an extension."""
    data: Json = {
        "resourceType": "Patient",
        "id": fhir_id(case.id),
        "meta": {"security": [_PSEUDONYMISED]},
        "text": fhir_narrative.patient_text(case.code, case.age),
        "identifier": _identifier(NS_CASE_CODE, case.code),
        "active": case.status == CaseStatus.OPEN,
        "gender": "unknown" if case.gender is None else PATIENT_GENDER[case.gender],
        "extension": []
        if case.age is None
        else [
            {
                "url": SD_AGE,
                "valueAge": {
                    "value": case.age,
                    "unit": "years",
                    "system": "http://unitsofmeasure.org",
                    "code": "a",
                },
            }
        ],
        "communication": [
            {
                "language": {
                    "coding": [
                        {
                            "system": "urn:ietf:bcp:47",
                            "code": bcp47(case.language),
                            "display": language_name(case.language),
                        }
                    ]
                },
                "preferred": True,
            }
        ],
        "managingOrganization": _ref("Organization", case.opened_by_provider_id),
    }
    return Patient.model_validate(data)


def organization(provider: Provider) -> Organization:
    """A provider as an Organization typed by its kind."""
    data: Json = {
        "resourceType": "Organization",
        "id": fhir_id(provider.id),
        "text": fhir_narrative.organization_text(provider.name, label(provider.kind)),
        "identifier": _identifier(NS_PROVIDER_ID, provider.id),
        "active": provider.active,
        "type": [
            {
                "coding": [
                    {
                        "system": CS_PROVIDER_KIND,
                        "code": provider.kind.value,
                        "display": label(provider.kind),
                    }
                ]
            }
        ],
        "name": provider.name,
    }
    if provider.name_km:
        data["alias"] = [provider.name_km]
    return Organization.model_validate(data)


def last_updated(referral: Referral) -> datetime:
    """When a referral last changed (``meta.lastUpdated``, ``Task.lastModified``)."""
    return max(referral.updated_at, referral.created_at)


def _meta(referral: Referral) -> Json:
    return {"versionId": str(referral.version), "lastUpdated": _time(last_updated(referral))}


def _text(kind: str, referral: Referral) -> Json:
    return fhir_narrative.referral_text(
        kind,
        referral.status,
        label(referral.service),
        referral.from_provider_id,
        referral.to_provider_id,
    )


def service_request(referral: Referral) -> ServiceRequest:
    """What the sender asked of the receiver."""
    data: Json = {
        "resourceType": "ServiceRequest",
        "id": fhir_id(referral.id),
        "meta": _meta(referral),
        "text": _text("Referral", referral),
        "identifier": _identifier(NS_REFERRAL_ID, referral.id),
        "status": SERVICE_REQUEST_STATUS[referral.status],
        "intent": "order",
        "priority": PRIORITY[referral.risk],
        "code": _service_code(referral),
        "subject": _ref("Patient", referral.case_id),
        "authoredOn": _time(referral.created_at),
        "requester": _ref("Organization", referral.from_provider_id),
        "performer": [_ref("Organization", referral.to_provider_id)],
        "reasonCode": [{"text": referral.reason}],
    }
    return ServiceRequest.model_validate(data)


def deadlines(referral: Referral) -> dict[str, datetime]:
    """The referral's named deadlines, if its model carries any (``due``)."""
    due = getattr(referral, "due", None)
    if due is None:
        return {}
    if isinstance(due, datetime):
        return {"due": due}
    values: Mapping[str, Any]
    if isinstance(due, BaseModel):
        values = {name: getattr(due, name) for name in type(due).model_fields}
    elif isinstance(due, Mapping):
        values = {str(k): v for k, v in due.items()}
    else:
        return {}
    return {name: v for name, v in values.items() if isinstance(v, datetime)}


def _restriction(referral: Referral) -> Json | None:
    named = deadlines(referral)
    if not named:
        return None
    return {
        "period": {"start": _time(referral.created_at), "end": _time(max(named.values()))},
        "extension": [
            {"url": f"{SD_DEADLINE}-{name.replace('_', '-')}", "valueDateTime": _time(at)}
            for name, at in named.items()
        ],
    }


def _execution_period(referral: Referral) -> Json | None:
    start = referral.step_times.get(S.IN_PROGRESS)
    if start is None:
        return None
    period = {"start": _time(start)}
    ended = next((referral.step_times[s] for s in _ENDING if s in referral.step_times), None)
    if ended is not None:
        period["end"] = _time(ended)
    return period


def task(referral: Referral) -> Task:
    """Where the handoff stands: status, owner, timings, and the task it continues."""
    status = referral.status
    business: Json = {
        "coding": [{"system": CS_REFERRAL_STATUS, "code": status.value, "display": label(status)}]
    }
    data: Json = {
        "resourceType": "Task",
        "id": fhir_id(referral.id),
        "meta": _meta(referral),
        "text": _text("Handoff", referral),
        "identifier": _identifier(NS_REFERRAL_ID, referral.id),
        "status": status.fhir_code,
        "businessStatus": business,
        "intent": "order",
        "priority": PRIORITY[referral.risk],
        "code": {
            "coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]
        },
        "focus": _ref("ServiceRequest", referral.id),
        "for": _ref("Patient", referral.case_id),
        "authoredOn": _time(referral.created_at),
        "lastModified": _time(last_updated(referral)),
        "requester": _ref("Organization", referral.from_provider_id),
        "owner": _ref("Organization", referral.to_provider_id),
    }
    if referral.continues_referral_id is not None:
        data["partOf"] = [_ref("Task", referral.continues_referral_id)]
    if status in REASON_REQUIRED and referral.status_reason:
        data["statusReason"] = {"text": referral.status_reason}
    if (period := _execution_period(referral)) is not None:
        data["executionPeriod"] = period
    if (restriction := _restriction(referral)) is not None:
        data["restriction"] = restriction
    if referral.outcome:
        data["output"] = [{"type": {"text": "outcome"}, "valueString": referral.outcome}]
    return Task.model_validate(data)


def _entry(base: str, resource: Resource) -> Json:
    kind = resource.get_resource_type()
    return {"fullUrl": f"{base}/{kind}/{resource.id}", "resource": as_json(resource)}


def case_bundle(
    case: Case,
    referrals: Sequence[Referral],
    providers: Iterable[Provider],
    *,
    at: datetime,
    base: str = DEFAULT_BASE,
) -> Bundle:
    """A ``collection`` Bundle of a case: Patient, Organizations, then per referral (in
    path order) its ServiceRequest and Task. ``base`` prefixes each ``fullUrl``."""
    base = base.rstrip("/")
    resources: list[Resource] = [patient(case)]
    resources += [organization(p) for p in sorted(providers, key=lambda p: p.id)]
    for referral in referrals:
        resources += [service_request(referral), task(referral)]
    data: Json = {
        "resourceType": "Bundle",
        "id": fhir_id(case.id),
        "type": "collection",
        "timestamp": _time(at),
        "entry": [_entry(base, r) for r in resources],
    }
    return Bundle.model_validate(data)


def involved_provider_ids(case: Case, referrals: Iterable[Referral]) -> set[str]:
    """The providers a case bundle names: the opener and both ends of every referral."""
    ids = {case.opened_by_provider_id}
    for r in referrals:
        ids |= {r.from_provider_id, r.to_provider_id}
    return ids

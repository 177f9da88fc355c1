"""Inbound FHIR: what a partner's ``PUT /fhir/Task/{id}`` asks for.

A partner system updates a Task the way FHIR updates any resource: it sends the whole
Task back with its ``status`` changed (and ``statusReason`` for a decline, a failure or a
cancellation, ``output`` for the outcome of a completed referral, a ``note`` if it
likes). :func:`read_update` turns that into the lifecycle step it stands for; the use
case then moves the referral through the same rules as the JSON API.

Everything else in the Task belongs to the referral and cannot change through an
update: an element the partner changed (``owner``, ``requester``, ``for``, ``focus``,
``partOf``, ``intent``, ``identifier``, ``authoredOn``) is refused with 422 naming it;
one it left out is simply not compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir.resources.R4B.task import Task
from pydantic import ValidationError

from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.lifecycle import ReferralStatus

Json = dict[str, Any]

#: Elements that describe the referral itself, not where it stands.
FIXED = ("intent", "identifier", "focus", "for", "requester", "owner", "partOf", "authoredOn")
_BY_CODE = {s.fhir_code: s for s in ReferralStatus}


class BadRequest(InvalidInput):
    """A request FHIR answers with 400 (no Task, or the id does not match the URL)."""

    title = "Bad request"


@dataclass(frozen=True, slots=True)
class TaskUpdate:
    """The lifecycle step a Task update asks for."""

    status: ReferralStatus
    reason: str | None = None
    outcome: str | None = None
    note: str | None = None


def _text(concept: Any) -> str | None:
    if not isinstance(concept, dict):
        return None
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and (coding.get("display") or coding.get("code")):
            return str(coding.get("display") or coding.get("code"))
    return None


def _outcome(task: Json) -> str | None:
    values = [
        str(o["valueString"])
        for o in task.get("output") or []
        if isinstance(o, dict) and o.get("valueString")
    ]
    named = [
        str(o["valueString"])
        for o in task.get("output") or []
        if isinstance(o, dict) and o.get("valueString") and _text(o.get("type")) == "outcome"
    ]
    if named:
        return named[-1]
    return values[-1] if len(values) == 1 else None


def _note(task: Json) -> str | None:
    notes = [n.get("text") for n in task.get("note") or [] if isinstance(n, dict)]
    texts = [str(n) for n in notes if n]
    return texts[-1] if texts else None


def _norm(value: Any) -> Any:
    """A value as compared: references by their ``Type/id`` tail (a partner may send
    them absolute or with a display), times as instants, identifiers by system and
    value, other elements as they are."""
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        if "reference" in value:
            return "/".join(str(value["reference"]).rstrip("/").split("/")[-2:])
        if "value" in value and set(value) <= {"system", "value", "use", "type"}:
            return (value.get("system"), value.get("value"))
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, str) and len(value) > 18 and value[4:5] == "-" and "T" in value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


def _check_shape(body: object, url_id: str) -> Json:
    if not isinstance(body, dict) or body.get("resourceType") != "Task":
        raise BadRequest("The body must be a FHIR Task (resourceType 'Task').", field="Task")
    if body.get("id") != url_id:
        raise BadRequest(
            f"Task.id must be the id in the URL ({url_id!r}); it is {body.get('id')!r}.",
            field="Task.id",
        )
    try:
        Task.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function"))
        raise InvalidInput(
            f"Not a valid Task: {where}: {first['msg']}", field=f"Task.{where}"
        ) from None
    return body


def read_update(body: object, url_id: str, current: Json) -> TaskUpdate | None:
    """The step a Task update asks for (``current``: the Task as we export it now), or
    None when it changes nothing. Refused with 400 for a body that is no Task or names
    another id, 422 for a Task that is not valid, changes a fixed element, uses a status
    this server has no step for, or changes the reason or outcome without a step."""
    task = _check_shape(body, url_id)
    for element in FIXED:
        if element in task and _norm(task[element]) != _norm(current.get(element)):
            raise InvalidInput(
                f"Task.{element} cannot change through an update: it describes the referral "
                "itself; only status, statusReason, output and note move it.",
                field=f"Task.{element}",
            )
    code = str(task.get("status"))
    status = _BY_CODE.get(code)
    if status is None:
        raise InvalidInput(
            f"Task.status {code!r} is not used by this server; referrals move through "
            f"{', '.join(_BY_CODE)}.",
            field="Task.status",
        )
    step = TaskUpdate(status, _text(task.get("statusReason")), _outcome(task), _note(task))
    if status.fhir_code != current.get("status"):
        return step
    same_reason = step.reason in (None, _text(current.get("statusReason")))
    same_outcome = step.outcome in (None, _outcome(current))
    if same_reason and same_outcome:
        return None  # nothing to do: a repeated update answers the Task as it is
    raise InvalidInput(
        f"The referral is already {code!r}; its reason and outcome are recorded with the "
        "step that set them and cannot be changed afterwards.",
        field="Task.statusReason" if not same_reason else "Task.output",
    )

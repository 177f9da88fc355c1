"""The incident clock of a case: when the violence happened, and the post-rape care
windows (72-hour PEP, 120-hour emergency contraception) it starts."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CallerDep, ReaderDep
from api.idempotency import IdempotencyDep
from api.responses import problems
from referral_graph.domain.models import Case
from referral_graph.services import incident
from referral_graph.services.incident import CareWindows, IncidentTime

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.put("/{case_id}/incident", responses=problems(404), dependencies=[IdempotencyDep])
def record_incident(caller: CallerDep, case_id: str, body: IncidentTime) -> Case:
    """Record or correct when the incident happened (the case's CCWC; an event on the
    case's timeline)."""
    return incident.record_incident(caller, case_id, body)


@router.get("/{case_id}/care-windows", responses=problems(404))
def care_windows(caller: ReaderDep, case_id: str) -> CareWindows:
    """For sexual violence (a need of post_rape_care) with a recorded incident time:
    the time left in the PEP and emergency-contraception windows, and whether a health
    hop has accepted the child."""
    return incident.care_windows(caller, case_id)

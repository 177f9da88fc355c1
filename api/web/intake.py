"""Intake pages: a short form for whoever identifies a child (a VHSG volunteer, a
teacher, a health-centre nurse, a helpline counsellor) to tell the commune's CCWC, and
the CCWC's page to open it, accept it as a case or decline it. The CCWC's waiting
identifications show on its inbox page (``api/web/inbox.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web import offline
from api.web.auth import redirect
from api.web.field_views import care_view, from_local_input, local_input, waiting
from api.web.forms import field_errors
from api.web.i18n import t
from api.web.places import village_groups, village_name
from api.web.render import Tr, page
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.errors import Conflict, InvalidInput
from referral_graph.domain.identification import (
    AgeBand,
    DeclineReason,
    source_of,
)
from referral_graph.domain.models import Consent
from referral_graph.domain.vocabulary import Gender, IdentificationSource, RiskLevel, Service
from referral_graph.routing.reasons import LANGUAGE_NAMES
from referral_graph.security.intake import receives
from referral_graph.security.policy import Access
from referral_graph.services import identifications, intake_decisions
from referral_graph.services.identifications import IdentificationRequest, SeenIdentification
from referral_graph.services.intake_decisions import (
    IdentificationAcceptance,
    IdentificationDecline,
)
from referral_graph.services.providers import own_provider
from referral_graph.services.recorded import Replay

router = APIRouter()

#: What a child may need, as an identifier ticks it (the first ones first).
NEEDS = (
    Service.PSYCHOLOGICAL_FIRST_AID,
    Service.COUNSELLING,
    Service.MEDICAL_CARE,
    Service.POST_RAPE_CARE,
    Service.CHILD_PROTECTION,
    Service.SHELTER,
    Service.LEGAL_AID,
    Service.SCHOOL_PSYCHOSOCIAL_SUPPORT,
    Service.PSYCHIATRIC_CARE,
)
CONSENT_GIVERS = ("child", "caregiver", "guardian")
FIELDS = {
    "age": "age",
    "age_band": "age",
    "gender": "gender",
    "risk": "risk",
    "needs": "needs",
    "village_code": "village_code",
    "language": "language",
    "source": "source",
    "incident_at": "incident_at",
    "consent": "consent_given_by",
    "given_by": "consent_given_by",
    "contact_arrangement": "contact_arrangement",
    "note": "note",
}


class IdentifyForm(BaseModel):
    """The identify form as typed."""

    model_config = ConfigDict(extra="ignore")

    age: str = ""
    age_band: str = ""
    gender: str = ""
    risk: str = ""
    needs: list[str] = []
    language: str = "khm"
    village_code: str = ""
    source: str = ""
    incident_at: str = ""
    consent_given_by: str = ""
    contact_arrangement: str = ""
    note: str = ""


def _identify_page(
    ctx: Web,
    form: IdentifyForm | None,
    errors: dict[str, str],
    *,
    status: int = 200,
    flash: str | None = None,
) -> Response:
    provider = own_provider(ctx.reader)
    default_source = source_of(provider.kind).value if provider else ""
    return page(
        ctx.request,
        "identify.html",
        principal=ctx.principal,
        status=status,
        title="identify_title",
        provider=provider,
        form=form or IdentifyForm(source=default_source),
        errors=errors,
        villages=village_groups(provider.coverage if provider else None),
        needs=NEEDS,
        bands=[b.value for b in AgeBand],
        genders=[g.value for g in Gender],
        risks=[r.value for r in RiskLevel],
        sources=[s.value for s in IdentificationSource],
        languages=list(LANGUAGE_NAMES.items()),
        consent_givers=CONSENT_GIVERS,
        now_local=local_input(ctx.now, ctx.runtime.settings.timezone),
        sent=identifications.sent_by(ctx.reader),
        flash=flash,
    )


@router.get("/identify", include_in_schema=False)
def identify_form(ctx: WebDep, done: str | None = None) -> Response:
    ctx.allow("POST", "/api/v1/identifications")
    flash = None
    if done:
        sent = [s for s in identifications.sent_by(ctx.reader) if s.identification.id == done]
        if sent and sent[0].ccwc is not None:
            tr = Tr(ctx.lang, ctx.runtime.settings.timezone)
            due = sent[0].identification.pending_due_at
            flash = t("identify_sent", ctx.lang, ccwc=tr.name(sent[0].ccwc), when=tr.when(due))
    return _identify_page(ctx, None, {}, flash=flash)


def _request(ctx: Web, form: IdentifyForm) -> tuple[IdentificationRequest | None, dict[str, str]]:
    errors: dict[str, str] = {}
    for name in ("gender", "risk", "village_code"):
        if not getattr(form, name).strip():
            errors[name] = "err_required"
    if not form.needs:
        errors["needs"] = "needs_hint"
    age = form.age.strip()
    if age and (not age.isdigit() or int(age) > 24):
        errors["age"] = "err_age"
    if not age and not form.age_band:
        errors["age"] = "err_age_or_band"
    incident = None
    if form.incident_at.strip():
        incident = from_local_input(form.incident_at, ctx.runtime.settings.timezone)
        if incident is None:
            errors["incident_at"] = "err_invalid"
    if errors:
        return None, errors
    consent = None
    if form.consent_given_by:
        consent = {
            "given_by": form.consent_given_by,
            "recorded_by": ctx.principal.username,
            "recorded_at": ctx.now,
        }
    try:
        request = IdentificationRequest.model_validate(
            {
                "identified_by_provider_id": ctx.principal.provider_id,
                "source": form.source or None,
                "age": int(age) if age else None,
                "age_band": None if age else form.age_band,
                "gender": form.gender,
                "risk": form.risk,
                "needs": sorted(set(form.needs)),
                "language": form.language or "khm",
                "village_code": form.village_code.strip(),
                "consent": consent,
                "incident_at": incident,
                "contact_arrangement": form.contact_arrangement.strip() or None,
                "note": form.note.strip() or None,
            }
        )
    except ValidationError as exc:
        return None, field_errors(exc, FIELDS, "age")
    return request, errors


@router.post("/identify", include_in_schema=False, dependencies=[Depends(check_csrf)])
def identify(ctx: WebDep, form: Annotated[IdentifyForm, Form()]) -> Response:
    """Send the identification to the CCWC serving the child's village. From the
    phone's offline queue (with an ``Idempotency-Key``: a repeat sends nothing twice) it
    answers in JSON."""
    ctx.allow("POST", "/api/v1/identifications")
    request, errors = _request(ctx, form)
    if request is None:
        return _refused(ctx, form, errors)
    try:
        sent = identifications.register(ctx.caller("/app/identify", {}, idempotent=True), request)
    except Replay:  # the offline queue sent it again: it was sent the first time
        return offline.answer(ctx, done=True, err=None, replayed=True)
    except InvalidInput as exc:
        if exc.field == "village_code" and "nobody" in exc.detail:
            return _refused(ctx, form, {"village_code": "err_no_ccwc"})
        field = FIELDS.get(exc.field or "", "village_code")
        return _refused(ctx, form, {field: "err_invalid"})
    if offline.queued(ctx):
        return offline.answer(ctx, done=True, err=None)
    return redirect(f"{ctx.base}/identify?done={sent.id}")


def _refused(ctx: Web, form: IdentifyForm, errors: dict[str, str]) -> Response:
    """The form again with what was wrong; for the offline queue, the first reason."""
    if offline.queued(ctx):
        return offline.answer(ctx, done=False, err=next(iter(errors.values()), None))
    return _identify_page(ctx, form, errors, status=422)


# --- the CCWC's page of one identification -----------------------------------------------
class AcceptForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    age: str = ""
    risk: str = ""
    needs: list[str] = []
    consent_given_by: str = ""
    consent_recorded_by: str = ""
    note: str = ""
    expected_version: int | None = None


class DeclineForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reason: str = ""
    note: str = ""
    expected_version: int | None = None


def _identification_page(
    ctx: Web,
    seen: SeenIdentification,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ident = seen.identification
    ctx.log_read("/app/identifications/{identification_id}", ident.id)
    decides = receives(ctx.principal, ident) and ident.status.waiting
    return page(
        ctx.request,
        "identification.html",
        principal=ctx.principal,
        status=status,
        title="identification_title",
        seen=seen,
        ident=ident,
        full=seen.access is Access.FULL,
        village=village_name(ident.village_code, ctx.lang),
        waiting=waiting(ident.pending_due_at, ident.created_at, ctx.now),
        care=care_view(ident, [], ctx.now),
        decides=decides,
        errors=errors or {},
        needs=NEEDS,
        risks=[r.value for r in RiskLevel],
        consent_givers=CONSENT_GIVERS,
        reasons=[r.value for r in DeclineReason],
    )


@router.get("/identifications/{identification_id}", include_in_schema=False)
def identification_page(ctx: WebDep, identification_id: str) -> Response:
    """The identification; the receiving CCWC's first opening acknowledges it."""
    ctx.allow("GET", "/api/v1/identifications/{identification_id}")
    path = "/app/identifications/{identification_id}"
    caller = ctx.caller(path, {"identification_id": identification_id})
    return _identification_page(ctx, identifications.open_identification(caller, identification_id))


@router.post(
    "/identifications/{identification_id}/accept",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def accept(ctx: WebDep, identification_id: str, form: Annotated[AcceptForm, Form()]) -> Response:
    """Open a case from the identification (the CCWC it was sent to)."""
    ctx.allow("POST", "/api/v1/identifications/{identification_id}/accept")
    errors: dict[str, str] = {}
    age = form.age.strip()
    if age and (not age.isdigit() or int(age) > 24):
        errors["age"] = "err_age"
    consent = None
    if form.consent_given_by:
        consent = Consent(
            given_by=form.consent_given_by,
            recorded_by=form.consent_recorded_by.strip() or ctx.principal.username,
            recorded_at=ctx.now,
        )
    caller = ctx.caller(
        "/app/identifications/{identification_id}/accept",
        {"identification_id": identification_id},
    )
    if not errors:
        try:
            body = IdentificationAcceptance(
                age=int(age) if age else None,
                risk=RiskLevel(form.risk) if form.risk else None,
                needs=[Service(n) for n in form.needs] or None,
                consent=consent,
                note=form.note.strip() or None,
                expected_version=form.expected_version,
            )
            case = intake_decisions.accept(caller, identification_id, body)
        except (ValueError, ValidationError):
            errors["age"] = "err_invalid"
        except InvalidInput as exc:
            errors[exc.field if exc.field in ("age", "needs") else "age"] = (
                "err_age" if exc.field == "age" else "err_invalid"
            )
        except Conflict:
            errors["form"] = "err_conflict_identification"
        else:
            return redirect(f"{ctx.base}/cases/{case.id}?done=from_identification")
    seen = identifications.see_identification(ctx.reader, identification_id)
    return _identification_page(ctx, seen, errors=errors, status=422)


@router.post(
    "/identifications/{identification_id}/decline",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def decline(ctx: WebDep, identification_id: str, form: Annotated[DeclineForm, Form()]) -> Response:
    ctx.allow("POST", "/api/v1/identifications/{identification_id}/decline")
    caller = ctx.caller(
        "/app/identifications/{identification_id}/decline",
        {"identification_id": identification_id},
    )
    errors: dict[str, str] = {}
    try:
        intake_decisions.decline(
            caller,
            identification_id,
            IdentificationDecline(
                reason=DeclineReason(form.reason),
                note=form.note.strip() or None,
                expected_version=form.expected_version,
            ),
        )
    except ValueError:
        errors["decline_reason"] = "err_required"
    except InvalidInput:
        errors["decline_note"] = "err_reason"
    except Conflict:
        errors["form"] = "err_conflict_identification"
    else:
        return redirect(f"{ctx.base}/inbox?done=declined_identification")
    seen = identifications.see_identification(ctx.reader, identification_id)
    return _identification_page(ctx, seen, errors=errors, status=422)

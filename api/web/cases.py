"""A CCWC's pages: open a case (consent first), see who to refer it to and why, refer
with one tap, and follow the case's path. Providers holding a case refer it onward from
the same page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect
from api.web.case_view import case_life_view, flash_of
from api.web.errors import form_model, refills
from api.web.field_pages import field_error, field_flash, hop_extras
from api.web.field_views import care_view, from_local_input, local_input
from api.web.i18n import day_text, label, t
from api.web.places import village_groups, village_name
from api.web.render import Tr, page
from api.web.session import Web, WebDep, check_csrf
from api.web.views import actions_for, hop_view, reason_text
from api.web.why_not import left_out
from referral_graph.domain.errors import Conflict, DuplicateReferral, InvalidInput, NotFound
from referral_graph.domain.lifecycle import Party, ReferralStatus
from referral_graph.domain.models import Consent
from referral_graph.domain.paths import order_path
from referral_graph.domain.vocabulary import (
    Gender,
    Language,
    RiskLevel,
    Service,
)
from referral_graph.routing.reasons import LANGUAGE_NAMES
from referral_graph.routing.recommend import Recommendations
from referral_graph.security.policy import (
    Access,
    may_act_for,
    party_of,
    redact_referral,
    sees_contact,
)
from referral_graph.services import cases, referrals
from referral_graph.services.access import SeenCase
from referral_graph.services.cases import CaseOpening
from referral_graph.services.intake_decisions import identification_of_case
from referral_graph.services.open_cases import open_cases
from referral_graph.services.providers import own_provider, provider_of
from referral_graph.services.referrals import ReferralRequest

router = APIRouter()

#: The error a reason or note holding a phone number or a date of birth gets.
PERSONAL = "err_personal_details"

#: Services a CCWC refers a child for, in the order the form lists them.
NEEDS = (
    Service.PSYCHOLOGICAL_FIRST_AID,
    Service.COUNSELLING,
    Service.PHONE_COUNSELLING,
    Service.MEDICAL_CARE,
    Service.POST_RAPE_CARE,
    Service.PSYCHIATRIC_CARE,
    Service.CHILD_PROTECTION,
    Service.CASE_MANAGEMENT,
    Service.LEGAL_AID,
    Service.SHELTER,
    Service.SCHOOL_PSYCHOSOCIAL_SUPPORT,
    Service.GROUP_THERAPY,
    Service.PSYCHO_EDUCATION,
)
CONSENT_GIVERS = ("child", "caregiver", "guardian", "court_order")
SENDING_PARTIES = (Party.SENDER, Party.COORDINATOR)


class CaseForm(BaseModel):
    """The open-a-case form as typed (checked into a ``CaseOpening`` by hand, so that
    the form comes back with every mistake marked)."""

    model_config = ConfigDict(extra="ignore")

    consent_given_by: str = ""
    consent_recorded_by: str = ""
    consent_confirm: str = ""
    age: str = ""
    gender: str = ""
    risk: str = ""
    needs: list[str] = []
    language: str = Language.KHMER.value
    village_code: str = ""
    wants_lgbtiq_affirming: str = ""
    contact_arrangement: str = ""
    note: str = ""
    incident_at: str = ""


class ReferForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    pick: str = ""
    reason: str = ""
    parallel_reason: str = ""


def _case_home(
    ctx: Web,
    form: CaseForm | None,
    errors: dict[str, str],
    status: int = 200,
    note: str | None = None,
) -> Response:
    provider = own_provider(ctx.reader)
    return page(
        ctx.request,
        "cases.html",
        principal=ctx.principal,
        status=status,
        title="ccwc_title",
        note=note,
        form=form or CaseForm(consent_recorded_by=ctx.principal.username),
        errors=errors,
        provider=provider,
        villages=village_groups(provider.coverage if provider else None),
        needs=NEEDS,
        genders=[g.value for g in Gender],
        risks=[r.value for r in RiskLevel],
        languages=[(code, names) for code, names in LANGUAGE_NAMES.items()],
        consent_givers=CONSENT_GIVERS,
        recent=open_cases(ctx.reader),
        now_local=local_input(ctx.now, ctx.runtime.settings.timezone),
    )


@router.get("/cases", include_in_schema=False)
def case_home(ctx: WebDep) -> Response:
    ctx.allow("POST", "/api/v1/cases")
    return _case_home(ctx, None, {})


def _opening(ctx: Web, form: CaseForm) -> tuple[CaseOpening | None, dict[str, str]]:
    errors: dict[str, str] = {}
    for name in ("consent_given_by", "consent_recorded_by", "consent_confirm", "gender", "risk"):
        if not getattr(form, name).strip():
            errors[name] = "err_required"
    if form.consent_given_by and form.consent_given_by not in CONSENT_GIVERS:
        errors["consent_given_by"] = "err_invalid"
    if not form.needs:
        errors["needs"] = "needs_hint"
    if not form.village_code.strip():
        errors["village_code"] = "err_required"
    if not form.age.strip().isdigit() or not 0 <= int(form.age) <= 24:
        errors["age"] = "err_age"
    incident = None
    if form.incident_at.strip():
        incident = from_local_input(form.incident_at, ctx.runtime.settings.timezone)
        if incident is None:
            errors["incident_at"] = "err_invalid"
    if errors:
        return None, errors
    try:
        consent = Consent(
            given_by=form.consent_given_by,
            recorded_by=form.consent_recorded_by.strip(),
            recorded_at=ctx.now,
        )
        opening = CaseOpening.model_validate(
            {
                "opened_by_provider_id": ctx.principal.provider_id,
                "age": int(form.age),
                "gender": form.gender,
                "risk": form.risk,
                "needs": sorted(set(form.needs)),
                "language": form.language or Language.KHMER.value,
                "village_code": form.village_code.strip(),
                "wants_lgbtiq_affirming": bool(form.wants_lgbtiq_affirming),
                "consent": consent,
                "contact_arrangement": form.contact_arrangement.strip() or None,
                "note": form.note.strip() or None,
                "incident_at": incident,
            }
        )
    except ValidationError as exc:
        for e in exc.errors():
            loc = [str(p) for p in e.get("loc", ())]
            name = loc[0] if loc else "form"
            refused = "holds a phone number" in e["msg"] or "holds a date of birth" in e["msg"]
            key = PERSONAL if refused else "err_invalid"
            errors["consent_recorded_by" if name == "recorded_by" else name] = key
        return None, errors
    return opening, errors


@refills("/cases")
def _refill_case_form(ctx: Web, fields: Sequence[tuple[str, str]]) -> Response | None:
    """The case form again, as typed, when its token had expired (nothing written): an
    ordinary page (200) with a note, for the person to check and send again."""
    if not ctx.may("POST", "/api/v1/cases"):
        return None
    return _case_home(ctx, form_model(CaseForm, fields), {}, note="form_refilled")


@router.post("/cases", include_in_schema=False, dependencies=[Depends(check_csrf)])
def open_case(ctx: WebDep, form: Annotated[CaseForm, Form()]) -> Response:
    """Open a case with its consent recorded (the form does not go without it)."""
    ctx.allow("POST", "/api/v1/cases")
    provider_id = ctx.principal.provider_id
    if provider_id is None or not may_act_for(ctx.principal, provider_id):
        raise InvalidInput("You can open cases only for your own CCWC.")
    opening, errors = _opening(ctx, form)
    if opening is None:
        return _case_home(ctx, form, errors, status=422)
    try:
        case = cases.open_case(ctx.caller("/app/cases", {}), opening)
    except ValidationError:
        return _case_home(ctx, form, {"village_code": "err_invalid"}, status=422)
    except InvalidInput as exc:
        message = "err_incident_time" if exc.field == "incident_at" else "err_invalid"
        return _case_home(ctx, form, {exc.field or "form": message}, status=422)
    return redirect(f"{ctx.base}/cases/{case.id}?done=opened")


# --- one case ---------------------------------------------------------------------------
def _holding_referral(seen: SeenCase, provider_id: str) -> str | None:
    """The referral through which this provider holds the case (None: it opened it)."""
    if seen.case.opened_by_provider_id == provider_id:
        return None
    held = [r for r in seen.referrals if r.to_provider_id == provider_id and r.holds_case]
    if not held:
        return None
    return max(held, key=lambda r: (r.hop, r.created_at)).id


def _recommendations(
    ctx: Web, seen: SeenCase, service: Service | None
) -> tuple[Recommendations | None, bool]:
    """Recommendations for the case's CCWC and its current holder (as the API), and
    whether the principal could refer at all."""
    if not ctx.may("GET", "/api/v1/cases/{case_id}/recommendations"):
        return None, False
    if seen.case.status.value != "open" or seen.case.consent is None:
        return None, False
    found = ctx.runtime.routing.recommend(
        seen.case.id, ctx.now, service=service, limit=5, explain=True
    )
    if seen.access is not Access.FULL and found.holder_id != ctx.principal.provider_id:
        return None, True
    return found, True


def _khmer_names(ctx: Web, found: Recommendations | None) -> dict[str, str]:
    if found is None or ctx.lang == "en":
        return {}
    wanted = {
        str(v)
        for item in [*found.items, *found.alternatives]
        for r in item.reasons
        for k, v in r.params.items()
        if k in ("holder", "via")
    }
    if not wanted:
        return {}
    graph = ctx.runtime.routing.directory.current()
    return {p.name: p.name_km for p in graph.providers.values() if p.name in wanted and p.name_km}


def render_case(
    ctx: Web,
    case_id: str,
    *,
    service: str | None = None,
    done: str | None = None,
    to: str | None = None,
    err: str | None = None,
    error: str | None = None,
    status: int = 200,
    form: str | None = None,
    parallel: str | None = None,
    step: str | None = None,
) -> Response:
    ctx.allow("GET", "/api/v1/cases/{case_id}")
    seen = cases.see_case(ctx.reader, case_id)
    case = seen.case
    wanted = Service(service) if service in {s.value for s in Service} else None
    found, could_refer = _recommendations(ctx, seen, wanted)
    graph_providers = ctx.runtime.routing.directory.current().providers if found else {}
    may_step = ctx.may("POST", "/api/v1/referrals/{referral_id}/transitions")
    hops = []
    for r in order_path(seen.referrals):
        shown = redact_referral(r) if seen.access is Access.PSEUDONYMOUS else r
        party = party_of(ctx.principal, r, case, seen.providers.get(r.to_provider_id))
        # the sender (or a coordinator) may cancel here; the receiver acts from its inbox
        steps = actions_for(r, party) if may_step and party in SENDING_PARTIES else []
        hops.append(hop_view(shown, seen.providers, ctx.now, steps))
    field = hop_extras(seen, ctx.principal, may_step)
    tr = Tr(ctx.lang, ctx.runtime.settings.timezone)
    khmer = _khmer_names(ctx, found)
    flash = None
    if done == "opened":
        flash = t("case_opened_ok", ctx.lang, code=case.code)
    elif done == "referred" and to:
        receiver = provider_of(ctx.reader, to)
        if receiver is not None:
            flash = t("referred_ok", ctx.lang, name=tr.name(receiver))
    elif done in {s.value for s in ReferralStatus}:
        flash = t("step_saved", ctx.lang, status=label("step", str(done), ctx.lang))
    elif done == "planned" and case.follow_up_on is not None:
        flash = t("planned_ok", ctx.lang, day=day_text(case.follow_up_on, ctx.lang))
    else:
        flash = flash_of(ctx, done, service) or field_flash(ctx.lang, done, step)
    if error is None and err in ("err_conflict", "err_reason", "err_outcome", PERSONAL):
        error = t(str(err), ctx.lang)
    error = error or field_error(ctx.lang, err)
    ctx.log_read("/app/cases/{case_id}", case.id)
    return page(
        ctx.request,
        "case.html",
        principal=ctx.principal,
        status=status,
        title="case_title",
        title_values={"code": case.code},
        case=case,
        access=seen.access.value,
        sees_contact=sees_contact(ctx.principal, case, seen.referrals),
        village=village_name(case.village_code, ctx.lang),
        hops=hops,
        found=found,
        could_refer=could_refer,
        providers=graph_providers,
        reason_of=lambda r: reason_text(r, ctx.lang, khmer),
        service=wanted.value if wanted else "",
        needs=sorted(s.value for s in case.needs),
        left_out=left_out(found, graph_providers),
        flash=flash,
        error=error,
        open_form=form,
        **case_life_view(ctx, seen, found, NEEDS, parallel=parallel),
        field=field,
        care=care_view(case, seen.referrals, ctx.now),
        ident=identification_of_case(ctx.reader, case.id),
        now_local=local_input(ctx.now, ctx.runtime.settings.timezone),
        may_record_incident=seen.access is Access.FULL
        and case.status.value == "open"
        and ctx.may("PUT", "/api/v1/cases/{case_id}/incident"),
    )


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(
    ctx: WebDep,
    case_id: str,
    service: str | None = None,
    done: str | None = None,
    to: str | None = None,
    err: str | None = None,
    parallel: str | None = None,
    step: str | None = None,
) -> Response:
    return render_case(
        ctx, case_id, service=service, done=done, to=to, err=err, parallel=parallel, step=step
    )


@router.post(
    "/cases/{case_id}/referrals", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def refer(ctx: WebDep, case_id: str, form: Annotated[ReferForm, Form()]) -> Response:
    """Refer the case to the recommendation tapped (its rank is recorded)."""
    ctx.allow("POST", "/api/v1/referrals")
    provider_id = ctx.principal.provider_id
    if provider_id is None or not may_act_for(ctx.principal, provider_id):
        raise InvalidInput("You can refer only on behalf of your own provider.")
    seen = cases.see_case(ctx.reader, case_id)
    try:
        rank_text, service_code, to_id = form.pick.split("|", 2)
        rank = int(rank_text)
        service = Service(service_code)
    except ValueError:
        raise NotFound("recommendation", form.pick[:64]) from None
    reason = form.reason.strip() or t(
        "default_reason", ctx.lang, service=label("service", service.value, ctx.lang)
    )
    try:
        request = ReferralRequest(
            case_id=case_id,
            from_provider_id=provider_id,
            to_provider_id=to_id,
            service=service,
            reason=reason[:2000],
            continues_referral_id=_holding_referral(seen, provider_id),
            recommendation_rank=rank,
            parallel_reason=form.parallel_reason.strip()[:1000] or None,
        )
    except ValidationError as exc:
        if any(e.get("loc") == ("reason",) for e in exc.errors()):  # a phone number, say
            return render_case(ctx, case_id, error=t(PERSONAL, ctx.lang), status=422)
        raise NotFound("recommendation", form.pick[:64]) from None
    caller = ctx.caller("/app/cases/{case_id}/referrals", {"case_id": case_id})
    try:
        referrals.make_referral(caller, request)
    except DuplicateReferral:
        return render_case(
            ctx, case_id, service=service.value, error=t("err_duplicate", ctx.lang), status=409
        )
    except InvalidInput as exc:
        if exc.field != "parallel_reason":
            return render_case(
                ctx, case_id, error=t("err_generic", ctx.lang, detail=exc.detail), status=422
            )
        return render_case(
            ctx,
            case_id,
            service=service.value,
            error=t("err_parallel_reason", ctx.lang),
            status=422,
            parallel=to_id,
        )
    except Conflict as exc:
        return render_case(
            ctx, case_id, error=t("err_generic", ctx.lang, detail=exc.detail), status=409
        )
    return redirect(f"{ctx.base}/cases/{case_id}?done=referred&to={quote(to_id)}#path")

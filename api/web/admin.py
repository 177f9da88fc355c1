"""An administrator's directory pages: the providers of an area, one provider's form and
its pathways. The accounts are in ``api/web/admin_users.py``.

Every page stands for the admin-only API route that does the same thing (``Web.allow``),
and every change goes through the same use cases as the API (``services.directory``)
with the signed-in admin as their caller. A form that does not validate comes back
with each mistake marked next to its field: the pydantic and domain errors are mapped
to the form's fields, never a 500.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect
from api.web.forms import field_errors
from api.web.places import AREA, PROGRAMME_PROVINCES, area_name
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.errors import Conflict, InvalidInput, NotFound
from referral_graph.domain.hours import OFFICE_HOURS, Hours
from referral_graph.domain.ids import new_id
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.queries import Page, ProviderQuery
from referral_graph.domain.vocabulary import (
    DeliveryMode,
    Gender,
    Language,
    ProviderKind,
    Service,
)
from referral_graph.routing.reasons import LANGUAGE_NAMES
from referral_graph.services import directory
from referral_graph.services.providers import ProviderPathways, list_providers, provider_pathways

router = APIRouter()

LIST_LIMIT = 300
#: Providers searched for a word of their name (the programme has about a thousand).
SEARCH_LIMIT = 2000

#: Form field of each Provider field (nested eligibility and hours included).
_PROVIDER_FIELDS: dict[str, str] = {
    "name": "name",
    "name_km": "name_km",
    "kind": "kind",
    "area_code": "area_code",
    "services": "services",
    "modes": "modes",
    "languages": "languages",
    "weekly_capacity": "weekly_capacity",
    "contact": "contact",
    "hours": "always_open",
    "min_age": "min_age",
    "max_age": "max_age",
    "genders": "genders",
    "lgbtiq_affirming": "lgbtiq_affirming",
    "eligibility": "max_age",  # its own error: min_age above max_age
}


class ProviderForm(BaseModel):
    """The provider form as typed (checked into a ``Provider`` by pydantic, with its
    errors mapped back onto these fields)."""

    model_config = ConfigDict(extra="ignore")

    name: str = ""
    name_km: str = ""
    kind: str = ""
    area_code: str = ""
    services: list[str] = []
    modes: list[str] = []
    min_age: str = "0"
    max_age: str = "24"
    genders: list[str] = []
    lgbtiq_affirming: str = ""
    languages: list[str] = [Language.KHMER.value]
    weekly_capacity: str = ""
    always_open: str = ""
    contact: str = ""
    expected_version: str = ""

    @classmethod
    def of(cls, p: Provider) -> ProviderForm:
        return cls(
            name=p.name,
            name_km=p.name_km or "",
            kind=p.kind.value,
            area_code=p.area_code,
            services=sorted(s.value for s in p.services),
            modes=sorted(m.value for m in p.modes),
            min_age=str(p.eligibility.min_age),
            max_age=str(p.eligibility.max_age),
            genders=sorted(g.value for g in p.eligibility.genders),
            lgbtiq_affirming="yes" if p.eligibility.lgbtiq_affirming else "",
            languages=sorted(lang.value for lang in p.languages),
            weekly_capacity="" if p.weekly_capacity is None else str(p.weekly_capacity),
            always_open="yes" if p.hours.always_open else "",
            contact=p.contact or "",
            expected_version=str(p.version),
        )


class PathwayForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    to_provider_id: str = ""
    service: str = ""
    note: str = ""


def _int(text: str) -> int | str | None:
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text  # pydantic reports the non-number


def _provider_fields(form: ProviderForm, hours: Hours) -> dict[str, Any]:
    min_age, max_age = _int(form.min_age), _int(form.max_age)
    eligibility: dict[str, Any] = {
        "min_age": 0 if min_age is None else min_age,
        "max_age": 120 if max_age is None else max_age,
        "genders": sorted(set(form.genders)),
        "lgbtiq_affirming": bool(form.lgbtiq_affirming),
    }
    return {
        "name": form.name.strip(),
        "name_km": form.name_km.strip() or None,
        "kind": form.kind,
        "area_code": form.area_code.strip(),
        "services": sorted(set(form.services)),
        "modes": sorted(set(form.modes)),
        "languages": sorted(set(form.languages)),
        "eligibility": eligibility,
        "weekly_capacity": _int(form.weekly_capacity),
        "hours": Hours(always_open=True) if form.always_open else hours,
        "contact": form.contact.strip() or None,
    }


def _typed_errors(form: ProviderForm) -> dict[str, str]:
    """What pydantic would report less plainly (an empty list, a word for a number)."""
    errors: dict[str, str] = {}
    if not form.name.strip():
        errors["name"] = "err_required"
    if not form.kind:
        errors["kind"] = "err_required"
    if not form.area_code.strip():
        errors["area_code"] = "err_required"
    elif not AREA.match(form.area_code.strip()) and len(form.area_code.strip()) != 8:
        errors["area_code"] = "err_area"
    if not form.services:
        errors["services"] = "err_pick_one"
    if not form.modes:
        errors["modes"] = "err_pick_one"
    if not form.languages:
        errors["languages"] = "err_pick_one"
    for name in ("min_age", "max_age", "weekly_capacity"):
        value = getattr(form, name).strip()
        if value and not value.isdigit():
            errors[name] = "err_number"
    return errors


# --- providers -----------------------------------------------------------------------------
def _choices() -> dict[str, Any]:
    return {
        "kinds": [k.value for k in ProviderKind],
        "services": [s.value for s in Service],
        "modes": [m.value for m in DeliveryMode],
        "genders": [g.value for g in Gender],
        "languages": [
            (lang.value, LANGUAGE_NAMES.get(lang.value, (lang.value, lang.value)))
            for lang in Language
        ],
    }


@router.get("/admin/providers", include_in_schema=False)
def providers(ctx: WebDep, q: str = "", area: str = "", done: str = "") -> Response:
    """Providers of an area (or of all areas), filtered by a word of the name or id."""
    ctx.allow("POST", "/api/v1/providers")
    area = area.strip()
    if area and not AREA.match(area):
        area = ""
    query = ProviderQuery(area=area or None)
    listing = list_providers(ctx.reader, query, Page(limit=SEARCH_LIMIT))
    word = q.strip().casefold()
    found = [
        p
        for p in listing.items
        if not word
        or word in p.name.casefold()
        or word in (p.name_km or "").casefold()
        or word in p.id.casefold()
    ]
    return page(
        ctx.request,
        "admin_providers.html",
        principal=ctx.principal,
        title="admin_providers",
        providers=found[:LIST_LIMIT],
        shown=min(len(found), LIST_LIMIT),
        count=len(found),
        q=q,
        area=area,
        provinces=[(code, area_name(code, ctx.lang)) for code in PROGRAMME_PROVINCES],
        done=done,
    )


def _provider_page(
    ctx: Web,
    form: ProviderForm,
    errors: dict[str, str],
    provider: Provider | None = None,
    status: int = 200,
    pathway_form: PathwayForm | None = None,
    pathway_errors: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    links = ProviderPathways([], [], {})
    if provider is not None:
        links = provider_pathways(ctx.reader, provider.id)
    return page(
        ctx.request,
        "admin_provider.html",
        principal=ctx.principal,
        status=status,
        title="admin_edit_provider" if provider else "admin_new_provider",
        provider=provider,
        form=form,
        errors=errors,
        outgoing=links.outgoing,
        incoming=links.incoming,
        names=links.names,
        pathway_form=pathway_form or PathwayForm(),
        pathway_errors=pathway_errors or {},
        done=done,
        **_choices(),
    )


@router.get("/admin/providers/new", include_in_schema=False)
def new_provider_form(ctx: WebDep) -> Response:
    ctx.allow("POST", "/api/v1/providers")
    return _provider_page(ctx, ProviderForm(modes=[DeliveryMode.IN_PERSON.value]), {})


@router.post("/admin/providers/new", include_in_schema=False, dependencies=[Depends(check_csrf)])
def create_provider(ctx: WebDep, form: Annotated[ProviderForm, Form()]) -> Response:
    ctx.allow("POST", "/api/v1/providers")
    errors = _typed_errors(form)
    if errors:
        return _provider_page(ctx, form, errors, status=422)
    try:
        provider = Provider.model_validate(
            {"id": new_id("prv"), **_provider_fields(form, OFFICE_HOURS)}
        )
    except ValidationError as exc:
        return _provider_page(ctx, form, field_errors(exc, _PROVIDER_FIELDS, "name"), status=422)
    try:
        directory.create_provider(ctx.caller("/app/admin/providers/new", {}), provider)
    except (InvalidInput, Conflict) as exc:
        field = _PROVIDER_FIELDS.get(getattr(exc, "field", None) or "", "name")
        return _provider_page(ctx, form, {field: "err_invalid"}, status=422)
    return redirect(f"{ctx.base}/admin/providers/{provider.id}?done=saved")


@router.get("/admin/providers/{provider_id}", include_in_schema=False)
def provider_page(ctx: WebDep, provider_id: str, done: str = "") -> Response:
    ctx.allow("PATCH", "/api/v1/providers/{provider_id}")
    provider = directory.get_provider(ctx.reader, provider_id)
    return _provider_page(ctx, ProviderForm.of(provider), {}, provider, done=done)


@router.post(
    "/admin/providers/{provider_id}",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def update_provider(
    ctx: WebDep, provider_id: str, form: Annotated[ProviderForm, Form()]
) -> Response:
    ctx.allow("PATCH", "/api/v1/providers/{provider_id}")
    current = directory.get_provider(ctx.reader, provider_id)
    errors = _typed_errors(form)
    if errors:
        return _provider_page(ctx, form, errors, current, status=422)
    hours = OFFICE_HOURS if current.hours.always_open else current.hours
    changes = _provider_fields(form, hours)
    expected = _int(form.expected_version)
    caller = ctx.caller(f"/app/admin/providers/{provider_id}", {})
    try:
        directory.update_provider(
            caller, provider_id, changes, expected if isinstance(expected, int) else None
        )
    except ValidationError as exc:
        errors = field_errors(exc, _PROVIDER_FIELDS, "name")
        return _provider_page(ctx, form, errors, current, status=422)
    except Conflict:
        fresh = directory.get_provider(ctx.reader, provider_id)
        return _provider_page(
            ctx, ProviderForm.of(fresh), {"form": "err_changed"}, fresh, status=409
        )
    except InvalidInput as exc:
        field = _PROVIDER_FIELDS.get(exc.field or "", "name")
        return _provider_page(ctx, form, {field: "err_invalid"}, current, status=422)
    return redirect(f"{ctx.base}/admin/providers/{provider_id}?done=saved")


@router.post(
    "/admin/providers/{provider_id}/deactivate",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def deactivate_provider(ctx: WebDep, provider_id: str) -> Response:
    """Deactivate (never delete: its referrals stay on record), as DELETE in the API."""
    ctx.allow("DELETE", "/api/v1/providers/{provider_id}")
    caller = ctx.caller(f"/app/admin/providers/{provider_id}/deactivate", {})
    directory.deactivate_provider(caller, provider_id)
    return redirect(f"{ctx.base}/admin/providers/{provider_id}?done=deactivated")


@router.post(
    "/admin/providers/{provider_id}/pathways",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def add_pathway(ctx: WebDep, provider_id: str, form: Annotated[PathwayForm, Form()]) -> Response:
    """An agreed referral link from this provider (the receiver must offer the service)."""
    ctx.allow("POST", "/api/v1/pathways")
    current = directory.get_provider(ctx.reader, provider_id)
    errors: dict[str, str] = {}
    if not form.to_provider_id.strip():
        errors["to_provider_id"] = "err_required"
    if not form.service:
        errors["service"] = "err_required"
    pathway: Pathway | None = None
    if not errors:
        try:
            pathway = Pathway.model_validate(
                {
                    "id": new_id("pw"),
                    "from_provider_id": provider_id,
                    "to_provider_id": form.to_provider_id.strip(),
                    "service": form.service,
                    "note": form.note.strip() or None,
                }
            )
        except ValidationError as exc:
            fields = {"to_provider_id": "to_provider_id", "service": "service", "note": "note"}
            errors = field_errors(exc, fields, "to_provider_id")
    if pathway is not None:
        caller = ctx.caller(f"/app/admin/providers/{provider_id}/pathways", {})
        try:
            directory.create_pathway(caller, pathway)
        except NotFound:
            errors["to_provider_id"] = "err_no_provider"
        except InvalidInput as exc:
            errors["service" if exc.field == "service" else "to_provider_id"] = (
                "err_not_offered" if exc.field == "service" else "err_invalid"
            )
        except Conflict:
            errors["to_provider_id"] = "err_invalid"
    if errors:
        return _provider_page(
            ctx,
            ProviderForm.of(current),
            {},
            current,
            status=422,
            pathway_form=form,
            pathway_errors=errors,
        )
    return redirect(f"{ctx.base}/admin/providers/{provider_id}?done=pathway#pathways")

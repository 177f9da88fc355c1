"""An administrator's accounts page: every account by username, a form for a new one
(its role tied to a provider or an area), and deactivating one.

Every page stands for the admin-only API route that does the same (``Web.allow``), and
every change goes through the same use cases as the API (``services.accounts``) with
the signed-in admin as their caller. A form that does not validate comes back with each
mistake marked next to its field, never a 500.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.web.auth import redirect
from api.web.forms import field_errors
from api.web.render import page
from api.web.session import Web, WebDep, check_csrf
from referral_graph.domain.errors import Conflict, InvalidInput
from referral_graph.domain.queries import Page
from referral_graph.security.model import Role
from referral_graph.security.passwords import password_problem
from referral_graph.services import accounts
from referral_graph.services.accounts import NewUser
from referral_graph.services.admin import list_users

router = APIRouter()

#: Accounts listed (a programme has a few hundred).
USERS_LIMIT = 500


class UserForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    username: str = ""
    password: str = ""
    role: str = ""
    provider_id: str = ""
    area_code: str = ""


_USER_FIELDS = {
    "username": "username",
    "password": "password",
    "role": "role",
    "provider_id": "provider_id",
    "area_code": "area_code",
}
_NEEDS_PROVIDER = (Role.CCWC, Role.PROVIDER, Role.SUPERVISOR)


def _users_page(
    ctx: Web, form: UserForm, errors: dict[str, str], status: int = 200, done: str = ""
) -> Response:
    listing = list_users(ctx.reader, Page(limit=USERS_LIMIT))
    return page(
        ctx.request,
        "admin_users.html",
        principal=ctx.principal,
        status=status,
        title="admin_users",
        users=listing.items,
        count=listing.count,
        form=form,
        errors=errors,
        roles=[r.value for r in Role if r is not Role.SYSTEM],
        done=done,
    )


@router.get("/admin/users", include_in_schema=False)
def users(ctx: WebDep, done: str = "") -> Response:
    ctx.allow("GET", "/api/v1/users")
    return _users_page(ctx, UserForm(), {}, done=done)


def _user_errors(form: UserForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not form.username.strip():
        errors["username"] = "err_required"
    if len(form.password) < accounts.MIN_PASSWORD:
        errors["password"] = "err_password"  # noqa: S105 (a message id)
    elif password_problem(form.password, form.username.strip()) is not None:
        errors["password"] = "err_password_weak"  # noqa: S105 (a message id)
    roles = {r.value for r in Role if r is not Role.SYSTEM}
    if form.role not in roles:
        errors["role"] = "err_required"
        return errors
    role = Role(form.role)
    if role in _NEEDS_PROVIDER and not form.provider_id.strip():
        errors["provider_id"] = "err_needs_provider"
    if role is Role.COORDINATOR and not form.area_code.strip():
        errors["area_code"] = "err_needs_area"
    return errors


@router.post("/admin/users", include_in_schema=False, dependencies=[Depends(check_csrf)])
def create_user(ctx: WebDep, form: Annotated[UserForm, Form()]) -> Response:
    """An account with its role tied to a provider (CCWC, provider, supervisor) or an
    area (coordinator), through ``accounts.create_user`` as POST /api/v1/users."""
    ctx.allow("POST", "/api/v1/users")
    errors = _user_errors(form)
    if errors:
        return _users_page(ctx, form, errors, status=422)
    try:
        new = NewUser(
            username=form.username.strip(),
            password=form.password,
            role=Role(form.role),
            provider_id=form.provider_id.strip() or None,
            area_code=form.area_code.strip() or None,
        )
    except ValidationError as exc:
        return _users_page(ctx, form, field_errors(exc, _USER_FIELDS, "username"), status=422)
    try:
        user = accounts.create_user(ctx.caller("/app/admin/users", {}), new)
    except Conflict:
        return _users_page(ctx, form, {"username": "err_taken"}, status=422)
    except InvalidInput as exc:
        field = _USER_FIELDS.get(exc.field or "", "role")
        message = {"provider_id": "err_no_provider", "area_code": "err_area"}.get(
            field, "err_invalid"
        )
        return _users_page(ctx, form, {field: message}, status=422)
    return redirect(f"{ctx.base}/admin/users?done=created#u-{user.id}")


@router.post(
    "/admin/users/{user_id}/deactivate",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def deactivate_user(ctx: WebDep, user_id: str) -> Response:
    ctx.allow("POST", "/api/v1/users/{user_id}/deactivate")
    caller = ctx.caller(f"/app/admin/users/{user_id}/deactivate", {})
    accounts.set_active(caller, user_id, active=False)
    ctx.runtime.principals.forget_all()
    return redirect(f"{ctx.base}/admin/users?done=deactivated")

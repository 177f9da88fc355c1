"""Authentication and route-level authorisation, applied to every route of the app.

A request's bearer token (a signed access token, or an integration's API token) names
its principal; the route's rule (``api.policy``) says which roles may call it. Which
objects the principal then sees is decided per object by the use cases
(``referral_graph.services``), in the transaction that reads them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from fastapi.security.utils import get_authorization_scheme_param

from api.policy import Rule, rule_for
from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import Forbidden, Unauthenticated
from referral_graph.security.model import Principal, Role

#: How the OpenAPI document names the bearer scheme (``api.app`` declares it there: as a
#: FastAPI security dependency it cost a tenth of each request's time in scope checks).
SCHEME = "OAuth2PasswordBearer"
SECURITY_SCHEME = {
    "type": "oauth2",
    "flows": {"password": {"scopes": {}, "tokenUrl": "/api/v1/auth/token"}},
}


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (None without one)."""
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def route_rule(request: Request) -> Rule:
    route = request.scope.get("route")
    path = route.path if isinstance(route, APIRoute) else request.url.path
    rule = rule_for(request.method, path)
    if rule is None:  # fail closed; api.app refuses to start with such a route anyway
        raise Forbidden("This route has no access rule.")
    return rule


async def resolve_principal(request: Request) -> Principal:
    """The principal of the request's bearer token. A token seen lately is answered from
    memory; otherwise the store is read (on a worker thread unless the store is
    embedded)."""
    token = bearer_token(request)
    if not token:
        raise Unauthenticated("Sign in first: send 'Authorization: Bearer <token>'.")
    runtime: Runtime = request.app.state.runtime
    cached = runtime.principals.cached(token, runtime.now())
    if cached is not None:
        return cached
    if runtime.store.embedded:  # two indexed reads and a signature check: no hop
        return runtime.principal(token)
    return await run_in_threadpool(runtime.principal, token)


async def authorize(request: Request) -> None:
    """Let the request through only if the principal's role may call the route (its
    principal is then ``request.state.principal``). One dependency, not two: each
    FastAPI dependency costs every request some 7 µs to resolve."""
    rule = route_rule(request)
    if rule.public:
        return
    principal = await resolve_principal(request)
    if rule.roles is None:
        raise Unauthenticated("Sign in first.")
    if principal.role is not Role.SYSTEM and principal.role not in rule.roles:
        raise Forbidden(f"A {principal.role.value} account may not do this.")
    request.state.principal = principal


async def current_principal(request: Request) -> Principal:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise Unauthenticated("Sign in first.")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]

"""FastAPI dependencies as ``Annotated`` aliases (swap them with dependency_overrides)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from referral_graph.bootstrap import Runtime
from referral_graph.store.port import Page, Store


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_store(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Store:
    return runtime.store


def get_actor(
    x_actor: Annotated[
        str | None,
        Header(
            max_length=200,
            pattern=r"^[\w .@:-]+$",
            description="Who acts (until sign-in lands: a staff login, never a child).",
        ),
    ] = None,
) -> str:
    return x_actor or "anonymous"


def get_page(
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
StoreDep = Annotated[Store, Depends(get_store)]
ActorDep = Annotated[str, Depends(get_actor)]
PageDep = Annotated[Page, Depends(get_page)]

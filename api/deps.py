"""FastAPI dependencies as ``Annotated`` aliases (swap them with dependency_overrides).

They never block, so they are ``async``: FastAPI runs a plain ``def`` dependency on a
worker thread, a hop per dependency per request that showed in the latency tails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import Unauthenticated
from referral_graph.domain.queries import Page
from referral_graph.services.caller import Caller, WouldWait
from referral_graph.services.recorded import RecordedStore
from referral_graph.store.port import Store

T = TypeVar("T")


async def quickly(store: Store, call: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``call(*args, **kwargs)`` for a busy read-only route. On an embedded store it is
    tried first on the event loop with ``quick=True`` (the call then reads once and
    computes from memory, about a tenth of a millisecond; the hop to a worker thread
    and back cost more than that, and under load the two threads' turns at the GIL
    doubled the latency). When it would wait (a rebuild, a refresh, a write) or the
    store is remote, it runs on a worker thread."""
    if store.embedded:
        try:
            return call(*args, quick=True, **kwargs)
        except WouldWait:
            pass
    return await run_in_threadpool(call, *args, **kwargs)


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_store(request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]) -> Store:
    """The store, wrapped so that every write also records who made it (in the same
    transaction) when a principal is signed in."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        return runtime.store
    route = request.scope.get("route")
    client = request.client.host if request.client else None
    return RecordedStore(
        runtime.store,
        principal,
        runtime.now,
        request.method,
        getattr(route, "path", request.url.path),
        dict(request.path_params),
        client,
        getattr(request.state, "idempotency", None),
    )


async def get_caller(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    store: Annotated[Store, Depends(get_store)],
) -> Caller:
    """Who calls the use cases of this request, through a store that records what they
    write, at the runtime's clock (only routes that need a principal ask for one)."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise Unauthenticated("Sign in first.")
    return Caller(principal, store, runtime.now())


async def get_reader(request: Request) -> Caller:
    """Who calls a read-only use case: the signed-in principal over the shared store (a
    read has nothing to record), at the runtime's clock. One dependency where
    :data:`CallerDep` is two and a recording store: measured in process, CallerDep
    added ~40 µs to each request of the busiest route (the recommendation, ~0.3 ms in
    all), this ~5 µs."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise Unauthenticated("Sign in first.")
    runtime: Runtime = request.app.state.runtime
    return Caller(principal, runtime.store, runtime.now())


async def get_actor(request: Request) -> str:
    """The signed-in person's username, recorded on every event they cause."""
    principal = getattr(request.state, "principal", None)
    return str(principal.username) if principal is not None else "system"


async def get_page(
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
StoreDep = Annotated[Store, Depends(get_store)]
ActorDep = Annotated[str, Depends(get_actor)]
PageDep = Annotated[Page, Depends(get_page)]
CallerDep = Annotated[Caller, Depends(get_caller)]
ReaderDep = Annotated[Caller, Depends(get_reader)]

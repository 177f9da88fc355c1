"""FastAPI dependencies as ``Annotated`` aliases (swap them with dependency_overrides).

They never block, so they are ``async``: FastAPI runs a plain ``def`` dependency on a
worker thread, a hop per dependency per request that showed in the latency tails.

Routers reach the store only through use cases, handed a :data:`CallerDep`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import Unauthenticated
from referral_graph.domain.queries import Page
from referral_graph.security.model import Principal
from referral_graph.services.caller import Caller, WouldWait
from referral_graph.services.capacity_building import local_today
from referral_graph.services.recorded import RecordedStore

T = TypeVar("T")


class Placed(Protocol):
    """Where a store runs: in this process (embedded), or behind a network hop."""

    @property
    def embedded(self) -> bool: ...


async def quickly(store: Placed, call: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
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


def _principal(request: Request) -> Principal:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise Unauthenticated("Sign in first.")
    return principal


async def get_recorded_store(
    request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]
) -> RecordedStore:
    """The store, wrapped so that every write also records who made it (and, with an
    ``Idempotency-Key``, its first answer) in the same transaction."""
    route = request.scope.get("route")
    client = request.client.host if request.client else None
    return RecordedStore(
        runtime.store,
        _principal(request),
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
    store: Annotated[RecordedStore, Depends(get_recorded_store)],
) -> Caller:
    """Who calls the use cases of this request, through a store that records what they
    write, at the runtime's clock (only routes that need a principal ask for one)."""
    return Caller(_principal(request), store, runtime.now())


async def get_unrecorded_caller(
    request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]
) -> Caller:
    """The signed-in principal on the store itself: what it writes leaves no access
    record (signing out, which never did)."""
    return Caller(_principal(request), runtime.store, runtime.now())


async def get_today(runtime: Annotated[Runtime, Depends(get_runtime)]) -> date:
    """The programme's calendar day now (Phnom Penh time by default)."""
    return local_today(runtime.now(), runtime.settings.timezone)


async def get_reader(request: Request) -> Caller:
    """Who calls a read-only use case: the signed-in principal over the shared store (a
    read has nothing to record), at the runtime's clock. One dependency where
    :data:`CallerDep` is two and a recording store: measured in process, CallerDep
    added ~40 µs to each request of the busiest route (the recommendation, ~0.3 ms in
    all), this ~5 µs."""
    runtime: Runtime = request.app.state.runtime
    return Caller(_principal(request), runtime.store, runtime.now())


async def get_page(
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
PageDep = Annotated[Page, Depends(get_page)]
CallerDep = Annotated[Caller, Depends(get_caller)]
UnrecordedCallerDep = Annotated[Caller, Depends(get_unrecorded_caller)]
TodayDep = Annotated[date, Depends(get_today)]
#: Until the routers of routing, timeliness, audit, FHIR and directory exchange hand a
#: :data:`CallerDep` to use cases (#16): the signed-in request's recorded store.
StoreDep = Annotated[RecordedStore, Depends(get_recorded_store)]
ReaderDep = Annotated[Caller, Depends(get_reader)]

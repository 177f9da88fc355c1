"""The access log of reads: every read of case data is recorded right after it is
answered (writes are recorded in their own transaction by
``referral_graph.services.recorded.RecordedStore``)."""

from __future__ import annotations

from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from api.asgi import HttpMiddleware, Watched
from api.policy import rule_for
from referral_graph.services.recorded import object_id_of, record


class ReadAccessLog(HttpMiddleware):
    """After a successful answer on a route that reads case data, append who read it."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = Watched(send)
        await self.app(scope, receive, answer)
        principal = scope.get("state", {}).get("principal")
        route = scope.get("route")
        if principal is None or not isinstance(route, APIRoute) or (answer.status or 0) >= 400:
            return
        rule = rule_for(scope["method"], route.path)
        if rule is None or not rule.case_data:
            return
        runtime = scope["app"].state.runtime
        client = scope.get("client")
        entry = record(
            principal,
            runtime.now(),
            "read",
            scope["method"],
            route.path,
            object_id_of(scope.get("path_params", {})),
            client[0] if client else None,
        )
        runtime.write_behind.append_access(entry)

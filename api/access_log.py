"""The access log of reads and refusals: once a request is answered, one record per
case whose data it read (on a route that reads case data), and one ``denied`` record per
attempt at a case or referral that exists but is not the caller's (whatever the route:
a read, a step, a FHIR update). Writes are recorded in their own transaction by
``referral_graph.services.recorded.RecordedStore``.

Which cases a request read, and which attempts were refused, is noted where access is
decided (``referral_graph.services.witness``): a referral, a FHIR Task or a case Bundle
is filed under its case, so "who looked at this case" finds every way in.
"""

from __future__ import annotations

from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from api.asgi import HttpMiddleware, Watched
from api.policy import rule_for
from referral_graph.security.model import AccessRecord, Principal
from referral_graph.services import witness
from referral_graph.services.recorded import object_id_of, record


class ReadAccessLog(HttpMiddleware):
    """After the answer, append who read which case's data, and who was refused."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = Watched(send)
        app = scope["app"]  # this app's: a mounted app (the web app) puts its own there
        with witness.watching() as seen:
            await self.app(scope, receive, answer)
        principal: Principal | None = scope.get("state", {}).get("principal")
        if principal is None:
            return
        route = scope.get("route")
        path = route.path if isinstance(route, APIRoute) else scope["path"]
        runtime = app.state.runtime
        client = scope.get("client")
        at, method = runtime.now(), scope["method"]

        def entry(action: str, object_id: str | None, case_id: str | None) -> AccessRecord:
            host = client[0] if client else None
            return record(principal, at, action, method, path, object_id, host, case_id)

        entries = [entry("denied", obj, case) for obj, case in seen.denied]
        rule = rule_for(method, path) if isinstance(route, APIRoute) else None
        if rule is not None and rule.case_data and (answer.status or 0) < 400:
            named = object_id_of(scope.get("path_params", {}))
            entries += [entry("read", named or case, case) for case in seen.case_ids] or [
                entry("read", named, None)
            ]
        for one in entries:
            runtime.write_behind.append_access(one)

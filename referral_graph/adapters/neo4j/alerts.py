"""Alerts marked seen, and the people to tell of an alert, on Neo4j.

Graph: ``(:User)-[:SAW {at, username}]->(:Alert)``, merged once per person and alert
(the first time counts). A user node carries its ``provider_id`` and ``area_code``
(written with the user by :mod:`.accounts`) so that the people to tell are found by
index; nodes written before that carry neither and are read and checked here.
See :class:`referral_graph.store.alerts.AlertsPort`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, LiteralString

from referral_graph.adapters.neo4j.mapping import native_time
from referral_graph.adapters.neo4j.plumbing import CypherRunner, page_of
from referral_graph.domain.alerting import AlertSeen
from referral_graph.domain.errors import Conflict
from referral_graph.domain.models import TimelinessAlert
from referral_graph.security.model import User
from referral_graph.store.port import AlertsPort, Listing, Page

#: Added to what ``initialise`` creates (see :mod:`referral_graph.adapters.neo4j.schema`).
SCHEMA: tuple[LiteralString, ...] = (
    "CREATE INDEX user_provider IF NOT EXISTS FOR (n:User) ON (n.provider_id)",
    "CREATE INDEX user_area IF NOT EXISTS FOR (n:User) ON (n.area_code)",
)

GET_ALERT: LiteralString = "MATCH (a:Alert {id: $id}) RETURN a.doc AS doc"

MARK_SEEN: LiteralString = """
MATCH (u:User {id: $user_id})
MATCH (a:Alert {id: $alert_id})
MERGE (u)-[s:SAW]->(a)
  ON CREATE SET s.at = $at, s.username = $username
RETURN s.at AS at, s.username AS username
"""

ALERTS_SEEN: LiteralString = """
MATCH (u:User)-[s:SAW]->(a:Alert) WHERE a.id IN $ids
RETURN a.id AS alert_id, u.id AS user_id, s.username AS username, s.at AS at
ORDER BY alert_id, at, user_id
"""

ALL_SEEN: LiteralString = """
MATCH (u:User)-[s:SAW]->(a:Alert)
WITH {alert_id: a.id, user_id: u.id, username: s.username, at: s.at} AS x
""" + page_of("x", "x.at, x.alert_id, x.user_id", "x")

#: Users found by index, and those written before the properties existed (checked in
#: Python from their doc, as every other row is).
USERS_TO_TELL: LiteralString = """
MATCH (u:User)
WHERE u.provider_id IN $providers OR u.area_code IN $areas
   OR (u.provider_id IS NULL AND u.area_code IS NULL)
RETURN u.doc AS doc
ORDER BY u.username
"""


def _seen(row: Any) -> AlertSeen:
    return AlertSeen(
        alert_id=str(row["alert_id"]),
        user_id=str(row["user_id"]),
        username=str(row["username"]),
        at=native_time(row["at"]),
    )


class Neo4jAlerts(CypherRunner, AlertsPort):
    """The alerts part of a Neo4j transaction."""

    def get_alert(self, alert_id: str) -> TimelinessAlert | None:
        doc = self._doc(GET_ALERT, id=alert_id)
        return None if doc is None else TimelinessAlert.model_validate_json(doc)

    def mark_alert_seen(self, seen: AlertSeen) -> AlertSeen:
        record = self._one(
            MARK_SEEN,
            user_id=seen.user_id,
            alert_id=seen.alert_id,
            at=seen.at,
            username=seen.username,
        )
        if record is None:
            raise Conflict(f"No alert {seen.alert_id!r} or user {seen.user_id!r}.")
        return AlertSeen(
            seen.alert_id, seen.user_id, str(record["username"]), native_time(record["at"])
        )

    def alerts_seen(self, alert_ids: Collection[str]) -> list[AlertSeen]:
        ids = list(dict.fromkeys(alert_ids))
        if not ids:
            return []
        return [_seen(r) for r in self._records(ALERTS_SEEN, ids=ids)]

    def list_alert_seen(self, page: Page) -> Listing[AlertSeen]:
        return self._page(ALL_SEEN, page, _seen)

    def users_to_tell(
        self, provider_ids: Collection[str], area_codes: Collection[str]
    ) -> list[User]:
        providers, areas = set(provider_ids), set(area_codes)
        if not providers and not areas:
            return []
        docs = self._docs(USERS_TO_TELL, providers=sorted(providers), areas=sorted(areas))
        users = [User.model_validate_json(d) for d in docs]
        return [
            u for u in users if u.active and (u.provider_id in providers or u.area_code in areas)
        ]

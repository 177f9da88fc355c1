"""Constraints and indexes of the Neo4j store, created idempotently by ``initialise``.

Every id is unique (Community Edition has node *and* relationship uniqueness
constraints since 5.7); the inbox, the case path and the time-ordered listings are
served by range indexes. ``(:Meta {key: 'schema_version'})`` records what this module
created so that a newer database is refused, as the SQLite store does.
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import Session

from referral_graph.adapters.neo4j.accounts import SCHEMA as ACCOUNTS_SCHEMA
from referral_graph.adapters.neo4j.alerts import SCHEMA as ALERTS_SCHEMA
from referral_graph.adapters.neo4j.meetings import SCHEMA as MEETINGS_SCHEMA
from referral_graph.domain.errors import StoreUnavailable

SCHEMA_VERSION = 1

STATEMENTS: tuple[LiteralString, ...] = (
    # uniqueness (each also backs a range index used by MATCH/MERGE on the id)
    "CREATE CONSTRAINT area_code IF NOT EXISTS FOR (n:Area) REQUIRE n.code IS UNIQUE",
    "CREATE CONSTRAINT provider_id IF NOT EXISTS FOR (n:Provider) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT pathway_id IF NOT EXISTS FOR ()-[r:PATHWAY]-() REQUIRE r.id IS UNIQUE",
    "CREATE CONSTRAINT case_id IF NOT EXISTS FOR (n:Case) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT case_code IF NOT EXISTS FOR (n:Case) REQUIRE n.code IS UNIQUE",
    "CREATE CONSTRAINT referral_id IF NOT EXISTS FOR (n:Referral) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT referral_event_id IF NOT EXISTS"
    " FOR (n:ReferralEvent) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT referral_event_sequence IF NOT EXISTS"
    " FOR (n:ReferralEvent) REQUIRE (n.referral_id, n.sequence) IS UNIQUE",
    "CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (n:Meta) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT service_gap_id IF NOT EXISTS FOR (n:ServiceGap) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT alert_id IF NOT EXISTS FOR (n:Alert) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT outbox_id IF NOT EXISTS FOR (n:OutboxMessage) REQUIRE n.id IS UNIQUE",
    # capacity building
    "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT training_session_id IF NOT EXISTS"
    " FOR (n:TrainingSession) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT attended_once IF NOT EXISTS"
    " FOR ()-[r:ATTENDED]-() REQUIRE (r.session_id, r.person_id) IS UNIQUE",
    "CREATE CONSTRAINT coaching_session_id IF NOT EXISTS"
    " FOR (n:CoachingSession) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT awareness_session_id IF NOT EXISTS"
    " FOR (n:AwarenessSession) REQUIRE n.id IS UNIQUE",
    # range indexes
    "CREATE INDEX provider_kind IF NOT EXISTS FOR (n:Provider) ON (n.kind)",
    "CREATE INDEX referral_to_provider IF NOT EXISTS FOR (n:Referral) ON (n.to_provider_id)",
    "CREATE INDEX referral_status IF NOT EXISTS FOR (n:Referral) ON (n.status)",
    "CREATE INDEX referral_created_at IF NOT EXISTS FOR (n:Referral) ON (n.created_at)",
    "CREATE INDEX referral_inbox IF NOT EXISTS FOR (n:Referral) ON (n.to_provider_id, n.status)",
    "CREATE INDEX pathway_service IF NOT EXISTS FOR ()-[r:PATHWAY]-() ON (r.service)",
    "CREATE INDEX referral_next_alert IF NOT EXISTS FOR (n:Referral) ON (n.next_alert_at)",
    "CREATE INDEX referral_pending_due IF NOT EXISTS FOR (n:Referral) ON (n.pending_due_at)",
    "CREATE INDEX service_gap_village IF NOT EXISTS FOR (n:ServiceGap) ON (n.village_code)",
    "CREATE INDEX alert_referral IF NOT EXISTS FOR (n:Alert) ON (n.referral_id)",
    "CREATE INDEX alert_provider IF NOT EXISTS FOR (n:Alert) ON (n.provider_id)",
    "CREATE INDEX alert_fired_at IF NOT EXISTS FOR (n:Alert) ON (n.fired_at)",
    "CREATE INDEX outbox_due IF NOT EXISTS FOR (n:OutboxMessage) ON (n.state, n.next_attempt_at)",
    "CREATE INDEX case_closed_at IF NOT EXISTS FOR (n:Case) ON (n.closed_at)",
    # field realities: identifications, the incident clock
    "CREATE CONSTRAINT identification_id IF NOT EXISTS"
    " FOR (n:Identification) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX identification_to IF NOT EXISTS FOR (n:Identification) ON (n.to_provider_id)",
    "CREATE INDEX identification_from IF NOT EXISTS"
    " FOR (n:Identification) ON (n.identified_by_provider_id)",
    "CREATE INDEX identification_case IF NOT EXISTS FOR (n:Identification) ON (n.case_id)",
    "CREATE INDEX identification_created IF NOT EXISTS FOR (n:Identification) ON (n.created_at)",
    "CREATE INDEX case_care_clock_at IF NOT EXISTS FOR (n:Case) ON (n.care_clock_at)",
    # capacity building
    "CREATE INDEX person_provider IF NOT EXISTS FOR (n:Person) ON (n.provider_id)",
    "CREATE INDEX training_session_starts_on IF NOT EXISTS"
    " FOR (n:TrainingSession) ON (n.starts_on)",
    "CREATE INDEX training_session_area IF NOT EXISTS FOR (n:TrainingSession) ON (n.area_code)",
    "CREATE INDEX training_session_topic IF NOT EXISTS FOR (n:TrainingSession) ON (n.topic)",
    "CREATE INDEX coaching_person IF NOT EXISTS FOR (n:CoachingSession) ON (n.person_id)",
    "CREATE INDEX coaching_coach IF NOT EXISTS FOR (n:CoachingSession) ON (n.coach_id)",
    "CREATE INDEX coaching_held_on IF NOT EXISTS FOR (n:CoachingSession) ON (n.held_on)",
    "CREATE INDEX awareness_provider IF NOT EXISTS FOR (n:AwarenessSession) ON (n.provider_id)",
    "CREATE INDEX awareness_held_on IF NOT EXISTS FOR (n:AwarenessSession) ON (n.held_on)",
    "CREATE INDEX awareness_area IF NOT EXISTS FOR (n:AwarenessSession) ON (n.area_code)",
    *ACCOUNTS_SCHEMA,
    *ALERTS_SCHEMA,
    *MEETINGS_SCHEMA,
)

ENSURE_META: LiteralString = """
MERGE (d:Meta {key: 'directory_version'}) ON CREATE SET d.value = 0
MERGE (a:Meta {key: 'activity_version'}) ON CREATE SET a.value = 0
MERGE (s:Meta {key: 'schema_version'}) ON CREATE SET s.value = $version
RETURN s.value AS version
"""


def create_schema(session: Session, *, await_seconds: int = 300) -> None:
    """Create what is missing (each statement in its own auto-commit transaction)."""
    for statement in STATEMENTS:
        session.run(statement).consume()
    session.run("CALL db.awaitIndexes($seconds)", seconds=await_seconds).consume()


def ensure_meta(session: Session) -> None:
    """Create the meta nodes; refuse a database written by a newer schema."""
    record = session.run(ENSURE_META, version=SCHEMA_VERSION).single(strict=True)
    found = int(record["version"])
    if found > SCHEMA_VERSION:
        raise StoreUnavailable(
            f"The Neo4j schema is version {found}, newer than this program understands "
            f"({SCHEMA_VERSION}). Upgrade referral-graph before opening it."
        )

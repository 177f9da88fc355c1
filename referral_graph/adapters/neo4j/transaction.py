"""Reads and writes of one Neo4j managed transaction: one part per role port.

============================  ==================================================
:mod:`.directory`             providers, pathways, directory version, routing
:mod:`.cases`                 cases, referrals, events, the inbox
:mod:`.timeliness`            SLA policy, alerts, due list, hop facts, outbox
:mod:`.accounts`              users, tokens, sign-in failures, access log, idempotency
:mod:`.alerts`                alerts marked seen, the people to tell
:mod:`.training`              people, sessions, attendance, coaching, awareness
:mod:`.intake`                identifications sent to a CCWC
:mod:`.meetings`              network meetings, their participants and actions
:mod:`.archive`               seeding, export and restore, retention
============================  ==================================================

Each module holds its Cypher next to the methods that run it; the SQLite adapter has a
module of the same name for each. The parts share
:class:`~referral_graph.adapters.neo4j.plumbing.CypherRunner`. The driver may run a
unit of work more than once (transient faults), so nothing here keeps state between
calls.
"""

from __future__ import annotations

from referral_graph.adapters.neo4j.accounts import Neo4jAccounts
from referral_graph.adapters.neo4j.alerts import Neo4jAlerts
from referral_graph.adapters.neo4j.archive import Neo4jArchive
from referral_graph.adapters.neo4j.intake import Neo4jIntake
from referral_graph.adapters.neo4j.meetings import Neo4jMeetings
from referral_graph.adapters.neo4j.timeliness import Neo4jTimeliness
from referral_graph.store.port import Transaction


class Neo4jTransaction(
    Neo4jArchive,
    Neo4jTimeliness,
    Neo4jAccounts,
    Neo4jAlerts,
    Neo4jIntake,
    Neo4jMeetings,
    Transaction,
):
    """The port over Cypher, inside one managed transaction."""

"""Reads and writes of one SQLite transaction: one part per role port.

============================  ==================================================
:mod:`.directory`             providers, pathways, directory version, routing
:mod:`.cases`                 cases, referrals, events, the inbox
:mod:`.timeliness`            SLA policy, alerts, due list, hop facts, outbox
:mod:`.accounts`              users, tokens, sign-in failures, access log, idempotency
:mod:`.alerts`                alerts marked seen, the people to tell
:mod:`.training`              people, sessions, attendance, coaching, awareness
:mod:`.intake`                identifications sent to a CCWC
:mod:`.meetings`              network meetings, their participants and actions
:mod:`.archive`               seeding, export and restore, retention, housekeeping
============================  ==================================================

Each part has the connection (:class:`~referral_graph.adapters.sqlite.sql.SqlitePart`);
the Neo4j adapter has a module of the same name for each, so the SQL and the Cypher of
one concern stand side by side.
"""

from __future__ import annotations

from referral_graph.adapters.sqlite.accounts import SqliteAccounts
from referral_graph.adapters.sqlite.alerts import SqliteAlerts
from referral_graph.adapters.sqlite.archive import SqliteArchive
from referral_graph.adapters.sqlite.intake import SqliteIntake
from referral_graph.adapters.sqlite.meetings import SqliteMeetings
from referral_graph.adapters.sqlite.timeliness import SqliteTimeliness
from referral_graph.store.port import Transaction


class SqliteTransaction(
    SqliteArchive,
    SqliteTimeliness,
    SqliteAccounts,
    SqliteAlerts,
    SqliteIntake,
    SqliteMeetings,
    Transaction,
):
    """The port over one SQLite connection inside ``BEGIN`` … ``COMMIT``."""

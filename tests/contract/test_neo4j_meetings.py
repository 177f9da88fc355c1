"""What only Neo4j has to prove about meetings: they are in the graph — a meeting linked
to its area and participants, an action to its meeting, owners and subject — and a
replayed write (an unanswered commit) lands once."""

from __future__ import annotations

from typing import Any

import pytest

from referral_graph.adapters.neo4j.store import Neo4jStore
from referral_graph.domain.meetings import MeetingStatus
from tests.contract.meetings_data import action, meeting, pathway_action
from tests.factories import load_small_network

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo4j(neo4j_server: Neo4jStore) -> Neo4jStore:
    neo4j_server.reset()
    load_small_network(neo4j_server)
    return neo4j_server


def rows(store: Neo4jStore, query: str, **params: Any) -> list[dict[str, Any]]:
    result = store.driver.execute_query(query, params, database_=store.database)
    return [r.data() for r in result.records]


def test_a_meeting_is_linked_to_its_area_and_participants(neo4j: Neo4jStore) -> None:
    neo4j.write(lambda tx: tx.add_meeting(meeting()))
    found = rows(
        neo4j,
        "MATCH (m:Meeting {id: 'mtg-1'})-[:FOR_AREA]->(a:Area)-[:IN]->(d:Area)"
        " MATCH (m)-[p:PARTICIPANT]->(pr:Provider)"
        " RETURN a.code AS area, d.code AS district, pr.id AS provider, p.present AS present"
        " ORDER BY provider",
    )
    assert found == [
        {"area": "170101", "district": "1701", "provider": "ccwc-a", "present": None},
        {"area": "170101", "district": "1701", "provider": "hc-a", "present": True},
    ]
    saved = meeting(participants=(), status=MeetingStatus.CLOSED, version=2)
    neo4j.write(lambda tx: tx.save_meeting(saved, 1))
    assert rows(neo4j, "MATCH (:Meeting)-[p:PARTICIPANT]->() RETURN count(p) AS n") == [{"n": 0}]
    assert rows(neo4j, "MATCH (:Meeting)-[r:FOR_AREA]->() RETURN count(r) AS n") == [{"n": 1}]


def test_an_action_is_linked_to_its_meeting_owners_and_subject(neo4j: Neo4jStore) -> None:
    neo4j.write(lambda tx: tx.add_meeting(meeting()))
    mine = action(owner_person_id="person-hc-a-1")
    neo4j.write(lambda tx: tx.add_actions([mine, pathway_action()]))
    found = rows(
        neo4j,
        "MATCH (x:MeetingAction {id: 'act-pw'})-[r]->(n)"
        " RETURN type(r) AS rel, coalesce(n.id, n.code) AS to ORDER BY rel, to",
    )
    assert found == [
        {"rel": "ABOUT", "to": "ccwc-a"},
        {"rel": "ABOUT", "to": "tpo-a"},
        {"rel": "AGREED_AT", "to": "mtg-1"},
        {"rel": "OWNED_BY", "to": "ccwc-a"},
    ]
    owners = rows(
        neo4j,
        "MATCH (:MeetingAction {id: 'act-1'})-[:OWNED_BY]->(n) RETURN labels(n)[0] AS kind"
        " ORDER BY kind",
    )
    assert owners == [{"kind": "Person"}, {"kind": "Provider"}]


def test_a_replayed_write_lands_once(neo4j: Neo4jStore) -> None:
    def work(tx: Any) -> None:
        tx.add_meeting(meeting())
        tx.add_actions([action()])

    neo4j.write(work)
    neo4j.replay(work)  # the first commit landed: the retry finds it and writes nothing
    assert rows(neo4j, "MATCH (m:MeetingAction) RETURN count(m) AS n") == [{"n": 1}]

"""Cases, referrals and their events on Neo4j.

Graph: ``(:Provider)-[:OPENED]->(:Case)-[:LIVES_IN]->(:Area)``,
``(:Provider)-[:SENT]->(:Referral)-[:TO]->(:Provider)``, ``(:Referral)-[:FOR]->(:Case)``,
``(:Referral)-[:HAS_EVENT]->(:ReferralEvent)``, ``(:Referral)-[:CONTINUES]->(:Referral)``.
Inserts and compare-and-sets follow the conventions of :mod:`.directory`.
See :class:`referral_graph.store.cases.CasesPort`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, LiteralString

from referral_graph.adapters.neo4j.mapping import (
    CASE_TIMES,
    EVENT_TIMES,
    REFERRAL_TIMES,
    case_row,
    event_row,
    referral_row,
    set_datetimes,
)
from referral_graph.adapters.neo4j.plumbing import CypherRunner, inside, page_of
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.models import Case, Provider, Referral, ReferralEvent
from referral_graph.store.port import (
    AttentionQuery,
    CaseFile,
    CasesPort,
    InboxQuery,
    Listing,
    Page,
    ReferralFile,
)

WAITING_ON_RECEIVER = ("requested", "received", "accepted")
ENDED = ("rejected", "failed", "cancelled")

# --- cases -------------------------------------------------------------------------

ADD_CASE: LiteralString = (
    """
OPTIONAL MATCH (clash:Case {code: $row.code})
WITH clash WHERE clash IS NULL
MATCH (opener:Provider {id: $row.opened_by_provider_id})
MATCH (village:Area {code: $row.village_code})
MERGE (c:Case {id: $row.id})
  ON CREATE SET c._new = true
WITH opener, village, c
WHERE c._new IS NOT NULL
SET c = $row"""
    + set_datetimes("c", "$row", CASE_TIMES)
    + """
CREATE (opener)-[:OPENED]->(c)-[:LIVES_IN]->(village)
RETURN c.id AS id
"""
)

WHY_NO_CASE: LiteralString = """
OPTIONAL MATCH (by_id:Case {id: $id})
OPTIONAL MATCH (by_code:Case {code: $code})
OPTIONAL MATCH (opener:Provider {id: $opener})
RETURN by_id IS NOT NULL AS id_taken, by_code IS NOT NULL AS code_taken,
       opener IS NOT NULL AS opener_known
"""

SAVE_CASE: LiteralString = (
    """
MATCH (c:Case {id: $row.id})
SET c._lock = true
REMOVE c._lock
WITH c, c.version = $expected AS ok
CALL (c, ok) {
  WITH c WHERE ok
  SET c = $row"""
    + set_datetimes("c", "$row", CASE_TIMES)
    + """
  WITH c
  CALL (c) {
    MATCH (c)-[old:LIVES_IN]->(:Area)
    DELETE old
  }
  MATCH (village:Area {code: c.village_code})
  CREATE (c)-[:LIVES_IN]->(village)
}
"""
)

GET_CASE: LiteralString = "MATCH (c:Case {id: $id}) RETURN c.doc AS doc"

STORED_CASE: LiteralString = """
MATCH (c:Case {id: $id})
RETURN c.doc AS doc, c.version AS version
"""

COUNT_CASES: LiteralString = "MATCH (c:Case) RETURN count(c) AS n"

CASES_OPENED_BY: LiteralString = """
MATCH (:Provider {id: $provider_id})-[:OPENED]->(x:Case)
WHERE NOT $open_only OR x.status = 'open'
"""

# --- referrals ---------------------------------------------------------------------

ADD_REFERRAL: LiteralString = (
    """
MATCH (c:Case {id: $row.case_id})
MATCH (s:Provider {id: $row.from_provider_id})
MATCH (t:Provider {id: $row.to_provider_id})
OPTIONAL MATCH (prev:Referral {id: $row.continues_referral_id})
WITH c, s, t, prev
WHERE $row.continues_referral_id IS NULL OR prev IS NOT NULL
MERGE (r:Referral {id: $row.id})
  ON CREATE SET r._new = true
WITH c, s, t, prev, r
WHERE r._new IS NOT NULL
SET r = $row"""
    + set_datetimes("r", "$row", REFERRAL_TIMES)
    + """
CREATE (s)-[:SENT]->(r)-[:TO]->(t), (r)-[:FOR]->(c), (r)-[:HAS_EVENT]->(e:ReferralEvent)
SET e = $event"""
    + set_datetimes("e", "$event", EVENT_TIMES)
    + """
FOREACH (p IN CASE WHEN prev IS NULL THEN [] ELSE [prev] END | CREATE (r)-[:CONTINUES]->(p))
"""
)

SAVE_REFERRAL: LiteralString = (
    """
MATCH (r:Referral {id: $row.id})
SET r._lock = true
REMOVE r._lock
WITH r, r.version = $expected AS ok, r.status AS status
CALL (r, ok) {
  WITH r WHERE ok
  SET r = $row"""
    + set_datetimes("r", "$row", REFERRAL_TIMES)
    + """
  CREATE (r)-[:HAS_EVENT]->(e:ReferralEvent)
  SET e = $event"""
    + set_datetimes("e", "$event", EVENT_TIMES)
    + """
}
"""
)

GET_REFERRAL: LiteralString = "MATCH (r:Referral {id: $id}) RETURN r.doc AS doc"

RETIME_REFERRAL: LiteralString = (
    """
MATCH (r:Referral {id: $row.id})
SET r._lock = true
REMOVE r._lock
WITH r, r.version = $expected AS ok
CALL (r, ok) {
  WITH r WHERE ok
  SET r = $row"""
    + set_datetimes("r", "$row", REFERRAL_TIMES)
    + """
}
RETURN ok
"""
)

STORED_REFERRAL: LiteralString = """
MATCH (r:Referral {id: $id})
RETURN r.doc AS doc, r.version AS version
"""

# --- the work queue --------------------------------------------------------------------

#: A hop ``r`` of case ``c`` past its deadline, or one that ended without the service
#: with nothing referred for that service since and nothing open or completed for it.
LATE_OR_LEFT: LiteralString = """(
  r.pending_due_at < $now
  OR (r.status IN $ended AND NOT EXISTS {
        MATCH (c)<-[:FOR]-(n:Referral)
        WHERE n.service = r.service AND n.id <> r.id
          AND (n.created_at > r.created_at OR NOT n.status IN $ended) }))
"""

ATTENTION_OPENED: LiteralString = """
  UNWIND $openers AS pid
  MATCH (:Provider {id: pid})-[:OPENED]->(c:Case {status: 'open'})
  RETURN c
"""

ATTENTION_RECEIVED: LiteralString = """
  MATCH (r:Referral) WHERE r.to_provider_id IN $receivers AND r.status IN $waiting
  MATCH (r)-[:FOR]->(c:Case {status: 'open'})
  RETURN c
"""

ATTENTION_SENT: LiteralString = (
    """
  UNWIND $senders AS pid
  MATCH (:Provider {id: pid})-[:SENT]->(r:Referral)-[:FOR]->(c:Case {status: 'open'})
  WHERE """
    + LATE_OR_LEFT
    + """
  RETURN c
"""
)

ATTENTION_IN_AREA: LiteralString = """
  MATCH (r:Referral)-[:FOR]->(c:Case {status: 'open'})
  WHERE """

ATTENTION_FILES: LiteralString = """
}
WITH DISTINCT c ORDER BY c.opened_at, c.id LIMIT $limit
CALL (c) {
  OPTIONAL MATCH (c)<-[:FOR]-(r:Referral)
  WITH r ORDER BY r.hop, r.created_at, r.id
  RETURN collect(r.doc) AS referrals
}
RETURN c.doc AS doc, referrals
"""

#: A referral made or moved: routing re-reads caseloads when this number has grown.
BUMP_ACTIVITY: LiteralString = """
MERGE (m:Meta {key: 'activity_version'})
  ON CREATE SET m.value = 0
SET m.value = m.value + 1
"""

#: The referral's version and, if the referral holds it, the event ``$event_id``.
STORED_REFERRAL_EVENT: LiteralString = """
MATCH (r:Referral {id: $id})
OPTIONAL MATCH (r)-[:HAS_EVENT]->(e:ReferralEvent {id: $event_id})
RETURN r.version AS version, e.doc AS doc
"""

REFERRAL_EVENTS: LiteralString = """
MATCH (:Referral {id: $id})-[:HAS_EVENT]->(e:ReferralEvent)
RETURN e.doc AS doc
ORDER BY e.sequence
"""

CASE_REFERRALS: LiteralString = """
MATCH (:Case {id: $id})<-[:FOR]-(r:Referral)
RETURN r.doc AS doc
ORDER BY r.hop, r.created_at, r.id
"""

#: A referral with its case, both ends and its events, in one statement (what a step
#: on it is decided on; see ``CasesPort.referral_file``).
REFERRAL_FILE: LiteralString = """
MATCH (r:Referral {id: $id})
OPTIONAL MATCH (c:Case {id: r.case_id})
CALL (r) {
  OPTIONAL MATCH (r)-[:HAS_EVENT]->(e:ReferralEvent)
  WITH e ORDER BY e.sequence
  RETURN collect(e.doc) AS events
}
CALL (r) {
  UNWIND [r.from_provider_id, r.to_provider_id] AS pid
  MATCH (p:Provider {id: pid})
  RETURN collect(p.doc) AS providers
}
RETURN r.doc AS referral, c.doc AS case, events, providers
"""

#: A case with its referrals in path order and the providers they (and ``$also``) name.
CASE_FILE: LiteralString = """
MATCH (c:Case {id: $id})
CALL (c) {
  OPTIONAL MATCH (c)<-[:FOR]-(r:Referral)
  WITH r ORDER BY r.hop, r.created_at, r.id
  RETURN collect(r) AS referrals
}
CALL (c, referrals) {
  UNWIND [c.opened_by_provider_id] + $also + [r IN referrals | r.from_provider_id]
         + [r IN referrals | r.to_provider_id] AS pid
  WITH DISTINCT pid
  MATCH (p:Provider {id: pid})
  RETURN collect(p.doc) AS providers
}
RETURN c.doc AS case, [r IN referrals | r.doc] AS referrals, providers
"""

#: The hint keeps the planner on the composite ``referral_inbox`` index: left alone it
#: may seek ``referral_to_provider`` and filter every referral the provider ever had
#: (2–3× slower for a busy provider; see docs/graph-model.md).
INBOX: LiteralString = """
MATCH (r:Referral) USING INDEX r:Referral(to_provider_id, status)
WHERE r.to_provider_id = $provider_id AND r.status IN $statuses
"""


class Neo4jCases(CypherRunner, CasesPort):
    """The cases and referrals part of a Neo4j transaction."""

    # --- cases -----------------------------------------------------------------------
    def add_case(self, case: Case) -> None:
        self._defer_areas([case.village_code])  # folded into the insert
        if self._one(ADD_CASE, row=case_row(case, text_times=True)) is not None:
            return
        if self._landed(STORED_CASE, case, id=case.id):
            return  # a replay: the first commit inserted it
        why = self._one(WHY_NO_CASE, id=case.id, code=case.code, opener=case.opened_by_provider_id)
        if why is not None and not why["opener_known"]:
            raise Conflict(
                f"No provider with id {case.opened_by_provider_id!r} can open a case.",
                field="opened_by_provider_id",
            )
        raise Conflict(f"A case with id {case.id!r} or code {case.code!r} exists.")

    def save_case(self, case: Case, expected_version: int) -> None:
        """Deferred: ``StaleVersion`` comes with the unit's next statement, or its end."""

        def check(found: list[Any]) -> None:
            if found and found[0]:
                return
            if self._landed(STORED_CASE, case, version=expected_version + 1, id=case.id):
                return  # a replay: the first commit saved exactly this
            raise StaleVersion("case", case.id)

        self._defer_areas([case.village_code])
        self._defer(
            SAVE_CASE,
            result="ok",
            check=check,
            row=case_row(case, text_times=True),
            expected=expected_version,
        )

    def get_case(self, case_id: str) -> Case | None:
        doc = self._doc(GET_CASE, id=case_id)
        return None if doc is None else Case.model_validate_json(doc)

    def count_cases(self) -> int:
        record = self._one(COUNT_CASES)
        return 0 if record is None else int(record["n"])

    def cases_opened_by(
        self, provider_id: str, page: Page, *, open_only: bool = False
    ) -> Listing[Case]:
        text = CASES_OPENED_BY + page_of("x", "x.opened_at DESC, x.id DESC")
        read = Case.model_validate_json
        return self._page(text, page, read, provider_id=provider_id, open_only=open_only)

    # --- referrals -------------------------------------------------------------------
    def add_referral(self, referral: Referral, event: ReferralEvent) -> None:
        """Deferred: a ``Conflict`` comes with the unit's next statement, or its end."""

        def check(inserted: list[Any]) -> None:
            if inserted:
                return
            if self._landed(STORED_REFERRAL_EVENT, event, id=referral.id, event_id=event.id):
                # A replay: the referral holds this very creation event (its id was drawn
                # for this unit of work), so the first commit inserted both. Compared on
                # the event, whose content never changes, not on the referral (the
                # scheduler may have moved its next_alert_at since).
                return
            if self._exists("Referral", referral.id):
                raise Conflict(f"A referral with id {referral.id!r} exists.", field="id")
            raise Conflict(
                f"Referral {referral.id!r} names a case, provider or referral that does not exist."
            )

        self._defer(
            ADD_REFERRAL,
            result="r.id",
            check=check,
            row=referral_row(referral, text_times=True),
            event=event_row(event, text_times=True),
        )
        self._defer(BUMP_ACTIVITY)  # routing re-reads caseloads when this has grown

    def save_referral(
        self, referral: Referral, expected_version: int, event: ReferralEvent
    ) -> None:
        """Deferred: ``StaleVersion`` comes with the unit's next statement, or its end."""

        def check(found: list[Any]) -> None:
            if not found:
                raise StaleVersion("referral", referral.id)
            if found[0]["ok"]:
                return
            if self._landed(
                STORED_REFERRAL_EVENT,
                event,
                version=expected_version + 1,
                id=referral.id,
                event_id=event.id,
            ):
                return  # a replay: the referral is one step on, and that step is this event
            raise StaleVersion("referral", referral.id, found[0]["status"])

        self._defer(
            SAVE_REFERRAL,
            result="{ok: ok, status: status}",
            check=check,
            row=referral_row(referral, text_times=True),
            expected=expected_version,
            event=event_row(event, text_times=True),
        )
        self._defer(BUMP_ACTIVITY)  # a step: routing re-reads caseloads

    def retime_referral(self, referral: Referral, expected_version: int) -> None:
        record = self._one(
            RETIME_REFERRAL,
            row=referral_row(referral, text_times=True),
            expected=expected_version,
        )
        if record is None or not record["ok"]:
            if self._landed(STORED_REFERRAL, referral, version=referral.version, id=referral.id):
                return  # a replay: the first commit saved exactly this
            raise StaleVersion("referral", referral.id)

    def get_referral(self, referral_id: str) -> Referral | None:
        doc = self._doc(GET_REFERRAL, id=referral_id)
        return None if doc is None else Referral.model_validate_json(doc)

    def referral_events(self, referral_id: str) -> list[ReferralEvent]:
        return [
            ReferralEvent.model_validate_json(d)
            for d in self._docs(REFERRAL_EVENTS, id=referral_id)
        ]

    def case_referrals(self, case_id: str) -> list[Referral]:
        return [Referral.model_validate_json(d) for d in self._docs(CASE_REFERRALS, id=case_id)]

    # --- files -----------------------------------------------------------------------
    def referral_file(self, referral_id: str) -> ReferralFile | None:
        record = self._one(REFERRAL_FILE, id=referral_id)
        if record is None:
            return None
        providers = (Provider.model_validate_json(d) for d in record["providers"])
        return ReferralFile(
            Referral.model_validate_json(record["referral"]),
            None if record["case"] is None else Case.model_validate_json(record["case"]),
            {p.id: p for p in providers},
            [ReferralEvent.model_validate_json(d) for d in record["events"]],
        )

    def case_file(self, case_id: str, also: Iterable[str] = ()) -> CaseFile | None:
        record = self._one(CASE_FILE, id=case_id, also=list(also))
        if record is None:
            return None
        providers = (Provider.model_validate_json(d) for d in record["providers"])
        return CaseFile(
            Case.model_validate_json(record["case"]),
            [Referral.model_validate_json(d) for d in record["referrals"]],
            {p.id: p for p in providers},
        )

    def inbox(self, query: InboxQuery, page: Page) -> Listing[Referral]:
        text = INBOX + page_of("r", "r.created_at, r.id")
        statuses = [s.value for s in query.statuses]
        read = Referral.model_validate_json
        return self._page(text, page, read, provider_id=query.provider_id, statuses=statuses)

    def attention_cases(self, query: AttentionQuery) -> list[CaseFile]:
        branches: list[LiteralString] = []
        params: dict[str, object] = {
            "now": query.now,
            "ended": list(ENDED),
            "waiting": list(WAITING_ON_RECEIVER),
            "openers": list(query.openers),
            "receivers": list(query.receivers),
            "senders": list(query.senders),
            "limit": query.limit,
        }
        if query.openers:
            branches.append(ATTENTION_OPENED)
        if query.receivers:
            branches.append(ATTENTION_RECEIVED)
        if query.senders:
            branches.append(ATTENTION_SENT)
        if query.everywhere:
            branches.append(ATTENTION_IN_AREA + LATE_OR_LEFT + "  RETURN c\n")
        elif query.area is not None:
            predicate, area_params = inside("c.village_code", query.area)
            params.update(area_params)
            branches.append(ATTENTION_IN_AREA + predicate + " AND " + LATE_OR_LEFT + "  RETURN c\n")
        if not branches:
            return []
        text = "CALL () {" + "  UNION\n".join(branches) + ATTENTION_FILES
        return [
            CaseFile(
                Case.model_validate_json(record["doc"]),
                [Referral.model_validate_json(d) for d in record["referrals"]],
            )
            for record in self._records(text, **params)
        ]

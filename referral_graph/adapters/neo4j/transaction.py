"""Reads and writes of one Neo4j managed transaction (see :class:`referral_graph.store.port`).

The driver may run a unit of work more than once (transient faults), so nothing here
keeps state between calls. Queries live in :mod:`referral_graph.adapters.neo4j.cypher`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from referral_graph.adapters.neo4j import cypher
from referral_graph.adapters.neo4j.accounts import Neo4jAccounts
from referral_graph.adapters.neo4j.followup import FollowUp
from referral_graph.adapters.neo4j.idempotency import Neo4jIdempotency
from referral_graph.adapters.neo4j.mapping import (
    case_row,
    event_row,
    pathway_row,
    provider_areas,
    provider_row,
    referral_row,
)
from referral_graph.adapters.neo4j.plumbing import batches, where
from referral_graph.adapters.neo4j.sample_data import Neo4jSampleData
from referral_graph.adapters.neo4j.training import Neo4jTraining
from referral_graph.domain.errors import Conflict, StaleVersion
from referral_graph.domain.models import Case, Pathway, Provider, Referral, ReferralEvent
from referral_graph.store.port import (
    InboxQuery,
    Listing,
    Page,
    PathwayQuery,
    ProviderQuery,
    Transaction,
    area_prefixes,
)


class Neo4jTransaction(
    Neo4jAccounts, Neo4jIdempotency, Neo4jTraining, Neo4jSampleData, FollowUp, Transaction
):
    """The port over Cypher. Routing, timeliness and outbox methods: :class:`FollowUp`."""

    # --- directory -------------------------------------------------------------------
    def add_provider(self, provider: Provider) -> None:
        self._merge_areas(provider_areas(provider))
        if self._one(cypher.ADD_PROVIDER, row=provider_row(provider, text_times=True)) is None:
            if self._landed(cypher.STORED_PROVIDER, provider, id=provider.id):
                return  # a replay: the first commit inserted it (and bumped the version)
            raise Conflict(f"A provider with id {provider.id!r} exists.", field="id")
        self.bump_directory_version()

    def save_provider(self, provider: Provider, expected_version: int) -> None:
        locked = self._one(cypher.LOCK_PROVIDER, id=provider.id)
        if locked is None or locked["version"] != expected_version:
            if self._landed(
                cypher.STORED_PROVIDER, provider, version=expected_version + 1, id=provider.id
            ):
                return  # a replay: the first commit saved exactly this
            raise StaleVersion("provider", provider.id)
        self._merge_areas(provider_areas(provider))
        self._records(cypher.SAVE_PROVIDER, row=provider_row(provider, text_times=True))
        self.bump_directory_version()

    def get_provider(self, provider_id: str) -> Provider | None:
        doc = self._doc(cypher.GET_PROVIDER, id=provider_id)
        return None if doc is None else Provider.model_validate_json(doc)

    def get_providers(self, provider_ids: Iterable[str]) -> dict[str, Provider]:
        ids = list(dict.fromkeys(provider_ids))
        providers = [
            Provider.model_validate_json(doc) for doc in self._docs(cypher.GET_PROVIDERS, ids=ids)
        ]
        return {p.id: p for p in providers}

    def list_providers(self, query: ProviderQuery, page: Page) -> Listing[Provider]:
        params: dict[str, Any] = {}
        base = cypher.ALL_PROVIDERS
        if query.area is not None:
            params.update(lineage=area_prefixes(query.area), area=query.area)
            base = cypher.PROVIDERS_IN_AREA
        values: dict[str, object] = {
            "service": None if query.service is None else query.service.value,
            "kind": None if query.kind is None else query.kind.value,
            "age": query.age,
            "gender": None if query.gender is None else query.gender.value,
            "active": query.active,
        }
        filters = [cypher.PROVIDER_FILTERS[k] for k, v in values.items() if v is not None]
        params.update({k: v for k, v in values.items() if v is not None})
        text = base + where(filters) + cypher.page_of("p", "p.id")
        total, docs = self._listing(text, page, **params)
        return Listing([Provider.model_validate_json(d) for d in docs], total)

    def add_pathway(self, pathway: Pathway) -> None:
        if self._one(cypher.ADD_PATHWAY, row=pathway_row(pathway)) is None:
            if self._landed(cypher.GET_PATHWAY, pathway, id=pathway.id):
                return  # a replay: the first commit inserted it
            exists = self._one(cypher.PATHWAY_EXISTS, id=pathway.id)
            if exists is not None and exists["exists"]:
                raise Conflict(f"A pathway with id {pathway.id!r} exists.", field="id")
            raise Conflict(
                f"Pathway {pathway.id!r} links a provider that does not exist.",
                field="to_provider_id",
            )
        self.bump_directory_version()

    def get_pathway(self, pathway_id: str) -> Pathway | None:
        doc = self._doc(cypher.GET_PATHWAY, id=pathway_id)
        return None if doc is None else Pathway.model_validate_json(doc)

    def list_pathways(self, query: PathwayQuery, page: Page) -> Listing[Pathway]:
        values: dict[str, object] = {
            "from_provider_id": query.from_provider_id,
            "to_provider_id": query.to_provider_id,
            "service": None if query.service is None else query.service.value,
        }
        filters = [cypher.PATHWAY_FILTERS[k] for k, v in values.items() if v is not None]
        params = {k: v for k, v in values.items() if v is not None}
        text = cypher.PATHWAYS + where(filters) + cypher.page_of("w", "w.id")
        total, docs = self._listing(text, page, **params)
        return Listing([Pathway.model_validate_json(d) for d in docs], total)

    def load_directory(self, providers: Sequence[Provider], pathways: Sequence[Pathway]) -> int:
        # The last of several rows with one id wins, as with INSERT OR REPLACE.
        latest_providers = {p.id: p for p in providers}
        latest_pathways = {w.id: w for w in pathways}
        self._merge_areas(c for p in latest_providers.values() for c in provider_areas(p))
        rows = [provider_row(p, text_times=True) for p in latest_providers.values()]
        for batch in batches(rows, self.batch_size):
            self._records(cypher.LOAD_PROVIDERS, rows=batch)
        rows = [pathway_row(w) for w in latest_pathways.values()]
        for batch in batches(rows, self.batch_size):
            record = self._one(cypher.LOAD_PATHWAYS, rows=batch)
            if record is None or record["written"] != len(batch):
                raise Conflict("A pathway links a provider that does not exist.")
        self.bump_directory_version()
        return len(providers) + len(pathways)

    def directory_version(self) -> int:
        record = self._one(cypher.DIRECTORY_VERSION)
        return 0 if record is None else int(record["value"])

    def bump_directory_version(self) -> int:
        record = self._one(cypher.BUMP_DIRECTORY_VERSION)
        assert record is not None
        return int(record["value"])

    # --- cases -----------------------------------------------------------------------
    def add_case(self, case: Case) -> None:
        self._merge_areas([case.village_code])
        if self._one(cypher.ADD_CASE, row=case_row(case, text_times=True)) is not None:
            return
        if self._landed(cypher.STORED_CASE, case, id=case.id):
            return  # a replay: the first commit inserted it
        why = self._one(
            cypher.WHY_NO_CASE, id=case.id, code=case.code, opener=case.opened_by_provider_id
        )
        if why is not None and not why["opener_known"]:
            raise Conflict(
                f"No provider with id {case.opened_by_provider_id!r} can open a case.",
                field="opened_by_provider_id",
            )
        raise Conflict(f"A case with id {case.id!r} or code {case.code!r} exists.")

    def save_case(self, case: Case, expected_version: int) -> None:
        self._merge_areas([case.village_code])
        record = self._one(
            cypher.SAVE_CASE, row=case_row(case, text_times=True), expected=expected_version
        )
        if record is None or not record["ok"]:
            if self._landed(cypher.STORED_CASE, case, version=expected_version + 1, id=case.id):
                return  # a replay: the first commit saved exactly this
            raise StaleVersion("case", case.id)

    def get_case(self, case_id: str) -> Case | None:
        doc = self._doc(cypher.GET_CASE, id=case_id)
        return None if doc is None else Case.model_validate_json(doc)

    def count_cases(self) -> int:
        record = self._one(cypher.COUNT_CASES)
        return 0 if record is None else int(record["n"])

    # --- referrals -------------------------------------------------------------------
    def add_referral(self, referral: Referral, event: ReferralEvent) -> None:
        record = self._one(
            cypher.ADD_REFERRAL,
            row=referral_row(referral, text_times=True),
            event=event_row(event, text_times=True),
        )
        if record is not None:
            return
        if self._landed(cypher.STORED_REFERRAL_EVENT, event, id=referral.id, event_id=event.id):
            # A replay: the referral holds this very creation event (its id was drawn for
            # this unit of work), so the first commit inserted both. Compared on the
            # event, whose content never changes, not on the referral (the scheduler may
            # have moved its next_alert_at since).
            return
        exists = self._one(cypher.REFERRAL_EXISTS, id=referral.id)
        if exists is not None and exists["exists"]:
            raise Conflict(f"A referral with id {referral.id!r} exists.", field="id")
        raise Conflict(
            f"Referral {referral.id!r} names a case, provider or referral that does not exist."
        )

    def save_referral(
        self, referral: Referral, expected_version: int, event: ReferralEvent
    ) -> None:
        record = self._one(
            cypher.SAVE_REFERRAL,
            row=referral_row(referral, text_times=True),
            expected=expected_version,
            event=event_row(event, text_times=True),
        )
        if record is None:
            raise StaleVersion("referral", referral.id)
        if not record["ok"]:
            if self._landed(
                cypher.STORED_REFERRAL_EVENT,
                event,
                version=expected_version + 1,
                id=referral.id,
                event_id=event.id,
            ):
                return  # a replay: the referral is one step on, and that step is this event
            raise StaleVersion("referral", referral.id, record["status"])

    def get_referral(self, referral_id: str) -> Referral | None:
        doc = self._doc(cypher.GET_REFERRAL, id=referral_id)
        return None if doc is None else Referral.model_validate_json(doc)

    def referral_events(self, referral_id: str) -> list[ReferralEvent]:
        return [
            ReferralEvent.model_validate_json(d)
            for d in self._docs(cypher.REFERRAL_EVENTS, id=referral_id)
        ]

    def case_referrals(self, case_id: str) -> list[Referral]:
        return [
            Referral.model_validate_json(d) for d in self._docs(cypher.CASE_REFERRALS, id=case_id)
        ]

    def inbox(self, query: InboxQuery, page: Page) -> Listing[Referral]:
        text = cypher.INBOX + cypher.page_of("r", "r.created_at, r.id")
        total, docs = self._listing(
            text,
            page,
            provider_id=query.provider_id,
            statuses=[s.value for s in query.statuses],
        )
        return Listing([Referral.model_validate_json(d) for d in docs], total)

    # --- retention -------------------------------------------------------------------
    def cases_to_purge(self, closed_before: datetime, limit: int) -> list[Case]:
        docs = self._docs(cypher.CASES_TO_PURGE, closed_before=closed_before, limit=limit)
        return [Case.model_validate_json(d) for d in docs]

    def purge_texts(self, referrals: Sequence[Referral]) -> None:
        rows = [{"id": r.id, "doc": r.model_dump_json()} for r in referrals]
        for batch in batches(rows, self.batch_size):
            self._records(cypher.PURGE_REFERRAL_TEXTS, rows=batch)
        events = [
            ReferralEvent.model_validate_json(d)
            for d in self._docs(cypher.EVENTS_OF_REFERRALS, ids=[r.id for r in referrals])
        ]
        cleared = [
            {
                "id": e.id,
                "doc": e.model_copy(
                    update={"reason": None, "outcome": None, "note": None}
                ).model_dump_json(),
            }
            for e in events
            if e.reason is not None or e.outcome is not None or e.note is not None
        ]
        for batch in batches(cleared, self.batch_size):
            self._records(cypher.PURGE_EVENT_TEXTS, rows=batch)

"""FHIR export use cases: read through the store port, map with :mod:`.fhir`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from referral_graph.domain.errors import NotFound
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Referral
from referral_graph.interop import fhir
from referral_graph.interop.fhir import Json
from referral_graph.store.port import InboxQuery, Page, ProviderQuery, Store, Transaction

_BATCH = 500


def _referral(tx: Transaction, ident: str) -> Referral:
    """The referral with domain id ``ident`` or FHIR id ``ident``."""
    for candidate in fhir.domain_id_candidates(ident):
        referral = tx.get_referral(candidate)
        if referral is not None and ident in (referral.id, fhir.fhir_id(referral.id)):
            return referral
    raise NotFound("referral", ident)


def referral_id(store: Store, ident: str) -> str:
    """The domain id of the referral a domain or FHIR id names (``NotFound`` if none)."""
    return store.read(lambda tx: _referral(tx, ident)).id


def case_id(store: Store, ident: str) -> str:
    """The domain id of the case a domain or FHIR id names (``NotFound`` if none)."""

    def work(tx: Transaction) -> str:
        for candidate in fhir.domain_id_candidates(ident):
            found = tx.get_case(candidate)
            if found is not None and ident in (found.id, fhir.fhir_id(found.id)):
                return found.id
        raise NotFound("case", ident)

    return store.read(work)


def task(store: Store, ident: str) -> Json:
    """The FHIR Task of one referral (by domain or FHIR id)."""
    return fhir.as_json(fhir.task(store.read(lambda tx: _referral(tx, ident))))


def service_request(store: Store, ident: str) -> Json:
    """The FHIR ServiceRequest of one referral (by domain or FHIR id)."""
    return fhir.as_json(fhir.service_request(store.read(lambda tx: _referral(tx, ident))))


def _bundle(tx: Transaction, ident: str, at: datetime, base: str) -> Json:
    case = None
    for candidate in fhir.domain_id_candidates(ident):
        found = tx.get_case(candidate)
        if found is not None and ident in (found.id, fhir.fhir_id(found.id)):
            case = found
            break
    if case is None:
        raise NotFound("case", ident)
    referrals = tx.case_referrals(case.id)
    providers = tx.get_providers(fhir.involved_provider_ids(case, referrals))
    return fhir.as_json(fhir.case_bundle(case, referrals, providers.values(), at=at, base=base))


def case_bundle(store: Store, case_id: str, *, at: datetime, base: str = fhir.DEFAULT_BASE) -> Json:
    """The collection Bundle of one case (by domain or FHIR id)."""
    return store.read(lambda tx: _bundle(tx, case_id, at, base))


def referred_case_ids(store: Store) -> list[str]:
    """Ids of every case with at least one referral, sorted.

    The store port lists no cases, so this walks every provider's inbox in every status;
    a case that was never referred has no FHIR workflow to export anyway.
    """

    def work(tx: Transaction) -> list[str]:
        case_ids: set[str] = set()
        everything = tuple(ReferralStatus)
        offset = 0
        while True:
            providers = tx.list_providers(ProviderQuery(), Page(limit=_BATCH, offset=offset))
            for provider in providers.items:
                inbox_offset = 0
                while True:
                    query = InboxQuery(provider_id=provider.id, statuses=everything)
                    page = tx.inbox(query, Page(limit=_BATCH, offset=inbox_offset))
                    case_ids.update(r.case_id for r in page.items)
                    inbox_offset += _BATCH
                    if inbox_offset >= page.count:
                        break
            offset += _BATCH
            if offset >= providers.count:
                return sorted(case_ids)

    return store.read(work)


def all_bundles(store: Store, *, at: datetime, base: str = fhir.DEFAULT_BASE) -> Iterator[Json]:
    """The Bundle of every referred case, one read transaction per case."""
    for case_id in referred_case_ids(store):
        yield case_bundle(store, case_id, at=at, base=base)

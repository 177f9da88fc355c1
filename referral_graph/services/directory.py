"""Use cases of the directory: providers and the pathways between them.

Everyone signed in reads the directory; who may change it is the route's rule (admins).
"""

from __future__ import annotations

from typing import Any

from referral_graph.domain.errors import InvalidInput, NotFound
from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.queries import Listing, Page, PathwayQuery, ProviderQuery
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction


def _provider(tx: Transaction, provider_id: str) -> Provider:
    provider = tx.get_provider(provider_id)
    if provider is None:
        raise NotFound("provider", provider_id)
    return provider


def list_providers(caller: Caller, query: ProviderQuery, page: Page) -> Listing[Provider]:
    """Providers matching the query (its area: located in the area or covering it)."""
    return caller.store.read(lambda tx: tx.list_providers(query, page))


def get_provider(caller: Caller, provider_id: str) -> Provider:
    return caller.store.read(lambda tx: _provider(tx, provider_id))


def create_provider(caller: Caller, provider: Provider) -> Provider:
    caller.store.write(lambda tx: tx.add_provider(provider))
    return provider


def update_provider(
    caller: Caller,
    provider_id: str,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> Provider:
    """Apply ``changes`` to a provider (validated as a whole) with compare-and-set."""
    forbidden = {"id", "version", "updated_at"} & changes.keys()
    if forbidden:
        field = sorted(forbidden)[0]
        raise InvalidInput(f"{field!r} cannot be changed.", field=field)

    def work(tx: Transaction) -> Provider:
        current = _provider(tx, provider_id)
        version = current.version if expected_version is None else expected_version
        merged = current.model_dump() | changes | {"version": current.version + 1}
        updated = Provider.model_validate(merged)
        tx.save_provider(updated, version)
        return updated

    return caller.store.write(work)


def deactivate_provider(caller: Caller, provider_id: str) -> Provider:
    """Deactivate a provider (never deleted: its referrals stay on record)."""
    return update_provider(caller, provider_id, {"active": False})


def list_pathways(caller: Caller, query: PathwayQuery, page: Page) -> Listing[Pathway]:
    return caller.store.read(lambda tx: tx.list_pathways(query, page))


def create_pathway(caller: Caller, pathway: Pathway) -> Pathway:
    """Record an agreed referral link; the receiving end must offer its service."""

    def work(tx: Transaction) -> None:
        _provider(tx, pathway.from_provider_id)
        target = _provider(tx, pathway.to_provider_id)
        if pathway.service not in target.services:
            raise InvalidInput(
                f"Provider {target.id!r} does not offer {pathway.service.value!r}.",
                field="service",
            )
        tx.add_pathway(pathway)

    caller.store.write(work)
    return pathway


def get_pathway(caller: Caller, pathway_id: str) -> Pathway:
    def work(tx: Transaction) -> Pathway:
        pathway = tx.get_pathway(pathway_id)
        if pathway is None:
            raise NotFound("pathway", pathway_id)
        return pathway

    return caller.store.read(work)

"""Reading the directory: providers by id or by area, and a provider's pathways.

The directory is open to every signed-in account (``GET /api/v1/providers`` is for
everyone), so these queries decide nothing about who asks; they give pages and routes
one named way to read providers instead of a transaction of their own. A provider that
is not there is ``None`` here (a page then shows less); ``directory.get_provider``
raises ``NotFound`` for a route that names one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from referral_graph.domain.models import Pathway, Provider
from referral_graph.domain.queries import Listing, Page, PathwayQuery, ProviderQuery
from referral_graph.services.caller import Caller
from referral_graph.store.port import Transaction

#: Pathways read from or to one provider (a provider has a few dozen at most).
MAX_PATHWAYS = 500


def provider_of(caller: Caller, provider_id: str) -> Provider | None:
    """The provider with this id, if there is one."""
    return caller.store.read(lambda tx: tx.get_provider(provider_id))


def own_provider(caller: Caller) -> Provider | None:
    """The provider the caller's account belongs to (None: an area or admin account)."""
    pid = caller.principal.provider_id
    return None if pid is None else provider_of(caller, pid)


def providers_named(caller: Caller, provider_ids: Iterable[str]) -> dict[str, Provider]:
    """The providers with these ids, by id (ids not on record are left out)."""
    ids = sorted(set(provider_ids))
    return caller.store.read(lambda tx: tx.get_providers(ids))


def list_providers(caller: Caller, query: ProviderQuery, page: Page) -> Listing[Provider]:
    """Providers located in or covering ``query.area`` (any level), offering its service,
    serving its age and gender, in the store's order (the directory page, the admin's
    list; ``GET /api/v1/providers`` reads the same)."""
    return caller.store.read(lambda tx: tx.list_providers(query, page))


@dataclass(frozen=True, slots=True)
class ProviderPathways:
    """A provider's agreed pathways, and the providers at their other ends."""

    outgoing: list[Pathway]
    incoming: list[Pathway]
    names: dict[str, Provider]


def provider_pathways(caller: Caller, provider_id: str) -> ProviderPathways:
    """The pathways from and to a provider, read together with the providers they link
    it to (the admin's provider page)."""

    def work(tx: Transaction) -> ProviderPathways:
        page = Page(limit=MAX_PATHWAYS)
        out = tx.list_pathways(PathwayQuery(from_provider_id=provider_id), page).items
        inc = tx.list_pathways(PathwayQuery(to_provider_id=provider_id), page).items
        ids = {p.to_provider_id for p in out} | {p.from_provider_id for p in inc}
        return ProviderPathways(out, inc, tx.get_providers(sorted(ids)))

    return caller.store.read(work)

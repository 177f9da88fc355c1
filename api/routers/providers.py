"""The provider directory and each provider's inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import PageDep, StoreDep
from api.responses import problems
from api.schemas import Envelope, ProviderCreate, ProviderUpdate
from api.security import PrincipalDep
from referral_graph.domain.ids import new_id
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import OFFICE_HOURS, Provider, Referral
from referral_graph.domain.vocabulary import Gender, ProviderKind, Service
from referral_graph.services import directory
from referral_graph.services.access import check_inbox
from referral_graph.store.port import OPEN_STATUSES, InboxQuery, ProviderQuery

router = APIRouter(prefix="/api/v1/providers", tags=["directory"])

AreaCode = Annotated[
    str | None,
    Query(pattern=r"^\d{2}(\d{2}){0,3}$", description="Gazetteer code at any level."),
]


@router.get("", responses=problems())
def list_providers(
    store: StoreDep,
    page: PageDep,
    area: AreaCode = None,
    service: Service | None = None,
    kind: ProviderKind | None = None,
    age: Annotated[int | None, Query(ge=0, le=120)] = None,
    gender: Gender | None = None,
    active: bool | None = None,
) -> Envelope[Provider]:
    """Providers located in or covering ``area``, offering ``service``, serving a child
    of ``age`` and ``gender``."""
    query = ProviderQuery(
        area=area, service=service, kind=kind, age=age, gender=gender, active=active
    )
    listing = store.read(lambda tx: tx.list_providers(query, page))
    return Envelope.of(listing, page)


@router.post("", status_code=status.HTTP_201_CREATED, responses=problems(409))
def create_provider(store: StoreDep, body: ProviderCreate) -> Provider:
    fields = body.model_dump(exclude_none=True)
    fields["id"] = body.id or new_id("prv")
    fields.setdefault("hours", OFFICE_HOURS)
    return directory.create_provider(store, Provider.model_validate(fields))


@router.get("/{provider_id}", responses=problems(404))
def get_provider(store: StoreDep, provider_id: str) -> Provider:
    return directory.get_provider(store, provider_id)


@router.patch("/{provider_id}", responses=problems(404, 409))
def update_provider(store: StoreDep, provider_id: str, body: ProviderUpdate) -> Provider:
    changes = body.model_dump(exclude_unset=True)
    expected = changes.pop("expected_version", None)
    return directory.update_provider(store, provider_id, changes, expected)


@router.delete("/{provider_id}", responses=problems(404, 409))
def deactivate_provider(store: StoreDep, provider_id: str) -> Provider:
    """Deactivate (never delete: its referrals stay on record)."""
    return directory.update_provider(store, provider_id, {"active": False})


@router.get("/{provider_id}/inbox", responses=problems(404))
def inbox(
    store: StoreDep,
    principal: PrincipalDep,
    page: PageDep,
    provider_id: str,
    status: Annotated[list[ReferralStatus] | None, Query(max_length=9)] = None,
) -> Envelope[Referral]:
    """Referrals waiting on this provider, oldest first (open statuses by default): for
    its own staff and its supervisor."""
    directory.get_provider(store, provider_id)
    check_inbox(store, principal, provider_id)
    query = InboxQuery(provider_id=provider_id, statuses=tuple(status or OPEN_STATUSES))
    listing = store.read(lambda tx: tx.inbox(query, page))
    return Envelope.of(listing, page)

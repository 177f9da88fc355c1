"""The provider directory and each provider's inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import CallerDep, PageDep
from api.responses import problems
from api.schemas import Envelope, ProviderCreate, ProviderUpdate, new_record
from referral_graph.domain.hours import OFFICE_HOURS
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Provider, Referral
from referral_graph.domain.queries import OPEN_STATUSES, ProviderQuery
from referral_graph.domain.vocabulary import Gender, ProviderKind, Service
from referral_graph.services import directory
from referral_graph.services.inbox import inbox as inbox_of

router = APIRouter(prefix="/api/v1/providers", tags=["directory"])

AreaCode = Annotated[
    str | None,
    Query(pattern=r"^\d{2}(\d{2}){0,3}$", description="Gazetteer code at any level."),
]


@router.get("", responses=problems())
def list_providers(
    caller: CallerDep,
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
    return Envelope.of(directory.list_providers(caller, query, page), page)


@router.post("", status_code=status.HTTP_201_CREATED, responses=problems(409))
def create_provider(caller: CallerDep, body: ProviderCreate) -> Provider:
    hours = body.hours or OFFICE_HOURS
    provider = new_record(Provider, body, "prv", exclude_none=True, hours=hours)
    return directory.create_provider(caller, provider)


@router.get("/{provider_id}", responses=problems(404))
def get_provider(caller: CallerDep, provider_id: str) -> Provider:
    return directory.get_provider(caller, provider_id)


@router.patch("/{provider_id}", responses=problems(404, 409))
def update_provider(caller: CallerDep, provider_id: str, body: ProviderUpdate) -> Provider:
    changes = body.model_dump(exclude_unset=True)
    expected = changes.pop("expected_version", None)
    return directory.update_provider(caller, provider_id, changes, expected)


@router.delete("/{provider_id}", responses=problems(404, 409))
def deactivate_provider(caller: CallerDep, provider_id: str) -> Provider:
    """Deactivate (never delete: its referrals stay on record)."""
    return directory.deactivate_provider(caller, provider_id)


@router.get("/{provider_id}/inbox", responses=problems(404))
def inbox(
    caller: CallerDep,
    page: PageDep,
    provider_id: str,
    status: Annotated[list[ReferralStatus] | None, Query(max_length=9)] = None,
) -> Envelope[Referral]:
    """Referrals waiting on this provider, oldest first (open statuses by default): for
    its own staff and its supervisor."""
    found = inbox_of(caller, provider_id, page, status or OPEN_STATUSES)
    return Envelope.of(found.referrals, page)

"""The agreed referral pathways between providers."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import CallerDep, PageDep
from api.responses import problems
from api.schemas import Envelope, PathwayCreate, new_record
from referral_graph.domain.models import Pathway
from referral_graph.domain.queries import PathwayQuery
from referral_graph.domain.vocabulary import Service
from referral_graph.services import directory

router = APIRouter(prefix="/api/v1/pathways", tags=["directory"])


@router.get("", responses=problems())
def list_pathways(
    caller: CallerDep,
    page: PageDep,
    from_provider_id: str | None = None,
    to_provider_id: str | None = None,
    service: Service | None = None,
) -> Envelope[Pathway]:
    query = PathwayQuery(from_provider_id, to_provider_id, service)
    return Envelope.of(directory.list_pathways(caller, query, page), page)


@router.post("", status_code=status.HTTP_201_CREATED, responses=problems(404, 409))
def create_pathway(caller: CallerDep, body: PathwayCreate) -> Pathway:
    return directory.create_pathway(caller, new_record(Pathway, body, "pw", exclude_none=True))


@router.get("/{pathway_id}", responses=problems(404))
def get_pathway(caller: CallerDep, pathway_id: str) -> Pathway:
    return directory.get_pathway(caller, pathway_id)

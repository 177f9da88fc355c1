from __future__ import annotations

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.responses import problems
from api.schemas import Health
from referral_graph import __version__
from referral_graph.services.health import store_answering

router = APIRouter(tags=["health"])


@router.get("/health", responses=problems())
def health(runtime: RuntimeDep) -> Health:
    """Whether the store answers, and which version is running."""
    return Health(status="ok", store=store_answering(runtime.store), version=__version__)

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.responses import problems
from api.schemas import Health
from referral_graph import __version__

router = APIRouter(tags=["health"])


@router.get("/health", responses=problems())
def health(store: StoreDep) -> Health:
    """Whether the store answers, and which version is running."""
    store.ping()
    return Health(status="ok", store=store.name, version=__version__)

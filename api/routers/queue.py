"""The work queue ("children waiting on me") and the coded reasons' pick lists."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import PageDep, ReaderDep, TodayDep
from api.responses import problems
from api.schemas import Envelope
from referral_graph.domain.reasons import STEP_REASONS, ClosureReason, reason_name
from referral_graph.services import queue as work_queue
from referral_graph.services import queue_intake  # noqa: F401 - registers its producer
from referral_graph.services.queue import QueueItem

router = APIRouter(prefix="/api/v1", tags=["queue"])


@router.get("/queue", responses=problems())
def get_queue(caller: ReaderDep, page: PageDep, today: TodayDep) -> Envelope[QueueItem]:
    """The children waiting on you, most urgent first, each by case code with what
    happened, since when and the next steps (as API calls): hops declined, failed or
    cancelled whose need was not referred again; hops past their deadline; hops waiting
    on your own step; needs of your cases never referred; follow-ups due. A CCWC, a
    provider and a supervisor see what concerns their provider (a supervisor also the
    providers it oversees); a coordinator sees its area, without free text."""
    return Envelope.of(work_queue.queue(caller, page, today=today), page)


class ReasonCode(BaseModel):
    code: str
    en: str
    km: str


class ReasonCodes(BaseModel):
    """The pick lists: per closing step of a referral, and for closing a case (or
    setting one of its needs aside)."""

    steps: dict[str, list[ReasonCode]]
    closure: list[ReasonCode]


def _named(code: str) -> ReasonCode:
    return ReasonCode(code=code, en=reason_name(code, "en"), km=reason_name(code, "km"))


REASON_CODES = ReasonCodes(
    steps={
        status.value: [_named(code) for code in codes] for status, codes in STEP_REASONS.items()
    },
    closure=[_named(code) for code in ClosureReason],
)


@router.get("/reason-codes", responses=problems())
def reason_codes() -> ReasonCodes:
    """Why a referral was declined (``rejected``), failed or cancelled, and why a case
    was closed: the codes with their names in English and Khmer. "other" needs a few
    words of free text beside it."""
    return REASON_CODES

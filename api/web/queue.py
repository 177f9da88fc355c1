"""The first screen after signing in: the children waiting on me (``services.queue``),
most urgent first, each card saying what happened, since when, and the next step in one
tap — refer again from fresh recommendations, set the need aside with a reason, answer
in the inbox, call the late provider, record a follow-up."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response

from api.web.i18n import MESSAGES, day_text, label, t
from api.web.render import page, provider_name
from api.web.session import Web, WebDep
from referral_graph.domain.models import Provider
from referral_graph.domain.queries import Page
from referral_graph.domain.reasons import ClosureReason
from referral_graph.domain.sla import PENDING_WINDOW
from referral_graph.services.queue import QueueItem, QueueKind
from referral_graph.services.queue import queue as queue_of
from referral_graph.services.queue_intake import KIND as IDENTIFICATION

router = APIRouter()

#: Cards on the first screen: a field worker finishes these before more are shown.
QUEUE_PAGE = 40


@dataclass(frozen=True, slots=True)
class Card:
    """One queue item as its card shows it."""

    item: QueueItem
    badge: str  # its kind, in the page language
    what: str  # what happened, in the page language
    provider: Provider | None  # the other end
    phone: str | None  # the other end's phone, for a late handoff
    steps: tuple[str, ...]  # the next steps offered, in order (action codes)


def _what(ctx: Web, item: QueueItem, provider: Provider | None) -> str:
    name = provider_name(provider, ctx.lang, item.provider_id or "")
    lang = ctx.lang
    if item.kind == QueueKind.LEFT_WAITING and item.status is not None:
        return t("what_left_waiting", lang, step=label("step", item.status.value, lang), name=name)
    window = None if item.status is None else PENDING_WINDOW.get(item.status)
    awaited = "" if window is None else label("window", window.value, lang)
    if item.kind == QueueKind.OVERDUE:
        return t("what_overdue", lang, name=name, step=awaited)
    if item.kind == QueueKind.TO_ANSWER:
        return t("what_to_answer", lang, name=name, step=awaited)
    if item.kind == QueueKind.UNMET_NEED and item.service is not None:
        return t("what_unmet_need", lang, service=label("service", item.service.value, lang))
    if item.kind == IDENTIFICATION:
        return t("what_identification", lang, name=name)
    if item.kind == QueueKind.FOLLOW_UP_DUE and item.follow_up_on is not None:
        return t("what_follow_up_due", lang, day=day_text(item.follow_up_on, lang))
    return ""


def _phone(provider: Provider | None) -> str | None:
    if provider is None:
        return None
    if provider.phones:
        return provider.phones[0].number
    return provider.contact


def card(ctx: Web, item: QueueItem, providers: dict[str, Provider]) -> Card:
    provider = providers.get(item.provider_id or "")
    actions = tuple(s.action for s in item.next_steps)
    kind = f"kind_{item.kind}"
    return Card(
        item=item,
        badge=t(kind, ctx.lang) if kind in MESSAGES else item.kind,
        what=_what(ctx, item, provider),
        provider=provider,
        phone=_phone(provider) if "call" in actions else None,
        steps=actions,
    )


@router.get("/queue", include_in_schema=False)
def queue_page(ctx: WebDep) -> Response:
    ctx.allow("GET", "/api/v1/queue")
    found = queue_of(ctx.reader, Page(limit=QUEUE_PAGE), today=ctx.today)
    providers = ctx.runtime.routing.directory.current().providers
    ctx.log_read("/app/queue", None)
    return page(
        ctx.request,
        "queue.html",
        principal=ctx.principal,
        title="queue_title",
        cards=[card(ctx, item, providers) for item in found.items],
        count=found.count,
        more=max(found.count - len(found.items), 0),
        closure_reasons=[r.value for r in ClosureReason if r is not ClosureReason.NEEDS_MET],
        may_open=ctx.may("POST", "/api/v1/cases"),
    )

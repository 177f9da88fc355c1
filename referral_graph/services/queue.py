"""Children waiting on me: one work queue per holder, and the seam other features add
their own items through.

A queue item names a case by its code and says what happened, since when, and the next
step (refer again from fresh recommendations, set the need aside with a reason, record
a follow-up, answer a handoff, call the late provider or cancel …). What a holder's
queue holds, each scoped as the access rules scope them:

=====================  ===================================================================
``left_waiting``       a hop declined, failed or cancelled whose need has not been referred
                       again: for the case's own CCWC, the hop's sender, the supervisor of
                       either end and the coordinators of the child's area
``overdue``            a hop past its deadline, for its sender, the case's own CCWC, the
                       supervisor of either end and the area's coordinators
``to_answer``          a hop waiting on the holder's own step (acknowledge, decide, first
                       contact), late or not
``unmet_need``         a need of one of the CCWC's cases never referred
``follow_up_due``      a follow-up of one of the CCWC's cases that falls due
=====================  ===================================================================

**Producers.** Each kind comes from a *producer*: a function of a :class:`QueueContext`
returning items. The built-in ones share one store read (``attention_cases``: the open
cases that may concern the holder, each with all its referrals) and one read of the
providers named. Another feature adds its items by registering its own producer, which
may read what it needs through ``context.tx`` in the same transaction::

    from referral_graph.services import queue

    @queue.register
    def identifications(context: queue.QueueContext) -> list[queue.QueueItem]:
        ...  # e.g. identifications waiting for this CCWC to accept (issue #18)

Items are sorted most urgent first (risk level, then how long they have waited).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from referral_graph.domain.case_life import (
    ended_at,
    follow_up_due,
    left_waiting,
    need_added_at,
    never_referred,
    risk_rank,
)
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Case, Provider, Referral
from referral_graph.domain.queries import AttentionQuery, Listing, Page, ProviderQuery, every
from referral_graph.domain.reasons import reason_name
from referral_graph.domain.records import CaseFile
from referral_graph.domain.vocabulary import RiskLevel, Service
from referral_graph.security.model import Principal, Role
from referral_graph.security.policy import NATIONAL, Access, case_access, visible_referrals
from referral_graph.services.caller import Caller
from referral_graph.services.timeliness import policy_in_force
from referral_graph.store.port import Transaction

#: How many open cases one queue reads at most (oldest first): far more than any
#: holder works on at once.
MAX_CASES = 500

S = ReferralStatus
WAITING_ON_RECEIVER = (S.REQUESTED, S.RECEIVED, S.ACCEPTED)


class QueueKind(StrEnum):
    """The kinds of item the queue makes itself (producers may add others)."""

    LEFT_WAITING = "left_waiting"
    OVERDUE = "overdue"
    TO_ANSWER = "to_answer"
    UNMET_NEED = "unmet_need"
    FOLLOW_UP_DUE = "follow_up_due"


class NextStep(BaseModel):
    """A next step, as the API call that takes it (or starts it)."""

    action: str = Field(
        description="refer_again | set_need_aside | record_follow_up | answer | cancel | "
        "call | open_case (producers may add others)"
    )
    method: str
    href: str


class ReasonName(BaseModel):
    en: str
    km: str


class QueueItem(BaseModel):
    """One child waiting on the holder, by case code: what happened, since when, and
    what to do next."""

    kind: str = Field(
        description="One of QueueKind, or a kind a feature registered (identification: a "
        "child identified by someone else, waiting for the CCWC to accept as a case)."
    )
    case_id: str | None = Field(None, description="None for an identification not yet a case.")
    case_code: str | None = None
    identification_id: str | None = None
    risk: RiskLevel
    since: datetime = Field(description="Since when it has waited.")
    referral_id: str | None = None
    service: Service | None = None
    status: ReferralStatus | None = None
    provider_id: str | None = Field(
        None, description="The other end: who declined, who is late, who sent it."
    )
    reason_code: str | None = None
    reason_name: ReasonName | None = Field(None, description="The code's name in both languages.")
    reason_text: str | None = Field(
        None, description="Free text, only for the handoff's ends and the case's own CCWC."
    )
    due_at: datetime | None = None
    late: bool = False
    follow_up_on: date | None = None
    next_steps: list[NextStep] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SeenFile:
    """An open case as the holder may see it (read once, shared by every producer)."""

    case: Case
    access: Access
    referrals: list[Referral]  # all of the case's (for the rules)
    visible: list[Referral]  # those the holder may see


@dataclass(frozen=True, slots=True)
class QueueContext:
    """What a producer works from, read in the queue's own transaction."""

    caller: Caller
    tx: Transaction
    today: date  # the programme's calendar day
    tz: str  # the programme's time zone
    mine: frozenset[str]  # the providers the holder answers for (own and overseen)
    files: list[CaseFile]  # open cases that may concern the holder, with their referrals
    providers: dict[str, Provider]  # every provider those cases' referrals name
    seen: list[SeenFile]  # the files the holder may see, with what it sees of each

    @property
    def principal(self) -> Principal:
        return self.caller.principal

    @property
    def now(self) -> datetime:
        return self.caller.now


Producer = Callable[[QueueContext], Iterable[QueueItem]]

_PRODUCERS: list[Producer] = []


def register(producer: Producer) -> Producer:
    """Add a producer of queue items (once; usable as a decorator)."""
    if producer not in _PRODUCERS:
        _PRODUCERS.append(producer)
    return producer


def producers() -> tuple[Producer, ...]:
    return tuple(_PRODUCERS)


# --- whose queue ----------------------------------------------------------------------
def _overseen(tx: Transaction, principal: Principal) -> frozenset[str]:
    me = principal.provider_id
    if principal.role is not Role.SUPERVISOR or me is None:
        return frozenset()
    providers = every(lambda page: tx.list_providers(ProviderQuery(active=True), page))
    return frozenset(p.id for p in providers if me in p.overseen_by)


def _scope(tx: Transaction, caller: Caller) -> tuple[AttentionQuery | None, frozenset[str]]:
    """What to read for the caller's queue, and the providers they answer for."""
    p, now = caller.principal, caller.now
    if p.role is Role.COORDINATOR:
        if p.area_code is None:
            return None, frozenset()
        national = p.area_code == NATIONAL
        area = None if national else p.area_code
        return AttentionQuery(now, area=area, everywhere=national, limit=MAX_CASES), frozenset()
    if p.provider_id is None or p.role not in (Role.CCWC, Role.PROVIDER, Role.SUPERVISOR):
        return None, frozenset()
    own = (p.provider_id,)
    mine = frozenset(own) | _overseen(tx, p)
    ends = tuple(sorted(mine))
    return (
        AttentionQuery(
            now,
            openers=own if p.role is Role.CCWC else (),
            senders=ends,
            # a supervisor hears of late hops sent to the providers it oversees
            receivers=ends if p.role is Role.SUPERVISOR else own,
            limit=MAX_CASES,
        ),
        mine,
    )


# --- the queue ------------------------------------------------------------------------
def _seen(
    principal: Principal, files: Sequence[CaseFile], providers: dict[str, Provider]
) -> list[SeenFile]:
    seen = []
    for f in files:
        access = case_access(principal, f.case, f.referrals, providers)
        if access is not None:
            visible = visible_referrals(principal, access, f.referrals, providers)
            seen.append(SeenFile(f.case, access, f.referrals, visible))
    return seen


def queue(caller: Caller, page: Page = Page(), *, today: date | None = None) -> Listing[QueueItem]:
    """The caller's work queue, most urgent first (an admin's is empty)."""

    def work(tx: Transaction) -> list[QueueItem]:
        tz = policy_in_force(tx).timezone
        day = today or caller.now.astimezone(ZoneInfo(tz)).date()
        query, mine = _scope(tx, caller)
        files = [] if query is None else tx.attention_cases(query)
        ids = {
            i for f in files for r in f.referrals for i in (r.from_provider_id, r.to_provider_id)
        }
        providers = tx.get_providers(ids)
        seen = _seen(caller.principal, files, providers)
        context = QueueContext(caller, tx, day, tz, mine, files, providers, seen)
        return [item for produce in producers() for item in produce(context)]

    items = caller.store.read(work)
    items.sort(key=lambda i: (risk_rank(i.risk), not i.late, i.since, i.case_code or ""))
    return Listing(items[page.offset : page.offset + page.limit], len(items))


# --- the built-in producers -------------------------------------------------------------
def _case_href(case: Case) -> NextStep:
    return NextStep(action="open_case", method="GET", href=f"/api/v1/cases/{case.id}")


def _may_refer(context: QueueContext, seen: SeenFile) -> bool:
    """Whether the holder may refer this case now: its own CCWC, or a provider holding
    it through one of its referrals."""
    me = context.principal.provider_id
    if context.principal.role not in (Role.CCWC, Role.PROVIDER) or me is None:
        return False
    if seen.access is Access.FULL:
        return True
    return any(r.to_provider_id == me and r.holds_case for r in seen.visible)


def _text_for(context: QueueContext, seen: SeenFile, referral: Referral) -> str | None:
    me = context.principal.provider_id
    ends = (referral.from_provider_id, referral.to_provider_id)
    if seen.access is Access.FULL or (me is not None and me in ends):
        return referral.status_reason
    return None


def _reason(referral: Referral) -> tuple[str | None, ReasonName | None]:
    code = referral.status_reason_code
    if code is None:
        return None, None
    return code.value, ReasonName(en=reason_name(code, "en"), km=reason_name(code, "km"))


def _refer_again(case: Case, service: Service) -> NextStep:
    return NextStep(
        action="refer_again",
        method="GET",
        href=f"/api/v1/cases/{case.id}/recommendations?service={service.value}",
    )


def _set_aside(case: Case) -> NextStep:
    return NextStep(action="set_need_aside", method="PATCH", href=f"/api/v1/cases/{case.id}")


def _concerns(context: QueueContext, seen: SeenFile, referral: Referral, *, late: bool) -> bool:
    """Whether a hop's trouble is the holder's to act on: the case's own CCWC and the
    coordinators of its area for every hop; the sender (or its supervisor) for the hops
    it sent; a supervisor also for the late hops sent to the providers it oversees (its
    escalations)."""
    if seen.access in (Access.FULL, Access.PSEUDONYMOUS):
        return True
    ends = {referral.from_provider_id}
    if late and context.principal.role is Role.SUPERVISOR:
        ends.add(referral.to_provider_id)
    return bool(ends & context.mine)


def left_waiting_items(context: QueueContext) -> list[QueueItem]:
    """Hops declined, failed or cancelled whose need was not referred again."""
    items = []
    for seen in context.seen:
        for r in left_waiting(seen.case, seen.referrals):
            if r not in seen.visible or not _concerns(context, seen, r, late=False):
                continue
            steps = [_refer_again(seen.case, r.service)] if _may_refer(context, seen) else []
            if seen.access is Access.FULL:
                steps.append(_set_aside(seen.case))
            code, name = _reason(r)
            items.append(
                QueueItem(
                    kind=QueueKind.LEFT_WAITING,
                    case_id=seen.case.id,
                    case_code=seen.case.code,
                    risk=seen.case.risk,
                    since=ended_at(r),
                    referral_id=r.id,
                    service=r.service,
                    status=r.status,
                    provider_id=r.to_provider_id,
                    reason_code=code,
                    reason_name=name,
                    reason_text=_text_for(context, seen, r),
                    late=True,
                    next_steps=[*steps, _case_href(seen.case)],
                )
            )
    return items


def overdue_items(context: QueueContext) -> list[QueueItem]:
    """Hops past their deadline that wait on someone else (the holder's own are
    ``to_answer``)."""
    items = []
    role, me = context.principal.role, context.principal.provider_id
    for seen in context.seen:
        for r in seen.visible:
            due = r.pending_due_at
            if due is None or due >= context.now or r.status.is_closed:
                continue
            if r.to_provider_id == me:
                continue  # the holder's own step: a to_answer item
            if not _concerns(context, seen, r, late=True):
                continue
            steps = []
            receiver = context.providers.get(r.to_provider_id)
            if receiver is not None and (receiver.phones or receiver.contact):
                steps.append(
                    NextStep(action="call", method="GET", href=f"/api/v1/providers/{receiver.id}")
                )
            if r.from_provider_id in context.mine or role is Role.COORDINATOR:
                steps.append(
                    NextStep(
                        action="cancel",
                        method="POST",
                        href=f"/api/v1/referrals/{r.id}/transitions",
                    )
                )
            items.append(
                QueueItem(
                    kind=QueueKind.OVERDUE,
                    case_id=seen.case.id,
                    case_code=seen.case.code,
                    risk=r.risk,
                    since=due,
                    referral_id=r.id,
                    service=r.service,
                    status=r.status,
                    provider_id=r.to_provider_id,
                    due_at=due,
                    late=True,
                    next_steps=[*steps, _case_href(seen.case)],
                )
            )
    return items


def to_answer_items(context: QueueContext) -> list[QueueItem]:
    """Hops waiting on the holder's own provider to take its step."""
    me = context.principal.provider_id
    if me is None or context.principal.role is Role.COORDINATOR:
        return []
    items = []
    for seen in context.seen:
        for r in seen.visible:
            if r.to_provider_id != me or r.status not in WAITING_ON_RECEIVER:
                continue
            due = r.pending_due_at
            items.append(
                QueueItem(
                    kind=QueueKind.TO_ANSWER,
                    case_id=seen.case.id,
                    case_code=seen.case.code,
                    risk=r.risk,
                    since=r.step_times.get(r.status, r.created_at),
                    referral_id=r.id,
                    service=r.service,
                    status=r.status,
                    provider_id=r.from_provider_id,
                    due_at=due,
                    late=due is not None and due < context.now,
                    next_steps=[
                        NextStep(
                            action="answer",
                            method="POST",
                            href=f"/api/v1/referrals/{r.id}/transitions",
                        ),
                        _case_href(seen.case),
                    ],
                )
            )
    return items


def unmet_need_items(context: QueueContext) -> list[QueueItem]:
    """Needs of the CCWC's own cases that were never referred."""
    items = []
    for seen in context.seen:
        if seen.access is not Access.FULL:
            continue
        for need in never_referred(seen.case, seen.referrals):
            items.append(
                QueueItem(
                    kind=QueueKind.UNMET_NEED,
                    case_id=seen.case.id,
                    case_code=seen.case.code,
                    risk=seen.case.risk,
                    since=need_added_at(seen.case, need),
                    service=need,
                    next_steps=[
                        _refer_again(seen.case, need),
                        _set_aside(seen.case),
                        _case_href(seen.case),
                    ],
                )
            )
    return items


def follow_up_items(context: QueueContext) -> list[QueueItem]:
    """Follow-ups of the CCWC's own cases that fall due today or fell due before."""
    items = []
    zone = ZoneInfo(context.tz)
    for seen in context.seen:
        case = seen.case
        if seen.access is not Access.FULL or not follow_up_due(case, context.today):
            continue
        assert case.follow_up_on is not None
        since = datetime.combine(case.follow_up_on, time(), zone)
        items.append(
            QueueItem(
                kind=QueueKind.FOLLOW_UP_DUE,
                case_id=case.id,
                case_code=case.code,
                risk=case.risk,
                since=since,
                follow_up_on=case.follow_up_on,
                late=case.follow_up_on < context.today,
                next_steps=[
                    NextStep(
                        action="record_follow_up",
                        method="POST",
                        href=f"/api/v1/cases/{case.id}/follow-ups",
                    ),
                    _case_href(case),
                ],
            )
        )
    return items


BUILT_IN: Sequence[Producer] = (
    left_waiting_items,
    overdue_items,
    to_answer_items,
    unmet_need_items,
    follow_up_items,
)
for _producer in BUILT_IN:
    register(_producer)

__all__ = [
    "NextStep",
    "Producer",
    "QueueContext",
    "QueueItem",
    "QueueKind",
    "ReasonName",
    "SeenFile",
    "producers",
    "queue",
    "register",
]

"""What a case's page shows of its life beside its path: each need met, waiting or
unmet; the duplicate guard on the recommendations ("already referred, waiting since …",
a second provider for the same need only with a reason); the forms of its CCWC
(``api/web/case_life.py``); and one timeline of everything that happened
(``services.timeline``), who did it and when, in Cambodian time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.web.i18n import MESSAGES, Lang, day_text, label, t, when
from api.web.render import provider_name
from api.web.session import Web
from referral_graph.domain.case_life import NeedState, need_states, open_for_need
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import CaseStatus, Provider, Referral
from referral_graph.domain.reasons import ClosureReason
from referral_graph.domain.vocabulary import RiskLevel, Service
from referral_graph.routing.recommend import Recommendations
from referral_graph.security.policy import Access
from referral_graph.services.access import SeenCase
from referral_graph.services.timeline import (
    CONSENT,
    STEP,
    Timeline,
    TimelineEntry,
    case_timeline,
)

#: What each case-life form's success says (``?done=``).
DONE = {
    "changed": "changed_ok",
    "followed_up": "followed_up_ok",
    "closed": "closed_ok",
    "reopened": "reopened_ok",
    "set_aside": "set_aside_ok",
}

CLOSURE_CODES = tuple(r.value for r in ClosureReason)
#: Why a need is no longer pursued ("needs met" is for closing a whole case).
SET_ASIDE_CODES = tuple(r.value for r in ClosureReason if r is not ClosureReason.NEEDS_MET)


# --- what the case page shows --------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NeedRow:
    service: str
    state: str  # met | waiting | unmet
    provider: str  # who has it (met, waiting), in the page language
    since: datetime | None


@dataclass(frozen=True, slots=True)
class Twin:
    """An open referral of the case a new one for the same need would repeat."""

    provider_id: str
    provider: str
    since: datetime


@dataclass(frozen=True, slots=True)
class EventRow:
    at: datetime
    title: str
    by: str
    detail: str | None
    relayed: str | None


def _name(providers: Mapping[str, Provider], ident: str, lang: Lang) -> str:
    return provider_name(providers.get(ident), lang, ident)


def _needs(seen: SeenCase, providers: Mapping[str, Provider], lang: Lang) -> list[NeedRow]:
    """Each need and where it stands; for a provider or supervisor, who sees only its
    own hops and so cannot tell, the needs alone (state "")."""
    if seen.access is Access.HANDOFF:
        return [NeedRow(n.value, "", "", None) for n in sorted(seen.case.needs)]
    rows = []
    for need, state in need_states(seen.case, seen.referrals).items():
        holder: Referral | None = None
        if state is NeedState.WAITING:
            holder = min(open_for_need(seen.referrals, need), key=lambda r: r.created_at)
        elif state is NeedState.MET:
            holder = next(
                r
                for r in seen.referrals
                if r.service is need and r.status is ReferralStatus.COMPLETED
            )
        rows.append(
            NeedRow(
                service=need.value,
                state=state.value,
                provider="" if holder is None else _name(providers, holder.to_provider_id, lang),
                since=None if holder is None else holder.created_at,
            )
        )
    return rows


def _twins(seen: SeenCase, providers: Mapping[str, Provider], lang: Lang) -> dict[str, list[Twin]]:
    """Open referrals of the case by service (the duplicate guard's view of them)."""
    found: dict[str, list[Twin]] = {}
    for r in seen.referrals:
        if not r.status.is_closed:
            twin = Twin(r.to_provider_id, _name(providers, r.to_provider_id, lang), r.created_at)
            found.setdefault(r.service.value, []).append(twin)
    return found


def _names(services: Sequence[str], lang: Lang) -> str:
    return ", ".join(label("service", s, lang) for s in services)


def _relayed(ctx: Web, entry: TimelineEntry, providers: Mapping[str, Provider]) -> str | None:
    if entry.relayed_for is None:
        return None
    channel = (
        "" if entry.relay_channel is None else t(f"relay_{entry.relay_channel.value}", ctx.lang)
    )
    return t(
        "tl_relayed",
        ctx.lang,
        name=_name(providers, entry.relayed_for, ctx.lang),
        channel=channel,
        when=_when(ctx, entry.recorded_at),
    )


def _when(ctx: Web, moment: datetime) -> str:
    return when(moment, ctx.lang, ctx.runtime.settings.timezone)


def _title(ctx: Web, entry: TimelineEntry, providers: Mapping[str, Provider]) -> str:
    lang = ctx.lang
    if entry.kind == STEP and entry.status is not None:
        text = t(
            "tl_step",
            lang,
            step=label("step", entry.status.value, lang),
            sender=_name(providers, entry.from_provider_id or "", lang),
            receiver=_name(providers, entry.to_provider_id or "", lang),
        )
        service = "" if entry.service is None else label("service", entry.service.value, lang)
        return f"{text} · {service}" if service else text
    if entry.kind == "risk_changed" and entry.risk is not None:
        return t("tl_risk_changed", lang, risk=label("risk", entry.risk.value, lang))
    if entry.kind == "needs_changed":
        needs = ", ".join(label("service", n.value, lang) for n in entry.needs or [])
        return t("tl_needs_changed", lang, needs=needs)
    if entry.kind == "follow_up_set":
        if entry.follow_up_on is None:
            return t("tl_follow_up_cleared", lang)
        return t("tl_follow_up_set", lang, day=day_text(entry.follow_up_on, lang))
    if entry.kind == "closed":
        reason = "" if entry.closure_reason is None else label("reason", entry.closure_reason, lang)
        return t("tl_closed", lang, reason=reason)
    key = f"tl_{entry.kind}"
    return t(key, lang) if key in MESSAGES else entry.kind


def _detail(ctx: Web, entry: TimelineEntry) -> str | None:
    parts: list[str] = []
    if entry.reason_code is not None:
        parts.append(label("reason", entry.reason_code, ctx.lang))
    if entry.kind == "needs_changed" and entry.closure_reason is not None:
        parts.append(
            t("tl_set_aside", ctx.lang, reason=label("reason", entry.closure_reason, ctx.lang))
        )
    if entry.kind == "followed_up" and entry.follow_up_on is not None:
        parts.append(t("follow_up_on", ctx.lang) + ": " + day_text(entry.follow_up_on, ctx.lang))
    if entry.kind == CONSENT and entry.text:
        key = f"consent_{entry.text}"
        parts.append(t(key, ctx.lang) if key in MESSAGES else entry.text)
    elif entry.text:
        parts.append(f"“{entry.text}”")
    return " · ".join(parts) or None


def timeline_rows(ctx: Web, found: Timeline, providers: Mapping[str, Provider]) -> list[EventRow]:
    return [
        EventRow(
            at=e.at,
            title=_title(ctx, e, providers),
            by=t("tl_by", ctx.lang, name=e.actor),
            detail=_detail(ctx, e),
            relayed=_relayed(ctx, e, providers),
        )
        for e in found.entries
    ]


def case_life_view(
    ctx: Web,
    seen: SeenCase,
    found: Recommendations | None,
    all_needs: Sequence[Service],
    *,
    parallel: str | None = None,
) -> dict[str, Any]:
    """What the case page shows of the case's life, beside its path."""
    providers = ctx.runtime.routing.directory.current().providers
    case = seen.case
    full = seen.access is Access.FULL
    owner = full and ctx.may("POST", "/api/v1/cases/{case_id}/close")
    twins = _twins(seen, providers, ctx.lang)
    parallel_pick = None
    if found is not None and parallel:
        item = next(
            (i for i in [*found.items, *found.alternatives] if i.provider_id == parallel), None
        )
        if item is not None and twins.get(item.service.value):
            parallel_pick = item
    completed = any(r.status is ReferralStatus.COMPLETED for r in seen.referrals)
    unmet = [n for n in _needs(seen, providers, ctx.lang) if n.state == "unmet"]
    return {
        "need_rows": _needs(seen, providers, ctx.lang),
        "twins": twins,
        "twin_at": {
            f"{twin.provider_id}|{service}": twin.since
            for service, found_twins in twins.items()
            for twin in found_twins
        },
        "parallel_pick": parallel_pick,
        "owner": owner,
        "is_open": case.status is CaseStatus.OPEN,
        "unmet": [n.service for n in unmet],
        "unmet_names": _names([n.service for n in unmet], ctx.lang),
        "closure_unmet_names": _names(
            sorted(case.closure.unmet_needs) if case.closure else [], ctx.lang
        ),
        "suggest_follow_up": owner and completed and case.follow_up_on is None,
        "closure_codes": CLOSURE_CODES,
        "set_aside_codes": SET_ASIDE_CODES,
        "risks": [r.value for r in RiskLevel],
        "all_needs": [s.value for s in all_needs],
        "events": timeline_rows(ctx, case_timeline(ctx.reader, case.id), providers),
        "today": ctx.today.isoformat(),
    }


def flash_of(ctx: Web, done: str | None, service: str | None) -> str | None:
    """The note a case-life form's success leaves on the page."""
    if done not in DONE:
        return None
    name = label("service", service or "", ctx.lang)
    return t(DONE[str(done)], ctx.lang, service=name)

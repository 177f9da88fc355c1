"""An agenda built from the referral graph, for one area and the period since its last
meeting: each item what was found, the evidence, and the action the graph proposes.

Items, in the order a meeting takes them:

1. **open actions** of earlier meetings (until done or dropped with a reason);
2. **overdue handoffs**, per provider waited on, each child by case code: who waits on
   whom, since when, for which service;
3. **children left waiting**: a hop declined, failed or cancelled for a reason that
   leaves the need unmet, with no later referral of the child for that service, and the
   case still open;
4. **bottleneck providers** (where handoffs went past their deadlines);
5. **repeated declines** on one edge (two or more in the period);
6. **referrals without an agreed pathway** (the pathway is proposed);
7. **service gaps**: communes no provider reaches, and needs met nowhere in person;
8. **refreshers due** and **coaching overdue**, per provider.

Pure: the services read the data (:class:`AgendaInputs`) and hand it in. Item ids are
stable for the same finding (``overdue:<provider>``, ``waiting:<referral>`` …), so a
rebuilt agenda keeps what the coordinator dropped and the order they chose
(:func:`merge_agenda`). The agenda names children by case code only; its counts are the
network's own working figures (the meeting pack's monthly figures follow the small-cell
rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from referral_graph.audit.groups import ProviderNames
from referral_graph.audit.sections import Coverage
from referral_graph.domain.meetings import AgendaItem, ItemKind
from referral_graph.domain.records import HopFact
from referral_graph.meetings.items import (
    OpenAction,
    OverdueHandoff,
    ProviderTraining,
    bottleneck_items,
    decline_items,
    gap_items,
    local_day,
    open_action_items,
    overdue_items,
    pathway_items,
    training_items,
    waiting_items,
)
from referral_graph.meetings.wording import said

__all__ = [
    "AgendaInputs",
    "OpenAction",
    "OverdueHandoff",
    "ProviderTraining",
    "added_item",
    "build_agenda",
    "merge_agenda",
]


@dataclass(frozen=True, slots=True)
class AgendaInputs:
    """Everything an agenda is built from (see the module)."""

    since: datetime  # the period: since the last meeting …
    until: datetime  # … up to the meeting (or now)
    today: date
    tz: str  # the programme's time zone: days are its days
    facts: Sequence[HopFact]  # referrals of the area, from well before ``since`` to now
    case_codes: Mapping[str, str]  # case id → code, for the children left waiting
    overdue: Sequence[OverdueHandoff]
    pathways: frozenset[tuple[str, str, str]]  # (from, to, service) of active pathways
    names: ProviderNames
    coverage: Coverage | None = None
    training: Sequence[ProviderTraining] = ()
    open_actions: Sequence[OpenAction] = ()


# --- the whole agenda -----------------------------------------------------------------------
def build_agenda(area: str, inputs: AgendaInputs, now: datetime) -> list[AgendaItem]:
    """Every item the graph finds for ``area`` in the period, in meeting order."""
    made = [f for f in inputs.facts if inputs.since <= f.created_at < inputs.until]
    since = local_day(inputs.since, inputs.tz)
    return [
        *open_action_items(inputs.open_actions, inputs.today, inputs.names),
        *overdue_items(inputs.overdue, inputs.names, inputs.tz),
        *waiting_items(inputs.facts, inputs.case_codes, inputs.names, inputs.today, inputs.tz),
        *bottleneck_items(made, now, since, inputs.names),
        *decline_items(made, inputs.names),
        *pathway_items(made, inputs.pathways, inputs.names),
        *gap_items(inputs.coverage, area, since),
        *training_items(inputs.training, inputs.names),
    ]


def added_item(ident: str, text: str) -> AgendaItem:
    """An item the coordinator added (its own words, in whatever language typed)."""
    return AgendaItem(id=ident, kind=ItemKind.ADDED, title=said("added", text=text))


def merge_agenda(old: Iterable[AgendaItem], fresh: Sequence[AgendaItem]) -> list[AgendaItem]:
    """A rebuilt agenda that keeps the coordinator's edits: items still found keep their
    place and whether they were dropped (with fresh evidence), added items stay, items
    no longer found (resolved) go, and new findings come after, in meeting order."""
    found = {i.id: i for i in fresh}
    kept: list[AgendaItem] = []
    for item in old:
        if item.kind is ItemKind.ADDED:
            kept.append(item)
        elif item.id in found:
            kept.append(found[item.id].model_copy(update={"dropped": item.dropped}))
    known = {i.id for i in kept}
    return kept + [i for i in fresh if i.id not in known]

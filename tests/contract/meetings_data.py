"""Meetings and actions made by hand for the contract suite (over the small network)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from referral_graph.domain.meetings import (
    Action,
    AgendaItem,
    ItemKind,
    Meeting,
    MeetingLevel,
    Participant,
    PathwayProposal,
    Said,
    Subject,
)
from referral_graph.domain.vocabulary import Service
from tests.factories import T0

HELD_ON = date(2026, 3, 5)


def said(text: str) -> Said:
    return Said(key="added", params={"text": text}, en=text, km=text)


def item(ident: str, kind: ItemKind = ItemKind.BOTTLENECK, **subject: Any) -> AgendaItem:
    return AgendaItem(
        id=ident,
        kind=kind,
        subject=Subject(**subject),
        title=said(f"Item {ident}"),
        evidence=(said("3 handoffs waited past their deadline"),),
        proposal=said("Agree a backup"),
    )


def meeting(ident: str = "mtg-1", **extra: Any) -> Meeting:
    fields: dict[str, Any] = {
        "id": ident,
        "level": MeetingLevel.COMMUNE,
        "area_code": "170101",
        "held_on": HELD_ON,
        "place": "Char Chhuk commune hall",
        "participants": (
            Participant(provider_id="ccwc-a"),
            Participant(provider_id="hc-a", present=True),
        ),
        "period_since": HELD_ON - timedelta(days=30),
        "agenda": (item("bottleneck:hc-a", provider_id="hc-a"), item("gap:counselling")),
        "created_by": "coord",
        "created_at": T0,
        "updated_at": T0,
    }
    fields.update(extra)
    return Meeting.model_validate(fields)


def action(ident: str = "act-1", meeting_id: str = "mtg-1", **extra: Any) -> Action:
    fields: dict[str, Any] = {
        "id": ident,
        "meeting_id": meeting_id,
        "item_id": "bottleneck:hc-a",
        "subject": Subject(provider_id="hc-a"),
        "text": "Name a backup for acknowledging referrals",
        "owner_provider_id": "hc-a",
        "due_on": HELD_ON + timedelta(days=14),
        "area_code": "170101",
        "created_by": "coord",
        "created_at": T0,
        "updated_at": T0,
    }
    fields.update(extra)
    return Action.model_validate(fields)


def pathway_action(ident: str = "act-pw", meeting_id: str = "mtg-1") -> Action:
    return action(
        ident,
        meeting_id,
        item_id="gap:counselling",
        subject=Subject(provider_id="ccwc-a", to_provider_id="tpo-a", service=Service.COUNSELLING),
        text="Agree a counselling pathway from the CCWC to TPO",
        owner_provider_id="ccwc-a",
        pathway=PathwayProposal(
            from_provider_id="ccwc-a", to_provider_id="tpo-a", service=Service.COUNSELLING
        ),
    )

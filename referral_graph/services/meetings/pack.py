"""The meeting pack of a meeting (see :mod:`referral_graph.meetings.pack`): the meeting,
its agenda (what was dropped left out) with the actions agreed on each item, the actions
of the meeting before it as they stand today, and the monthly report of the area for the
last full month before the meeting (small cells as the report's ``min_cell`` says).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from referral_graph.audit.groups import Label, area_label
from referral_graph.audit.period import REPORT_TZ, zone
from referral_graph.audit.report import AreaRef
from referral_graph.domain.areas import level_of
from referral_graph.domain.models import Provider
from referral_graph.domain.queries import ActionQuery, every
from referral_graph.meetings.pack import MeetingPack, PackItem, PackParticipant
from referral_graph.services import audit
from referral_graph.services.caller import Caller
from referral_graph.services.meetings.access import meeting_seen
from referral_graph.services.meetings.agenda import last_held
from referral_graph.services.report_context import action_line, last_meeting_of, level_label
from referral_graph.services.routing import Routing
from referral_graph.store.port import Transaction


def figures_month(held_on: date) -> str:
    """The last full month before a meeting's day: a meeting early in December reviews
    November.

    >>> figures_month(date(2026, 12, 5)), figures_month(date(2027, 1, 31))
    ('2026-11', '2026-12')
    """
    return (held_on.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def meeting_pack(
    caller: Caller,
    routing: Routing | None,
    meeting_id: str,
    *,
    min_cell: int = 0,
    month: str | None = None,
    tz: str = REPORT_TZ,
) -> MeetingPack:
    """The pack of a meeting the caller runs (404 otherwise); ``month``: the figures'
    month, by default the last full one before the meeting."""
    today = caller.now.astimezone(zone(tz)).date()

    def work(tx: Transaction) -> dict[str, Any]:
        meeting = meeting_seen(caller.principal, tx.get_meeting(meeting_id), meeting_id)
        actions = list(
            every(lambda page: tx.list_actions(ActionQuery(meeting_id=meeting.id), page))
        )
        lines = {a.id: action_line(tx, a, today) for a in actions}
        items = [i for i in meeting.agenda if not i.dropped]
        agenda = [
            PackItem(
                position=n,
                item=item,
                actions=[lines[a.id] for a in actions if a.item_id == item.id],
            )
            for n, item in enumerate(items, start=1)
        ]
        on_items = {i.id for i in items}
        other = [lines[a.id] for a in actions if a.item_id not in on_items]
        before = last_held(tx, meeting.area_code, meeting.level, meeting.held_on)
        last = None
        if before is not None:
            last = last_meeting_of(tx, meeting.area_code, before.held_on + timedelta(days=1), today)
        providers = tx.get_providers(p.provider_id for p in meeting.participants)
        people = [
            PackParticipant(
                provider_id=p.provider_id,
                label=_name(providers.get(p.provider_id), p.provider_id),
                present=p.present,
            )
            for p in meeting.participants
        ]
        return {
            "meeting_id": meeting.id,
            "level": meeting.level.value,
            "level_label": level_label(meeting),
            "area": AreaRef(
                code=meeting.area_code,
                level=level_of(meeting.area_code),
                label=area_label(meeting.area_code),
            ),
            "held_on": meeting.held_on,
            "place": meeting.place,
            "online": meeting.online,
            "chaired_by": meeting.chaired_by,
            "status": meeting.status,
            "period_since": meeting.period_since,
            "participants": people,
            "agenda": agenda,
            "other_actions": other,
            "last_meeting": last,
            "generated_at": caller.now,
            "timezone": tz,
        }

    fields = caller.store.read(work)
    report = audit.monthly_report(
        caller,
        area=fields["area"].code,
        month=month or figures_month(fields["held_on"]),
        min_cell=min_cell,
        tz=tz,
        routing=routing,
    )
    return MeetingPack(**fields, report=report)


def _name(provider: Provider | None, fallback: str) -> Label:
    if provider is None:
        return Label(en=fallback, km=fallback)
    return Label(en=provider.name, km=provider.name_km or provider.name)

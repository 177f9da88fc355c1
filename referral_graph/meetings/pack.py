"""The meeting pack: what a meeting works from, on paper or on a phone — the meeting (who
is invited, who came), its agenda with the evidence and proposed actions (and, once
held, the actions agreed on each item), the actions of the last meeting as they stand,
and the monthly figures of the area (the monthly report of the last full month).

As a page (A4 when printed; tables stacked and a readable chart on a 360 px phone; no
JavaScript) and as CSV in the report's tidy columns (``section, key, name, step, metric,
value``): sections ``meeting``, ``participants``, ``agenda`` (one row per item, its
evidence and proposal in ``agenda_evidence`` and ``agenda_proposal``), ``actions``,
``last_meeting_actions``, then every section of the monthly report (its own "last
meeting" section left out: the pack's is the meeting before this one).

Times are Cambodian local time. Pure: the services read everything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict

from referral_graph.audit.groups import Label
from referral_graph.audit.labels import Lang, digits, month_name
from referral_graph.audit.period import zone
from referral_graph.audit.render import (
    CSV_COLUMNS,
    Row,
    csv_rows,
    formatters,
    report_body,
    report_css,
    safe_cell,
)
from referral_graph.audit.report import AreaRef, MonthlyReport
from referral_graph.audit.sections import ActionLine, LastMeeting
from referral_graph.domain.meetings import AgendaItem, MeetingStatus
from referral_graph.meetings.wording import day_words, word

_FROZEN = ConfigDict(frozen=True)


class PackParticipant(BaseModel):
    model_config = _FROZEN

    provider_id: str
    label: Label
    present: bool | None


class PackItem(BaseModel):
    """An agenda item as the pack prints it, with the actions agreed on it."""

    model_config = _FROZEN

    position: int
    item: AgendaItem
    actions: list[ActionLine]


class MeetingPack(BaseModel):
    model_config = _FROZEN

    meeting_id: str
    level: str
    level_label: Label
    area: AreaRef
    held_on: date
    place: str | None
    online: bool
    chaired_by: str | None
    status: MeetingStatus
    period_since: date
    participants: list[PackParticipant]
    agenda: list[PackItem]
    other_actions: list[ActionLine]  # agreed at the meeting, on no item of the agenda
    last_meeting: LastMeeting | None
    report: MonthlyReport
    generated_at: datetime
    timezone: str

    @property
    def generated_local(self) -> datetime:
        return self.generated_at.astimezone(zone(self.timezone))

    @property
    def present(self) -> int:
        return sum(bool(p.present) for p in self.participants)


# --- CSV -----------------------------------------------------------------------------------
def _action_rows(section: str, lines: list[ActionLine], lang: Lang) -> Iterator[Row]:
    for a in lines:
        status = a.status_label.in_lang(lang)
        yield section, a.action_id, a.text, status, "owner", a.owner.in_lang(lang)
        yield section, a.action_id, a.text, status, "due_on", a.due_on.isoformat()


def pack_rows(pack: MeetingPack, lang: Lang) -> Iterator[Row]:
    """Every line of the pack, one per row (see the module)."""
    head = ("meeting", pack.meeting_id, pack.area.label.in_lang(lang), pack.level)
    yield (*head, "held_on", pack.held_on.isoformat())
    yield (*head, "period_since", pack.period_since.isoformat())
    yield (*head, "status", pack.status.value)
    yield (*head, "invited", len(pack.participants))
    yield (*head, "present", pack.present)
    yield (*head, "generated_at", pack.generated_local.isoformat(timespec="minutes"))
    for p in pack.participants:
        present = "" if p.present is None else ("yes" if p.present else "no")
        yield "participants", p.provider_id, p.label.in_lang(lang), "", "present", present
    for entry in pack.agenda:
        item = entry.item
        kind = item.kind.value
        yield "agenda", item.id, item.title.in_lang(lang), kind, "position", entry.position
        for n, line in enumerate(item.evidence, start=1):
            yield "agenda_evidence", item.id, line.in_lang(lang), kind, "line", n
        if item.proposal is not None:
            yield "agenda_proposal", item.id, item.proposal.in_lang(lang), kind, "proposal", 1
        yield from _action_rows("actions", entry.actions, lang)
    yield from _action_rows("actions", pack.other_actions, lang)
    if pack.last_meeting is not None:
        yield from _action_rows("last_meeting_actions", pack.last_meeting.actions, lang)
    for row in csv_rows(pack.report, lang):
        if row[0] not in ("last_meeting", "last_meeting_actions"):
            yield row


def pack_csv(pack: MeetingPack, lang: Lang = "en") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in pack_rows(pack, lang):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


# --- HTML ----------------------------------------------------------------------------------
@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("referral_graph.meetings", "templates"),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _context(pack: MeetingPack, lang: Lang) -> dict[str, Any]:
    def w(key: str, **values: object) -> str:
        return word(key, lang, **values)

    def dw(value: date) -> str:
        return day_words(value).in_lang(lang)

    return {
        "pack": pack,
        "lang": lang,
        "w": w,
        "dw": dw,
        "month_label": month_name(pack.report.month, lang),
        "figures": report_body(pack.report, lang, show_last_meeting=False, heading=False),
        **formatters(lang),
    }


def pack_css() -> Markup:
    """The pack's style sheet with the report's (both scoped), for a page embedding it."""
    own = _environment().get_template("_pack.css").render()
    return Markup(own) + report_css()  # noqa: S704 - our own style sheets


def pack_body(pack: MeetingPack, lang: Lang = "en") -> Markup:
    html = _environment().get_template("_pack_body.html").render(_context(pack, lang))
    return Markup(html)  # noqa: S704 - rendered by an autoescaping environment


def pack_html(pack: MeetingPack, lang: Lang = "en") -> str:
    """The printable pack, standalone (inline CSS, no script, no remote resource)."""
    title = f"{pack.level_label.in_lang(lang)} · {pack.area.label.in_lang(lang)}"
    return (
        _environment()
        .get_template("pack.html")
        .render(
            lang=lang,
            title=title + " · " + digits(pack.held_on.isoformat(), lang),
            css=pack_css(),
            body=pack_body(pack, lang),
        )
    )

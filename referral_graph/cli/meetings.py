"""``referral-graph meeting``: the agenda the graph gives an area, and a meeting's pack.

Registered on the main app (``referral_graph/cli/__init__.py``) as a group::

    referral-graph meeting agenda --area 1603 --date 2026-12-05 [--level district] [--lang km]
    referral-graph meeting pack --area 1603 --date 2026-12-05 --format html --out pack.html
    referral-graph meeting pack --meeting mtg_… --format csv
    referral-graph meeting list --area 16

The command line acts as the system (it reads and writes the store directly); the pack
follows the server's small-cell setting unless ``--min-cell`` says otherwise.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from referral_graph.audit.labels import Lang
from referral_graph.bootstrap import Runtime, build_runtime
from referral_graph.domain.errors import NotFound, ReferralGraphError
from referral_graph.domain.meetings import AgendaItem, MeetingLevel
from referral_graph.domain.queries import MeetingQuery, Page
from referral_graph.meetings.pack import pack_csv, pack_html
from referral_graph.meetings.wording import word
from referral_graph.services.caller import Caller
from referral_graph.services.meetings import meetings
from referral_graph.services.meetings.agenda import build_draft
from referral_graph.services.meetings.pack import meeting_pack
from referral_graph.settings import get_settings

app = typer.Typer(name="meeting", help="Network meetings: the agenda an area's graph gives, packs.")


class Language(StrEnum):
    EN = "en"
    KM = "km"


class AgendaFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class PackFormat(StrEnum):
    HTML = "html"
    CSV = "csv"
    JSON = "json"


Area = Annotated[str, typer.Option(help="Commune, district or province code (e.g. 1603).")]
Day = Annotated[str, typer.Option("--date", help="The meeting's day, YYYY-MM-DD.")]
Out = Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")]


def _runtime() -> Runtime:
    try:
        return build_runtime(get_settings())
    except ReferralGraphError as exc:
        typer.echo(f"Cannot open the store: {exc.detail}", err=True)
        raise typer.Exit(1) from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        typer.echo(f"--date: {text!r} is not a day (YYYY-MM-DD).", err=True)
        raise typer.Exit(2) from None


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8", newline="")
        typer.echo(f"Wrote {out}", err=True)


def _refused(exc: ReferralGraphError) -> typer.Exit:
    typer.echo(f"{exc.field or 'input'}: {exc.detail}", err=True)
    return typer.Exit(2)


def agenda_text(items: list[AgendaItem], lang: Lang) -> str:
    """The agenda as a reader follows it: numbered items, evidence, proposed action."""
    lines = []
    for n, item in enumerate(items, start=1):
        lines.append(f"{n}. [{word('kind_' + item.kind.value, lang)}] {item.title.in_lang(lang)}")
        lines += [f"   - {e.in_lang(lang)}" for e in item.evidence]
        if item.proposal is not None:
            lines.append(f"   → {word('pack_proposed', lang)}: {item.proposal.in_lang(lang)}")
    return "\n".join(lines) or word("pack_no_items", lang)


@app.command("agenda")
def agenda(
    area: Area,
    day: Day,
    level: Annotated[MeetingLevel | None, typer.Option(help="Default: the area's own.")] = None,
    fmt: Annotated[AgendaFormat, typer.Option("--format")] = AgendaFormat.TEXT,
    lang: Annotated[Language, typer.Option(help="Language of the agenda.")] = Language.EN,
    out: Out = None,
) -> None:
    """The agenda the graph gives now for a meeting of AREA on DATE: the period since
    the last meeting of that area and level (nothing is stored)."""
    held_on = _day(day)
    runtime = _runtime()
    try:
        draft = build_draft(
            Caller.system(runtime.store, runtime.now()),
            runtime.routing,
            area,
            held_on,
            level,
            tz=runtime.settings.timezone,
        )
    except ReferralGraphError as exc:
        raise _refused(exc) from None
    finally:
        runtime.store.close()
    language: Lang = "km" if lang is Language.KM else "en"
    if fmt is AgendaFormat.JSON:
        items = [i.model_dump(mode="json") for i in draft.items]
        body = {
            "area": draft.area,
            "level": draft.level.value,
            "held_on": draft.held_on.isoformat(),
            "period_since": draft.period_since.isoformat(),
            "items": items,
        }
        _write(json.dumps(body, ensure_ascii=False, indent=2), out)
        return
    head = f"{draft.level.value} meeting · {area} · {held_on.isoformat()} "
    head += f"(since {draft.period_since.isoformat()})"
    _write(head + "\n\n" + agenda_text(draft.items, language), out)


@app.command("pack")
def pack(
    meeting: Annotated[str | None, typer.Option(help="The meeting's id.")] = None,
    area: Annotated[str | None, typer.Option(help="Or: the meeting's area …")] = None,
    day: Annotated[str | None, typer.Option("--date", help="… and day, YYYY-MM-DD.")] = None,
    fmt: Annotated[PackFormat, typer.Option("--format")] = PackFormat.HTML,
    lang: Annotated[Language, typer.Option(help="Language of the pack.")] = Language.EN,
    month: Annotated[str | None, typer.Option(help="The figures' month (YYYY-MM).")] = None,
    min_cell: Annotated[
        int | None, typer.Option(min=0, help="Small cells (default: the server's setting).")
    ] = None,
    out: Out = None,
) -> None:
    """The meeting pack (agenda, last meeting's actions, the month's figures): a meeting
    by id, or the one held for AREA on DATE."""
    if meeting is None and (area is None or day is None):
        typer.echo("Name the meeting: --meeting ID, or --area and --date.", err=True)
        raise typer.Exit(2)
    runtime = _runtime()
    caller = Caller.system(runtime.store, runtime.now())
    try:
        ident = meeting or _meeting_on(caller, area or "", _day(day or ""))
        found = meeting_pack(
            caller,
            runtime.routing,
            ident,
            min_cell=runtime.settings.report_min_cell if min_cell is None else min_cell,
            month=month,
            tz=runtime.settings.timezone,
        )
    except ReferralGraphError as exc:
        raise _refused(exc) from None
    finally:
        runtime.store.close()
    language: Lang = "km" if lang is Language.KM else "en"
    if fmt is PackFormat.CSV:
        _write(pack_csv(found, language), out)
    elif fmt is PackFormat.JSON:
        _write(found.model_dump_json(indent=2), out)
    else:
        _write(pack_html(found, language), out)


def _meeting_on(caller: Caller, area: str, held_on: date) -> str:
    query = MeetingQuery(
        at_area=area, since=held_on, before=date.fromordinal(held_on.toordinal() + 1)
    )
    found = caller.store.read(lambda tx: tx.list_meetings(query, Page(limit=1)).items)
    if not found:
        raise NotFound("meeting", f"{area} on {held_on.isoformat()}")
    return found[0].id


@app.command("list")
def list_command(
    area: Annotated[str | None, typer.Option(help="Meetings inside this area.")] = None,
) -> None:
    """Meetings, newest first: day, level, area, status, agenda items, id."""
    runtime = _runtime()
    try:
        found = meetings.list_meetings(
            Caller.system(runtime.store, runtime.now()), Page(limit=200), area=area
        )
    except ReferralGraphError as exc:
        raise _refused(exc) from None
    finally:
        runtime.store.close()
    for m in found.items:
        kept = sum(not i.dropped for i in m.agenda)
        typer.echo(
            f"{m.held_on.isoformat()}  {m.level.value:<9} {m.area_code:<6} {m.status.value:<7} "
            f"{kept:>3} items  {m.id}"
        )

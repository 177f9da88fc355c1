"""The monthly report as CSV (one tidy table) and as a printable HTML page.

CSV columns: ``section, key, name, step, metric, value`` — one figure per row, English
metric names, names of places and providers in the chosen language. A small cell's
value is ``< 5`` (see :mod:`referral_graph.audit.cells`); text that a spreadsheet would
run as a formula (``=``, ``+``, ``-``, ``@`` first) is quoted with a leading apostrophe.
Hours are hours (``*_hours``), shares are fractions of 1 (``*share*``).

The HTML page prints every figure the CSV holds under the same ``(section, key, step,
metric)`` — each figure's cell carries it in ``data-f`` — so the two can be compared
figure by figure (``tests/audit/test_agreement.py``). Durations show their unit (hours,
or days from two days on); columns that add hours up say so and show hours.

Sections are listed in :func:`csv_rows`; awareness sessions: section ``awareness`` for
the report's area and ``awareness_by_area`` per sub-area (key: the area code) with
metrics ``sessions`` and ``reached``, and one row per age group (in ``step``) and gender
(metric ``reached_<gender>``); section ``awareness_topics`` (key: the topic).

Where children came from: section ``sources`` (key: the source of identification);
steps recorded on the receiver's behalf: section ``relayed`` (``audit.intake``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from referral_graph.audit.chart import bar_chart
from referral_graph.audit.delays import STEPS, DelayTable, StepStats
from referral_graph.audit.labels import Lang, digits, label, month_name
from referral_graph.audit.measures import TimeToHelp
from referral_graph.audit.report import AwarenessGroup, MonthlyReport
from referral_graph.audit.sections import DIMENSIONS
from referral_graph.domain.sla import Window
from referral_graph.domain.training import AgeGroup
from referral_graph.domain.vocabulary import Gender

CSV_COLUMNS = ("section", "key", "name", "step", "metric", "value")
Row = tuple[str, str, str, str, str, object]

STEP_METRICS = (
    "n",
    "median_hours",
    "p90_hours",
    "assessed",
    "within",
    "late",
    "missed",
    "past_deadline",
    "share_within",
)
MEASURES = (
    "referrals",
    "completed",
    "declined",
    "cancelled",
    "failed",
    "open",
    "completed_share",
    "declined_share",
    "cases",
    "referrals_per_case",
    "closed_cases",
    "closure_rate",
    "with_recommendation",
    "followed_top_recommendation",
    "top_recommendation_share",
    "cohort_cases",
)
BOTTLENECK_METRICS = (
    "handoffs",
    "open",
    "open_waiting_hours",
    "overdue_open",
    "past_deadline",
    "hours_past_deadline",
)
GROUP_METRICS = ("children", "referrals", "completed", "declined")
CAPACITY_METRICS = ("people", "trained", "refreshers_due", "coaching_overdue")
DAYS_FROM_HOURS = 48
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- CSV ---------------------------------------------------------------------------------
def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as it is (never runs as a formula); None as empty."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _step_rows(section: str, key: str, name: str, steps: dict[Window, StepStats]) -> Iterator[Row]:
    for step in STEPS:
        stats = steps[step].model_dump()
        for metric in STEP_METRICS:
            yield section, key, name, step.value, metric, stats[metric]


def _table_rows(section: str, table: DelayTable, lang: Lang) -> Iterator[Row]:
    for g in table.groups:
        name = g.label.in_lang(lang)
        yield section, g.key, name, "", "referrals", g.referrals
        yield from _step_rows(section, g.key, name, g.steps)
    yield section, "", "", "", "suppressed_groups", table.suppressed_groups


def _help_rows(section: str, t: TimeToHelp) -> Iterator[Row]:
    yield section, "", "", "", "cases", t.cases
    yield section, "", "", "", "reached", t.reached
    yield section, "", "", "", "not_reached", t.not_reached
    yield section, "", "", "", "median_hours", t.durations.median_hours
    yield section, "", "", "", "p90_hours", t.durations.p90_hours


def _awareness_rows(section: str, g: AwarenessGroup, lang: Lang) -> Iterator[Row]:
    name = g.label.in_lang(lang)
    yield section, g.key, name, "", "sessions", g.sessions
    yield section, g.key, name, "", "reached", g.reached
    for age in AgeGroup:
        for gender in Gender:
            count = g.participants[age][gender]
            yield section, g.key, name, age.value, f"reached_{gender.value}", count


def _pattern_rows(report: MonthlyReport, lang: Lang) -> Iterator[Row]:
    for b in report.bottlenecks:
        name = b.label.in_lang(lang)
        for metric in BOTTLENECK_METRICS:
            yield "bottlenecks", b.provider_id, name, "", metric, getattr(b, metric)
    loops = report.loops
    for metric in ("cases", "cases_with_loop", "cases_with_ping_pong", "repeat_referrals"):
        yield "loops", "", "", "", metric, getattr(loops, metric)
    for p in loops.patterns:
        names = " → ".join(x.in_lang(lang) for x in p.labels)
        yield "loop_patterns", " → ".join(p.providers), names, "", "cases", p.cases
    d = report.declines
    yield "declines", "", "", "", "declined", d.declined
    yield "declines", "", "", "", "cases_declined_repeatedly", d.cases_declined_repeatedly
    for r in d.reasons:
        yield "decline_reasons", r.code, r.label.in_lang(lang), "", "count", r.count
    for e in d.edges:
        key, name = f"{e.from_provider_id} → {e.to_provider_id}", e.label.in_lang(lang)
        yield "edge_declines", key, name, "", "referrals", e.referrals
        yield "edge_declines", key, name, "", "declined", e.declined
        yield "edge_declines", key, name, "", "decline_share", e.decline_share
        repeated = e.cases_declined_repeatedly
        yield "edge_declines", key, name, "", "cases_declined_repeatedly", repeated
        for r in e.reasons:
            yield "edge_decline_reasons", key, r.label.in_lang(lang), r.code, "count", r.count


def _context_rows(report: MonthlyReport, lang: Lang) -> Iterator[Row]:
    """Groups, trend, coverage, capacity and the last meeting's actions."""
    for dim in report.groups:
        for g in dim.rows:
            for metric in GROUP_METRICS:
                key = f"{dim.dimension}:{g.key}"
                yield "groups", key, g.label.in_lang(lang), "", metric, getattr(g, metric)
    for t in report.trend.rows:
        name = t.label.in_lang(lang)
        yield "trend", t.metric, name, "", "this_month", t.this_month
        yield "trend", t.metric, name, "", "previous_month", t.previous_month
        yield "trend", t.metric, name, "", "change", t.change
    if report.coverage is not None:
        for gap in report.coverage.gaps:
            name = gap.label.in_lang(lang)
            yield "coverage", gap.service, name, "", "unreached_communes", len(gap.unreached)
            yield "coverage", gap.service, name, "", "needed_not_reached", gap.recorded
            for a in gap.unreached:
                yield (
                    "coverage_unreached",
                    gap.service,
                    a.label.in_lang(lang),
                    a.code,
                    "reach",
                    "none",
                )
    if report.capacity is not None:
        for row in [*report.capacity.rows, report.capacity.total]:
            for metric in CAPACITY_METRICS:
                yield "capacity", row.key, row.label.in_lang(lang), "", metric, getattr(row, metric)
    if report.last_meeting is not None:
        meeting = report.last_meeting
        yield "last_meeting", meeting.meeting_id, "", "", "held_on", meeting.held_on.isoformat()
        for line in meeting.actions:
            head = ("last_meeting_actions", line.action_id, line.text)
            status = line.status_label.in_lang(lang)
            yield (*head, status, "owner", line.owner.in_lang(lang))
            yield (*head, status, "due_on", line.due_on.isoformat())


def csv_rows(report: MonthlyReport, lang: Lang) -> Iterator[Row]:
    """Every figure of the report, one per row."""
    area = report.area
    yield "meta", area.code, area.label.in_lang(lang), "", "area_level", area.level.value
    yield "meta", "", "", "", "month", report.month
    yield "meta", "", "", "", "timezone", report.timezone
    yield "meta", "", "", "", "generated_at", report.generated_local.isoformat(timespec="minutes")
    yield "meta", "", "", "", "min_cell", report.min_cell
    yield "meta", "", "", "", "sample_data", int(report.sample_data)
    m = report.measures.model_dump()
    for metric in MEASURES:
        yield "summary", "", "", "", metric, m[metric]
    yield "summary", "", "", "", "overdue_now", report.overdue_now
    yield from _step_rows("steps", "", label("total", lang), report.steps)
    for r in report.steps_by_risk:
        name = r.label.in_lang(lang)
        yield "steps_by_risk", r.risk.value, name, "", "referrals", r.referrals
        yield from _step_rows("steps_by_risk", r.risk.value, name, r.steps)
    yield from _table_rows("by_area", report.by_area, lang)
    yield from _table_rows("by_provider", report.by_provider, lang)
    yield from _pattern_rows(report, lang)
    yield from _help_rows(
        "first_professional_contact", report.measures.time_to_first_professional_contact
    )
    yield from _help_rows("first_service", report.measures.time_to_first_service)
    yield from _context_rows(report, lang)
    aware = report.awareness
    yield from _awareness_rows("awareness", aware.total, lang)
    for g in aware.groups:
        yield from _awareness_rows("awareness_by_area", g, lang)
    for t in aware.topics:
        name = label(f"topic_{t.topic.value}", lang)
        yield "awareness_topics", t.topic.value, name, "", "sessions", t.sessions
        yield "awareness_topics", t.topic.value, name, "", "reached", t.reached
    yield from _intake_rows(report, lang)


def _intake_rows(report: MonthlyReport, lang: Lang) -> Iterator[Row]:
    """Sections ``relayed`` (metrics ``referrals``, ``relayed_referrals``,
    ``relayed_share``; one ``steps`` row per step) and ``sources`` (key: the source)."""
    relayed = report.relayed
    for metric in ("referrals", "relayed_referrals", "relayed_share"):
        yield "relayed", "", "", "", metric, getattr(relayed, metric)
    for step, n in relayed.steps.items():
        yield "relayed", "", "", step.value, "steps", n
    for r in report.sources.rows:
        name = label(f"source_{r.source}", lang)
        for metric in (
            "identifications",
            "accepted",
            "declined",
            "waiting",
            "acknowledged_on_time",
            "cases_referred",
            "referrals",
        ):
            yield "sources", r.source, name, "", metric, getattr(r, metric)
        yield (
            "sources",
            r.source,
            name,
            "",
            "median_hours_to_acknowledge",
            (r.hours_to_acknowledge.median_hours),
        )
        yield (
            "sources",
            r.source,
            name,
            "",
            "median_hours_to_decide",
            (r.hours_to_decide.median_hours),
        )


def to_csv(report: MonthlyReport, lang: Lang = "en") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report, lang):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


# --- HTML --------------------------------------------------------------------------------
@cache
def environment() -> Environment:
    """The report templates (also used by the meeting pack, which includes the body)."""
    return Environment(
        loader=PackageLoader("referral_graph.audit", "templates"),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def formatters(lang: Lang) -> dict[str, Any]:
    """How the page writes figures: counts (``< 5`` kept), hours with their unit, shares."""

    def num(value: float | int | str | None, places: int = 0) -> str:
        if value is None:
            return "—"
        if isinstance(value, str):
            return digits(value, lang)
        return digits(f"{value:,.{places}f}", lang)

    def hrs(value: float | None) -> str:
        """Hours, or days from two days on (738 h reads better as 30.8 days)."""
        if value is None:
            return "—"
        if value >= DAYS_FROM_HOURS:
            return f"{num(value / 24, 1)} {label('days_short', lang)}"
        return f"{num(value, 1)} {label('hours_short', lang)}"

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{num(value * 100)}%"

    def signed(value: int | None) -> str:
        if value is None:
            return "—"
        return ("+" if value > 0 else "") + num(value)

    def t(key: str, **values: object) -> str:
        return label(key, lang, **values)

    def dig(text: str) -> str:
        return digits(text, lang)

    return {"num": num, "hrs": hrs, "pct": pct, "signed": signed, "t": t, "dig": dig}


def context(
    report: MonthlyReport, lang: Lang, *, show_last_meeting: bool = True, heading: bool = True
) -> dict[str, Any]:
    """What the body template is rendered with (``heading``: the report's own title and
    footer; ``show_last_meeting``: its last-meeting section — a meeting pack shows its
    own)."""
    rows = [(g.label.in_lang(lang), g.steps) for g in report.by_area.groups]
    rows.append((label("total", lang), report.steps))
    return {
        "report": report,
        "lang": lang,
        "steps": STEPS,
        "chart": bar_chart(rows),
        "month_label": month_name(report.month, lang),
        "previous_label": month_name(report.trend.previous, lang),
        "area_level_label": label(report.area.level.value, lang),
        "sub_level_label": label(report.by_area.group_by.value, lang),
        "age_groups": list(AgeGroup),
        "genders": list(Gender),
        "dimensions": DIMENSIONS,
        "awareness_level_label": label(report.awareness.group_by.value, lang),
        "show_last_meeting": show_last_meeting,
        "heading": heading,
        **formatters(lang),
    }


def report_css() -> Markup:
    """The report's style sheet (scoped to ``.rg-report``), for a page that embeds it."""
    return Markup(environment().get_template("_report.css").render())  # noqa: S704


def report_body(
    report: MonthlyReport,
    lang: Lang = "en",
    *,
    show_last_meeting: bool = True,
    heading: bool = True,
) -> Markup:
    """The report's content (``<div class="rg-report">…``), for a page that embeds it."""
    found = context(report, lang, show_last_meeting=show_last_meeting, heading=heading)
    html = environment().get_template("_report_body.html").render(found)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping environment


def to_html(report: MonthlyReport, lang: Lang = "en") -> str:
    """The printable page: inline CSS (with a print stylesheet), the chart as HTML."""
    return (
        environment()
        .get_template("report.html")
        .render(
            report=report,
            lang=lang,
            css=report_css(),
            body=report_body(report, lang),
            month_label=month_name(report.month, lang),
            **formatters(lang),
        )
    )


def render(report: MonthlyReport, fmt: str, lang: Lang = "en", *, indent: int | None = None) -> str:
    """The report in ``fmt``: ``csv``, ``html`` (printable) or ``json`` (``indent``: for
    people reading the file), as the API and the ``report`` command both write it."""
    if fmt == "csv":
        return to_csv(report, lang)
    if fmt == "html":
        return to_html(report, lang)
    return report.model_dump_json(indent=indent)

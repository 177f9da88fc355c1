"""The monthly report as CSV (one tidy table) and as a printable HTML page.

CSV columns: ``section, key, name, step, metric, value`` — one number per row, English
metric names, names of places and providers in the chosen language. Text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is quoted with a
leading apostrophe.

Where children came from: section ``sources`` (key: the source of identification);
steps recorded on the receiver's behalf: section ``relayed`` (``audit.intake``).

Awareness sessions: section ``awareness`` for the report's area and ``awareness_by_area``
per sub-area (key: the area code) with metrics ``sessions`` and ``reached``, and one row
per age group (in ``step``) and gender (metric ``reached_<gender>``); section
``awareness_topics`` (key: the topic) with ``sessions`` and ``reached``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from referral_graph.audit.chart import bar_chart
from referral_graph.audit.delays import STEPS, DelayTable, StepStats
from referral_graph.audit.labels import Lang, digits, label, month_name
from referral_graph.audit.measures import TimeToHelp
from referral_graph.audit.patterns import OTHER_REASONS, ReasonCount
from referral_graph.audit.report import AwarenessGroup, MonthlyReport
from referral_graph.domain.sla import Window
from referral_graph.domain.training import AgeGroup
from referral_graph.domain.vocabulary import Gender

CSV_COLUMNS = ("section", "key", "name", "step", "metric", "value")
Row = tuple[str, str, str, str, str, object]

_STEP_METRICS = ("n", "median_hours", "p90_hours", "assessed", "within", "missed", "share_within")
_MEASURES = (
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
DAYS_FROM_HOURS = 48
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- CSV ---------------------------------------------------------------------------------
def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _step_rows(section: str, key: str, name: str, steps: dict[Window, StepStats]) -> Iterator[Row]:
    for step in STEPS:
        stats = steps[step].model_dump()
        for metric in _STEP_METRICS:
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


def _reason_text(r: ReasonCount, lang: Lang) -> str:
    return label("other_reasons", lang) if r.reason == OTHER_REASONS else r.reason


def csv_rows(report: MonthlyReport, lang: Lang) -> Iterator[Row]:
    """Every figure of the report, one per row."""
    area = report.area
    yield "meta", area.code, area.label.in_lang(lang), "", "area_level", area.level.value
    yield "meta", "", "", "", "month", report.month
    yield "meta", "", "", "", "timezone", report.timezone
    yield "meta", "", "", "", "generated_at", report.generated_at.isoformat()
    yield "meta", "", "", "", "min_cell", report.min_cell
    m = report.measures.model_dump()
    for metric in _MEASURES:
        yield "summary", "", "", "", metric, m[metric]
    yield "summary", "", "", "", "overdue_now", report.overdue_now
    yield from _step_rows("steps", "", label("total", lang), report.steps)
    yield from _table_rows("by_area", report.by_area, lang)
    yield from _table_rows("by_provider", report.by_provider, lang)
    for b in report.bottlenecks:
        name = b.label.in_lang(lang)
        for metric in (
            "handoffs",
            "open",
            "open_waiting_hours",
            "overdue_open",
            "past_deadline",
            "hours_past_deadline",
        ):
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
        yield "decline_reasons", "", _reason_text(r, lang), "", "count", r.count
    for e in d.edges:
        key, name = f"{e.from_provider_id} → {e.to_provider_id}", e.label.in_lang(lang)
        yield "edge_declines", key, name, "", "referrals", e.referrals
        yield "edge_declines", key, name, "", "declined", e.declined
        yield (
            "edge_declines",
            key,
            name,
            "",
            "cases_declined_repeatedly",
            e.cases_declined_repeatedly,
        )
        for r in e.reasons:
            yield "edge_decline_reasons", key, _reason_text(r, lang), "", "count", r.count
    yield from _help_rows(
        "first_professional_contact", report.measures.time_to_first_professional_contact
    )
    yield from _help_rows("first_service", report.measures.time_to_first_service)
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
        writer.writerow([_safe(v) for v in row])
    return out.getvalue()


# --- HTML --------------------------------------------------------------------------------
@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("referral_graph.audit", "templates"),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _formatters(lang: Lang) -> dict[str, Any]:
    def num(value: float | int | None, places: int = 0) -> str:
        if value is None:
            return "—"
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

    def t(key: str, **values: object) -> str:
        return label(key, lang, **values)

    def dig(text: str) -> str:
        return digits(text, lang)

    return {"num": num, "hrs": hrs, "pct": pct, "t": t, "dig": dig}


def to_html(report: MonthlyReport, lang: Lang = "en") -> str:
    """The printable page: inline CSS (with a print stylesheet) and an inline SVG chart."""
    rows = [(g.label.in_lang(lang), g.steps) for g in report.by_area.groups]
    rows.append((label("total", lang), report.steps))
    context: dict[str, Any] = {
        "report": report,
        "lang": lang,
        "steps": STEPS,
        "chart": bar_chart(rows),
        "month_label": month_name(report.month, lang),
        "area_level_label": label(report.area.level.value, lang),
        "sub_level_label": label(report.by_area.group_by.value, lang),
        "other_reasons": OTHER_REASONS,
        "age_groups": list(AgeGroup),
        "genders": list(Gender),
        "awareness_level_label": label(report.awareness.group_by.value, lang),
        **_formatters(lang),
    }
    return _environment().get_template("report.html").render(context)


def render(report: MonthlyReport, fmt: str, lang: Lang = "en", *, indent: int | None = None) -> str:
    """The report in ``fmt``: ``csv``, ``html`` (printable) or ``json`` (``indent``: for
    people reading the file), as the API and the ``report`` command both write it."""
    if fmt == "csv":
        return to_csv(report, lang)
    if fmt == "html":
        return to_html(report, lang)
    return report.model_dump_json(indent=indent)

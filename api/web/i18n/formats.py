"""Numbers, days, times and durations as a reader of each language writes them.

Numbers in Khmer text are written in Khmer digits; codes and ids stay in ASCII so that
they can be read out over the phone and typed.

>>> duration(3 * 3600 + 20 * 60, "km")
'៣ ម៉ោង ២០ នាទី'
>>> day_text(date(2026, 11, 26), "en")
'26 Nov 2026'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from referral_graph.audit.labels import MONTHS, khmer_digits

Lang = Literal["en", "km"]
LANGS: tuple[Lang, ...] = ("en", "km")

WEEKDAYS: dict[Lang, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "km": ("ច័ន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ"),
}


def as_lang(value: str | None) -> Lang:
    return "km" if value == "km" else "en"


def pick(entry: tuple[str, str], lang: Lang) -> str:
    """The entry's text in ``lang`` (English when it has no Khmer)."""
    return entry[1] if lang == "km" and entry[1] else entry[0]


def num(value: object, lang: Lang) -> str:
    """Integers and floats in the page's digits; other values as they are."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = str(value) if isinstance(value, int) else f"{value:.1f}".removesuffix(".0")
    return khmer_digits(text) if lang == "km" else text


def digits(text: str, lang: Lang) -> str:
    return khmer_digits(text) if lang == "km" else text


def duration(seconds: float, lang: Lang) -> str:
    """A length of time a person reads at a glance: '2 d 3 h', '3 h 20 min', '45 min'."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    unit = {"d": ("d", "ថ្ងៃ"), "h": ("h", "ម៉ោង"), "min": ("min", "នាទី")}
    parts: list[tuple[int, str]] = []
    if days:
        parts = [(days, "d"), (hours, "h")]
    elif hours:
        parts = [(hours, "h"), (mins, "min")]
    else:
        parts = [(max(mins, 1), "min")]
    shown = [f"{num(n, lang)} {pick(unit[u], lang)}" for n, u in parts if n]
    return " ".join(shown)


def when(moment: datetime, lang: Lang, tz: str) -> str:
    """A local date and time: 'Tue 3 Mar, 14:05' / 'អង្គារ ៣ មីនា ១៤:០៥'."""
    local = moment.astimezone(ZoneInfo(tz))
    day = WEEKDAYS[lang][local.weekday()]
    month = MONTHS[lang][local.month - 1]
    if lang == "km":
        return f"{day} {num(local.day, lang)} {month} {digits(local.strftime('%H:%M'), lang)}"
    return f"{day} {local.day} {month[:3]}, {local.strftime('%H:%M')}"


def day_text(value: date | None, lang: Lang) -> str:
    """'26 Nov 2026' / '២៦ វិច្ឆិកា ២០២៦'."""
    if value is None:
        return ""
    month = MONTHS[lang][value.month - 1]
    if lang == "km":
        return f"{num(value.day, lang)} {month} {num(value.year, lang)}"
    return f"{value.day} {month[:3]} {value.year}"


def day_of(lang: Lang) -> Callable[[date | None], str]:
    """:func:`day_text` bound to the page language (templates call ``day(d)``)."""
    return lambda value: day_text(value, lang)


def month_text(month: str, lang: Lang) -> str:
    """'November 2026' / 'វិច្ឆិកា ២០២៦' for '2026-11'."""
    return f"{MONTHS[lang][int(month[5:]) - 1]} {digits(month[:4], lang)}"

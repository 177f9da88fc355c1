"""The web app's words in English and Khmer, keyed by message id, and the formatting
of numbers, times and durations in each language.

The words live in a gettext catalogue a translator opens in Poedit or Weblate,
``api/web/locale/km/LC_MESSAGES/messages.po`` (``msgctxt`` the message id, ``msgid`` the
English, ``msgstr`` the Khmer), compiled to ``.mo`` files by :mod:`.catalogue`; the
names of vocabulary codes are in :mod:`.tables`, the formats in :mod:`.formats`. Khmer
uses one term per concept, as ``api/web/locale/glossary.yaml`` lists them (a test holds
every Khmer text to it).

>>> t("act_accept", "km")
'ទទួលយក'
>>> duration(3 * 3600 + 20 * 60, "km")
'៣ ម៉ោង ២០ នាទី'
"""

from __future__ import annotations

from api.web.i18n.catalogue import messages
from api.web.i18n.formats import (
    LANGS,
    WEEKDAYS,
    Lang,
    as_lang,
    day_of,
    day_text,
    digits,
    duration,
    month_text,
    num,
    pick,
    when,
)
from api.web.i18n.tables import (
    GENDERS,
    KINDS,
    RISK_HINTS,
    STATUSES,
    STEPS,
    TABLES,
    WINDOWS,
)

__all__ = [
    "GENDERS",
    "KINDS",
    "LANGS",
    "MESSAGES",
    "RISK_HINTS",
    "STATUSES",
    "STEPS",
    "WEEKDAYS",
    "WINDOWS",
    "Lang",
    "as_lang",
    "day_of",
    "day_text",
    "digits",
    "duration",
    "label",
    "month_text",
    "num",
    "t",
    "when",
]


#: Every message by id: ``(English, Khmer)`` (codes' names are in :data:`TABLES`).
MESSAGES: dict[str, tuple[str, str]] = {
    key: entry for key, entry in messages().items() if ":" not in key
}


def t(key: str, lang: Lang, **values: object) -> str:
    """Message ``key`` in ``lang``; ``{name}`` fields filled from ``values`` (numbers in
    Khmer digits on a Khmer page)."""
    text = pick(MESSAGES[key], lang)
    if not values:
        return text
    return text.format(**{k: num(v, lang) for k, v in values.items()})


def label(table: str, code: str, lang: Lang) -> str:
    """The name of a vocabulary code (``service``, ``risk``, ``status`` …); the code
    itself when unknown."""
    entry = TABLES[table].get(code)
    return code if entry is None else pick(entry, lang)

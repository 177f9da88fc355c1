"""The web app's words in English and Khmer, keyed by message id, and the formatting
of numbers, times and durations in each language.

Khmer follows the wording of the Ministry of Social Affairs' child-protection documents
already used by the monthly report (``referral_graph.audit.labels``): ការបញ្ជូន for a
referral, អ្នកផ្ដល់សេវា for a provider, គ.ក.ន.ក for a CCWC.

The words live in one module per area of the app (:mod:`.frame`, :mod:`.referrals`,
:mod:`.network`, :mod:`.capacity`, :mod:`.trainings`, :mod:`.queue`, :mod:`.field`,
:mod:`.meetings`), the names of
vocabulary codes in :mod:`.tables`, the formats in :mod:`.formats`; :data:`MESSAGES`
joins the areas, and a message id may stand in one area only.

>>> t("act_accept", "km")
'ទទួលយក'
>>> duration(3 * 3600 + 20 * 60, "km")
'៣ ម៉ោង ២០ នាទី'
"""

from __future__ import annotations

from collections.abc import Mapping

from api.web.i18n.alerts import ALERTS
from api.web.i18n.capacity import CAPACITY
from api.web.i18n.errors import ERRORS
from api.web.i18n.field import FIELD
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
from api.web.i18n.frame import FRAME
from api.web.i18n.meetings import MEETINGS
from api.web.i18n.network import NETWORK
from api.web.i18n.offline import OFFLINE
from api.web.i18n.queue import QUEUE
from api.web.i18n.referrals import REFERRALS
from api.web.i18n.routing import ROUTING
from api.web.i18n.safety import SAFETY
from api.web.i18n.tables import (
    GENDERS,
    KINDS,
    RISK_HINTS,
    STATUSES,
    STEPS,
    TABLES,
    WINDOWS,
)
from api.web.i18n.trainings import TRAININGS

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


def _joined(*areas: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The areas' messages in one table; an id in two areas is a mistake caught here."""
    joined: dict[str, tuple[str, str]] = {}
    for area in areas:
        twice = joined.keys() & area.keys()
        if twice:
            raise ValueError(f"message ids in two areas: {sorted(twice)}")
        joined.update(area)
    return joined


MESSAGES: dict[str, tuple[str, str]] = _joined(
    FRAME,
    REFERRALS,
    NETWORK,
    CAPACITY,
    TRAININGS,
    ALERTS,
    SAFETY,
    QUEUE,
    FIELD,
    ROUTING,
    MEETINGS,
    ERRORS,
    OFFLINE,
)


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

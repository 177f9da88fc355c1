"""Reasons a recommendation gives, in plain English and Khmer, keyed for translation.

A reason is a ``key`` of :data:`CATALOGUE`, its ``params`` (codes: service, mode, risk,
language, dates …, for clients that translate themselves) and the ``points`` it adds
to the score: a recommendation's score is the sum of its reasons' points, so a
coordinator can check every figure. Rules that leave a provider out, ties and the
order of an emergency are reasons too (with no points).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from referral_graph.domain.areas import gazetteer
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.domain.reasons import REASON_NAMES
from referral_graph.routing.catalogue import CATALOGUE

__all__ = [
    "CATALOGUE",
    "LANGUAGE_NAMES",
    "MODE_NAMES",
    "RISK_NAMES",
    "SERVICE_NAMES",
    "TOPIC_NAMES",
    "Reason",
    "reason",
    "scored",
]

LANGUAGE_NAMES: dict[str, tuple[str, str]] = {
    "khm": ("Khmer", "ខ្មែរ"),
    "eng": ("English", "អង់គ្លេស"),
    "lao": ("Lao", "ឡាវ"),
    "tpu": ("Tampuan", "ទំពួន"),
    "krr": ("Kreung", "គ្រឹង"),
    "jra": ("Jarai", "ចារ៉ាយ"),
    "brb": ("Brao", "ព្រៅ"),
    "krv": ("Kavet", "កាវ៉ែត"),
    "cmo": ("Bunong", "ព្នង"),
    "kdt": ("Kuy", "កួយ"),
    "vie": ("Vietnamese", "វៀតណាម"),
    "cja": ("Cham", "ចាម"),
    "tha": ("Thai", "ថៃ"),
}


SERVICE_NAMES: dict[str, tuple[str, str]] = {
    "identification": ("identification", "ការរកឃើញករណី"),
    "psychological_first_aid": ("psychological first aid", "ការសង្គ្រោះបឋមផ្លូវចិត្ត"),
    "awareness": ("awareness raising", "ការលើកកម្ពស់ការយល់ដឹង"),
    "registration": ("case registration", "ការចុះបញ្ជីករណី"),
    "case_management": ("case management", "ការគ្រប់គ្រងករណី"),
    "counselling": ("counselling", "ការប្រឹក្សាផ្លូវចិត្ត"),
    "phone_counselling": ("phone counselling", "ការប្រឹក្សាតាមទូរស័ព្ទ"),
    "group_therapy": ("group therapy", "ការព្យាបាលជាក្រុម"),
    "school_psychosocial_support": (
        "psychosocial support at school",
        "ការគាំទ្រផ្លូវចិត្តសង្គមនៅសាលារៀន",
    ),
    "psycho_education": ("psycho-education", "ការអប់រំអំពីសុខភាពផ្លូវចិត្ត"),
    "medical_care": ("medical care", "ការថែទាំវេជ្ជសាស្ត្រ"),
    "post_rape_care": ("post-rape care", "ការថែទាំក្រោយការរំលោភផ្លូវភេទ"),
    "psychiatric_care": ("psychiatric care", "ការព្យាបាលផ្នែកវិកលចរិត"),
    "legal_aid": ("legal aid", "ជំនួយផ្លូវច្បាប់"),
    "shelter": ("safe shelter", "ទីជម្រកសុវត្ថិភាព"),
    "child_protection": ("child protection", "កិច្ចការពារកុមារ"),
    "supervision": ("clinical supervision", "ការត្រួតពិនិត្យផ្នែកគ្លីនិក"),
}

RISK_NAMES: dict[str, tuple[str, str]] = {
    "emergency": ("Emergency", "បន្ទាន់"),
    "high": ("High", "ខ្ពស់"),
    "medium": ("Medium", "មធ្យម"),
    "low": ("Low", "ទាប"),
}

MODE_NAMES: dict[str, tuple[str, str]] = {
    "in_person": ("in person", "ដោយផ្ទាល់"),
    "phone": ("by phone", "តាមទូរស័ព្ទ"),
    "online": ("online", "តាមអនឡាញ"),
}

TOPIC_NAMES: dict[str, tuple[str, str]] = {
    "psychological_first_aid": ("psychological first aid", "ការសង្គ្រោះបឋមផ្លូវចិត្ត"),
    "child_protection_basics": ("child protection basics", "មូលដ្ឋានគ្រឹះការការពារកុមារ"),
    "mental_health_basics": ("mental health basics", "មូលដ្ឋានគ្រឹះសុខភាពផ្លូវចិត្ត"),
    "gbv": ("gender-based violence", "អំពើហិង្សាផ្អែកលើយេនឌ័រ"),
    "supporting_children_affected_by_violence": (
        "supporting children affected by violence",
        "ការគាំទ្រកុមាររងផលប៉ះពាល់ពីអំពើហិង្សា",
    ),
    "counselling_skills": ("counselling skills", "ជំនាញប្រឹក្សា"),
    "facilitation": ("facilitation", "ការដឹកនាំវគ្គ"),
}

GENDER_NAMES: dict[str, tuple[str, str]] = {
    "female": ("girls and women", "ក្មេងស្រី និងស្ត្រី"),
    "male": ("boys and men", "ក្មេងប្រុស និងបុរស"),
    "non_binary": ("non-binary people", "អ្នកមិនកំណត់ភេទពីរ"),
    "undisclosed": ("people who do not say their gender", "អ្នកមិនបញ្ជាក់ភេទ"),
}

STATUS_NAMES: dict[str, tuple[str, str]] = {
    "requested": ("waiting to be acknowledged", "កំពុងរង់ចាំការទទួលស្គាល់"),
    "received": ("acknowledged, not yet accepted", "បានទទួលស្គាល់ តែមិនទាន់ទទួលយក"),
    "accepted": ("accepted", "បានទទួលយក"),
    "in_progress": ("in progress", "កំពុងដំណើរការ"),
    "on_hold": ("on hold", "បានផ្អាក"),
    "completed": ("completed", "បានបញ្ចប់"),
}

PATHWAY_NAMES: dict[str, tuple[str, str]] = {
    "direct": ("an agreed pathway", "ផ្លូវបញ្ជូនដែលបានព្រមព្រៀង"),
    "other_service": (
        "an agreed pathway for another service",
        "ផ្លូវបញ្ជូនដែលបានព្រមព្រៀងសម្រាប់សេវាផ្សេង",
    ),
    "via": ("a pathway through another provider", "ផ្លូវបញ្ជូនតាមរយៈអ្នកផ្ដល់សេវាផ្សេង"),
    "none": ("no agreed pathway", "គ្មានផ្លូវបញ្ជូនដែលបានព្រមព្រៀង"),
}

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
MONTHS_KM = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា",
             "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ")  # fmt: skip
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS_KM = ("ច័ន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ")
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")

#: Params holding a code named in each language by a table.
_TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "language": LANGUAGE_NAMES,
    "topic": TOPIC_NAMES,
    "service": SERVICE_NAMES,
    "other_service": SERVICE_NAMES,
    "mode": MODE_NAMES,
    "status": STATUS_NAMES,
    "pathway": PATHWAY_NAMES,
    "other_pathway": PATHWAY_NAMES,
}


class Reason(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    en: str
    km: str
    params: dict[str, Any] = {}
    points: float = 0.0


def reason(key: str, **params: Any) -> Reason:
    """A reason without points, its parameters filled in; codes (language, service,
    mode, risk, topic, dates …) read as names in each language while ``params`` keep
    the codes. The same few hundred reasons recur across answers, so they are made
    once and shared (a ``Reason`` is never changed after it is made)."""
    return _reason(key, tuple(params.items()), 0.0)


def scored(key: str, points: float, **params: Any) -> Reason:
    """A reason that adds ``points`` (rounded to hundredths) to the score."""
    return _reason(key, tuple(params.items()), round(points, 2))


def number(value: float, khmer: bool = False) -> str:
    """12 → "12", 2.5 → "2.5", 62.431 → "62.43" (Khmer digits for a Khmer reader)."""
    text = str(value) if isinstance(value, int) else f"{value:.2f}".rstrip("0").rstrip(".")
    return text.translate(KHMER_DIGITS) if khmer else text


def day_names(day: date) -> tuple[str, str]:
    """3 Dec 2026 / ៣ ធ្នូ ២០២៦."""
    en = f"{day.day} {MONTHS_EN[day.month - 1][:3]} {day.year}"
    km = f"{day.day} {MONTHS_KM[day.month - 1]} {day.year}".translate(KHMER_DIGITS)
    return en, km


def moment_names(local: datetime) -> tuple[str, str]:
    """Mon 9 Mar, 07:30 / ច័ន្ទ ៩ មីនា ០៧:៣០ (a local wall-clock time)."""
    clock = local.strftime("%H:%M")
    en = f"{WEEKDAYS_EN[local.weekday()]} {local.day} {MONTHS_EN[local.month - 1][:3]}, {clock}"
    km = f"{WEEKDAYS_KM[local.weekday()]} {local.day} {MONTHS_KM[local.month - 1]} {clock}"
    return en, km.translate(KHMER_DIGITS)


def _month_names(month: str) -> tuple[str, str]:
    """``2027-03`` as "March 2027" and its Khmer."""
    year, index = month[:4], int(month[5:7]) - 1
    return f"{MONTHS_EN[index]} {year}", f"ខែ{MONTHS_KM[index]} ឆ្នាំ{year}".translate(KHMER_DIGITS)


def _area_names(codes: tuple[str, ...]) -> tuple[str, str]:
    en, km = [], []
    for code in codes:
        try:
            area = gazetteer().area(code)
        except ReferralGraphError:
            en.append(code)
            km.append(code)
            continue
        en.append(area.name_en)
        km.append(area.name_km or area.name_en)
    return ", ".join(en), ", ".join(km)


def _joined(codes: tuple[str, ...], table: dict[str, tuple[str, str]]) -> tuple[str, str]:
    names = [table.get(c, (c, c)) for c in codes]
    return " and ".join(n[0] for n in names), " និង ".join(n[1] for n in names)


def names_of(name: str, value: Any) -> tuple[str, str]:
    """A parameter as an English and a Khmer reader read it."""
    table = _TABLES.get(name)
    if table is not None and isinstance(value, str) and value in table:
        return table[value]
    if name == "risk" and value in RISK_NAMES:  # "at high risk": the code reads as English
        return str(value), RISK_NAMES[value][1]
    if name == "month":
        return _month_names(str(value))
    if name in ("on", "since"):
        return day_names(date.fromisoformat(str(value)))
    if name == "opens":
        return moment_names(datetime.fromisoformat(str(value)))
    if name == "reason" and value in REASON_NAMES:
        return REASON_NAMES[value]
    if name == "genders":
        return _joined(tuple(value), GENDER_NAMES)
    if name == "areas":
        return _area_names(tuple(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value), number(value, khmer=True)
    return str(value), str(value)


@lru_cache(maxsize=65_536)
def _reason(key: str, items: tuple[tuple[str, Any], ...], points: float) -> Reason:
    params = dict(items)
    en, km = CATALOGUE[key]
    en_params: dict[str, str] = {}
    km_params: dict[str, str] = {}
    for name, value in items:
        en_params[name], km_params[name] = names_of(name, value)
    return Reason(
        key=key,
        en=en.format(**en_params),
        km=km.format(**km_params),
        params=params,
        points=points,
    )

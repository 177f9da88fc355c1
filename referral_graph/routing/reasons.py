"""Reasons a recommendation gives, in plain English and Khmer, keyed for translation."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict

CATALOGUE: dict[str, tuple[str, str]] = {
    "pathway.direct": (
        "An agreed pathway leads here from {holder} for {service}.",
        "មានផ្លូវបញ្ជូនដែលបានព្រមព្រៀងពី {holder} សម្រាប់ {service}។",
    ),
    "pathway.other_service": (
        "{holder} has an agreed pathway here, though for another service.",
        "{holder} មានផ្លូវបញ្ជូនមកទីនេះ ប៉ុន្តែសម្រាប់សេវាផ្សេង។",
    ),
    "pathway.via": (
        "Reached through {via}, which has an agreed pathway here.",
        "អាចបញ្ជូនតាមរយៈ {via} ដែលមានផ្លូវបញ្ជូនមកទីនេះ។",
    ),
    "pathway.none": (
        "No agreed pathway from {holder}; agree one at the network meeting.",
        "មិនទាន់មានផ្លូវបញ្ជូនពី {holder}; សូមព្រមព្រៀងនៅកិច្ចប្រជុំបណ្តាញ។",
    ),
    "place.village": ("In the child's village.", "នៅក្នុងភូមិរបស់កុមារ។"),
    "place.commune": ("In the child's commune.", "នៅក្នុងឃុំរបស់កុមារ។"),
    "place.district": ("In the child's district.", "នៅក្នុងស្រុករបស់កុមារ។"),
    "place.province": ("In the child's province.", "នៅក្នុងខេត្តរបស់កុមារ។"),
    "place.remote": (
        "Serves the child {mode}.",
        "ផ្តល់សេវាដល់កុមារ{mode}។",
    ),
    "place.far": ("Outside the child's province.", "នៅក្រៅខេត្តរបស់កុមារ។"),
    "language.match": ("Speaks {language}.", "និយាយភាសា {language}។"),
    "language.interpreter": (
        "No one speaks {language} here, but an interpreter can be arranged.",
        "គ្មាននរណានិយាយភាសា {language} ទេ ប៉ុន្តែអាចរៀបចំអ្នកបកប្រែបាន។",
    ),
    "language.none": (
        "Does not speak {language} and has no interpreter.",
        "មិននិយាយភាសា {language} និងគ្មានអ្នកបកប្រែ។",
    ),
    "language.nobody": (
        "No reachable provider speaks {language}; providers with interpreters rank first.",
        "គ្មានអ្នកផ្តល់សេវាណានិយាយភាសា {language}; អ្នកមានអ្នកបកប្រែត្រូវបានដាក់ជាមុន។",
    ),
    "load.free": (
        "{open} open referrals for a weekly capacity of {capacity}.",
        "មានការបញ្ជូនបើក {open} សម្រាប់សមត្ថភាព {capacity} ក្នុងមួយសប្តាហ៍។",
    ),
    "load.full": (
        "Over capacity: {open} open referrals for a weekly capacity of {capacity}.",
        "លើសសមត្ថភាព៖ ការបញ្ជូនបើក {open} សម្រាប់សមត្ថភាព {capacity}។",
    ),
    "speed.observed": (
        "Usually acknowledges within {hours} h ({count} referrals).",
        "ជាធម្មតាទទួលស្គាល់ក្នុងរយៈពេល {hours} ម៉ោង ({count} ការបញ្ជូន)។",
    ),
    "speed.prior": (
        "No referral history yet.",
        "មិនទាន់មានប្រវត្តិការបញ្ជូន។",
    ),
    "open.now": ("Open now.", "កំពុងបើក។"),
    "open.always": ("Open 24/7.", "បើក ២៤/៧។"),
    "open.closed": ("Closed now.", "បិទឥឡូវនេះ។"),
    "risk.professional": (
        "A professional service, as a case at {risk} risk needs.",
        "សេវាជំនាញ ដូចដែលករណីហានិភ័យ {risk} ត្រូវការ។",
    ),
    "risk.added_professional": (
        "Added: a case at {risk} risk must be offered a professional service.",
        "បន្ថែម៖ ករណីហានិភ័យ {risk} ត្រូវតែទទួលបានសេវាជំនាញ។",
    ),
    "risk.added_open_now": (
        "Added: nothing in person is open now for this emergency.",
        "បន្ថែម៖ គ្មានសេវាផ្ទាល់ណាបើកឥឡូវនេះសម្រាប់ករណីបន្ទាន់នេះទេ។",
    ),
    "training.staff": (
        "{count} staff trained in {topic}; refresher due {month}.",
        "បុគ្គលិក {count} នាក់បានទទួលការបណ្តុះបណ្តាលផ្នែក {topic}; វគ្គរំលឹកត្រូវធ្វើនៅ {month}។",
    ),
    "lgbtiq.affirming": ("LGBTIQ-affirming.", "គាំទ្រ LGBTIQ។"),
    "lgbtiq.none_reachable": (
        "No LGBTIQ-affirming provider is reachable for this; nearest others are listed apart.",
        "គ្មានអ្នកផ្តល់សេវាគាំទ្រ LGBTIQ ដែលអាចទៅដល់បានទេ; អ្នកផ្សេងទៀតត្រូវបានរាយដាច់ដោយឡែក។",
    ),
    "lgbtiq.not_affirming": (
        "Not known to be LGBTIQ-affirming: check with the child first.",
        "មិនត្រូវបានគេដឹងថាគាំទ្រ LGBTIQ ទេ៖ សូមពិគ្រោះជាមួយកុមារជាមុន។",
    ),
}


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
    "psychological_first_aid": ("psychological first aid", "ការជួយសង្គ្រោះបឋមផ្លូវចិត្ត"),
    "child_protection_basics": ("child protection basics", "មូលដ្ឋានគ្រឹះការការពារកុមារ"),
    "mental_health_basics": ("mental health basics", "មូលដ្ឋានគ្រឹះសុខភាពផ្លូវចិត្ត"),
    "gbv": ("gender-based violence", "អំពើហិង្សាផ្អែកលើយេនឌ័រ"),
    "supporting_children_affected_by_violence": (
        "supporting children affected by violence",
        "ការគាំទ្រកុមាររងផលប៉ះពាល់ពីអំពើហិង្សា",
    ),
    "counselling_skills": ("counselling skills", "ជំនាញប្រឹក្សា"),
    "facilitation": ("facilitation", "ការសម្របសម្រួល"),
}

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
MONTHS_KM = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា",
             "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ")  # fmt: skip


def _month_names(month: str) -> tuple[str, str]:
    """``2027-03`` as "March 2027" and its Khmer."""
    year, number = month.split("-")
    index = int(number) - 1
    return f"{MONTHS_EN[index]} {year}", f"ខែ{MONTHS_KM[index]} ឆ្នាំ{year}"


class Reason(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    en: str
    km: str
    params: dict[str, Any] = {}


def reason(key: str, **params: Any) -> Reason:
    """A reason with its parameters filled in; codes (language, service, mode, risk,
    topic) read as names in each language, while ``params`` keep the codes. The same
    few hundred reasons recur across answers, so they are made once and shared (a
    ``Reason`` is never changed after it is made)."""
    return _reason(key, tuple(params.items()))


@lru_cache(maxsize=65_536)
def _reason(key: str, items: tuple[tuple[str, Any], ...]) -> Reason:
    params = dict(items)
    en, km = CATALOGUE[key]
    en_params, km_params = dict(params), dict(params)
    if "language" in params and params["language"] in LANGUAGE_NAMES:
        en_params["language"], km_params["language"] = LANGUAGE_NAMES[params["language"]]
    if "topic" in params and params["topic"] in TOPIC_NAMES:
        en_params["topic"], km_params["topic"] = TOPIC_NAMES[params["topic"]]
    if "month" in params:
        en_params["month"], km_params["month"] = _month_names(params["month"])
    if params.get("service") in SERVICE_NAMES:
        en_params["service"], km_params["service"] = SERVICE_NAMES[params["service"]]
    if params.get("mode") in MODE_NAMES:
        en_params["mode"], km_params["mode"] = MODE_NAMES[params["mode"]]
    if params.get("risk") in RISK_NAMES:  # "at high risk": the code reads as English
        km_params["risk"] = RISK_NAMES[params["risk"]][1]
    return Reason(key=key, en=en.format(**en_params), km=km.format(**km_params), params=params)

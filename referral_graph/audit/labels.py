"""Words of the monthly report in English and Khmer, keyed by short codes.

Khmer follows the usage of the Ministry of Social Affairs' child-protection documents
(ការបញ្ជូន for a referral, អ្នកផ្ដល់សេវា for a provider). Numbers on the Khmer page are
written in Khmer digits; the CSV keeps ASCII digits so spreadsheets can add them up.

>>> label("declined", "km")
'បានបដិសេធ'
>>> khmer_digits("2026-03")
'២០២៦-០៣'
>>> month_name("2026-03", "km")
'ខែមីនា ឆ្នាំ២០២៦'
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "km"]
LANGS: tuple[Lang, ...] = ("en", "km")

CATALOGUE: dict[str, dict[Lang, str]] = {
    "title": {
        "en": "Referral network monthly report",
        "km": "របាយការណ៍ប្រចាំខែនៃបណ្ដាញបញ្ជូនករណី",
    },
    "subtitle": {
        "en": "For the monthly network meeting",
        "km": "សម្រាប់កិច្ចប្រជុំបណ្ដាញប្រចាំខែ",
    },
    "area": {"en": "Area", "km": "តំបន់"},
    "month": {"en": "Month", "km": "ខែ"},
    "generated": {"en": "Generated", "km": "ចេញនៅ"},
    "province": {"en": "Province", "km": "ខេត្ត"},
    "district": {"en": "District", "km": "ស្រុក"},
    "commune": {"en": "Commune", "km": "ឃុំ"},
    "village": {"en": "Village", "km": "ភូមិ"},
    "privacy": {
        "en": "Pseudonymous: counts and durations only; no case can be identified.",
        "km": "ទិន្នន័យអនាមិក៖ មានតែចំនួន និងរយៈពេលប៉ុណ្ណោះ គ្មានករណីណាមួយអាចកំណត់អត្តសញ្ញាណបានឡើយ។",
    },
    "suppressed": {
        "en": "Groups with fewer than {n} referrals are not shown.",
        "km": "ក្រុមដែលមានការបញ្ជូនតិចជាង {n} មិនត្រូវបានបង្ហាញទេ។",
    },
    "summary": {"en": "Summary", "km": "សេចក្ដីសង្ខេប"},
    "referrals_made": {"en": "Referrals made", "km": "ការបញ្ជូនដែលបានធ្វើ"},
    "completed": {"en": "Completed", "km": "បានបញ្ចប់"},
    "declined": {"en": "Declined", "km": "បានបដិសេធ"},
    "cancelled": {"en": "Cancelled", "km": "បានលុបចោល"},
    "failed": {"en": "Not completed (failed)", "km": "មិនបានសម្រេច"},
    "still_open": {"en": "Still open", "km": "កំពុងដំណើរការ"},
    "overdue_now": {"en": "Overdue now", "km": "ហួសកាលកំណត់ឥឡូវនេះ"},
    "cases": {"en": "Cases", "km": "ករណី"},
    "referrals_per_case": {"en": "Referrals per case", "km": "ចំនួនការបញ្ជូនក្នុងមួយករណី"},
    "closure_rate": {"en": "Cases closed", "km": "អត្រាករណីបានបិទ"},
    "top_recommendation": {
        "en": "Followed the top recommendation",
        "km": "ធ្វើតាមការណែនាំលំដាប់ទីមួយ",
    },
    "steps": {"en": "Time taken at each step", "km": "រយៈពេលនៃជំហាននីមួយៗ"},
    "step": {"en": "Step", "km": "ជំហាន"},
    "acknowledge": {"en": "To acknowledge", "km": "ការទទួលស្គាល់"},
    "decide": {"en": "To accept or decline", "km": "ការសម្រេចទទួលយក ឬបដិសេធ"},
    "first_contact": {"en": "To first contact", "km": "ទំនាក់ទំនងលើកដំបូង"},
    "median": {"en": "Median", "km": "មេដ្យាន"},
    "p90": {"en": "90% within", "km": "៩០% ក្នុងរយៈពេល"},
    "within_deadline": {"en": "Within deadline", "km": "ទាន់កាលកំណត់"},
    "measured": {"en": "Measured", "km": "បានវាស់"},
    "hours_short": {"en": "h", "km": "ម៉ោង"},
    "days_short": {"en": "days", "km": "ថ្ងៃ"},
    "by_area": {"en": "By area", "km": "តាមតំបន់"},
    "by_provider": {"en": "By provider", "km": "តាមអ្នកផ្ដល់សេវា"},
    "provider": {"en": "Provider", "km": "អ្នកផ្ដល់សេវា"},
    "referrals": {"en": "Referrals", "km": "ការបញ្ជូន"},
    "chart_title": {
        "en": "Median hours per step",
        "km": "មេដ្យានម៉ោងនៃជំហាននីមួយៗ",
    },
    "bottlenecks": {"en": "Bottlenecks", "km": "ចំណុចកកស្ទះ"},
    "open_handoffs": {"en": "Waiting now", "km": "កំពុងរង់ចាំ"},
    "waiting_hours": {"en": "Hours waited", "km": "ម៉ោងរង់ចាំ"},
    "past_deadline": {"en": "Past deadline", "km": "ហួសកាលកំណត់"},
    "hours_past_deadline": {"en": "Hours past deadline", "km": "ម៉ោងហួសកាលកំណត់"},
    "loops": {
        "en": "Loops and ping-pong",
        "km": "ការបញ្ជូនវិលត្រឡប់ទៅវិញទៅមក",
    },
    "cases_with_loop": {
        "en": "Cases sent back to a provider already on their path",
        "km": "ករណីដែលត្រូវបានបញ្ជូនត្រឡប់ទៅអ្នកផ្ដល់សេវាដែលធ្លាប់ទទួលរួច",
    },
    "ping_pong": {"en": "Ping-pong (A → B → A)", "km": "ទៅមក (ក → ខ → ក)"},
    "path": {"en": "Path", "km": "ផ្លូវបញ្ជូន"},
    "declines": {"en": "Declines and their reasons", "km": "ការបដិសេធ និងមូលហេតុ"},
    "reason": {"en": "Reason", "km": "មូលហេតុ"},
    "count": {"en": "Count", "km": "ចំនួន"},
    "edge": {"en": "From → to", "km": "ពី → ទៅ"},
    "declined_repeatedly": {
        "en": "Cases declined more than once",
        "km": "ករណីដែលត្រូវបានបដិសេធច្រើនជាងម្ដង",
    },
    "first_professional_contact": {
        "en": "Time from opening the case to first professional contact",
        "km": "រយៈពេលពីការបើកករណី ដល់ការជួបអ្នកជំនាញលើកដំបូង",
    },
    "first_service": {
        "en": "Time from opening the case to first service",
        "km": "រយៈពេលពីការបើកករណី ដល់សេវាលើកដំបូង",
    },
    "cases_opened": {"en": "Cases opened", "km": "ករណីដែលបានបើក"},
    "reached": {"en": "Reached", "km": "បានទទួលសេវា"},
    "not_reached": {"en": "Not yet reached", "km": "មិនទាន់បានទទួលសេវា"},
    "no_data": {"en": "No data for this period.", "km": "គ្មានទិន្នន័យសម្រាប់រយៈពេលនេះទេ។"},
    "total": {"en": "Total", "km": "សរុប"},
    "other_reasons": {
        "en": "Other reasons (each fewer than the minimum)",
        "km": "មូលហេតុផ្សេងទៀត",
    },
    # --- awareness sessions (words as the web app's, api/web/i18n.py) ---
    "awareness": {"en": "Awareness sessions", "km": "វគ្គលើកកម្ពស់ការយល់ដឹង"},
    "awareness_note": {
        "en": "Sessions held in the area this month by trained providers; participants are "
        "counted at each session they attended (counts only, no names).",
        "km": "វគ្គដែលអ្នកផ្ដល់សេវាដែលបានបណ្ដុះបណ្ដាលបានរៀបចំនៅក្នុងតំបន់ក្នុងខែនេះ "
        "អ្នកចូលរួមត្រូវបានរាប់តាមវគ្គនីមួយៗដែលពួកគេបានចូលរួម (មានតែចំនួន គ្មានឈ្មោះ)។",
    },
    "sessions_held": {"en": "Sessions held", "km": "វគ្គដែលបានរៀបចំ"},
    "people_reached": {"en": "People reached", "km": "អ្នកចូលរួម"},
    "age_group": {"en": "Age group", "km": "ក្រុមអាយុ"},
    "topic": {"en": "Topic", "km": "ប្រធានបទ"},
    "no_awareness": {
        "en": "No awareness sessions were recorded in this area this month.",
        "km": "គ្មានវគ្គលើកកម្ពស់ការយល់ដឹងត្រូវបានកត់ត្រានៅក្នុងតំបន់នេះក្នុងខែនេះទេ។",
    },
    "age_under_12": {"en": "Under 12", "km": "ក្រោម ១២ ឆ្នាំ"},
    "age_12_17": {"en": "12–17", "km": "១២–១៧ ឆ្នាំ"},
    "age_18_24": {"en": "18–24", "km": "១៨–២៤ ឆ្នាំ"},
    "age_25_plus": {"en": "25 and over", "km": "២៥ ឆ្នាំឡើងទៅ"},
    "gender_female": {"en": "Female", "km": "ស្រី"},
    "gender_male": {"en": "Male", "km": "ប្រុស"},
    "gender_non_binary": {"en": "Non-binary", "km": "មិនកំណត់ខ្លួនជាប្រុស ឬស្រី"},
    "gender_undisclosed": {"en": "Prefers not to say", "km": "មិនចង់បញ្ជាក់"},
    "gender_other": {"en": "Other or not said", "km": "ផ្សេងទៀត"},
    "topic_violence_against_children": {
        "en": "Violence against children",
        "km": "អំពើហិង្សាលើកុមារ",
    },
    "topic_gbv": {"en": "Gender-based violence", "km": "អំពើហិង្សាផ្អែកលើយេនឌ័រ"},
    "topic_mental_health": {"en": "Mental health", "km": "សុខភាពផ្លូវចិត្ត"},
    "topic_positive_parenting": {
        "en": "Positive parenting",
        "km": "ការចិញ្ចឹមបីបាច់កូនបែបវិជ្ជមាន",
    },
    "topic_child_rights": {"en": "Child rights", "km": "សិទ្ធិកុមារ"},
    "topic_online_safety": {"en": "Online safety", "km": "សុវត្ថិភាពតាមអនឡាញ"},
    "topic_where_to_get_help": {"en": "Where to get help", "km": "កន្លែងស្វែងរកជំនួយ"},
    # --- where children came from, relayed steps (issue 18) ---------------------------
    "sources": {
        "en": "Where children came from (source of identification)",
        "km": "ប្រភពនៃការកំណត់អត្តសញ្ញាណកុមារ",
    },
    "sources_note": {
        "en": "Identifications sent to CCWCs this month, and referrals made this month "
        "for cases of each source (CCWC: the CCWC registered the child itself).",
        "km": "ការកំណត់អត្តសញ្ញាណដែលបានផ្ញើទៅ គ.ក.ន.ក ក្នុងខែនេះ និងការបញ្ជូនក្នុងខែនេះ"
        "សម្រាប់ករណីតាមប្រភពនីមួយៗ (គ.ក.ន.ក៖ គ.ក.ន.ក បានចុះឈ្មោះកុមារដោយខ្លួនឯង)។",
    },
    "source": {"en": "Source", "km": "ប្រភព"},
    "identifications_sent": {"en": "Identifications", "km": "ការកំណត់អត្តសញ្ញាណ"},
    "accepted_as_case": {"en": "Accepted as a case", "km": "បានទទួលជាករណី"},
    "waiting": {"en": "Waiting", "km": "កំពុងរង់ចាំ"},
    "opened_on_time": {"en": "Opened on time", "km": "បានបើកទាន់ពេល"},
    "hours_to_open": {"en": "Median time to open", "km": "មេដ្យានពេលវេលាដល់ពេលបើក"},
    "hours_to_decide": {"en": "Median time to decide", "km": "មេដ្យានពេលវេលាដល់ពេលសម្រេច"},
    "cases_referred": {"en": "Cases referred", "km": "ករណីដែលបានបញ្ជូន"},
    "no_sources": {"en": "Nothing this month.", "km": "គ្មានក្នុងខែនេះទេ។"},
    "source_vhsg": {"en": "VHSG", "km": "ក្រុមគាំទ្រសុខភាពភូមិ"},
    "source_teacher": {"en": "Teacher", "km": "គ្រូបង្រៀន"},
    "source_health_centre": {"en": "Health centre", "km": "មណ្ឌលសុខភាព"},
    "source_helpline": {"en": "Helpline", "km": "ខ្សែទូរស័ព្ទជំនួយ"},
    "source_police": {"en": "Police", "km": "នគរបាល"},
    "source_ccwc": {"en": "CCWC", "km": "គ.ក.ន.ក"},
    "source_family": {"en": "Family", "km": "គ្រួសារ"},
    "source_child": {"en": "The child", "km": "កុមារផ្ទាល់"},
    "source_community": {"en": "Community member", "km": "សមាជិកសហគមន៍"},
    "source_other": {"en": "Other", "km": "ផ្សេងៗ"},
    "relayed": {
        "en": "Steps recorded on the receiver's behalf",
        "km": "ជំហានដែលបានកត់ត្រាជំនួសអ្នកទទួល",
    },
    "relayed_note": {
        "en": "Confirmed by the receiver by phone or SMS and put on record by the sender, "
        "an overseer or a coordinator, with the time it happened. Counted apart.",
        "km": "អ្នកទទួលបានបញ្ជាក់តាមទូរស័ព្ទ ឬសារ ហើយអ្នកបញ្ជូន អ្នកត្រួតពិនិត្យ ឬ"
        "អ្នកសម្របសម្រួលបានកត់ត្រាជំនួស ជាមួយពេលវេលាដែលវាបានកើតឡើង។ រាប់ដោយឡែក។",
    },
    "relayed_referrals": {
        "en": "Referrals with a relayed step",
        "km": "ការបញ្ជូនដែលមានជំហានកត់ត្រាជំនួស",
    },
    "relayed_step_received": {"en": "Acknowledgements", "km": "ការទទួលស្គាល់"},
    "relayed_step_accepted": {"en": "Acceptances", "km": "ការទទួលយក"},
    "relayed_step_rejected": {"en": "Declines", "km": "ការបដិសេធ"},
    "relayed_step_in_progress": {"en": "First contacts", "km": "ការជួបលើកដំបូង"},
}

MONTHS: dict[Lang, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "km": (
        "មករា",
        "កុម្ភៈ",
        "មីនា",
        "មេសា",
        "ឧសភា",
        "មិថុនា",
        "កក្កដា",
        "សីហា",
        "កញ្ញា",
        "តុលា",
        "វិច្ឆិកា",
        "ធ្នូ",
    ),
}

_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def label(key: str, lang: Lang, **values: object) -> str:
    """The catalogue entry ``key`` in ``lang`` (English if Khmer is missing); ``{n}``-style
    fields are filled from ``values``."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def khmer_digits(text: str) -> str:
    return text.translate(_KHMER_DIGITS)


def digits(text: str, lang: Lang) -> str:
    """Digits of ``text`` in the script of ``lang``."""
    return khmer_digits(text) if lang == "km" else text


def month_name(month: str, lang: Lang) -> str:
    """``2026-03`` as "March 2026" or "ខែមីនា ឆ្នាំ២០២៦"."""
    year, number = month[:4], int(month[5:7])
    name = MONTHS[lang][number - 1]
    if lang == "km":
        return f"ខែ{name} ឆ្នាំ{khmer_digits(year)}"
    return f"{name} {year}"

"""The words of agenda items, in English and Khmer, keyed by short codes.

An agenda item's sentences are :class:`~referral_graph.domain.meetings.Said`: the key and
its parameters (codes, counts, ids, ISO days — what a client translating for itself
needs) and the words in both languages. Parameters named in :data:`NAMED` are read as
names in each language (a provider id becomes its name, a service code its name …);
numbers become Khmer digits on the Khmer side.

Khmer follows the app's catalogue (``api/web/i18n``): ការបញ្ជូន a referral, អ្នកផ្ដល់សេវា a
provider, ផ្លូវបញ្ជូន a pathway, វគ្គរំលឹក a refresher, ការបង្ហាត់បង្ហាញ coaching.

>>> said("prop_coaching").en
'The clinical supervisor schedules coaching, face to face or by phone.'
>>> said("ev_coaching", days=40).km
'ហួសយូរបំផុត៖ ៤០ ថ្ងៃ។'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from referral_graph.audit.groups import Label
from referral_graph.audit.labels import MONTHS, khmer_digits
from referral_graph.domain.meetings import Param, Said
from referral_graph.domain.reasons import REASON_NAMES
from referral_graph.routing.reasons import RISK_NAMES, SERVICE_NAMES, TOPIC_NAMES

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- actions of earlier meetings ---------------------------------------------------
    "item_open_action": (
        "Action from the meeting of {day}: {text}",
        "សកម្មភាពពីកិច្ចប្រជុំថ្ងៃទី {day}៖ {text}",
    ),
    "ev_action_owner": ("Owner: {owner}; due {due}.", "អ្នកទទួលខុសត្រូវ៖ {owner}។ កាលកំណត់ {due}។"),
    "ev_action_overdue": (
        "Past its due day by {days} days.",
        "ហួសកាលកំណត់ {days} ថ្ងៃ។",
    ),
    "ev_action_pathway": (
        "It agrees a pathway {sender} → {receiver} for {service}, not yet confirmed by an "
        "administrator.",
        "វាឯកភាពលើផ្លូវបញ្ជូន {sender} → {receiver} សម្រាប់{service} ដែលអ្នកគ្រប់គ្រងប្រព័ន្ធមិនទាន់បានបញ្ជាក់។",
    ),
    "prop_action": (
        "Hear from {owner}: mark it done, keep it open with a new due day, or drop it with "
        "a reason.",
        "ស្ដាប់ពី {owner}៖ កត់ថាបានធ្វើរួច បន្តដោយកាលកំណត់ថ្មី ឬបោះបង់ដោយមានមូលហេតុ។",
    ),
    # --- overdue handoffs ------------------------------------------------------------------
    "item_overdue": (
        "{n} handoffs waiting on {provider} past their deadline",
        "ការបញ្ជូនចំនួន {n} កំពុងរង់ចាំ {provider} ហួសកាលកំណត់",
    ),
    "ev_overdue": (
        "{code}: {service} from {sender}, waiting for {window} since {since} (due {due}, "
        "{risk} risk).",
        "{code}៖ {service} ពី {sender} កំពុងរង់ចាំ{window}តាំងពី {since} (កាលកំណត់ {due} ហានិភ័យ{risk})។",
    ),
    "prop_overdue": (
        "Call {provider} today about each child; where it cannot act, agree who will and "
        "refer again.",
        "ទូរស័ព្ទទៅ {provider} ថ្ងៃនេះ អំពីកុមារម្នាក់ៗ។ កន្លែងដែលខ្លួនមិនអាចធ្វើបាន "
        "ត្រូវឯកភាពថាអ្នកណានឹងធ្វើ ហើយបញ្ជូនម្ដងទៀត។",
    ),
    # --- children left waiting ---------------------------------------------------------------
    "item_waiting": (
        "{code}: {service} {outcome} by {provider}, not referred again",
        "{code}៖ {service} — {outcome}ដោយ {provider} ហើយមិនទាន់បានបញ្ជូនម្ដងទៀតទេ",
    ),
    "ev_waiting": (
        "Reason: {reason}. Closed on {day}, {days} days ago.",
        "មូលហេតុ៖ {reason}។ បានបិទនៅថ្ងៃទី {day} ({days} ថ្ងៃមុន)។",
    ),
    "prop_waiting": (
        "The case's CCWC refers the child again for {service} (the recommendations list "
        "who can take it).",
        "គ.ក.ន.ក នៃករណីនេះ បញ្ជូនកុមារម្ដងទៀតសម្រាប់{service} (បញ្ជីការណែនាំបង្ហាញអ្នកដែលអាចទទួលបាន)។",
    ),
    # --- bottlenecks, declines, pathways -----------------------------------------------------
    "item_bottleneck": ("Waiting piles up at {provider}", "ការរង់ចាំកកកុញនៅ {provider}"),
    "ev_bottleneck": (
        "{handoffs} handoffs made to it since {since}: {past} missed a deadline ({hours} "
        "hours past, in all); {open} waiting now.",
        "ការបញ្ជូនចំនួន {handoffs} មកកាន់ខ្លួនតាំងពី {since}៖ {past} ហួសកាលកំណត់ "
        "(សរុប {hours} ម៉ោង) {open} កំពុងរង់ចាំឥឡូវនេះ។",
    ),
    "prop_bottleneck": (
        "Agree with {provider} a second focal person, or a backup provider for what it "
        "cannot take.",
        "ឯកភាពជាមួយ {provider} លើបុគ្គលិកបង្គោលទីពីរ ឬអ្នកផ្ដល់សេវាបម្រុង សម្រាប់ករណីដែលខ្លួនមិនអាចទទួលបាន។",
    ),
    "item_declines": (
        "{receiver} declined {n} referrals from {sender}",
        "{receiver} បានបដិសេធការបញ្ជូនចំនួន {n} ពី {sender}",
    ),
    "ev_declines_reason": ("{reason}: {n}", "{reason}៖ {n}"),
    "ev_declines_repeat": (
        "{n} children were declined more than once on this pathway.",
        "កុមារចំនួន {n} ត្រូវបានបដិសេធច្រើនជាងម្ដងលើផ្លូវបញ្ជូននេះ។",
    ),
    "prop_declines": (
        "Review the pathway {sender} → {receiver}: what {receiver} can take, and where "
        "else to refer.",
        "ពិនិត្យផ្លូវបញ្ជូន {sender} → {receiver}៖ អ្វីដែល {receiver} អាចទទួលបាន និងកន្លែងផ្សេងទៀតដែលអាចបញ្ជូនទៅ។",
    ),
    "item_no_pathway": (
        "{n} referrals from {sender} to {receiver} for {service} without an agreed pathway",
        "ការបញ្ជូនចំនួន {n} ពី {sender} ទៅ {receiver} សម្រាប់{service} ដោយគ្មានផ្លូវបញ្ជូនដែលបានឯកភាព",
    ),
    "ev_no_pathway": (
        "{done} completed, {declined} declined, {open} still open.",
        "បានបញ្ចប់ {done} បានបដិសេធ {declined} នៅបើក {open}។",
    ),
    "prop_no_pathway": (
        "Agree a pathway {sender} → {receiver} for {service}; an administrator then adds "
        "it to the directory.",
        "ឯកភាពលើផ្លូវបញ្ជូន {sender} → {receiver} សម្រាប់{service} បន្ទាប់មកអ្នកគ្រប់គ្រងប្រព័ន្ធបញ្ចូលវាទៅក្នុងបញ្ជី។",
    ),
    # --- coverage ----------------------------------------------------------------------------
    "item_gap": (
        "{service}: no provider reaches {n} of {total} communes",
        "{service}៖ គ្មានអ្នកផ្ដល់សេវាឈានដល់ {n} ក្នុងចំណោម {total} ឃុំ/សង្កាត់",
    ),
    "item_gap_recorded": (
        "{service}: needed where nothing reached in person",
        "{service}៖ ត្រូវការ នៅកន្លែងដែលគ្មានសេវាដោយផ្ទាល់",
    ),
    "ev_gap_communes": ("Communes: {communes}.", "ឃុំ/សង្កាត់៖ {communes}។"),
    "ev_gap_recorded": (
        "Needed {n} times since {since} where nothing reached in person.",
        "ត្រូវការចំនួន {n} ដងតាំងពី {since} នៅកន្លែងដែលគ្មានសេវាដោយផ្ទាល់។",
    ),
    "prop_gap": (
        "Find who can offer {service} there: an outreach day, phone counselling, or "
        "training a local provider.",
        "ស្វែងរកអ្នកដែលអាចផ្ដល់{service}នៅទីនោះ៖ ថ្ងៃចុះមូលដ្ឋាន ការប្រឹក្សាតាមទូរស័ព្ទ "
        "ឬការបណ្ដុះបណ្ដាលអ្នកផ្ដល់សេវាក្នុងតំបន់។",
    ),
    # --- capacity ----------------------------------------------------------------------------
    "item_refreshers": (
        "{provider}: {n} refreshers due",
        "{provider}៖ ដល់ពេលវគ្គរំលឹកចំនួន {n}",
    ),
    "ev_refresher": (
        "{topic}: {n} due, {lapsed} of them lapsed.",
        "{topic}៖ ដល់ពេល {n} ក្នុងនោះផុតសុពលភាព {lapsed}។",
    ),
    "prop_refreshers": (
        "Invite them to the next {topic} refresher, before their competency lapses.",
        "អញ្ជើញពួកគេចូលរួមវគ្គរំលឹក{topic}បន្ទាប់ មុនពេលការបញ្ជាក់ជំនាញរបស់ពួកគេផុតសុពលភាព។",
    ),
    "item_coaching": (
        "{provider}: coaching overdue for {n} people",
        "{provider}៖ ហួសពេលបង្ហាត់បង្ហាញសម្រាប់បុគ្គលិក {n} នាក់",
    ),
    "ev_coaching": ("Longest overdue: {days} days.", "ហួសយូរបំផុត៖ {days} ថ្ងៃ។"),
    "prop_coaching": (
        "The clinical supervisor schedules coaching, face to face or by phone.",
        "អ្នកត្រួតពិនិត្យផ្នែកគ្លីនិករៀបចំការបង្ហាត់បង្ហាញ ដោយផ្ទាល់ ឬតាមទូរស័ព្ទ។",
    ),
    # --- the coordinator's own ---------------------------------------------------------------
    "added": ("{text}", "{text}"),
}

#: The window a handoff waits on, as the thing awaited.
WINDOW_NAMES: dict[str, tuple[str, str]] = {
    "acknowledge": ("acknowledgement", "ការទទួលស្គាល់"),
    "decide": ("a decision", "ការសម្រេចចិត្ត"),
    "first_contact": ("first contact", "ការទាក់ទងលើកដំបូង"),
}

#: How a handoff ended without the service.
OUTCOME_NAMES: dict[str, tuple[str, str]] = {
    "rejected": ("declined", "បានបដិសេធ"),
    "failed": ("not completed", "មិនបានសម្រេច"),
    "cancelled": ("cancelled", "បានលុបចោល"),
}

#: Parameters read as names: the table of (English, Khmer) names of their codes.
NAMED: dict[str, dict[str, tuple[str, str]]] = {
    "service": SERVICE_NAMES,
    "topic": TOPIC_NAMES,
    "window": WINDOW_NAMES,
    "outcome": OUTCOME_NAMES,
    "reason": dict(REASON_NAMES),
    "risk": {k: (en.lower(), km) for k, (en, km) in RISK_NAMES.items()},
}


def day_words(value: date) -> Label:
    """'2 Dec 2026' and '២ ធ្នូ ២០២៦'."""
    month = value.month - 1
    return Label(
        en=f"{value.day} {MONTHS['en'][month][:3]} {value.year}",
        km=khmer_digits(f"{value.day} ") + MONTHS["km"][month] + khmer_digits(f" {value.year}"),
    )


def _khmer(value: Param) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return khmer_digits(str(value))


def said(key: str, names: Mapping[str, Label] | None = None, **params: Param) -> Said:
    """Sentence ``key`` with ``params`` (kept as given); ``names`` give the words a
    parameter reads as in each language (a provider's name, a day), and the codes of
    :data:`NAMED` parameters are read as their names."""
    en_text, km_text = CATALOGUE[key]
    en = {k: str(v) for k, v in params.items()}
    km = {k: _khmer(v) for k, v in params.items()}
    for name, table in NAMED.items():
        code = params.get(name)
        if isinstance(code, str) and code in table:
            en[name], km[name] = table[code]
    for name, words in (names or {}).items():
        en[name], km[name] = words.en, words.km
    english = en_text.format(**en)
    english = english[:1].upper() + english[1:]  # a sentence may start with a name
    return Said(key=key, params=dict(params), en=english, km=km_text.format(**km))


#: Words of the meeting pack and of meeting pages beyond the agenda's own sentences.
PACK_WORDS: dict[str, tuple[str, str]] = {
    "pack_title": ("{level} meeting of {area}", "កិច្ចប្រជុំ{level} {area}"),
    "pack_when": ("{day}", "ថ្ងៃទី {day}"),
    "pack_online": ("online", "តាមអនឡាញ"),
    "pack_chair": ("Chaired by {name}", "ដឹកនាំដោយ {name}"),
    "pack_period": (
        "The agenda covers {since} to {until}. Children are named by case code only.",
        "របៀបវារៈគ្របដណ្ដប់ពី {since} ដល់ {until}។ កុមារត្រូវបានហៅតាមលេខកូដករណីតែប៉ុណ្ណោះ។",
    ),
    "pack_agenda": ("Agenda", "របៀបវារៈ"),
    "pack_no_items": ("Nothing on the agenda.", "គ្មានអ្វីនៅក្នុងរបៀបវារៈទេ។"),
    "pack_proposed": ("Proposed action", "សកម្មភាពដែលបានស្នើ"),
    "pack_agreed": ("Agreed", "បានឯកភាព"),
    "pack_other_actions": ("Other actions agreed", "សកម្មភាពផ្សេងទៀតដែលបានឯកភាព"),
    "pack_last": ("Actions of the last meeting ({day})", "សកម្មភាពនៃកិច្ចប្រជុំចុងក្រោយ ({day})"),
    "pack_no_last": (
        "No earlier meeting of this area and level is recorded.",
        "គ្មានកិច្ចប្រជុំមុនៃតំបន់ និងកម្រិតនេះត្រូវបានកត់ត្រាទេ។",
    ),
    "pack_people": (
        "Invited ({present} of {invited} came)",
        "បានអញ្ជើញ (មក {present} ក្នុងចំណោម {invited})",
    ),
    "pack_people_planned": ("Invited ({invited})", "បានអញ្ជើញ ({invited})"),
    "pack_figures": ("Monthly figures: {month}", "តួលេខប្រចាំខែ៖ {month}"),
    "pack_generated": ("Printed {when}, Cambodia time (UTC+7)", "បោះពុម្ពនៅ {when} ម៉ោងកម្ពុជា (UTC+7)"),
    "pack_owner_due": ("{owner}; due {due}", "{owner}។ កាលកំណត់ {due}"),
    "kind_open_action": ("Open action", "សកម្មភាពមិនទាន់បញ្ចប់"),
    "kind_overdue_handoff": ("Overdue handoffs", "ការបញ្ជូនហួសកាលកំណត់"),
    "kind_child_waiting": ("A child waiting", "កុមារកំពុងរង់ចាំ"),
    "kind_bottleneck": ("Bottleneck", "ចំណុចកកស្ទះ"),
    "kind_repeated_declines": ("Repeated declines", "ការបដិសេធដដែលៗ"),
    "kind_no_pathway": ("No agreed pathway", "គ្មានផ្លូវបញ្ជូនដែលបានឯកភាព"),
    "kind_service_gap": ("Service gap", "ចន្លោះខ្វះខាតសេវា"),
    "kind_refreshers_due": ("Refreshers due", "ដល់ពេលវគ្គរំលឹក"),
    "kind_coaching_overdue": ("Coaching overdue", "ហួសពេលបង្ហាត់បង្ហាញ"),
    "kind_added": ("Added by the coordinator", "បន្ថែមដោយអ្នកសម្របសម្រួល"),
}


def word(key: str, lang: str, **values: object) -> str:
    """A word of :data:`PACK_WORDS` in ``lang``, ``{fields}`` filled (numbers in Khmer
    digits on the Khmer side)."""
    en, km = PACK_WORDS[key]
    if lang != "km":
        return en.format(**values)
    shown = {k: _khmer(v) if isinstance(v, int | float) else v for k, v in values.items()}
    return km.format(**shown)

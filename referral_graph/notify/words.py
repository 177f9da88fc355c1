"""The words of alert messages, in English and Khmer.

A message says which case (by its code), what is late or due, what the person should
do now, and where to do it; never anything about the child (no age, gender, village or
free text). Khmer follows the web app's catalogue (``api/web/i18n``): ការបញ្ជូន for a
referral, ករណី for a case, ហួសកាលកំណត់ for overdue; numbers in Khmer digits, codes in
ASCII so they can be read out over the phone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from referral_graph.audit.labels import MONTHS, khmer_digits
from referral_graph.domain.alerting import Part
from referral_graph.routing.reasons import RISK_NAMES

Lang = Literal["en", "km"]

#: What the receiver has to do in each window.
ACTIONS: dict[str, tuple[str, str]] = {
    "acknowledge": ("acknowledge the referral", "ទទួលស្គាល់ការបញ្ជូន"),
    "decide": ("accept or decline it", "សម្រេចទទួលយក ឬបដិសេធ"),
    "first_contact": ("make first contact with the child", "ទាក់ទងលើកដំបូងជាមួយកុមារ"),
}

#: The window as the thing awaited (as ``api/web/i18n/tables.WINDOWS``).
AWAITED: dict[str, tuple[str, str]] = {
    "acknowledge": ("acknowledgement", "ការទទួលស្គាល់"),
    "decide": ("decision", "ការសម្រេចចិត្ត"),
    "first_contact": ("first contact", "ការទាក់ទងលើកដំបូង"),
}

SUBJECTS: dict[tuple[str, Part], tuple[str, str]] = {
    ("reminder", Part.RECEIVER): (
        "Reminder: case {code} waits for your {awaited}",
        "ការរំលឹក៖ ករណី {code} កំពុងរង់ចាំ{awaited}របស់អ្នក",
    ),
    ("escalation", Part.RECEIVER): (
        "Overdue: case {code} waits for your {awaited}",
        "ហួសកាលកំណត់៖ ករណី {code} កំពុងរង់ចាំ{awaited}របស់អ្នក",
    ),
    ("escalation", Part.SENDER): (
        "Overdue: {receiver} has not answered for case {code}",
        "ហួសកាលកំណត់៖ {receiver} មិនទាន់ឆ្លើយតបចំពោះករណី {code}",
    ),
    ("escalation", Part.OVERSEER): (
        "Overdue at {receiver}: case {code}",
        "ហួសកាលកំណត់នៅ {receiver}៖ ករណី {code}",
    ),
    ("escalation", Part.COORDINATOR): (
        "Overdue in your area: case {code} at {receiver}",
        "ហួសកាលកំណត់ក្នុងតំបន់របស់អ្នក៖ ករណី {code} នៅ {receiver}",
    ),
}

TEXTS: dict[tuple[str, Part], tuple[str, str]] = {
    ("reminder", Part.RECEIVER): (
        "{sender} referred case {code} ({risk} risk) to {receiver}. Please {action} by {due}.",
        "{sender} បានបញ្ជូនករណី {code} (ហានិភ័យ{risk}) ទៅ {receiver}។ សូម{action} មុន {due}។",
    ),
    ("escalation", Part.RECEIVER): (
        "Case {code} ({risk} risk): the deadline to {action} passed at {due}. Do it now, or"
        " decline with a reason so that the child can be referred elsewhere.",
        "ករណី {code} (ហានិភ័យ{risk})៖ កាលកំណត់ដើម្បី{action} បានហួសនៅ {due}។ សូមធ្វើវាឥឡូវនេះ"
        " ឬបដិសេធដោយបញ្ជាក់មូលហេតុ ដើម្បីឱ្យកុមារអាចត្រូវបានបញ្ជូនទៅកន្លែងផ្សេង។",
    ),
    ("escalation", Part.SENDER): (
        "Case {code} ({risk} risk): {receiver} did not {action} by {due}. Call them, or refer"
        " the child again from the case page.",
        "ករណី {code} (ហានិភ័យ{risk})៖ {receiver} មិនបាន{action} មុន {due}។ សូមទូរស័ព្ទទៅពួកគេ"
        " ឬបញ្ជូនកុមារម្ដងទៀតពីទំព័រករណី។",
    ),
    ("escalation", Part.OVERSEER): (
        "Case {code} ({risk} risk): {receiver}, which you oversee, did not {action} by {due}."
        " Please follow up with them.",
        "ករណី {code} (ហានិភ័យ{risk})៖ {receiver} ដែលអ្នកត្រួតពិនិត្យ មិនបាន{action} មុន {due}។"
        " សូមតាមដានជាមួយពួកគេ។",
    ),
    ("escalation", Part.COORDINATOR): (
        "Case {code} ({risk} risk): {receiver} did not {action} by {due}. It is on the alerts"
        " page of your area.",
        "ករណី {code} (ហានិភ័យ{risk})៖ {receiver} មិនបាន{action} មុន {due}។"
        " វាមាននៅលើទំព័រការជូនដំណឹងនៃតំបន់របស់អ្នក។",
    ),
}

OPEN_NOW = (
    "Open now and able to help: {names}.",
    "បើកឥឡូវនេះ និងអាចជួយបាន៖ {names}។",
)
OPEN_LINK = ("Open: {link}", "បើក៖ {link}")


def _pick(entry: tuple[str, str], lang: Lang) -> str:
    return entry[1] if lang == "km" else entry[0]


def local_time(moment: datetime, lang: Lang, timezone: str) -> str:
    """'Tue 3 Mar 14:05' / '៣ មីនា ១៤:០៥' in the programme's time zone."""
    local = moment.astimezone(ZoneInfo(timezone))
    month = MONTHS[lang][local.month - 1]
    if lang == "km":
        return f"{khmer_digits(str(local.day))} {month} {khmer_digits(local.strftime('%H:%M'))}"
    return f"{local.strftime('%a')} {local.day} {month[:3]} {local.strftime('%H:%M')}"


def _name(names: Mapping[str, str], lang: Lang) -> str:
    return (names.get("km") or names.get("en", "")) if lang == "km" else names.get("en", "")


def render(payload: Mapping[str, Any], lang: Lang, timezone: str) -> tuple[str, str]:
    """The subject and text of a message about an alert, as queued by the scheduler
    (see ``services.alert_notices``), in ``lang``."""
    key = (str(payload["kind"]), Part(payload["part"]))
    window = str(payload["window"])
    values = {
        "code": str(payload["case_code"]),
        "receiver": _name(payload["receiver"], lang),
        "sender": _name(payload["sender"], lang),
        "risk": _pick(RISK_NAMES[str(payload["risk"])], lang).lower(),
        "action": _pick(ACTIONS[window], lang),
        "awaited": _pick(AWAITED[window], lang),
        "due": local_time(datetime.fromisoformat(str(payload["due_at"])), lang, timezone),
    }
    subject = _pick(SUBJECTS[key], lang).format(**values)
    lines = [_pick(TEXTS[key], lang).format(**values)]
    suggestions: Sequence[Mapping[str, str]] = payload.get("suggestions") or ()
    if suggestions:
        names = ", ".join(_name(s, lang) for s in suggestions)
        lines.append(_pick(OPEN_NOW, lang).format(names=names))
    if payload.get("link"):
        lines.append(_pick(OPEN_LINK, lang).format(link=payload["link"]))
    return subject, "\n".join(lines)

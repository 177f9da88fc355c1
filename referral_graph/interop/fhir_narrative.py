"""Short generated narratives (``Resource.text``) in English and Khmer.

FHIR asks every resource for a human-readable summary (invariant ``dom-6``); a partner's
screen shows it when it does not understand our codes. Each summary says only what the
resource's coded elements say (statuses, services, provider ids, the case code): never
the free-text reason, outcome or notes, so the narrative cannot leak more than the data.
Khmer follows the words of ``referral_graph.audit.labels`` (ការបញ្ជូន for a referral,
អ្នកផ្ដល់សេវា for a provider).
"""

from __future__ import annotations

from html import escape
from typing import Any

from referral_graph.domain.lifecycle import ReferralStatus

S = ReferralStatus

STATUS_KM: dict[ReferralStatus, str] = {
    S.REQUESTED: "បានស្នើសុំ",
    S.RECEIVED: "បានទទួល",
    S.ACCEPTED: "បានទទួលយក",
    S.REJECTED: "បានបដិសេធ",
    S.IN_PROGRESS: "កំពុងផ្ដល់សេវា",
    S.ON_HOLD: "ផ្អាកជាបណ្ដោះអាសន្ន",
    S.COMPLETED: "បានបញ្ចប់",
    S.FAILED: "មិនបានសម្រេច",
    S.CANCELLED: "បានលុបចោល",
}

STATUS_EN: dict[ReferralStatus, str] = {
    S.REQUESTED: "requested",
    S.RECEIVED: "received (acknowledged)",
    S.ACCEPTED: "accepted",
    S.REJECTED: "declined",
    S.IN_PROGRESS: "in progress (first contact made)",
    S.ON_HOLD: "on hold",
    S.COMPLETED: "completed",
    S.FAILED: "not completed (failed)",
    S.CANCELLED: "cancelled",
}


def narrative(english: str, khmer: str) -> dict[str, Any]:
    """A generated ``Narrative``: one paragraph per language, each tagged with ``lang``."""
    div = (
        '<div xmlns="http://www.w3.org/1999/xhtml">'
        f'<p lang="en">{escape(english)}</p>'
        f'<p lang="km">{escape(khmer)}</p>'
        "</div>"
    )
    return {"status": "generated", "div": div}


def referral_text(
    kind: str, status: ReferralStatus, service: str, sender: str, receiver: str
) -> dict[str, Any]:
    """For a Task (``kind`` "Handoff") or ServiceRequest (``kind`` "Referral")."""
    if kind == "Handoff":
        en = f"Handoff of a referral for {service} from {sender} to {receiver}: "
        en += f"{STATUS_EN[status]}."
        km = f"ការបញ្ជូនសម្រាប់សេវា {service} ពី {sender} ទៅ {receiver}៖ {STATUS_KM[status]}។"
    else:
        en = f"Referral for {service}, asked by {sender} of {receiver}."
        km = f"ការស្នើសុំសេវា {service} ដោយ {sender} ទៅកាន់អ្នកផ្ដល់សេវា {receiver}។"
    return narrative(en, km)


def patient_text(code: str, age: int | None) -> dict[str, Any]:
    en = f"Case {code} (pseudonymous; no name is kept)"
    km = f"ករណី {code} (អនាមិក គ្មានឈ្មោះត្រូវបានរក្សាទុកទេ)"
    if age is not None:
        en += f", aged {age}"
        km += f" អាយុ {age} ឆ្នាំ"
    return narrative(en + ".", km + "។")


def organization_text(name: str, kind: str) -> dict[str, Any]:
    return narrative(f"{name}: {kind}.", f"អ្នកផ្ដល់សេវា {name} ({kind})។")


def outcome_text(detail: str) -> dict[str, Any]:
    """For an OperationOutcome: the English detail, and in Khmer that the request was
    refused and why is given in English."""
    return narrative(detail, "សំណើត្រូវបានបដិសេធ។ មូលហេតុមានជាភាសាអង់គ្លេសខាងលើ។")

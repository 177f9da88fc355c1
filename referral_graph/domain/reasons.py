"""Why a handoff ended without the service, and why a case closed: short coded lists.

A decline, a failure or a cancellation carries a **code** from a short pick list; "other"
carries free text too. Reports, audit answers and meeting packs count codes and never
print free text (which may name a child); the free text is seen only by the two ends of
the handoff and the case's own CCWC.

Each code has a name in English and in Khmer (``REASON_NAMES``) so that every layer —
routing's reasons, the web app, reports — names it the same way::

    >>> StepReason.NO_CAPACITY in reasons_for(ReferralStatus.REJECTED)
    True
    >>> REASON_NAMES[StepReason.NO_CAPACITY][0]
    'no counsellor or staff available'
"""

from __future__ import annotations

from enum import StrEnum

from referral_graph.domain.errors import InvalidInput
from referral_graph.domain.lifecycle import REASON_REQUIRED, ReferralStatus


class StepReason(StrEnum):
    """Why a referral was declined (rejected), failed or was cancelled."""

    NO_CAPACITY = "no_capacity"
    NOT_ELIGIBLE = "not_eligible"
    SERVICE_NOT_OFFERED = "service_not_offered"
    OUTSIDE_AREA = "outside_area"
    ALREADY_SERVED = "already_served"
    CHILD_UNREACHABLE = "child_unreachable"
    CHILD_DECLINED = "child_declined"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CHILD_MOVED = "child_moved"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    SENT_IN_ERROR = "sent_in_error"
    OTHER = "other"


R = StepReason
S = ReferralStatus

#: The codes that make sense for each closing step (the pick list a person sees).
STEP_REASONS: dict[ReferralStatus, tuple[StepReason, ...]] = {
    S.REJECTED: (
        R.NO_CAPACITY,
        R.NOT_ELIGIBLE,
        R.SERVICE_NOT_OFFERED,
        R.OUTSIDE_AREA,
        R.ALREADY_SERVED,
        R.OTHER,
    ),
    S.FAILED: (
        R.CHILD_UNREACHABLE,
        R.CHILD_DECLINED,
        R.CONSENT_WITHDRAWN,
        R.CHILD_MOVED,
        R.NO_CAPACITY,
        R.OTHER,
    ),
    S.CANCELLED: (
        R.REFERRED_ELSEWHERE,
        R.SENT_IN_ERROR,
        R.ALREADY_SERVED,
        R.CONSENT_WITHDRAWN,
        R.CHILD_MOVED,
        R.OTHER,
    ),
}


def reasons_for(status: ReferralStatus) -> tuple[StepReason, ...]:
    """The codes a step into ``status`` may carry (none for other steps)."""
    return STEP_REASONS.get(status, ())


class ClosureReason(StrEnum):
    """Why a case was closed."""

    NEEDS_MET = "needs_met"
    CHILD_DECLINED = "child_declined"
    CHILD_MOVED = "child_moved"
    TRANSFERRED = "transferred"
    NO_CONTACT = "no_contact"
    AGED_OUT = "aged_out"
    OPENED_IN_ERROR = "opened_in_error"
    OTHER = "other"


#: English and Khmer names of every code (one vocabulary for every page and report).
REASON_NAMES: dict[str, tuple[str, str]] = {
    R.NO_CAPACITY: ("no counsellor or staff available", "គ្មានអ្នកប្រឹក្សា ឬបុគ្គលិកទំនេរ"),
    R.NOT_ELIGIBLE: ("the child is outside who we serve", "កុមារនៅក្រៅក្រុមដែលយើងផ្ដល់សេវា"),
    R.SERVICE_NOT_OFFERED: ("we do not offer this service", "យើងមិនផ្ដល់សេវានេះទេ"),
    R.OUTSIDE_AREA: ("the child lives outside our area", "កុមាររស់នៅក្រៅតំបន់របស់យើង"),
    R.ALREADY_SERVED: ("the child already receives this service", "កុមារកំពុងទទួលសេវានេះរួចហើយ"),
    R.CHILD_UNREACHABLE: (
        "the child or family could not be reached",
        "មិនអាចទាក់ទងកុមារ ឬគ្រួសារបាន",
    ),
    R.CHILD_DECLINED: (
        "the child or family no longer wants the service",
        "កុមារ ឬគ្រួសារលែងចង់បានសេវា",
    ),
    R.CONSENT_WITHDRAWN: ("consent was withdrawn", "ការយល់ព្រមត្រូវបានដកវិញ"),
    R.CHILD_MOVED: ("the child moved away", "កុមារបានផ្លាស់ទីលំនៅ"),
    R.REFERRED_ELSEWHERE: ("referred to another provider", "បានបញ្ជូនទៅអ្នកផ្ដល់សេវាផ្សេង"),
    R.SENT_IN_ERROR: ("sent by mistake", "បានបញ្ជូនដោយច្រឡំ"),
    R.OTHER: ("other reason", "មូលហេតុផ្សេងទៀត"),
    ClosureReason.NEEDS_MET: ("the child's needs were met", "តម្រូវការរបស់កុមារត្រូវបានបំពេញ"),
    ClosureReason.TRANSFERRED: (
        "the case was transferred to another agency",
        "ករណីត្រូវបានផ្ទេរទៅស្ថាប័នផ្សេង",
    ),
    ClosureReason.NO_CONTACT: (
        "no contact with the child for a long time",
        "គ្មានទំនាក់ទំនងជាមួយកុមារយូរមកហើយ",
    ),
    ClosureReason.AGED_OUT: (
        "the young person is older than the programme serves",
        "យុវជនមានអាយុលើសពីកម្មវិធីផ្ដល់សេវា",
    ),
    ClosureReason.OPENED_IN_ERROR: ("the case was opened by mistake", "ករណីត្រូវបានបើកដោយច្រឡំ"),
}


def reason_name(code: str, lang: str = "en") -> str:
    """The code's name in ``lang`` ("en" or "km"); the code itself if unknown."""
    names = REASON_NAMES.get(code)
    if names is None:
        return code
    return names[1] if lang == "km" else names[0]


def check_reason(
    status: ReferralStatus, code: StepReason | None, text: str | None
) -> StepReason | None:
    """The code a step into ``status`` is recorded with, or ``InvalidInput`` naming the
    field. A step that needs a reason needs a code from its pick list or a text (a text
    alone is recorded as "other", as clients written before the codes send it); "other"
    needs a text. Other steps carry no code.

    >>> check_reason(ReferralStatus.REJECTED, None, "Our counsellor is on leave")
    <StepReason.OTHER: 'other'>
    >>> check_reason(ReferralStatus.REJECTED, StepReason.NO_CAPACITY, None)
    <StepReason.NO_CAPACITY: 'no_capacity'>
    """
    text = (text or "").strip()
    if status not in REASON_REQUIRED:
        if code is not None:
            raise InvalidInput(
                f"A step to {status.value!r} takes no reason code.", field="reason_code"
            )
        return None
    if code is None:
        if not text:
            raise InvalidInput(
                f"Moving a referral to {status.value!r} needs a reason: a reason_code "
                f"({', '.join(r.value for r in reasons_for(status))}) or a text.",
                field="reason_code",
            )
        return StepReason.OTHER
    if code not in reasons_for(status):
        raise InvalidInput(
            f"{code.value!r} is not a reason for {status.value!r}; one of "
            f"{', '.join(r.value for r in reasons_for(status))}.",
            field="reason_code",
        )
    if code is StepReason.OTHER and not text:
        raise InvalidInput("The reason 'other' needs a few words in 'reason'.", field="reason")
    return code

"""What a free-text field may not hold, and what each one tells the person typing.

Cases are known by a code; their reasons and notes travel to every provider along the
path, to exports and to the monthly meeting's paper. Field workers wrote a child's
name, birth date, a parent's name and a phone number into them all the same. Names
cannot be told from words by a program, so every such field says what not to write
(:data:`NO_PERSONAL_DETAILS` and the field descriptions below, and beside each field of
the web app in English and Khmer); phone numbers and dates of birth can be recognised,
and are refused in reasons and notes (:func:`personal_details`). The case's contact
arrangement is the one place for contact details: only its CCWC and the provider that
holds the case see it.

>>> personal_details("Distress after violence at home")
>>> personal_details("Call her mother on 012 345 678")
'a phone number'
>>> personal_details("born 12/03/2011, lives with an aunt")
'a date of birth'
>>> personal_details("ទូរស័ព្ទ ០៩៧ ១២៣ ៤៥៦៧")
'a phone number'
>>> personal_details("Seen on 2026-03-02; next visit in two weeks")
"""

from __future__ import annotations

import re

from phonenumbers import Leniency, PhoneNumberMatcher

#: Khmer digits as ASCII ones (numbers are written in either).
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")

#: "born", "date of birth", "DOB", "b." and Khmer កើត ("born"), ថ្ងៃកំណើត ("birthday"),
#: ថ្ងៃខែឆ្នាំកំណើត ("date of birth").
_BIRTH = r"(?:\bborn\b|\bbirth(?:day|date)?\b|\bd\.?\s?o\.?\s?b\b\.?|\bb\.|កើត|កំណើត)"
#: A date, a month and year, or a year, after such a word (within a few characters).
_WHEN = (
    r"(?:\d{1,4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,4}"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{2,4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
    r"|(?:19|20)\d{2})"
)
_DATE_OF_BIRTH = re.compile(_BIRTH + r"[^\d\n]{0,30}?" + _WHEN, re.IGNORECASE)

#: What to say beside every free-text field about a child.
NO_PERSONAL_DETAILS = (
    "Never write a name (the child's, a parent's, a neighbour's), an address, a phone "
    "number or a date of birth: the case is known by its code. Phone numbers and dates "
    "of birth are refused; contact details go in the case's contact arrangement only."
)


#: Beside each free-text field about a child (the API's schema descriptions).
CASE_NOTE = (
    "What the network needs to know to help the child: needs, risks, what was agreed. "
    + NO_PERSONAL_DETAILS
)
CONTACT_ARRANGEMENT = (
    'How and when the child or caregiver may be reached safely ("through the CCWC focal '
    "point, never at home\"): the one place for contact details, seen only by the case's "
    "CCWC and the provider that holds the case. Never the child's name or date of birth."
)
CONSENT_RECORDED_BY = (
    "The worker who recorded the consent (a role or staff code), never the name of the "
    "child or the consenting caregiver."
)
REFERRAL_REASON = (
    "Why the child needs this service, in a few words; the receiver and everyone along "
    "the path read it. " + NO_PERSONAL_DETAILS
)
STEP_TEXT = "Read by both ends of the handoff and the case's CCWC. " + NO_PERSONAL_DETAILS


def personal_details(text: str) -> str | None:
    """What kind of personal detail ``text`` holds that no reason or note may (a phone
    number, in any country's format or in Khmer digits; a date or year of birth), or
    None."""
    plain = text.translate(_KHMER_DIGITS)
    if next(iter(PhoneNumberMatcher(plain, "KH", leniency=Leniency.VALID)), None) is not None:
        return "a phone number"
    if _DATE_OF_BIRTH.search(plain):
        return "a date of birth"
    return None


def refuse_personal_details(text: str | None) -> str | None:
    """``text`` unchanged, or ``ValueError`` naming what it must not hold (a validator
    for reasons and notes: the API answers 422 naming the field)."""
    if text is None:
        return None
    found = personal_details(text)
    if found is not None:
        raise ValueError(
            f"holds {found}: reasons and notes travel with the case to every provider, so "
            "they never hold contact details or a date of birth (write how to reach the "
            "family in the case's contact arrangement)"
        )
    return text

"""Code systems and naming systems shared by the FHIR and HSDS exports.

Our controlled vocabulary (``referral_graph.domain.vocabulary``) leaves as it is: each
enum gets one code-system URL, used both as a FHIR ``Coding.system`` and as the ``uri``
of the matching HSDS taxonomy, so a service code means the same thing in both exports.
"""

from __future__ import annotations

from enum import StrEnum

from referral_graph.domain.vocabulary import Language

#: Canonical base of the code systems this project defines (not a FHIR server).
CANONICAL = "https://referral-graph.org/fhir"

CS_SERVICE = f"{CANONICAL}/CodeSystem/service"
CS_PROVIDER_KIND = f"{CANONICAL}/CodeSystem/provider-kind"
CS_DELIVERY_MODE = f"{CANONICAL}/CodeSystem/delivery-mode"
CS_GENDER = f"{CANONICAL}/CodeSystem/gender"
CS_REFERRAL_STATUS = f"{CANONICAL}/CodeSystem/referral-status"

NS_CASE_CODE = f"{CANONICAL}/NamingSystem/case-code"
NS_PROVIDER_ID = f"{CANONICAL}/NamingSystem/provider-id"
NS_REFERRAL_ID = f"{CANONICAL}/NamingSystem/referral-id"

#: English names of the programme languages (ISO 639-3 code → name).
LANGUAGE_NAMES: dict[Language, str] = {
    Language.KHMER: "Khmer",
    Language.ENGLISH: "English",
    Language.LAO: "Lao",
    Language.TAMPUAN: "Tampuan",
    Language.KREUNG: "Kreung",
    Language.JARAI: "Jarai",
    Language.BRAO: "Brao",
    Language.KAVET: "Kavet",
    Language.BUNONG: "Bunong",
    Language.VIETNAMESE: "Vietnamese",
    Language.CHAM: "Cham",
    Language.THAI: "Thai",
}

#: BCP 47 tags: the two-letter ISO 639-1 code where one exists, else ISO 639-3.
BCP47: dict[Language, str] = {
    Language.KHMER: "km",
    Language.ENGLISH: "en",
    Language.LAO: "lo",
    Language.VIETNAMESE: "vi",
    Language.THAI: "th",
}


#: Words written in capitals (or their own way) in labels.
_ACRONYMS = {"ccwc": "CCWC", "vhsg": "VHSG", "dosvy": "DoSVY", "ngo": "NGO"}


def label(code: StrEnum | str) -> str:
    """A plain English label for a vocabulary code: ``post_rape_care`` → ``Post rape care``,
    ``ngo_counsellor`` → ``NGO counsellor``."""
    words = [_ACRONYMS.get(w, w) for w in str(code).split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def language_name(language: Language) -> str:
    """The English name of a language (from its enum name if not listed above)."""
    return LANGUAGE_NAMES.get(language) or language.name.replace("_", " ").title()


def bcp47(language: Language) -> str:
    return BCP47.get(language, language.value)

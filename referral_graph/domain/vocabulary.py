"""The controlled vocabulary of the referral network.

Every value is a short, stable code, stored and sent over the API as it is. Labels for
people (English and Khmer) belong to the presentation layer, keyed by these codes.
"""

from __future__ import annotations

from enum import StrEnum


class ProviderKind(StrEnum):
    """What kind of actor a provider in the network is."""

    VHSG = "vhsg"
    CCWC = "ccwc"
    HEALTH_CENTRE = "health_centre"
    SCHOOL = "school"
    DOSVY = "dosvy"
    REFERRAL_HOSPITAL = "referral_hospital"
    PROVINCIAL_HOSPITAL = "provincial_hospital"
    PROVINCIAL_DEPARTMENT = "provincial_department"
    NGO_COUNSELLOR = "ngo_counsellor"
    CLINICAL_SUPERVISOR = "clinical_supervisor"
    HELPLINE = "helpline"
    POLICE = "police"
    LEGAL_AID = "legal_aid"
    SHELTER = "shelter"
    NGO = "ngo"


class Service(StrEnum):
    """Services a provider offers and a case may need."""

    IDENTIFICATION = "identification"
    PSYCHOLOGICAL_FIRST_AID = "psychological_first_aid"
    AWARENESS = "awareness"
    REGISTRATION = "registration"
    CASE_MANAGEMENT = "case_management"
    COUNSELLING = "counselling"
    PHONE_COUNSELLING = "phone_counselling"
    GROUP_THERAPY = "group_therapy"
    SCHOOL_PSYCHOSOCIAL_SUPPORT = "school_psychosocial_support"
    PSYCHO_EDUCATION = "psycho_education"
    MEDICAL_CARE = "medical_care"
    POST_RAPE_CARE = "post_rape_care"
    PSYCHIATRIC_CARE = "psychiatric_care"
    LEGAL_AID = "legal_aid"
    SHELTER = "shelter"
    CHILD_PROTECTION = "child_protection"
    SUPERVISION = "supervision"


#: Services given by a trained professional. Emergency and high-risk cases must be
#: offered at least one of these: psychological first aid alone is not enough.
PROFESSIONAL_SERVICES: frozenset[Service] = frozenset(
    {
        Service.COUNSELLING,
        Service.PHONE_COUNSELLING,
        Service.MEDICAL_CARE,
        Service.POST_RAPE_CARE,
        Service.PSYCHIATRIC_CARE,
    }
)


class DeliveryMode(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    ONLINE = "online"


class Gender(StrEnum):
    """Gender as the child or young person states it."""

    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    UNDISCLOSED = "undisclosed"


class RiskLevel(StrEnum):
    EMERGENCY = "emergency"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Language(StrEnum):
    """Languages spoken in the programme areas (ISO 639-3 where one exists)."""

    KHMER = "khm"
    ENGLISH = "eng"
    LAO = "lao"
    TAMPUAN = "tpu"
    KREUNG = "krr"
    JARAI = "jra"
    BRAO = "brb"
    KAVET = "krv"
    BUNONG = "cmo"
    KUY = "kdt"
    VIETNAMESE = "vie"
    CHAM = "cja"
    THAI = "tha"


class AreaLevel(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    VILLAGE = "village"


class RelayChannel(StrEnum):
    """How a receiver confirmed a step that someone else put on record for it."""

    PHONE = "phone"
    SMS = "sms"
    MESSAGING = "messaging"  # Telegram, Messenger …
    IN_PERSON = "in_person"


class IdentificationSource(StrEnum):
    """Who first identified the child (Primero's CP KPI "source of identification")."""

    VHSG = "vhsg"
    TEACHER = "teacher"
    HEALTH_CENTRE = "health_centre"
    HELPLINE = "helpline"
    POLICE = "police"
    CCWC = "ccwc"
    FAMILY = "family"
    CHILD = "child"
    COMMUNITY = "community"
    OTHER = "other"

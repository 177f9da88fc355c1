"""The names of vocabulary codes in English and Khmer: handoff windows, statuses (as the
step that led to them and as where a handoff stands), genders, risk hints, kinds of
provider; and the routing's names of services, modes, risks and languages."""

from __future__ import annotations

from referral_graph.domain.reasons import REASON_NAMES
from referral_graph.routing.reasons import LANGUAGE_NAMES, MODE_NAMES, RISK_NAMES, SERVICE_NAMES

#: The windows of a handoff (``domain.sla.Window``), as the thing awaited.
WINDOWS: dict[str, tuple[str, str]] = {
    "acknowledge": ("acknowledgement", "ការទទួលស្គាល់"),
    "decide": ("a decision", "ការសម្រេចចិត្ត"),
    "first_contact": ("first contact", "ការជួបលើកដំបូង"),
}

#: Referral statuses as the step that led to them (path timeline).
STEPS: dict[str, tuple[str, str]] = {
    "requested": ("Referred", "បានបញ្ជូន"),
    "received": ("Acknowledged", "បានទទួលស្គាល់"),
    "accepted": ("Accepted", "បានទទួលយក"),
    "rejected": ("Declined", "បានបដិសេធ"),
    "in_progress": ("First contact", "បានជួបលើកដំបូង"),
    "on_hold": ("Put on hold", "បានផ្អាក"),
    "completed": ("Completed", "បានបញ្ចប់"),
    "failed": ("Not completed", "មិនបានសម្រេច"),
    "cancelled": ("Cancelled", "បានលុបចោល"),
}

#: Referral statuses as where a handoff stands now (inbox, dashboard).
STATUSES: dict[str, tuple[str, str]] = {
    "requested": ("Waiting for acknowledgement", "រង់ចាំការទទួលស្គាល់"),
    "received": ("Acknowledged, waiting for a decision", "បានទទួលស្គាល់ រង់ចាំការសម្រេចចិត្ត"),
    "accepted": ("Accepted, waiting for first contact", "បានទទួលយក រង់ចាំការជួបលើកដំបូង"),
    "rejected": ("Declined", "បានបដិសេធ"),
    "in_progress": ("In progress", "កំពុងផ្ដល់សេវា"),
    "on_hold": ("On hold", "បានផ្អាក"),
    "completed": ("Completed", "បានបញ្ចប់"),
    "failed": ("Not completed", "មិនបានសម្រេច"),
    "cancelled": ("Cancelled", "បានលុបចោល"),
}

GENDERS: dict[str, tuple[str, str]] = {
    "female": ("Female", "ស្រី"),
    "male": ("Male", "ប្រុស"),
    "non_binary": ("Non-binary", "មិនកំណត់ខ្លួនជាប្រុស ឬស្រី"),
    "undisclosed": ("Prefers not to say", "មិនចង់បញ្ជាក់"),
}

RISK_HINTS: dict[str, tuple[str, str]] = {
    "emergency": (
        "imminent danger, suicide risk, or sexual assault in the last 5 days",
        "គ្រោះថ្នាក់ភ្លាមៗ ហានិភ័យធ្វើអត្តឃាត ឬការរំលោភផ្លូវភេទក្នុងរយៈពេល ៥ ថ្ងៃចុងក្រោយ",
    ),
    "high": ("serious harm likely soon", "ទំនងជាមានគ្រោះថ្នាក់ធ្ងន់ធ្ងរក្នុងពេលឆាប់ៗ"),
    "medium": ("needs help within days", "ត្រូវការជំនួយក្នុងរយៈពេលប៉ុន្មានថ្ងៃ"),
    "low": ("needs support, not urgent", "ត្រូវការការគាំទ្រ ប៉ុន្តែមិនបន្ទាន់"),
}

KINDS: dict[str, tuple[str, str]] = {
    "vhsg": ("Village health support group", "ក្រុមគាំទ្រសុខភាពភូមិ"),
    "ccwc": ("CCWC", "គ.ក.ន.ក"),
    "health_centre": ("Health centre", "មណ្ឌលសុខភាព"),
    "school": ("School", "សាលារៀន"),
    "dosvy": (
        "Social affairs office (DoSVY)",
        "ការិយាល័យសង្គមកិច្ច អតីតយុទ្ធជន និងយុវនីតិសម្បទា",
    ),
    "referral_hospital": ("Referral hospital", "មន្ទីរពេទ្យបង្អែក"),
    "provincial_hospital": ("Provincial hospital", "មន្ទីរពេទ្យខេត្ត"),
    "provincial_department": ("Provincial department", "មន្ទីរជំនាញខេត្ត"),
    "ngo_counsellor": ("NGO counsellor", "អ្នកប្រឹក្សារបស់អង្គការមិនមែនរដ្ឋាភិបាល"),
    "clinical_supervisor": ("Clinical supervisor", "អ្នកត្រួតពិនិត្យផ្នែកគ្លីនិក"),
    "helpline": ("Helpline", "ខ្សែទូរស័ព្ទជំនួយ"),
    "police": ("Police", "នគរបាល"),
    "legal_aid": ("Legal aid", "ជំនួយផ្លូវច្បាប់"),
    "shelter": ("Shelter", "ទីជម្រក"),
    "ngo": ("NGO", "អង្គការមិនមែនរដ្ឋាភិបាល"),
}

TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "window": WINDOWS,
    "step": STEPS,
    "status": STATUSES,
    "service": SERVICE_NAMES,
    "gender": GENDERS,
    "risk": RISK_NAMES,
    "risk_hint": RISK_HINTS,
    "mode": MODE_NAMES,
    "kind": KINDS,
    "language": LANGUAGE_NAMES,
    "reason": dict(REASON_NAMES),  # coded reasons of declines, failures, cancellations
}

"""Words of issue 18's pages: identifying a child (``api/web/intake.py``), steps relayed
for a receiver and their disputes (``api/web/relays.py``), and the incident clock of
post-rape care; with the names of their codes (sources, channels, age bands, decline
reasons, care windows, identification statuses).

Khmer keeps the catalogue's terms: គ.ក.ន.ក for a CCWC, ការកំណត់អត្តសញ្ញាណ for an
identification (as the monthly report), ការបញ្ជូន for a referral; PEP is written out
(ថ្នាំការពារក្រោយការប៉ះពាល់មេរោគអេដស៍) with its acronym, as health staff say it.
"""

from __future__ import annotations

FIELD: dict[str, tuple[str, str]] = {
    # --- identifying a child ---------------------------------------------------------
    "nav_identify": ("Identify a child", "កំណត់អត្តសញ្ញាណកុមារ"),
    "identify_title": ("Tell the CCWC about a child", "ជូនដំណឹង គ.ក.ន.ក អំពីកុមារ"),
    "identify_intro": (
        "No names. The CCWC of the child's commune gets it at once and decides whether "
        "to open a case.",
        "កុំសរសេរឈ្មោះ។ គ.ក.ន.ក នៃឃុំរបស់កុមារនឹងទទួលបានភ្លាម ហើយសម្រេចថាតើត្រូវបើកករណីឬទេ។",
    ),
    "identify_send": ("Send to the CCWC", "ផ្ញើទៅ គ.ក.ន.ក"),
    "identify_sent": (
        "Sent to {ccwc}. They should open it by {when}.",
        "បានផ្ញើទៅ {ccwc}។ ពួកគេគួរបើកមើលមុន {when}។",
    ),
    "identify_button": ("Identify a child (no name)", "កំណត់អត្តសញ្ញាណកុមារ (គ្មានឈ្មោះ)"),
    "age_known": ("Age, if you know it", "អាយុ បើអ្នកដឹង"),
    "age_band": ("Or about how old", "ឬអាយុប្រហែល"),
    "err_age_or_band": (
        "Give the age, or choose about how old.",
        "សូមបញ្ចូលអាយុ ឬជ្រើសរើសអាយុប្រហែល។",
    ),
    "how_known": ("How you know", "របៀបដែលអ្នកដឹង"),
    "source": ("Who first noticed the child", "អ្នកដែលបានកត់សម្គាល់កុមារមុនគេ"),
    "incident_at": ("When it happened (optional)", "ពេលវេលាកើតហេតុ (ស្រេចចិត្ត)"),
    "incident_hint": (
        "For sexual violence: the clinic must give PEP within 72 hours and emergency "
        "contraception within 120 hours of this time.",
        "ចំពោះអំពើហិង្សាផ្លូវភេទ៖ មណ្ឌលសុខភាពត្រូវផ្ដល់ PEP ក្នុងរយៈពេល ៧២ ម៉ោង និង"
        "ថ្នាំពន្យារកំណើតបន្ទាន់ក្នុងរយៈពេល ១២០ ម៉ោង គិតពីពេលនេះ។",
    ),
    "consent_known": ("Consent to share and refer", "ការយល់ព្រមឱ្យចែករំលែក និងបញ្ជូន"),
    "consent_not_yet": ("Not asked yet", "មិនទាន់បានសួរ"),
    "err_no_ccwc": (
        "No CCWC serves this village and you have no agreed pathway to one: call the "
        "district office of social affairs (DoSVY).",
        "គ្មាន គ.ក.ន.ក ណាបម្រើភូមិនេះទេ ហើយអ្នកគ្មានផ្លូវបញ្ជូនដែលបានព្រមព្រៀងទៅ គ.ក.ន.ក "
        "ណាមួយឡើយ៖ សូមទូរស័ព្ទទៅការិយាល័យសង្គមកិច្ចស្រុក។",
    ),
    "sent_list": ("Children you identified", "កុមារដែលអ្នកបានកំណត់អត្តសញ្ញាណ"),
    "sent_to": ("To {ccwc}", "ទៅ {ccwc}"),
    # --- the CCWC's side ---------------------------------------------------------------
    "identified_waiting": (
        "Children identified by others, waiting for you",
        "កុមារដែលអ្នកផ្សេងបានកំណត់អត្តសញ្ញាណ កំពុងរង់ចាំអ្នក",
    ),
    "identified_by": ("Identified by {name}", "កំណត់អត្តសញ្ញាណដោយ {name}"),
    "identification_title": ("A child identified", "កុមារដែលបានកំណត់អត្តសញ្ញាណ"),
    "via_pathway": ("Through the agreed pathway", "តាមផ្លូវបញ្ជូនដែលបានព្រមព្រៀង"),
    "no_pathway": (
        "No agreed pathway: sent to the CCWC of the child's commune",
        "គ្មានផ្លូវបញ្ជូនដែលបានព្រមព្រៀង៖ បានផ្ញើទៅ គ.ក.ន.ក នៃឃុំរបស់កុមារ",
    ),
    "sent": ("Sent", "បានផ្ញើ"),
    "opened_by_ccwc": ("Opened by the CCWC", "គ.ក.ន.ក បានបើកមើល"),
    "decided": ("Decided", "បានសម្រេច"),
    "accept_title": ("Accept as a case", "ទទួលយកជាករណី"),
    "accept_intro": (
        "Opens a case for your CCWC; it keeps who identified the child and how.",
        "បើកករណីសម្រាប់ គ.ក.ន.ក របស់អ្នក ដោយរក្សាទុកអ្នកដែលបានកំណត់អត្តសញ្ញាណកុមារ និងរបៀប។",
    ),
    "decline_title": ("Decline", "បដិសេធ"),
    "decline_why": ("Why", "មូលហេតុ"),
    "decline_note": ("A few words (needed for “other”)", "ពន្យល់បន្តិច (ត្រូវការសម្រាប់ «ផ្សេងៗ»)"),
    "open_the_case": ("Open the case", "បើកករណី"),
    "done_from_identification": (
        "The case is open; it keeps who identified the child.",
        "ករណីត្រូវបានបើក ដោយរក្សាទុកអ្នកដែលបានកំណត់អត្តសញ្ញាណកុមារ។",
    ),
    "done_declined_identification": ("Declined.", "បានបដិសេធ។"),
    "err_conflict_identification": (
        "Someone at your CCWC decided on it first.",
        "មាននរណាម្នាក់នៅ គ.ក.ន.ក របស់អ្នកបានសម្រេចរួចហើយ។",
    ),
    # --- relayed steps ---------------------------------------------------------------------
    "relay_open": (
        "Record a step confirmed by phone",
        "កត់ត្រាជំហានដែលបានបញ្ជាក់តាមទូរស័ព្ទ",
    ),
    "relay_intro": (
        "When {name} confirmed it by phone or message but could not record it.",
        "នៅពេល {name} បានបញ្ជាក់តាមទូរស័ព្ទ ឬសារ ប៉ុន្តែមិនអាចកត់ត្រាបាន។",
    ),
    "relay_step": ("What they confirmed", "អ្វីដែលពួកគេបានបញ្ជាក់"),
    "relay_channel": ("How", "តាមរយៈ"),
    "relay_when": ("When they confirmed it (Cambodian time)", "ពេលដែលពួកគេបានបញ្ជាក់ (ម៉ោងកម្ពុជា)"),
    "relay_when_hint": (
        "The time of the call, not now: deadlines are judged on it. At most 7 days back.",
        "ពេលវេលានៃការហៅទូរស័ព្ទ មិនមែនពេលឥឡូវទេ៖ កាលកំណត់គិតតាមពេលនេះ។ យូរបំផុត ៧ ថ្ងៃមុន។",
    ),
    "relay_save": ("Record it on their behalf", "កត់ត្រាជំនួសពួកគេ"),
    "earlier_open": ("It happened earlier", "វាបានកើតឡើងមុននេះ"),
    "earlier_intro": (
        "When the link was down: record a step with the time you really took it.",
        "នៅពេលគ្មានអ៊ីនធឺណិត៖ កត់ត្រាជំហានជាមួយពេលវេលាដែលអ្នកបានអនុវត្តវាពិតប្រាកដ។",
    ),
    "earlier_step": ("The step", "ជំហាន"),
    "earlier_when": ("When you took it (Cambodian time)", "ពេលដែលអ្នកបានអនុវត្ត (ម៉ោងកម្ពុជា)"),
    "earlier_save": ("Record it with that time", "កត់ត្រាជាមួយពេលវេលានោះ"),
    "earlier_ok": (
        "Recorded with the time it happened: {step}.",
        "បានកត់ត្រាជាមួយពេលវេលាដែលវាបានកើតឡើង៖ {step}។",
    ),
    "relayed_ok": ("Recorded on the receiver's behalf: {step}.", "បានកត់ត្រាជំនួសអ្នកទទួល៖ {step}។"),
    "relayed_by": (
        "Recorded on the receiver's behalf by {by} ({channel}), {when}",
        "កត់ត្រាជំនួសអ្នកទទួលដោយ {by} ({channel}) នៅ {when}",
    ),
    "relayed_for_you": (
        "{step} on your behalf by {by} ({channel}), {when}",
        "{step} ជំនួសអ្នកដោយ {by} ({channel}) នៅ {when}",
    ),
    "disputed_by": ("Disputed by {by}, {when}", "ត្រូវបានជំទាស់ដោយ {by} នៅ {when}"),
    "dispute_open": ("This is not right", "ព័ត៌មាននេះមិនត្រឹមត្រូវទេ"),
    "dispute_note": ("What is not right?", "តើអ្វីមិនត្រឹមត្រូវ?"),
    "dispute_save": ("Send the dispute", "ផ្ញើការជំទាស់"),
    "done_disputed": (
        "Dispute sent; the person who recorded it and the coordinators see it.",
        "បានផ្ញើការជំទាស់៖ អ្នកដែលបានកត់ត្រា និងអ្នកសម្របសម្រួលនឹងឃើញវា។",
    ),
    "err_dispute": ("That step cannot be disputed (any more).", "ជំហាននោះមិនអាចជំទាស់បានទេ។"),
    "err_dispute_note": ("Say what is not right.", "សូមប្រាប់ថាអ្វីមិនត្រឹមត្រូវ។"),
    "err_relay_time": (
        "That time cannot be right: not in the future, not before the previous step, at "
        "most 7 days back.",
        "ពេលវេលានោះមិនត្រឹមត្រូវទេ៖ មិនអាចនៅពេលអនាគត មិនអាចមុនជំហានមុន ហើយយូរបំផុត ៧ ថ្ងៃមុន។",
    ),
    # --- the incident clock ------------------------------------------------------------------
    "care_title": ("Post-rape care: time left", "ការថែទាំក្រោយការរំលោភ៖ ពេលវេលានៅសល់"),
    "care_left": ("{duration} left", "នៅសល់ {duration}"),
    "care_closed": ("Closed", "ផុតកំណត់"),
    "care_until": ("until {when}", "ដល់ {when}"),
    "care_covered": (
        "A health facility has accepted the child.",
        "មណ្ឌលសុខភាព ឬមន្ទីរពេទ្យបានទទួលយកកុមាររួចហើយ។",
    ),
    "care_act_now": (
        "Less than a day left and no health facility has accepted the child: call now.",
        "នៅសល់តិចជាងមួយថ្ងៃ ហើយមិនទាន់មានមណ្ឌលសុខភាពណាទទួលយកកុមារនៅឡើយ៖ សូមទូរស័ព្ទឥឡូវនេះ។",
    ),
    "care_no_incident": (
        "Sexual violence: record when it happened to see the time left for PEP (72 h) "
        "and emergency contraception (120 h).",
        "អំពើហិង្សាផ្លូវភេទ៖ សូមកត់ត្រាពេលវេលាកើតហេតុ ដើម្បីមើលពេលវេលានៅសល់សម្រាប់ PEP "
        "(៧២ ម៉ោង) និងថ្នាំពន្យារកំណើតបន្ទាន់ (១២០ ម៉ោង)។",
    ),
    "incident_time": ("Incident time", "ពេលវេលាកើតហេតុ"),
    "incident_record": ("Record when it happened", "កត់ត្រាពេលវេលាកើតហេតុ"),
    "incident_save": ("Save the time", "រក្សាទុកពេលវេលា"),
    "done_incident": ("Incident time saved.", "បានរក្សាទុកពេលវេលាកើតហេតុ។"),
    "err_incident_time": (
        "That time cannot be right (not in the future).",
        "ពេលវេលានោះមិនត្រឹមត្រូវទេ (មិនអាចនៅពេលអនាគត)។",
    ),
}

SOURCES: dict[str, tuple[str, str]] = {
    "vhsg": ("A VHSG volunteer", "អ្នកស្ម័គ្រចិត្តក្រុមគាំទ្រសុខភាពភូមិ"),
    "teacher": ("A teacher", "គ្រូបង្រៀន"),
    "health_centre": ("Health centre staff", "បុគ្គលិកមណ្ឌលសុខភាព"),
    "helpline": ("A helpline call (1280)", "ការហៅមកខ្សែទូរស័ព្ទជំនួយ (១២៨០)"),
    "police": ("The police", "នគរបាល"),
    "ccwc": ("The CCWC", "គ.ក.ន.ក"),
    "family": ("The family", "ក្រុមគ្រួសារ"),
    "child": ("The child", "កុមារផ្ទាល់"),
    "community": ("Someone in the community", "អ្នកភូមិ"),
    "other": ("Someone else", "អ្នកផ្សេងទៀត"),
}

CHANNELS: dict[str, tuple[str, str]] = {
    "phone": ("phone call", "ការហៅទូរស័ព្ទ"),
    "sms": ("SMS", "សារ SMS"),
    "messaging": ("Telegram or Messenger", "Telegram ឬ Messenger"),
    "in_person": ("in person", "ដោយផ្ទាល់"),
}

AGE_BANDS: dict[str, tuple[str, str]] = {
    "0_5": ("Under 6", "ក្រោម ៦ ឆ្នាំ"),
    "6_11": ("6 to 11", "៦ ដល់ ១១ ឆ្នាំ"),
    "12_14": ("12 to 14", "១២ ដល់ ១៤ ឆ្នាំ"),
    "15_17": ("15 to 17", "១៥ ដល់ ១៧ ឆ្នាំ"),
    "18_24": ("18 to 24", "១៨ ដល់ ២៤ ឆ្នាំ"),
}

DECLINES: dict[str, tuple[str, str]] = {
    "already_a_case": ("The child has a case already", "កុមារមានករណីរួចហើយ"),
    "no_protection_concern": ("No protection concern", "គ្មានបញ្ហាការពារកុមារ"),
    "outside_area": ("The child lives in another commune", "កុមាររស់នៅឃុំផ្សេង"),
    "not_eligible": ("Not someone the programme serves", "មិនស្ថិតក្នុងក្រុមគោលដៅរបស់កម្មវិធី"),
    "other": ("Other", "ផ្សេងៗ"),
}

CARE_WINDOWS: dict[str, tuple[str, str]] = {
    "pep": (
        "HIV PEP (within 72 h)",
        "ថ្នាំការពារក្រោយការប៉ះពាល់មេរោគអេដស៍ PEP (ក្នុង ៧២ ម៉ោង)",
    ),
    "emergency_contraception": (
        "Emergency contraception (within 120 h)",
        "ថ្នាំពន្យារកំណើតបន្ទាន់ (ក្នុង ១២០ ម៉ោង)",
    ),
}

IDENTIFICATION_STATUSES: dict[str, tuple[str, str]] = {
    "sent": ("Sent, not opened yet", "បានផ្ញើ មិនទាន់បើកមើល"),
    "acknowledged": (
        "Opened by the CCWC, waiting for a decision",
        "គ.ក.ន.ក បានបើកមើល កំពុងរង់ចាំការសម្រេច",
    ),
    "accepted": ("Accepted: a case is open", "បានទទួលយក៖ ករណីត្រូវបានបើក"),
    "declined": ("Declined", "បានបដិសេធ"),
}

FIELD_TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "source": SOURCES,
    "relay_channel": CHANNELS,
    "age_band": AGE_BANDS,
    "decline_reason": DECLINES,
    "care_window": CARE_WINDOWS,
    "identification_status": IDENTIFICATION_STATUSES,
}

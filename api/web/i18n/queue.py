"""Words of the work queue ("children waiting on me", ``api/web/queue.py``) and of a
case's life on its page (``api/web/case_life.py``): needs met or waiting, changing risk
and needs, follow-ups, closing and reopening, the duplicate guard, the timeline, and
the coded reasons of a decline, a failure or a cancellation."""

from __future__ import annotations

from referral_graph.domain.reasons import REASON_NAMES

#: The coded reasons (``domain/reasons.py``), by code: one vocabulary for every page.
REASONS: dict[str, tuple[str, str]] = {str(code): names for code, names in REASON_NAMES.items()}

QUEUE: dict[str, tuple[str, str]] = {
    # --- the queue -----------------------------------------------------------------------
    "nav_queue": ("Waiting on me", "កំពុងរង់ចាំខ្ញុំ"),
    "queue_title": ("Children waiting on you", "កុមារដែលកំពុងរង់ចាំអ្នក"),
    "queue_intro": (
        "Most urgent first. Each card says what happened and the next step.",
        "បន្ទាន់បំផុតនៅខាងលើ។ កាតនីមួយៗប្រាប់ពីអ្វីដែលបានកើតឡើង និងជំហានបន្ទាប់។",
    ),
    "queue_empty": ("No child is waiting on you.", "គ្មានកុមារណាកំពុងរង់ចាំអ្នកទេ។"),
    "queue_count": ("{n} waiting", "{n} កំពុងរង់ចាំ"),
    "queue_more": (
        "{n} more are waiting: finish these first.",
        "នៅមាន {n} ទៀតកំពុងរង់ចាំ៖ សូមបញ្ចប់ទាំងនេះជាមុនសិន។",
    ),
    "kind_left_waiting": ("Left waiting", "ត្រូវបានទុកឱ្យរង់ចាំ"),
    "kind_overdue": ("Late", "យឺតពេល"),
    "kind_to_answer": ("Waiting for you", "កំពុងរង់ចាំអ្នក"),
    "kind_unmet_need": ("Not referred yet", "មិនទាន់បានបញ្ជូន"),
    "kind_follow_up_due": ("Follow-up due", "ដល់ពេលតាមដាន"),
    "kind_identification": ("A child to register", "កុមារដែលត្រូវចុះឈ្មោះ"),
    "what_identification": (
        "{name} identified a child; accept as a case or decline.",
        "{name} បានកំណត់អត្តសញ្ញាណកុមារម្នាក់។ សូមទទួលជាករណី ឬបដិសេធ។",
    ),
    "act_open_identification": ("Open", "បើក"),
    "what_left_waiting": (
        "{step} by {name}; not referred again.",
        "{step}ដោយ {name}។ មិនទាន់បានបញ្ជូនម្ដងទៀតទេ។",
    ),
    "what_overdue": (
        "{name} has not given {step}; the deadline passed.",
        "{name} មិនទាន់ផ្ដល់{step}ទេ។ កាលកំណត់បានហួសហើយ។",
    ),
    "what_to_answer": ("{name} waits for your {step}.", "{name} កំពុងរង់ចាំ{step}របស់អ្នក។"),
    "what_unmet_need": (
        "The child needs {service}; nobody was asked yet.",
        "កុមារត្រូវការ{service}។ មិនទាន់បានស្នើទៅនរណាម្នាក់នៅឡើយទេ។",
    ),
    "what_follow_up_due": (
        "A follow-up was planned for {day}.",
        "ការតាមដានត្រូវបានគ្រោងសម្រាប់ថ្ងៃ {day}។",
    ),
    "since": ("since {when}", "តាំងពី {when}"),
    "why_code": ("Why", "មូលហេតុ"),
    "their_words": ("In their words", "តាមពាក្យរបស់ពួកគេ"),
    "act_refer_again": ("Refer again", "បញ្ជូនម្ដងទៀត"),
    "act_refer_need": ("Find a provider", "ស្វែងរកអ្នកផ្ដល់សេវា"),
    "act_set_aside": ("Not pursued: say why", "មិនបន្ត៖ សូមប្រាប់មូលហេតុ"),
    "act_answer": ("Answer in the inbox", "ឆ្លើយតបនៅក្នុងប្រអប់ទទួល"),
    "act_call": ("Call {name}", "ទូរស័ព្ទទៅ {name}"),
    "act_cancel_elsewhere": ("Cancel and refer elsewhere", "លុបចោល ហើយបញ្ជូនទៅកន្លែងផ្សេង"),
    "act_follow_up": ("Record the follow-up", "កត់ត្រាការតាមដាន"),
    "act_open_case": ("Open the case", "បើកមើលករណី"),
    "open_new_case": ("Open a new case", "បើកករណីថ្មី"),
    "go_inbox": ("Inbox", "ប្រអប់ទទួល"),
    "go_dashboard": ("Dashboard", "ផ្ទាំងតាមដាន"),
    # --- needs ------------------------------------------------------------------------------
    "need_met": ("met", "បានបំពេញ"),
    "need_waiting": ("waiting", "កំពុងរង់ចាំ"),
    "need_unmet": ("unmet", "មិនទាន់បំពេញ"),
    "set_aside_reason": ("Why is this need no longer pursued?", "ហេតុអ្វីតម្រូវការនេះលែងបន្ត?"),
    "set_aside_ok": ("{service}: set aside.", "{service}៖ បានដាក់ឡែក។"),
    "note_other": (
        "In a few words (needed for “Other”)",
        "ជាពាក្យខ្លីៗ (ត្រូវការសម្រាប់ «ផ្សេងទៀត»)",
    ),
    "save": ("Save", "រក្សាទុក"),
    # --- changing risk and needs ---------------------------------------------------------------
    "change_case": ("Change risk or needs", "ផ្លាស់ប្ដូរកម្រិតហានិភ័យ ឬតម្រូវការ"),
    "change_hint": (
        "A higher risk brings every waiting handoff's deadlines forward.",
        "ហានិភ័យខ្ពស់ជាងមុន នាំឱ្យកាលកំណត់នៃការបញ្ជូនដែលកំពុងរង់ចាំទាំងអស់មកដល់លឿនជាងមុន។",
    ),
    "changed_ok": ("The case was changed.", "ករណីត្រូវបានផ្លាស់ប្ដូរ។"),
    "change_note": ("Why (optional)", "មូលហេតុ (ស្រេចចិត្ត)"),
    # --- follow-ups ------------------------------------------------------------------------
    "follow_up": ("Follow-up", "ការតាមដាន"),
    "follow_up_on": ("Next follow-up", "ការតាមដានបន្ទាប់"),
    "follow_up_none": ("No follow-up planned.", "មិនមានការតាមដានដែលបានគ្រោងទុកទេ។"),
    "plan_follow_up": ("Plan a follow-up", "គ្រោងការតាមដាន"),
    "follow_up_day": ("Day", "ថ្ងៃ"),
    "planned_ok": ("Follow-up planned for {day}.", "បានគ្រោងការតាមដាននៅថ្ងៃ {day}។"),
    "record_follow_up": ("Record a follow-up made", "កត់ត្រាការតាមដានដែលបានធ្វើ"),
    "follow_up_found": ("How is the child?", "កុមារមានសភាពយ៉ាងដូចម្ដេច?"),
    "follow_up_next": ("Next follow-up (optional)", "ការតាមដានបន្ទាប់ (ស្រេចចិត្ត)"),
    "followed_up_ok": ("Follow-up recorded.", "បានកត់ត្រាការតាមដាន។"),
    "follow_up_after_completed": (
        "A service was completed: plan a follow-up to check on the child.",
        "សេវាមួយត្រូវបានបញ្ចប់៖ សូមគ្រោងការតាមដានដើម្បីពិនិត្យមើលកុមារ។",
    ),
    # --- closing and reopening ------------------------------------------------------------------
    "close_case": ("Close the case", "បិទករណី"),
    "closure_reason": ("Why is the case closed?", "ហេតុអ្វីបិទករណី?"),
    "closure_outcome": ("What came of it", "លទ្ធផល"),
    "closure_override": (
        "Why close although a need is unmet",
        "ហេតុអ្វីបិទ ទោះបីតម្រូវការមួយមិនទាន់បំពេញ",
    ),
    "closure_unmet": (
        "Still unmet: {needs}. Refer them or set them aside first, or say why you close anyway.",
        "នៅមិនទាន់បំពេញ៖ {needs}។ សូមបញ្ជូន ឬដាក់ឡែកជាមុនសិន ឬប្រាប់ពីមូលហេតុដែលអ្នកនៅតែបិទ។",
    ),
    "closure_open_referrals": (
        "A referral of this case is still open: cancel it or wait for it to end.",
        "ការបញ្ជូនមួយនៃករណីនេះនៅបើកនៅឡើយ៖ សូមលុបចោល ឬរង់ចាំឱ្យវាបញ្ចប់។",
    ),
    "closed_ok": ("The case is closed.", "ករណីត្រូវបានបិទ។"),
    "closed_as": ("Closed: {reason}", "បានបិទ៖ {reason}"),
    "closed_unmet": ("Closed with needs unmet: {needs}", "បានបិទ ខណៈតម្រូវការមិនទាន់បំពេញ៖ {needs}"),
    "reopen_case": ("Reopen the case", "បើកករណីឡើងវិញ"),
    "reopen_reason": ("Why reopen it?", "ហេតុអ្វីបើកឡើងវិញ?"),
    "reopened_ok": ("The case is open again.", "ករណីត្រូវបានបើកឡើងវិញ។"),
    # --- the duplicate guard ---------------------------------------------------------------
    "already_referred": (
        "Already referred, waiting since {when}.",
        "បានបញ្ជូនរួចហើយ កំពុងរង់ចាំតាំងពី {when}។",
    ),
    "refer_parallel": ("Refer here as well…", "បញ្ជូនទៅទីនេះផងដែរ…"),
    "parallel_title": ("A second referral for {service}", "ការបញ្ជូនលើកទីពីរសម្រាប់{service}"),
    "parallel_intro": (
        "{name} already has this child for {service}, waiting since {when}. Why ask {other} "
        "at the same time?",
        "{name} មានកុមារនេះសម្រាប់{service}រួចហើយ កំពុងរង់ចាំតាំងពី {when}។ ហេតុអ្វីស្នើទៅ {other} ក្នុងពេលតែមួយ?",
    ),
    "parallel_reason": ("Why both", "ហេតុអ្វីទាំងពីរ"),
    "refer_as_well": ("Refer to {name} as well", "បញ្ជូនទៅ {name} ផងដែរ"),
    # --- errors ---------------------------------------------------------------------------
    "err_duplicate": (
        "This child is already referred there for this service; follow that referral up.",
        "កុមារនេះត្រូវបានបញ្ជូនទៅទីនោះសម្រាប់សេវានេះរួចហើយ៖ សូមតាមដានការបញ្ជូននោះ។",
    ),
    "err_parallel_reason": (
        "Say why a second provider is asked for the same need.",
        "សូមប្រាប់ពីមូលហេតុដែលស្នើអ្នកផ្ដល់សេវាទីពីរសម្រាប់តម្រូវការដដែល។",
    ),
    "err_day_past": ("Choose today or a later day.", "សូមជ្រើសរើសថ្ងៃនេះ ឬថ្ងៃក្រោយ។"),
    "err_need_open": (
        "A referral for this need is still open: cancel it first.",
        "ការបញ្ជូនសម្រាប់តម្រូវការនេះនៅបើកនៅឡើយ៖ សូមលុបចោលវាជាមុនសិន។",
    ),
    "err_last_need": (
        "A case keeps at least one need: close the case instead.",
        "ករណីត្រូវមានតម្រូវការយ៉ាងហោចណាស់មួយ៖ សូមបិទករណីជំនួសវិញ។",
    ),
    "err_case_state": (
        "The case changed meanwhile; this is where it stands now.",
        "ករណីបានផ្លាស់ប្ដូរក្នុងពេលនេះ។ នេះជាស្ថានភាពបច្ចុប្បន្នរបស់វា។",
    ),
    "err_needs_met_reason": (
        "“Needs met” is not the reason while a need is unmet.",
        "«តម្រូវការត្រូវបានបំពេញ» មិនមែនជាមូលហេតុទេ ខណៈតម្រូវការមួយមិនទាន់បំពេញ។",
    ),
    "err_pick_reason": ("Choose a reason.", "សូមជ្រើសរើសមូលហេតុ។"),
    # --- the timeline ----------------------------------------------------------------------
    "timeline": ("What happened", "អ្វីដែលបានកើតឡើង"),
    "tl_opened": ("Case opened", "បានបើកករណី"),
    "tl_consent_recorded": ("Consent recorded", "បានកត់ត្រាការយល់ព្រម"),
    "tl_risk_changed": ("Risk changed to {risk}", "កម្រិតហានិភ័យបានប្ដូរទៅ {risk}"),
    "tl_needs_changed": ("Needs changed: {needs}", "តម្រូវការបានផ្លាស់ប្ដូរ៖ {needs}"),
    "tl_incident_recorded": ("Time of the incident recorded", "បានកត់ត្រាពេលវេលានៃហេតុការណ៍"),
    "tl_follow_up_set": ("Follow-up planned: {day}", "បានគ្រោងការតាមដាន៖ {day}"),
    "tl_follow_up_cleared": ("Follow-up cancelled", "បានលុបចោលការតាមដាន"),
    "tl_followed_up": ("Followed up", "បានតាមដាន"),
    "tl_closed": ("Case closed: {reason}", "បានបិទករណី៖ {reason}"),
    "tl_reopened": ("Case reopened", "បានបើកករណីឡើងវិញ"),
    "tl_step_disputed": ("A relayed step was disputed", "ជំហានដែលបានបញ្ជូនតត្រូវបានជំទាស់"),
    "tl_step": ("{step}: {sender} → {receiver}", "{step}៖ {sender} → {receiver}"),
    "tl_by": ("by {name}", "ដោយ {name}"),
    "tl_relayed": (
        "recorded for {name} ({channel}), {when}",
        "បានកត់ត្រាជំនួស {name} ({channel}) នៅ {when}",
    ),
    "relay_phone": ("by phone", "តាមទូរស័ព្ទ"),
    "relay_sms": ("by SMS", "តាមសារ SMS"),
    "relay_messaging": ("by message", "តាមសារ"),
    "relay_in_person": ("in person", "ដោយផ្ទាល់"),
    "tl_set_aside": ("set aside: {reason}", "បានដាក់ឡែក៖ {reason}"),
    "tl_empty": ("Nothing yet.", "មិនទាន់មានអ្វីនៅឡើយទេ។"),
}

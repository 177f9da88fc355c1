"""Words of the monthly report in English and Khmer, keyed by short codes.

Khmer follows the usage of the Ministry of Social Affairs' child-protection documents
(ការបញ្ជូន for a referral, អ្នកផ្ដល់សេវា for a provider). Numbers on the Khmer page are
written in Khmer digits; the CSV keeps ASCII digits so spreadsheets can add them up.

>>> label("declined", "km")
'បានបដិសេធ'
>>> khmer_digits("2026-03")
'២០២៦-០៣'
>>> month_name("2026-03", "km")
'ខែមីនា ឆ្នាំ២០២៦'
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "km"]
LANGS: tuple[Lang, ...] = ("en", "km")

CATALOGUE: dict[str, dict[Lang, str]] = {
    "title": {
        "en": "Referral network monthly report",
        "km": "របាយការណ៍ប្រចាំខែនៃបណ្ដាញបញ្ជូនករណី",
    },
    "subtitle": {
        "en": "For the monthly network meeting",
        "km": "សម្រាប់កិច្ចប្រជុំបណ្ដាញប្រចាំខែ",
    },
    "area": {"en": "Area", "km": "តំបន់"},
    "month": {"en": "Month", "km": "ខែ"},
    "generated": {"en": "Generated", "km": "ចេញនៅ"},
    "province": {"en": "Province", "km": "ខេត្ត"},
    "district": {"en": "District", "km": "ស្រុក"},
    "commune": {"en": "Commune", "km": "ឃុំ/សង្កាត់"},
    "village": {"en": "Village", "km": "ភូមិ"},
    "sample_data_note": {
        "en": "Sample data: this store holds invented records (people, trainings, coaching "
        "and awareness sessions, meetings) for trying the system out; the figures that "
        "rest on them are not the network's.",
        "km": "ទិន្នន័យគំរូ៖ ឃ្លាំងទិន្នន័យនេះមានកំណត់ត្រាដែលបង្កើតឡើងសម្រាប់សាកល្បងប្រព័ន្ធ "
        "(បុគ្គលិក វគ្គបណ្ដុះបណ្ដាល ការបង្ហាត់បង្ហាញ វគ្គលើកកម្ពស់ការយល់ដឹង និងកិច្ចប្រជុំ)។ "
        "តួលេខដែលពឹងលើកំណត់ត្រាទាំងនោះ មិនមែនជាតួលេខរបស់បណ្ដាញទេ។",
    },
    "privacy": {
        "en": "Pseudonymous: counts and durations only; no case can be identified.",
        "km": "ទិន្នន័យអនាមិក៖ មានតែចំនួន និងរយៈពេលប៉ុណ្ណោះ គ្មានករណីណាមួយអាចកំណត់អត្តសញ្ញាណបានឡើយ។",
    },
    "suppressed": {
        "en": "Groups with fewer than {n} referrals are not shown.",
        "km": "ក្រុមដែលមានការបញ្ជូនតិចជាង {n} មិនត្រូវបានបង្ហាញទេ។",
    },
    "summary": {"en": "Summary", "km": "សេចក្ដីសង្ខេប"},
    "referrals_made": {"en": "Referrals made", "km": "ការបញ្ជូនដែលបានធ្វើ"},
    "completed": {"en": "Completed", "km": "បានបញ្ចប់"},
    "declined": {"en": "Declined", "km": "បានបដិសេធ"},
    "cancelled": {"en": "Cancelled", "km": "បានលុបចោល"},
    "failed": {"en": "Not completed (failed)", "km": "មិនបានសម្រេច"},
    "still_open": {"en": "Still open", "km": "កំពុងដំណើរការ"},
    "overdue_now": {"en": "Overdue now", "km": "ហួសកាលកំណត់ឥឡូវនេះ"},
    "cases": {"en": "Cases", "km": "ករណី"},
    "referrals_per_case": {"en": "Referrals per case", "km": "ចំនួនការបញ្ជូនក្នុងមួយករណី"},
    "closure_rate": {
        "en": "Cases closed (of those referred this month)",
        "km": "ករណីបានបិទ (ក្នុងចំណោមករណីបញ្ជូនក្នុងខែនេះ)",
    },
    "top_recommendation": {
        "en": "Followed the top recommendation",
        "km": "ធ្វើតាមការណែនាំលំដាប់ទីមួយ",
    },
    "steps": {"en": "Time taken at each step", "km": "រយៈពេលនៃជំហាននីមួយៗ"},
    "step": {"en": "Step", "km": "ជំហាន"},
    "acknowledge": {"en": "To acknowledge", "km": "ការទទួលស្គាល់"},
    "decide": {"en": "To accept or decline", "km": "ការសម្រេចទទួលយក ឬបដិសេធ"},
    "first_contact": {"en": "To first contact", "km": "ការទាក់ទងលើកដំបូង"},
    "median": {"en": "Median", "km": "មេដ្យាន"},
    "p90": {"en": "90% within", "km": "៩០% ក្នុងរយៈពេល"},
    "within_deadline": {"en": "Within deadline", "km": "ទាន់កាលកំណត់"},
    "measured": {"en": "Measured", "km": "បានវាស់"},
    "hours_short": {"en": "h", "km": "ម៉ោង"},
    "days_short": {"en": "days", "km": "ថ្ងៃ"},
    "by_area": {"en": "By area", "km": "តាមតំបន់"},
    "by_provider": {"en": "By provider", "km": "តាមអ្នកផ្ដល់សេវា"},
    "provider": {"en": "Provider", "km": "អ្នកផ្ដល់សេវា"},
    "referrals": {"en": "Referrals", "km": "ការបញ្ជូន"},
    "chart_title": {
        "en": "Median hours per step",
        "km": "មេដ្យានម៉ោងនៃជំហាននីមួយៗ",
    },
    "bottlenecks": {"en": "Bottlenecks", "km": "ចំណុចកកស្ទះ"},
    "open_handoffs": {"en": "Waiting now", "km": "កំពុងរង់ចាំ"},
    "waiting_hours": {
        "en": "Hours waited by those waiting now",
        "km": "ចំនួនម៉ោងរង់ចាំនៃករណីកំពុងរង់ចាំ",
    },
    "overdue_open": {"en": "Waiting past deadline", "km": "កំពុងរង់ចាំហួសកាលកំណត់"},
    "past_deadline": {"en": "Past deadline", "km": "ហួសកាលកំណត់"},
    "hours_past_deadline": {"en": "Hours past deadline, in all", "km": "ចំនួនម៉ោងហួសកាលកំណត់សរុប"},
    "hours_unit": {"en": "hours", "km": "ម៉ោង"},
    "loops": {
        "en": "Loops and ping-pong",
        "km": "ការបញ្ជូនវិលត្រឡប់ទៅវិញទៅមក",
    },
    "cases_with_loop": {
        "en": "Cases sent back to a provider already on their path",
        "km": "ករណីដែលត្រូវបានបញ្ជូនត្រឡប់ទៅអ្នកផ្ដល់សេវាដែលធ្លាប់ទទួលរួច",
    },
    "ping_pong": {"en": "Ping-pong (A → B → A)", "km": "ទៅមក (ក → ខ → ក)"},
    "path": {"en": "Path", "km": "ផ្លូវបញ្ជូន"},
    "declines": {"en": "Declines and their reasons", "km": "ការបដិសេធ និងមូលហេតុ"},
    "reason": {"en": "Reason", "km": "មូលហេតុ"},
    "count": {"en": "Count", "km": "ចំនួន"},
    "edge": {"en": "From → to", "km": "ពី → ទៅ"},
    "declined_repeatedly": {
        "en": "Cases declined more than once",
        "km": "ករណីដែលត្រូវបានបដិសេធច្រើនជាងម្ដង",
    },
    "first_professional_contact": {
        "en": "Time from opening the case to first professional contact",
        "km": "រយៈពេលពីការបើកករណី ដល់ការទាក់ទងលើកដំបូងជាមួយអ្នកជំនាញ",
    },
    "first_service": {
        "en": "Time from opening the case to first service",
        "km": "រយៈពេលពីការបើកករណី ដល់សេវាលើកដំបូង",
    },
    "cases_opened": {"en": "Cases opened", "km": "ករណីដែលបានបើក"},
    "reached": {"en": "Reached", "km": "បានទទួលសេវា"},
    "not_reached": {"en": "Not yet reached", "km": "មិនទាន់បានទទួលសេវា"},
    "no_data": {"en": "No data for this period.", "km": "គ្មានទិន្នន័យសម្រាប់រយៈពេលនេះទេ។"},
    "total": {"en": "Total", "km": "សរុប"},
    "suppressed_cells": {
        "en": "Counts from 1 to {n_less} are shown as “< {n}”, and shares and medians "
        "resting on them are not shown, so that no child can be singled out.",
        "km": "ចំនួនពី ១ ដល់ {n_less} ត្រូវបានបង្ហាញជា “< {n}” ហើយភាគរយ និងមេដ្យានដែលផ្អែក"
        "លើចំនួនទាំងនោះមិនត្រូវបានបង្ហាញទេ ដើម្បីកុំឱ្យអាចកំណត់អត្តសញ្ញាណកុមារណាម្នាក់បាន។",
    },
    "back": {"en": "Back", "km": "ត្រឡប់ក្រោយ"},
    "print": {"en": "Print", "km": "បោះពុម្ព"},
    "download_csv": {"en": "Download as CSV", "km": "ទាញយកជា CSV"},
    "local_time": {"en": "Cambodia time (UTC+7)", "km": "ម៉ោងកម្ពុជា (UTC+7)"},
    # --- steps by risk, groups, trend (issue #19) ---
    "by_risk": {
        "en": "Time taken at each step, by risk level",
        "km": "រយៈពេលនៃជំហាននីមួយៗ តាមកម្រិតហានិភ័យ",
    },
    "risk": {"en": "Risk", "km": "ហានិភ័យ"},
    "late": {"en": "Late", "km": "យឺត"},
    "missed": {"en": "Not done, deadline passed", "km": "មិនបានធ្វើ ហួសកាលកំណត់"},
    "groups": {"en": "Who the children are", "km": "កុមារជានរណា"},
    "groups_note": {
        "en": "Children (cases) referred this month and their referrals, by group.",
        "km": "កុមារ (ករណី) ដែលបានបញ្ជូនក្នុងខែនេះ និងការបញ្ជូនរបស់ពួកគេ តាមក្រុម។",
    },
    "group": {"en": "Group", "km": "ក្រុម"},
    "children": {"en": "Children", "km": "កុមារ"},
    "dim_sex": {"en": "Sex", "km": "ភេទ"},
    "dim_age_band": {"en": "Age", "km": "អាយុ"},
    "dim_lgbtiq": {
        "en": "Asked for an LGBTIQ-affirming provider",
        "km": "បានស្នើសុំអ្នកផ្ដល់សេវាដែលគាំទ្រ LGBTIQ",
    },
    "dim_risk": {"en": "Risk", "km": "ហានិភ័យ"},
    "dim_service": {"en": "Service", "km": "សេវា"},
    "dim_identification_source": {"en": "Identified by", "km": "រកឃើញដោយ"},
    "unknown": {"en": "Not known (removed after retention)", "km": "មិនដឹង (បានលុបតាមរយៈពេលរក្សាទុក)"},
    "age_under_18": {"en": "Under 18", "km": "ក្រោម ១៨ ឆ្នាំ"},
    "lgbtiq_asked": {"en": "Yes", "km": "បាទ/ចាស"},
    "lgbtiq_not_asked": {"en": "No", "km": "ទេ"},
    "source_vhsg": {"en": "Village health support group", "km": "ក្រុមគាំទ្រសុខភាពភូមិ"},
    "source_teacher": {"en": "Teacher", "km": "គ្រូបង្រៀន"},
    "source_health_centre": {"en": "Health centre", "km": "មណ្ឌលសុខភាព"},
    "source_helpline": {"en": "Helpline", "km": "ខ្សែទូរស័ព្ទជំនួយ"},
    "source_police": {"en": "Police", "km": "នគរបាល"},
    "source_ccwc": {"en": "CCWC", "km": "គ.ក.ន.ក"},
    "source_family": {"en": "Family", "km": "គ្រួសារ"},
    "source_child": {"en": "The child", "km": "កុមារផ្ទាល់"},
    "source_community": {"en": "Community member", "km": "សមាជិកសហគមន៍"},
    "source_other": {"en": "Other", "km": "ផ្សេងទៀត"},
    "source_not_recorded": {"en": "Not recorded", "km": "មិនបានកត់ត្រា"},
    "trend": {"en": "This month and the month before", "km": "ខែនេះ និងខែមុន"},
    "figure": {"en": "Figure", "km": "តួលេខ"},
    "this_month": {"en": "This month", "km": "ខែនេះ"},
    "previous_month": {"en": "Month before", "km": "ខែមុន"},
    "change": {"en": "Change", "km": "បម្រែបម្រួល"},
    "trend_referrals": {"en": "Referrals made", "km": "ការបញ្ជូនដែលបានធ្វើ"},
    "trend_children": {"en": "Children referred", "km": "កុមារដែលបានបញ្ជូន"},
    "trend_completed": {"en": "Completed", "km": "បានបញ្ចប់"},
    "trend_declined": {"en": "Declined", "km": "បានបដិសេធ"},
    "trend_closed_cases": {"en": "Cases closed", "km": "ករណីបានបិទ"},
    "trend_acknowledge_median_hours": {
        "en": "Median time to acknowledge",
        "km": "មេដ្យានរយៈពេលទទួលស្គាល់",
    },
    "trend_acknowledge_share_within": {
        "en": "Acknowledged within deadline",
        "km": "បានទទួលស្គាល់ទាន់កាលកំណត់",
    },
    "trend_first_contact_median_hours": {
        "en": "Median time to first contact",
        "km": "មេដ្យានរយៈពេលដល់ការទាក់ទងលើកដំបូង",
    },
    # --- coverage, capacity, last meeting ---
    "coverage": {"en": "Where the network does not reach", "km": "កន្លែងដែលបណ្ដាញមិនទាន់ឈានដល់"},
    "coverage_note": {
        "en": "Services checked: {services}. A commune is listed when no provider reaches it "
        "in person, by phone or online; “needed” counts cases this month that needed the "
        "service where nothing reached in person.",
        "km": "សេវាដែលបានពិនិត្យ៖ {services}។ ឃុំ/សង្កាត់ត្រូវបានរាយនាម នៅពេលគ្មានអ្នកផ្ដល់សេវាណាម្នាក់ឈានដល់"
        "ដោយផ្ទាល់ តាមទូរស័ព្ទ ឬតាមអនឡាញ។ “ត្រូវការ” រាប់ករណីក្នុងខែនេះដែលត្រូវការសេវា"
        "នៅកន្លែងដែលគ្មានសេវាដោយផ្ទាល់។",
    },
    "service": {"en": "Service", "km": "សេវា"},
    "unreached_communes": {"en": "Communes not reached", "km": "ឃុំ/សង្កាត់ដែលមិនទាន់ឈានដល់"},
    "needed_not_reached": {"en": "Needed, not reached in person", "km": "ត្រូវការ តែគ្មានសេវាដោយផ្ទាល់"},
    "and_more": {"en": "and {n} more", "km": "និង {n} ទៀត"},
    "no_gaps": {
        "en": "Every service checked reaches every commune.",
        "km": "សេវាទាំងអស់ដែលបានពិនិត្យ ឈានដល់គ្រប់ឃុំ/សង្កាត់។",
    },
    "not_available": {"en": "Not available in this copy.", "km": "មិនមាននៅក្នុងច្បាប់នេះទេ។"},
    "capacity": {
        "en": "Training: refreshers and coaching",
        "km": "ការបណ្ដុះបណ្ដាល៖ វគ្គរំលឹក និងការបង្ហាត់បង្ហាញ",
    },
    "capacity_note": {
        "en": "Active people of the area's providers on {day}: refreshers due (expiring or "
        "lapsed competencies) and coaching overdue.",
        "km": "បុគ្គលិកសកម្មរបស់អ្នកផ្ដល់សេវានៅក្នុងតំបន់ នៅថ្ងៃ {day}៖ ដល់ពេលវគ្គរំលឹក "
        "(ការបញ្ជាក់ជំនាញជិតផុត ឬផុតសុពលភាព) និងហួសពេលបង្ហាត់បង្ហាញ។",
    },
    "people": {"en": "People", "km": "បុគ្គលិក"},
    "trained": {"en": "Trained", "km": "បានបណ្ដុះបណ្ដាល"},
    "refreshers_due": {"en": "Refreshers due", "km": "ដល់ពេលវគ្គរំលឹក"},
    "coaching_overdue": {"en": "Coaching overdue", "km": "ហួសពេលបង្ហាត់បង្ហាញ"},
    "last_meeting": {"en": "Actions of the last meeting", "km": "សកម្មភាពនៃកិច្ចប្រជុំចុងក្រោយ"},
    "last_meeting_note": {"en": "{level} meeting of {day}", "km": "កិច្ចប្រជុំ{level} ថ្ងៃទី {day}"},
    "no_meeting": {
        "en": "No earlier meeting is recorded for this area.",
        "km": "គ្មានកិច្ចប្រជុំមុនត្រូវបានកត់ត្រាសម្រាប់តំបន់នេះទេ។",
    },
    "no_actions": {
        "en": "That meeting agreed no actions.",
        "km": "កិច្ចប្រជុំនោះមិនបានឯកភាពលើសកម្មភាពណាមួយទេ។",
    },
    "action": {"en": "Action", "km": "សកម្មភាព"},
    "owner": {"en": "Owner", "km": "អ្នកទទួលខុសត្រូវ"},
    "due": {"en": "Due", "km": "កាលកំណត់"},
    "status": {"en": "Status", "km": "ស្ថានភាព"},
    "action_open": {"en": "Open", "km": "កំពុងដំណើរការ"},
    "action_done": {"en": "Done", "km": "បានធ្វើរួច"},
    "action_dropped": {"en": "Dropped", "km": "បានបោះបង់"},
    "action_overdue": {"en": "Open, past due", "km": "កំពុងដំណើរការ ហួសកាលកំណត់"},
    "level_commune": {"en": "Commune", "km": "ឃុំ/សង្កាត់"},
    "level_district": {"en": "District", "km": "ស្រុក"},
    "level_province": {"en": "Provincial", "km": "ខេត្ត"},
    "level_technical": {"en": "Technical", "km": "បច្ចេកទេស"},
    # --- awareness sessions (words as the web app's, api/web/i18n.py) ---
    "awareness": {"en": "Awareness sessions", "km": "វគ្គលើកកម្ពស់ការយល់ដឹង"},
    "awareness_note": {
        "en": "Sessions held in the area this month by trained providers; participants are "
        "counted at each session they attended (counts only, no names).",
        "km": "វគ្គដែលអ្នកផ្ដល់សេវាដែលបានបណ្ដុះបណ្ដាលបានរៀបចំនៅក្នុងតំបន់ក្នុងខែនេះ "
        "អ្នកចូលរួមត្រូវបានរាប់តាមវគ្គនីមួយៗដែលពួកគេបានចូលរួម (មានតែចំនួន គ្មានឈ្មោះ)។",
    },
    "sessions_held": {"en": "Sessions held", "km": "វគ្គដែលបានរៀបចំ"},
    "people_reached": {"en": "People reached", "km": "អ្នកចូលរួម"},
    "age_group": {"en": "Age group", "km": "ក្រុមអាយុ"},
    "topic": {"en": "Topic", "km": "ប្រធានបទ"},
    "no_awareness": {
        "en": "No awareness sessions were recorded in this area this month.",
        "km": "គ្មានវគ្គលើកកម្ពស់ការយល់ដឹងត្រូវបានកត់ត្រានៅក្នុងតំបន់នេះក្នុងខែនេះទេ។",
    },
    "age_under_12": {"en": "Under 12", "km": "ក្រោម ១២ ឆ្នាំ"},
    "age_12_17": {"en": "12–17", "km": "១២–១៧ ឆ្នាំ"},
    "age_18_24": {"en": "18–24", "km": "១៨–២៤ ឆ្នាំ"},
    "age_25_plus": {"en": "25 and over", "km": "២៥ ឆ្នាំឡើងទៅ"},
    "gender_female": {"en": "Female", "km": "ស្រី"},
    "gender_male": {"en": "Male", "km": "ប្រុស"},
    "gender_non_binary": {"en": "Non-binary", "km": "មិនកំណត់ខ្លួនជាប្រុស ឬស្រី"},
    "gender_undisclosed": {"en": "Prefers not to say", "km": "មិនចង់បញ្ជាក់"},
    "gender_other": {"en": "Other or not said", "km": "ផ្សេងទៀត"},
    "topic_violence_against_children": {
        "en": "Violence against children",
        "km": "អំពើហិង្សាលើកុមារ",
    },
    "topic_gbv": {"en": "Gender-based violence", "km": "អំពើហិង្សាផ្អែកលើយេនឌ័រ"},
    "topic_mental_health": {"en": "Mental health", "km": "សុខភាពផ្លូវចិត្ត"},
    "topic_positive_parenting": {
        "en": "Positive parenting",
        "km": "ការចិញ្ចឹមបីបាច់កូនបែបវិជ្ជមាន",
    },
    "topic_child_rights": {"en": "Child rights", "km": "សិទ្ធិកុមារ"},
    "topic_online_safety": {"en": "Online safety", "km": "សុវត្ថិភាពតាមអនឡាញ"},
    "topic_where_to_get_help": {"en": "Where to get help", "km": "កន្លែងស្វែងរកជំនួយ"},
    # --- where children came from, relayed steps (issue 18) ---------------------------
    "sources": {
        "en": "Where children came from (source of identification)",
        "km": "ប្រភពនៃការកំណត់អត្តសញ្ញាណកុមារ",
    },
    "sources_note": {
        "en": "Identifications sent to CCWCs this month, and referrals made this month "
        "for cases of each source (CCWC: the CCWC registered the child itself).",
        "km": "ការកំណត់អត្តសញ្ញាណដែលបានផ្ញើទៅ គ.ក.ន.ក ក្នុងខែនេះ និងការបញ្ជូនក្នុងខែនេះ"
        "សម្រាប់ករណីតាមប្រភពនីមួយៗ (គ.ក.ន.ក៖ គ.ក.ន.ក បានចុះឈ្មោះកុមារដោយខ្លួនឯង)។",
    },
    "source": {"en": "Source", "km": "ប្រភព"},
    "identifications_sent": {"en": "Identifications", "km": "ការកំណត់អត្តសញ្ញាណ"},
    "accepted_as_case": {"en": "Accepted as a case", "km": "បានទទួលជាករណី"},
    "waiting": {"en": "Waiting", "km": "កំពុងរង់ចាំ"},
    "opened_on_time": {"en": "Opened on time", "km": "បានបើកទាន់ពេល"},
    "hours_to_open": {"en": "Median time to open", "km": "មេដ្យានពេលវេលាដល់ពេលបើក"},
    "hours_to_decide": {"en": "Median time to decide", "km": "មេដ្យានពេលវេលាដល់ពេលសម្រេច"},
    "cases_referred": {"en": "Cases referred", "km": "ករណីដែលបានបញ្ជូន"},
    "no_sources": {"en": "Nothing this month.", "km": "គ្មានក្នុងខែនេះទេ។"},
    "relayed": {
        "en": "Steps recorded on the receiver's behalf",
        "km": "ជំហានដែលបានកត់ត្រាជំនួសអ្នកទទួល",
    },
    "relayed_note": {
        "en": "Confirmed by the receiver by phone or SMS and put on record by the sender, "
        "an overseer or a coordinator, with the time it happened. Counted apart.",
        "km": "អ្នកទទួលបានបញ្ជាក់តាមទូរស័ព្ទ ឬសារ ហើយអ្នកបញ្ជូន អ្នកត្រួតពិនិត្យ ឬ"
        "អ្នកសម្របសម្រួលបានកត់ត្រាជំនួស ជាមួយពេលវេលាដែលវាបានកើតឡើង។ រាប់ដោយឡែក។",
    },
    "relayed_referrals": {
        "en": "Referrals with a relayed step",
        "km": "ការបញ្ជូនដែលមានជំហានកត់ត្រាជំនួស",
    },
    "relayed_step_received": {"en": "Acknowledgements", "km": "ការទទួលស្គាល់"},
    "relayed_step_accepted": {"en": "Acceptances", "km": "ការទទួលយក"},
    "relayed_step_rejected": {"en": "Declines", "km": "ការបដិសេធ"},
    "relayed_step_in_progress": {"en": "First contacts", "km": "ការទាក់ទងលើកដំបូង"},
}

MONTHS: dict[Lang, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "km": (
        "មករា",
        "កុម្ភៈ",
        "មីនា",
        "មេសា",
        "ឧសភា",
        "មិថុនា",
        "កក្កដា",
        "សីហា",
        "កញ្ញា",
        "តុលា",
        "វិច្ឆិកា",
        "ធ្នូ",
    ),
}

_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def label(key: str, lang: Lang, **values: object) -> str:
    """The catalogue entry ``key`` in ``lang`` (English if Khmer is missing); ``{n}``-style
    fields are filled from ``values``."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def khmer_digits(text: str) -> str:
    return text.translate(_KHMER_DIGITS)


def digits(text: str, lang: Lang) -> str:
    """Digits of ``text`` in the script of ``lang``."""
    return khmer_digits(text) if lang == "km" else text


def month_name(month: str, lang: Lang) -> str:
    """``2026-03`` as "March 2026" or "ខែមីនា ឆ្នាំ២០២៦"."""
    year, number = month[:4], int(month[5:7])
    name = MONTHS[lang][number - 1]
    if lang == "km":
        return f"ខែ{name} ឆ្នាំ{khmer_digits(year)}"
    return f"{name} {year}"

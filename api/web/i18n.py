"""The web app's words in English and Khmer, keyed by message id, and the formatting
of numbers, times and durations in each language.

Khmer follows the wording of the Ministry of Social Affairs' child-protection documents
already used by the monthly report (``referral_graph.audit.labels``): ការបញ្ជូន for a
referral, អ្នកផ្ដល់សេវា for a provider, គ.ក.ន.ក for a CCWC. Numbers in Khmer text are written
in Khmer digits; codes and ids stay in ASCII so that they can be read out over the phone
and typed.

>>> t("act_accept", "km")
'ទទួលយក'
>>> duration(3 * 3600 + 20 * 60, "km")
'៣ ម៉ោង ២០ នាទី'
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from referral_graph.audit.labels import MONTHS, khmer_digits
from referral_graph.routing.reasons import LANGUAGE_NAMES, MODE_NAMES, RISK_NAMES, SERVICE_NAMES

Lang = Literal["en", "km"]
LANGS: tuple[Lang, ...] = ("en", "km")

MESSAGES: dict[str, tuple[str, str]] = {
    # --- frame -----------------------------------------------------------------------
    "app_name": ("Referral network", "បណ្ដាញបញ្ជូនករណី"),
    "skip": ("Skip to content", "រំលងទៅមាតិកា"),
    "language": ("Language", "ភាសា"),
    "signed_in_as": ("Signed in as {name}", "បានចូលប្រើជា {name}"),
    "nav_cases": ("Cases", "ករណី"),
    "nav_inbox": ("Inbox", "ប្រអប់ទទួល"),
    "nav_dashboard": ("Dashboard", "ផ្ទាំងតាមដាន"),
    "nav_directory": ("Directory", "បញ្ជីអ្នកផ្ដល់សេវា"),
    "main_nav": ("Main", "ម៉ឺនុយចម្បង"),
    # --- sign-in ---------------------------------------------------------------------
    "sign_in": ("Sign in", "ចូលប្រើ"),
    "sign_in_title": ("Sign in to the referral network", "ចូលប្រើបណ្ដាញបញ្ជូនករណី"),
    "sign_out": ("Sign out", "ចាកចេញ"),
    "username": ("Username", "ឈ្មោះអ្នកប្រើ"),
    "password": ("Password", "ពាក្យសម្ងាត់"),
    "signin_failed": ("Wrong username or password.", "ឈ្មោះអ្នកប្រើ ឬពាក្យសម្ងាត់មិនត្រឹមត្រូវ។"),
    "signin_locked": (
        "Too many failed sign-ins. Wait 15 minutes and try again.",
        "ការចូលប្រើបរាជ័យច្រើនដងពេក។ សូមរង់ចាំ ១៥ នាទី ហើយព្យាយាមម្ដងទៀត។",
    ),
    "signed_out": ("You are signed out.", "អ្នកបានចាកចេញហើយ។"),
    "session_expired": (
        "Please sign in to continue.",
        "សូមចូលប្រើដើម្បីបន្ត។",
    ),
    "csrf_failed": (
        "This form has expired. Please try again.",
        "ទម្រង់នេះផុតកំណត់ហើយ។ សូមព្យាយាមម្ដងទៀត។",
    ),
    "privacy_note": (
        "Cases are known only by a code. Every look at a case is recorded.",
        "ករណីត្រូវបានស្គាល់តាមលេខកូដតែប៉ុណ្ណោះ។ រាល់ការមើលករណីត្រូវបានកត់ត្រាទុក។",
    ),
    "sample_data_banner": (
        "Sample data: the people, trainings, coaching and awareness sessions shown here "
        "include invented records for trying the system out, not real ones.",
        "ទិន្នន័យគំរូ៖ បុគ្គលិក វគ្គបណ្ដុះបណ្ដាល ការបង្ហាត់បង្ហាញ និងវគ្គលើកកម្ពស់ការយល់ដឹង "
        "ដែលបង្ហាញនៅទីនេះ មានកំណត់ត្រាដែលបង្កើតឡើងសម្រាប់សាកល្បងប្រព័ន្ធ មិនមែនជាកំណត់ត្រាពិតទេ។",
    ),
    # --- roles -----------------------------------------------------------------------
    "role_ccwc": ("CCWC", "គ.ក.ន.ក"),
    "role_provider": ("Provider", "អ្នកផ្ដល់សេវា"),
    "role_supervisor": ("Supervisor", "អ្នកត្រួតពិនិត្យ"),
    "role_coordinator": ("Coordinator", "អ្នកសម្របសម្រួល"),
    "role_admin": ("Administrator", "អ្នកគ្រប់គ្រងប្រព័ន្ធ"),
    # --- opening a case ----------------------------------------------------------------
    "ccwc_title": ("Open a case", "បើកករណីថ្មី"),
    "ccwc_intro": (
        "No names: the case gets a code. Record consent first.",
        "មិនកត់ត្រាឈ្មោះទេ៖ ករណីនឹងទទួលបានលេខកូដ។ សូមកត់ត្រាការយល់ព្រមជាមុនសិន។",
    ),
    "consent": ("Consent", "ការយល់ព្រម"),
    "consent_given_by": (
        "Consent to share and refer was given by",
        "ការយល់ព្រមឱ្យចែករំលែកព័ត៌មាន និងបញ្ជូន ត្រូវបានផ្ដល់ដោយ",
    ),
    "consent_child": ("The child or young person", "កុមារ ឬយុវជនផ្ទាល់"),
    "consent_caregiver": ("Caregiver", "អ្នកថែទាំ"),
    "consent_guardian": ("Guardian", "អាណាព្យាបាល"),
    "consent_court_order": ("Court order", "ដីកាតុលាការ"),
    "consent_recorded_by": ("Recorded by", "កត់ត្រាដោយ"),
    "consent_confirm": (
        "Consent was given freely, after an explanation in a language the person understands.",
        "ការយល់ព្រមត្រូវបានផ្ដល់ដោយសេរី បន្ទាប់ពីបានពន្យល់ជាភាសាដែលសាមីខ្លួនយល់។",
    ),
    "child": ("The child or young person", "កុមារ ឬយុវជន"),
    "age": ("Age (years)", "អាយុ (ឆ្នាំ)"),
    "gender": ("Gender", "ភេទ"),
    "risk": ("Risk level", "កម្រិតហានិភ័យ"),
    "needs": ("Services needed", "សេវាដែលត្រូវការ"),
    "needs_hint": ("Tick at least one.", "សូមគូសយ៉ាងហោចណាស់មួយ។"),
    "case_language": ("Language the child speaks", "ភាសាដែលកុមារនិយាយ"),
    "village": ("Village", "ភូមិ"),
    "choose": ("Choose…", "សូមជ្រើសរើស…"),
    "village_code": ("Village code (8 digits)", "លេខកូដភូមិ (៨ ខ្ទង់)"),
    "lgbtiq": (
        "Asked for an LGBTIQ-affirming service",
        "បានស្នើសុំសេវាដែលគាំទ្រ LGBTIQ",
    ),
    "contact_arrangement": (
        "How to make contact safely (optional)",
        "របៀបទាក់ទងដោយសុវត្ថិភាព (ស្រេចចិត្ត)",
    ),
    "note": ("Note (optional)", "កំណត់ចំណាំ (ស្រេចចិត្ត)"),
    "no_names_hint": (
        "Do not write the child's name or address.",
        "សូមកុំសរសេរឈ្មោះ ឬអាសយដ្ឋានរបស់កុមារ។",
    ),
    "open_case": ("Open the case", "បើកករណី"),
    "recent_cases": ("Your open cases", "ករណីបើករបស់អ្នក"),
    "none_yet": ("None yet.", "មិនទាន់មានទេ។"),
    "form_errors": ("Please correct the marked fields.", "សូមកែតម្រូវចំណុចដែលបានសម្គាល់។"),
    "err_required": ("Required.", "ត្រូវតែបំពេញ។"),
    "err_age": ("An age from 0 to 24.", "អាយុពី ០ ដល់ ២៤ ឆ្នាំ។"),
    "err_invalid": ("Not valid.", "មិនត្រឹមត្រូវ។"),
    "err_too_large": (
        "The file is too large: what is sent at once is limited to {kb} KB. Split the sheet"
        " and import it in parts.",
        "ឯកសារធំពេក៖ ទិន្នន័យដែលផ្ញើម្តងៗត្រូវបានកំណត់ត្រឹម {kb} KB។ សូមបំបែកតារាង ហើយនាំចូលជាផ្នែកៗ។",
    ),
    "case_opened_ok": ("Case {code} is open.", "ករណី {code} ត្រូវបានបើក។"),
    # --- a case ------------------------------------------------------------------------
    "case_title": ("Case {code}", "ករណី {code}"),
    "opened": ("Opened", "បើកនៅ"),
    "case_status_open": ("Open", "កំពុងបើក"),
    "case_status_closed": ("Closed", "បានបិទ"),
    "years": ("{n} years", "{n} ឆ្នាំ"),
    "recommendations": ("Recommended next providers", "អ្នកផ្ដល់សេវាបន្ទាប់ដែលបានណែនាំ"),
    "recommend_intro": (
        "Ranked for this child, with the reasons. One tap sends the referral.",
        "រៀបតាមលំដាប់សម្រាប់កុមារនេះ ព្រមទាំងមូលហេតុ។ ចុចម្ដងដើម្បីបញ្ជូន។",
    ),
    "referral_reason": ("Reason for the referral", "មូលហេតុនៃការបញ្ជូន"),
    "referral_reason_hint": (
        "If left empty: “Needs” and the service.",
        "បើទុកទទេ៖ «ត្រូវការ» និងឈ្មោះសេវា។",
    ),
    "default_reason": ("Needs {service}.", "ត្រូវការ{service}។"),
    "refer": ("Refer", "បញ្ជូន"),
    "refer_to": ("Refer to {name}", "បញ្ជូនទៅ {name}"),
    "rank": ("No. {rank}", "លេខ {rank}"),
    "for_service": ("for {service}", "សម្រាប់{service}"),
    "no_recommendations": (
        "No provider reaches this child for these services.",
        "គ្មានអ្នកផ្ដល់សេវាណាអាចទៅដល់កុមារនេះសម្រាប់សេវាទាំងនេះទេ។",
    ),
    "gap": (
        "Nothing offers {service} in person in the child's area.",
        "គ្មានអ្នកផ្ដល់{service}ដោយផ្ទាល់នៅក្នុងតំបន់របស់កុមារទេ។",
    ),
    "alternatives": ("Others to consider", "ជម្រើសផ្សេងទៀត"),
    "filter_service": ("Service", "សេវា"),
    "all_needs": ("All the child's needs", "តម្រូវការទាំងអស់របស់កុមារ"),
    "show": ("Show", "បង្ហាញ"),
    "referred_ok": ("Referral sent to {name}.", "បានបញ្ជូនទៅ {name} រួចរាល់។"),
    "not_holder": (
        "Only the provider that holds the case now can refer it onward.",
        "មានតែអ្នកផ្ដល់សេវាដែលកំពុងកាន់ករណីនេះទេ ដែលអាចបញ្ជូនបន្តបាន។",
    ),
    "path": ("Path of the case", "ផ្លូវបញ្ជូនករណី"),
    "no_hops": ("Not referred yet.", "មិនទាន់បានបញ្ជូនទេ។"),
    "hop": ("Referral {n}", "ការបញ្ជូនលើកទី {n}"),
    "after": ("after {duration}", "ក្រោយ {duration}"),
    "due_at": ("due {when}", "កាលកំណត់ {when}"),
    "on_time": ("on time", "ទាន់ពេល"),
    "late": ("late", "យឺត"),
    "waiting_for": ("Waiting for {step}, due {when}", "កំពុងរង់ចាំ{step} កាលកំណត់ {when}"),
    "total_time": ("Closed after {duration}", "បានបិទក្រោយ {duration}"),
    "withheld": ("(withheld)", "(មិនបង្ហាញ)"),
    "reason": ("Reason", "មូលហេតុ"),
    "outcome": ("Outcome", "លទ្ធផល"),
    "status": ("Status", "ស្ថានភាព"),
    # --- inbox -------------------------------------------------------------------------
    "inbox_title": ("Waiting for {name}", "កំពុងរង់ចាំ {name}"),
    "inbox_intro": (
        "Oldest first. Red: past the deadline. Amber: less than a quarter of the time left.",
        "ចាស់ជាងគេនៅខាងលើ។ ក្រហម៖ ហួសកាលកំណត់។ ទឹកក្រូច៖ នៅសល់ពេលតិចជាងមួយភាគបួន។",
    ),
    "inbox_empty": ("Nothing is waiting.", "គ្មានការបញ្ជូនកំពុងរង់ចាំទេ។"),
    "time_left": ("{duration} left", "នៅសល់ {duration}"),
    "overdue_by": ("Overdue by {duration}", "ហួសកាលកំណត់ {duration}"),
    "contact_made": ("Contact made", "បានទំនាក់ទំនងរួច"),
    "from": ("From", "ពី"),
    "sent_at": ("Sent {when}", "បានផ្ញើនៅ {when}"),
    "act_acknowledge": ("Acknowledge", "ទទួលស្គាល់"),
    "act_accept": ("Accept", "ទទួលយក"),
    "act_decline": ("Decline", "បដិសេធ"),
    "act_start": ("First contact made", "បានជួបលើកដំបូង"),
    "act_hold": ("Put on hold", "ផ្អាក"),
    "act_resume": ("Resume", "បន្ត"),
    "act_complete": ("Complete", "បញ្ចប់"),
    "act_fail": ("Could not complete", "មិនអាចបញ្ចប់បាន"),
    "act_cancel": ("Cancel the referral", "លុបចោលការបញ្ជូន"),
    "act_refer_onward": ("Refer onward", "បញ្ជូនបន្ត"),
    "decline_reason": ("Reason for declining", "មូលហេតុនៃការបដិសេធ"),
    "fail_reason": ("Why it could not be completed", "មូលហេតុដែលមិនអាចបញ្ចប់បាន"),
    "cancel_reason": ("Reason for cancelling", "មូលហេតុនៃការលុបចោល"),
    "step_saved": ("Saved: {status}.", "បានរក្សាទុក៖ {status}។"),
    "err_conflict": (
        "Someone changed this referral first; this is where it stands now.",
        "មាននរណាម្នាក់បានកែប្រែការបញ្ជូននេះមុនអ្នក។ នេះជាស្ថានភាពបច្ចុប្បន្នរបស់វា។",
    ),
    "err_reason": ("Give a reason.", "សូមផ្ដល់មូលហេតុ។"),
    "err_outcome": ("Describe the outcome.", "សូមរៀបរាប់អំពីលទ្ធផល។"),
    "err_generic": ("That did not work: {detail}", "មិនបានសម្រេចទេ៖ {detail}"),
    "observer_note": (
        "You oversee this inbox; only its own staff take the steps.",
        "អ្នកត្រួតពិនិត្យប្រអប់ទទួលនេះ។ មានតែបុគ្គលិករបស់វាទេដែលអាចអនុវត្តជំហាននានា។",
    ),
    "other_inboxes": ("Inboxes you oversee", "ប្រអប់ទទួលដែលអ្នកត្រួតពិនិត្យ"),
    "more_actions": ("More", "ផ្សេងទៀត"),
    # --- dashboard -----------------------------------------------------------------------
    "dashboard_title": ("Coordination: {area}", "ការសម្របសម្រួល៖ {area}"),
    "whole_country": ("Cambodia", "កម្ពុជា"),
    "overdue": ("Overdue handoffs", "ការបញ្ជូនហួសកាលកំណត់"),
    "due_soon": ("Due in the next 24 hours", "ដល់កាលកំណត់ក្នុងរយៈពេល ២៤ ម៉ោងខាងមុខ"),
    "none": ("None.", "គ្មាន។"),
    "waiting_on": ("waiting on {name}", "កំពុងរង់ចាំ {name}"),
    "delays": ("Time taken at each step, last 90 days", "រយៈពេលនៃជំហាននីមួយៗ ៩០ ថ្ងៃចុងក្រោយ"),
    "delays_note": (
        "Median time from the moment of referral; below it, the share within the deadline.",
        "រយៈពេលមេដ្យានគិតពីពេលបញ្ជូន។ នៅខាងក្រោម៖ ភាគរយដែលទាន់កាលកំណត់។",
    ),
    "all_providers": ("All providers", "អ្នកផ្ដល់សេវាទាំងអស់"),
    "monthly_report": (
        "Monthly network-meeting report",
        "របាយការណ៍សម្រាប់កិច្ចប្រជុំបណ្ដាញប្រចាំខែ",
    ),
    "month": ("Month (YYYY-MM)", "ខែ (ឆ្នាំ-ខែ)"),
    "area": ("Area code", "លេខកូដតំបន់"),
    "open_report": ("Open the report", "បើករបាយការណ៍"),
    "view_path": ("Path of case {code}", "ផ្លូវបញ្ជូនករណី {code}"),
    "no_data": ("No referrals in this period.", "គ្មានការបញ្ជូនក្នុងរយៈពេលនេះទេ។"),
    "provider": ("Provider", "អ្នកផ្ដល់សេវា"),
    "referrals": ("Referrals", "ការបញ្ជូន"),
    "chart_title": ("Median time per step", "រយៈពេលមេដ្យាននៃជំហាននីមួយៗ"),
    "legend_acknowledge": ("Acknowledge", "ទទួលស្គាល់"),
    "legend_decide": ("Decide", "សម្រេចចិត្ត"),
    "legend_first_contact": ("First contact", "ជួបលើកដំបូង"),
    # --- directory -------------------------------------------------------------------------
    "directory_title": ("Providers in {area}", "អ្នកផ្ដល់សេវានៅ {area}"),
    "directory_note": (
        "Read only here; the directory is changed through the API or a spreadsheet import.",
        "នៅទីនេះអាចមើលបានតែប៉ុណ្ណោះ។ បញ្ជីនេះត្រូវកែប្រែតាមរយៈ API ឬការនាំចូលសៀវភៅបញ្ជី។",
    ),
    "services": ("Services", "សេវា"),
    # --- administration ----------------------------------------------------------------
    "admin_providers": ("Providers", "អ្នកផ្ដល់សេវា"),
    "admin_users": ("Accounts", "គណនីអ្នកប្រើ"),
    "admin_new_provider": ("New provider", "បន្ថែមអ្នកផ្ដល់សេវាថ្មី"),
    "admin_edit_provider": ("Edit a provider", "កែប្រែអ្នកផ្ដល់សេវា"),
    "admin_search": ("Search by name or id", "ស្វែងរកតាមឈ្មោះ ឬលេខសម្គាល់"),
    "inactive": ("Inactive", "មិនសកម្ម"),
    "admin_deactivated": ("Deactivated.", "បានបិទដំណើរការ។"),
    "admin_saved": ("Saved.", "បានរក្សាទុក។"),
    "admin_pathway_added": ("Pathway added.", "បានបន្ថែមផ្លូវបញ្ជូន។"),
    "admin_provider": ("The provider", "អ្នកផ្ដល់សេវា"),
    "admin_name": ("Name (English)", "ឈ្មោះ (ភាសាអង់គ្លេស)"),
    "admin_name_km": ("Name in Khmer", "ឈ្មោះជាភាសាខ្មែរ"),
    "admin_kind": ("Kind", "ប្រភេទ"),
    "admin_area_code": (
        "Area code where it is located (2 to 8 digits)",
        "លេខកូដតំបន់ដែលស្ថិតនៅ (២ ដល់ ៨ ខ្ទង់)",
    ),
    "admin_contact": ("Contact (optional)", "ទំនាក់ទំនង (ស្រេចចិត្ត)"),
    "admin_modes": ("How the services are given", "របៀបផ្ដល់សេវា"),
    "admin_who": ("Who it serves", "អ្នកដែលអាចទទួលសេវា"),
    "admin_min_age": ("Youngest age served", "អាយុតិចបំផុតដែលទទួលសេវា"),
    "admin_max_age": ("Oldest age served", "អាយុច្រើនបំផុតដែលទទួលសេវា"),
    "admin_genders": (
        "Genders served (none ticked: all)",
        "ភេទដែលទទួលសេវា (បើមិនគូស៖ គ្រប់ភេទ)",
    ),
    "admin_lgbtiq": ("LGBTIQ-affirming", "គាំទ្រ LGBTIQ"),
    "admin_languages": ("Languages spoken", "ភាសាដែលប្រើ"),
    "admin_capacity_hours": ("Capacity and hours", "សមត្ថភាព និងម៉ោងធ្វើការ"),
    "admin_capacity": (
        "Children it can take per week (optional)",
        "ចំនួនកុមារដែលអាចទទួលបានក្នុងមួយសប្ដាហ៍ (ស្រេចចិត្ត)",
    ),
    "admin_always_open": ("Open 24 hours, 7 days a week", "បើក ២៤ ម៉ោង ៧ ថ្ងៃក្នុងមួយសប្ដាហ៍"),
    "admin_save": ("Save", "រក្សាទុក"),
    "admin_deactivate_note": (
        "Its referrals stay on record; it is no longer recommended.",
        "ការបញ្ជូនរបស់វានៅតែត្រូវបានរក្សាទុក ប៉ុន្តែវានឹងលែងត្រូវបានណែនាំទៀតហើយ។",
    ),
    "admin_deactivate": ("Deactivate", "បិទដំណើរការ"),
    "admin_pathways": ("Pathways", "ផ្លូវបញ្ជូន"),
    "admin_refers_to": ("Refers to", "បញ្ជូនទៅ"),
    "admin_referred_from": ("Receives referrals from", "ទទួលការបញ្ជូនពី"),
    "admin_add_pathway": ("Add a pathway", "បន្ថែមផ្លូវបញ្ជូន"),
    "admin_to_provider": ("Receiving provider (id)", "អ្នកផ្ដល់សេវាដែលទទួល (លេខសម្គាល់)"),
    "admin_new_user": ("New account", "គណនីថ្មី"),
    "admin_role": ("Role", "តួនាទី"),
    "admin_user_provider": (
        "Provider id (CCWC, provider, supervisor)",
        "លេខសម្គាល់អ្នកផ្ដល់សេវា (គ.ក.ន.ក អ្នកផ្ដល់សេវា អ្នកត្រួតពិនិត្យ)",
    ),
    "admin_user_area": (
        "Area code (coordinator; KH for the whole country)",
        "លេខកូដតំបន់ (អ្នកសម្របសម្រួល; KH សម្រាប់ទូទាំងប្រទេស)",
    ),
    "admin_create_user": ("Create the account", "បង្កើតគណនី"),
    "admin_accounts": ("Accounts", "គណនី"),
    "admin_user_created": ("Account created.", "បានបង្កើតគណនី។"),
    "err_number": ("A whole number.", "ត្រូវជាចំនួនគត់។"),
    "err_area": ("Not a known area code.", "មិនមែនជាលេខកូដតំបន់ដែលស្គាល់ទេ។"),
    "err_pick_one": ("Tick at least one.", "សូមគូសយ៉ាងហោចណាស់មួយ។"),
    "err_changed": (
        "Someone changed this provider first; this is how it stands now.",
        "មាននរណាម្នាក់បានកែប្រែអ្នកផ្ដល់សេវានេះមុនអ្នក។ នេះជាព័ត៌មានបច្ចុប្បន្នរបស់វា។",
    ),
    "err_no_provider": ("No provider has this id.", "គ្មានអ្នកផ្ដល់សេវាដែលមានលេខសម្គាល់នេះទេ។"),
    "err_not_offered": (
        "The receiving provider does not offer this service.",
        "អ្នកផ្ដល់សេវាដែលទទួល មិនផ្ដល់សេវានេះទេ។",
    ),
    "err_password": ("At least 10 characters.", "យ៉ាងហោចណាស់ ១០ តួអក្សរ។"),
    "err_password_weak": (
        "Too common or easy to guess, or it contains the username: choose another.",
        "ងាយទាយពេក ឬប្រើញឹកញាប់ពេក ឬមានឈ្មោះអ្នកប្រើនៅក្នុងនោះ៖ សូមជ្រើសរើសមួយផ្សេងទៀត។",
    ),
    "err_needs_provider": ("This role needs a provider.", "តួនាទីនេះត្រូវភ្ជាប់ជាមួយអ្នកផ្ដល់សេវា។"),
    "err_needs_area": ("A coordinator needs an area.", "អ្នកសម្របសម្រួលត្រូវមានតំបន់។"),
    "err_taken": ("This username is taken.", "ឈ្មោះអ្នកប្រើនេះមានគេប្រើរួចហើយ។"),
    # --- network and coverage ------------------------------------------------------------
    "nav_network": ("Network", "បណ្ដាញ"),
    "nav_coverage": ("Coverage", "ការគ្របដណ្ដប់សេវា"),
    "network_title": ("Network in {area}", "បណ្ដាញនៅ {area}"),
    "network_intro": (
        "Providers located in the area and the pathways among them, coloured by the median"
        " time of the chosen step (last 90 days). Dashed: referrals made without an agreed"
        " pathway.",
        "អ្នកផ្ដល់សេវាដែលស្ថិតនៅក្នុងតំបន់ និងផ្លូវបញ្ជូនរវាងពួកគេ ដាក់ពណ៌តាមរយៈពេលមេដ្យាន"
        "នៃជំហានដែលបានជ្រើសរើស (៩០ ថ្ងៃចុងក្រោយ)។ ខ្សែដាច់ៗ៖ ការបញ្ជូនដែលគ្មានផ្លូវបញ្ជូន"
        "បានព្រមព្រៀង។",
    ),
    "network_step": ("Colour by the step", "ដាក់ពណ៌តាមជំហាន"),
    "network_legend": ("Colours", "ពណ៌"),
    "band_ok": ("Fast", "លឿន"),
    "band_soon": ("Slow", "យឺតបន្តិច"),
    "band_late": ("Too slow", "យឺតពេក"),
    "band_none": ("Not measured", "មិនទាន់បានវាស់"),
    "network_truncated": (
        "Only the first {n} providers are drawn.",
        "បង្ហាញតែអ្នកផ្ដល់សេវា {n} ដំបូងប៉ុណ្ណោះ។",
    ),
    "network_graph_label": (
        "Graph of {nodes} providers and {edges} links; the table below lists every link.",
        "ក្រាហ្វនៃអ្នកផ្ដល់សេវា {nodes} និងតំណភ្ជាប់ {edges}។ តារាងខាងក្រោមរាយតំណភ្ជាប់ទាំងអស់។",
    ),
    "network_edges": ("Links", "តំណភ្ជាប់"),
    "network_to": ("To", "ទៅ"),
    "network_median": ("Median time", "រយៈពេលមេដ្យាន"),
    "network_no_pathway": ("no agreed pathway", "គ្មានផ្លូវបញ្ជូនបានព្រមព្រៀង"),
    "network_providers": ("{n} providers in the area.", "អ្នកផ្ដល់សេវា {n} នៅក្នុងតំបន់។"),
    "coverage_title": ("Coverage gaps in {area}", "ចន្លោះខ្វះខាតសេវានៅ {area}"),
    "coverage_intro": (
        "For each commune, how a child living there reaches each key service.",
        "សម្រាប់ឃុំ/សង្កាត់នីមួយៗ៖ របៀបដែលកុមាររស់នៅទីនោះអាចទទួលបានសេវាសំខាន់ៗនីមួយៗ។",
    ),
    "reach_in_person": ("In person", "ដោយផ្ទាល់"),
    "reach_phone": ("By phone", "តាមទូរស័ព្ទ"),
    "reach_online": ("Online", "តាមអនឡាញ"),
    "reach_none": ("None", "គ្មាន"),
    "coverage_gaps": (
        "{n} commune and service pairs with no way to reach the service.",
        "ឃុំ/សង្កាត់ និងសេវាចំនួន {n} គូ ដែលគ្មានមធ្យោបាយទទួលបានសេវា។",
    ),
    "commune": ("Commune", "ឃុំ/សង្កាត់"),
    # --- errors --------------------------------------------------------------------------
    "error_title": ("Something went wrong", "មានបញ្ហាកើតឡើង"),
    "not_found": (
        "Not found, or not yours to see.",
        "រកមិនឃើញ ឬអ្នកមិនមានសិទ្ធិមើល។",
    ),
    "forbidden": ("Your account may not do this.", "គណនីរបស់អ្នកមិនមានសិទ្ធិធ្វើការនេះទេ។"),
    "back_home": ("Back to the start page", "ត្រឡប់ទៅទំព័រដើម"),
    # --- capacity building (issue 10): api/web/capacity.py, api/web/people.py ------------
    "nav_capacity": ("Capacity", "សមត្ថភាព"),
    "nav_people": ("Our people", "បុគ្គលិករបស់យើង"),
    "nav_awareness": ("Awareness", "ការលើកកម្ពស់ការយល់ដឹង"),
    "cap_title": ("Capacity in {area}", "សមត្ថភាពនៅ {area}"),
    "cap_intro": (
        "Who is trained in what, whose refresher or coaching is overdue, and how many people"
        " awareness sessions reached.",
        "អ្នកណាបានទទួលការបណ្ដុះបណ្ដាលអ្វីខ្លះ អ្នកណាដល់ពេលវគ្គរំលឹក ឬហួសពេលបង្ហាត់បង្ហាញ"
        " និងចំនួនមនុស្សដែលវគ្គលើកកម្ពស់ការយល់ដឹងបានទៅដល់។",
    ),
    "cap_as_of": (
        "As of {day}. A refresher falls due {days} days before a competency lapses;"
        " people should be coached every {interval} days.",
        "គិតត្រឹម {day}។ វគ្គរំលឹកត្រូវធ្វើ {days} ថ្ងៃមុនពេលសមត្ថភាពផុតសុពលភាព។"
        " បុគ្គលគួរទទួលការបង្ហាត់បង្ហាញរៀងរាល់ {interval} ថ្ងៃម្ដង។",
    ),
    "cap_up": ("Up to {area}", "ត្រឡប់ទៅ {area}"),
    "cap_overview": ("Overview", "ទិដ្ឋភាពទូទៅ"),
    "cap_area": ("Area", "តំបន់"),
    "cap_people": ("Active people", "បុគ្គលសកម្ម"),
    "cap_trained": ("Trained", "បានបណ្ដុះបណ្ដាល"),
    "cap_refreshers_due": ("Refresh\u00aders due", "វគ្គរំលឹកត្រូវធ្វើ"),
    "cap_coaching_overdue": ("Coaching overdue", "ហួសពេលបង្ហាត់បង្ហាញ"),
    "cap_valid": ("Valid", "មានសុពលភាព"),
    "cap_expiring": ("Expiring", "ជិតផុតសុពលភាព"),
    "cap_lapsed": ("Lapsed", "ផុតសុពលភាព"),
    "cap_refresher_due": ("Refresher due", "ដល់ពេលវគ្គរំលឹក"),
    "cap_total": ("Total", "សរុប"),
    "cap_overview_note": (
        "Trained: active people holding at least one valid competency. Refreshers due:"
        " competencies expiring or lapsed, all topics together. Tap a number for the names.",
        "បានបណ្ដុះបណ្ដាល៖ បុគ្គលសកម្មដែលមានសមត្ថភាពមានសុពលភាពយ៉ាងហោចណាស់មួយ។"
        " វគ្គរំលឹកត្រូវធ្វើ៖ សមត្ថភាពដែលជិតផុត ឬផុតសុពលភាព គ្រប់ប្រធានបទរួមគ្នា។"
        " ចុចលើលេខដើម្បីមើលឈ្មោះ។",
    ),
    "cap_topic_note": (
        "Active people by the state of their competency in {topic}. Refresher due: expiring"
        " or lapsed. Tap a number for the names.",
        "បុគ្គលសកម្មតាមស្ថានភាពសមត្ថភាពរបស់ពួកគេផ្នែក {topic}។ ដល់ពេលវគ្គរំលឹក៖"
        " ជិតផុត ឬផុតសុពលភាព។ ចុចលើលេខដើម្បីមើលឈ្មោះ។",
    ),
    "cap_lists": ("Lists", "បញ្ជី"),
    "cap_list_refresher": ("Everyone whose refresher is due", "អ្នកដែលដល់ពេលវគ្គរំលឹកទាំងអស់"),
    "cap_list_trained": ("Who is trained in what", "អ្នកណាបានបណ្ដុះបណ្ដាលអ្វីខ្លះ"),
    "cap_list_coaching": ("Whose coaching is overdue", "អ្នកដែលហួសពេលបង្ហាត់បង្ហាញ"),
    "aw_summary": ("Awareness sessions in {month}", "វគ្គលើកកម្ពស់ការយល់ដឹងក្នុងខែ {month}"),
    "aw_totals": (
        "{sessions} sessions reached {people} people (counts only, no names).",
        "វគ្គចំនួន {sessions} បានទៅដល់មនុស្ស {people} នាក់ (មានតែចំនួន គ្មានឈ្មោះ)។",
    ),
    "aw_none": (
        "No awareness sessions were recorded in this area that month.",
        "គ្មានវគ្គលើកកម្ពស់ការយល់ដឹងត្រូវបានកត់ត្រានៅក្នុងតំបន់នេះក្នុងខែនោះទេ។",
    ),
    "aw_age_group": ("Age group", "ក្រុមអាយុ"),
    "aw_by_age_gender": ("People reached by age group and gender", "អ្នកចូលរួមតាមក្រុមអាយុ និងភេទ"),
    "aw_by_area": ("Sessions and people reached by area", "វគ្គ និងអ្នកចូលរួមតាមតំបន់"),
    "aw_sessions": ("Sessions", "វគ្គ"),
    "aw_reached": ("People reached", "អ្នកចូលរួម"),
    "age_under_12": ("Under 12", "ក្រោម ១២ ឆ្នាំ"),
    "age_12_17": ("12–17", "១២–១៧ ឆ្នាំ"),
    "age_18_24": ("18–24", "១៨–២៤ ឆ្នាំ"),
    "age_25_plus": ("25 and over", "២៥ ឆ្នាំឡើងទៅ"),
    "at_violence_against_children": ("Violence against children", "អំពើហិង្សាលើកុមារ"),
    "at_gbv": ("Gender-based violence", "អំពើហិង្សាផ្អែកលើយេនឌ័រ"),
    "at_mental_health": ("Mental health", "សុខភាពផ្លូវចិត្ត"),
    "at_positive_parenting": ("Positive parenting", "ការចិញ្ចឹមបីបាច់កូនបែបវិជ្ជមាន"),
    "at_child_rights": ("Child rights", "សិទ្ធិកុមារ"),
    "at_online_safety": ("Online safety", "សុវត្ថិភាពតាមអនឡាញ"),
    "at_where_to_get_help": ("Where to get help", "កន្លែងស្វែងរកជំនួយ"),
    "tt_psychological_first_aid": ("Psychological first aid", "ការសង្គ្រោះបឋមផ្លូវចិត្ត"),
    "tt_child_protection_basics": ("Child protection basics", "មូលដ្ឋានគ្រឹះកិច្ចការពារកុមារ"),
    "tt_mental_health_basics": ("Mental health basics", "មូលដ្ឋានគ្រឹះសុខភាពផ្លូវចិត្ត"),
    "tt_gbv": ("Gender-based violence", "អំពើហិង្សាផ្អែកលើយេនឌ័រ"),
    "tt_supporting_children_affected_by_violence": (
        "Supporting children affected by violence",
        "ការគាំទ្រកុមាររងផលប៉ះពាល់ពីអំពើហិង្សា",
    ),
    "tt_counselling_skills": ("Counselling skills", "ជំនាញប្រឹក្សា"),
    "tt_facilitation": ("Facilitation", "ការសម្របសម្រួល"),
    "pr_vhsg_volunteer": ("VHSG volunteer", "អ្នកស្ម័គ្រចិត្តក្រុមគាំទ្រសុខភាពភូមិ"),
    "pr_ccwc_member": ("CCWC member", "សមាជិក គ.ក.ន.ក"),
    "pr_health_staff": ("Health staff", "បុគ្គលិកសុខាភិបាល"),
    "pr_teacher": ("Teacher", "គ្រូបង្រៀន"),
    "pr_counsellor": ("Counsellor", "អ្នកប្រឹក្សា"),
    "pr_social_worker": ("Social worker", "បុគ្គលិកសង្គមកិច្ច"),
    "pr_clinical_supervisor": ("Clinical supervisor", "អ្នកត្រួតពិនិត្យផ្នែកគ្លីនិក"),
    "pr_trainer": ("Trainer", "គ្រូបណ្ដុះបណ្ដាល"),
    "pr_other": ("Other", "ផ្សេងទៀត"),
    "comp_title": ("Who is trained in what: {area}", "អ្នកណាបានបណ្ដុះបណ្ដាលអ្វីខ្លះ៖ {area}"),
    "comp_topic": ("Topic", "ប្រធានបទ"),
    "comp_all_topics": ("All topics", "គ្រប់ប្រធានបទ"),
    "comp_all": ("All", "ទាំងអស់"),
    "comp_count": ("{n} competencies match.", "សមត្ថភាព {n} ត្រូវនឹងលក្ខខណ្ឌ។"),
    "comp_showing": ("Showing {first}–{last}.", "បង្ហាញ {first}–{last}។"),
    "comp_none": ("Nobody matches.", "គ្មាននរណាម្នាក់ត្រូវនឹងលក្ខខណ្ឌនេះទេ។"),
    "comp_valid_until": ("valid until {day}", "មានសុពលភាពរហូតដល់ {day}"),
    "comp_lapsed_since": ("lapsed after {day}", "ផុតសុពលភាពក្រោយ {day}"),
    "comp_days_left": ("{n} days left", "នៅសល់ {n} ថ្ងៃ"),
    "comp_trained_on": ("trained {day}", "បានបណ្ដុះបណ្ដាល {day}"),
    "prev_page": ("Previous", "មុន"),
    "next_page": ("Next", "បន្ទាប់"),
    "co_title": ("Coaching overdue: {area}", "ហួសពេលបង្ហាត់បង្ហាញ៖ {area}"),
    "co_intro": (
        "Trained, active people not coached within {days} days (counted from their last"
        " coaching, or from their first training if never coached); longest overdue first.",
        "បុគ្គលសកម្មដែលបានបណ្ដុះបណ្ដាល តែមិនបានទទួលការបង្ហាត់បង្ហាញក្នុងរយៈពេល {days} ថ្ងៃ"
        " (គិតពីការបង្ហាត់បង្ហាញចុងក្រោយ ឬពីការបណ្ដុះបណ្ដាលដំបូង បើមិនដែលទទួល)។"
        " អ្នកហួសយូរជាងគេនៅខាងលើ។",
    ),
    "co_count": ("{n} people.", "{n} នាក់។"),
    "co_last": ("last coached {day}", "បានបង្ហាត់បង្ហាញចុងក្រោយ {day}"),
    "co_never": ("never coached", "មិនដែលបានបង្ហាត់បង្ហាញ"),
    "co_due": ("due {day}", "កាលកំណត់ {day}"),
    "co_days_overdue": ("{n} days overdue", "ហួស {n} ថ្ងៃ"),
    "co_record": ("Record coaching", "កត់ត្រាការបង្ហាត់បង្ហាញ"),
    "coach_title": ("Record coaching", "កត់ត្រាការបង្ហាត់បង្ហាញ"),
    "coach_intro": (
        "Coaching or mentoring of one person by another, face to face, by phone or online.",
        "ការបង្ហាត់បង្ហាញ ឬការណែនាំបុគ្គលម្នាក់ដោយម្នាក់ទៀត ដោយផ្ទាល់ តាមទូរស័ព្ទ ឬតាមអនឡាញ។",
    ),
    "coach_person": ("Who was coached", "អ្នកដែលបានទទួលការបង្ហាត់បង្ហាញ"),
    "coach_coach": ("Coach", "អ្នកបង្ហាត់បង្ហាញ"),
    "coach_date": ("Date", "កាលបរិច្ឆេទ"),
    "coach_mode": ("How", "របៀប"),
    "coach_note": (
        "Short note (optional; no case details)",
        "កំណត់ចំណាំខ្លី (ស្រេចចិត្ត គ្មានព័ត៌មានករណី)",
    ),
    "coach_save": ("Save the coaching", "រក្សាទុកការបង្ហាត់បង្ហាញ"),
    "coach_saved": ("Coaching recorded.", "បានកត់ត្រាការបង្ហាត់បង្ហាញ។"),
    "coach_recent": ("Coaching recorded lately", "ការបង្ហាត់បង្ហាញដែលបានកត់ត្រាថ្មីៗ"),
    "coach_by": ("coached by {coach}", "បង្ហាត់បង្ហាញដោយ {coach}"),
    "people_title": ("People of {name}", "បុគ្គលិករបស់ {name}"),
    "people_intro": (
        "Staff and volunteers: what each is trained in, and when their refresher and"
        " coaching are due.",
        "បុគ្គលិក និងអ្នកស្ម័គ្រចិត្ត៖ អ្វីដែលម្នាក់ៗបានបណ្ដុះបណ្ដាល និងពេលដែលត្រូវធ្វើវគ្គរំលឹក និងទទួលការបង្ហាត់បង្ហាញ។",
    ),
    "people_count": ("{n} people", "{n} នាក់"),
    "people_none": ("Nobody is on record yet.", "មិនទាន់មាននរណាម្នាក់ក្នុងបញ្ជីទេ។"),
    "people_not_trained": ("No training on record.", "មិនទាន់មានការបណ្ដុះបណ្ដាលក្នុងបញ្ជីទេ។"),
    "people_coaching_due": ("Coaching due {day}", "ដល់ពេលបង្ហាត់បង្ហាញ {day}"),
    "people_add": ("Add a person", "បន្ថែមបុគ្គល"),
    "people_name": ("Name", "ឈ្មោះ"),
    "people_role": ("Role", "តួនាទី"),
    "people_gender": ("Gender (optional)", "ភេទ (ស្រេចចិត្ត)"),
    "people_contact": (
        "Phone or other contact (optional)",
        "លេខទូរស័ព្ទ ឬទំនាក់ទំនងផ្សេងទៀត (ស្រេចចិត្ត)",
    ),
    "people_save": ("Add the person", "បន្ថែមបុគ្គលនេះ"),
    "people_added": ("Person added.", "បានបន្ថែមបុគ្គល។"),
    "people_deactivate": ("Deactivate", "បិទដំណើរការ"),
    "people_reactivate": ("Reactivate", "ដំណើរការឡើងវិញ"),
    "people_deactivated": (
        "Deactivated; their trainings stay on record.",
        "បានបិទដំណើរការ។ ការបណ្ដុះបណ្ដាលរបស់ពួកគេនៅតែត្រូវបានរក្សាទុក។",
    ),
    "people_reactivated": ("Reactivated.", "បានដំណើរការឡើងវិញ។"),
    "aw_title": ("Awareness sessions of {name}", "វគ្គលើកកម្ពស់ការយល់ដឹងរបស់ {name}"),
    "aw_record": ("Record an awareness session", "កត់ត្រាវគ្គលើកកម្ពស់ការយល់ដឹង"),
    "aw_date": ("Date held", "កាលបរិច្ឆេទរៀបចំ"),
    "aw_place": ("Village or commune", "ភូមិ ឬឃុំ/សង្កាត់"),
    "aw_place_code": (
        "Village or commune code (8 or 6 digits)",
        "លេខកូដភូមិ ឬឃុំ/សង្កាត់ (៨ ឬ ៦ ខ្ទង់)",
    ),
    "aw_whole_commune": ("{name}: the whole commune", "{name}៖ ទូទាំងឃុំ/សង្កាត់"),
    "aw_topic": ("Topic", "ប្រធានបទ"),
    "aw_facilitator": ("Who ran it (optional)", "អ្នកសម្របសម្រួល (ស្រេចចិត្ត)"),
    "aw_participants": (
        "How many came, by age group and gender",
        "ចំនួនអ្នកចូលរួម តាមក្រុមអាយុ និងភេទ",
    ),
    "aw_save": ("Save the session", "រក្សាទុកវគ្គ"),
    "aw_saved": ("Session recorded.", "បានកត់ត្រាវគ្គ។"),
    "aw_list": ("Sessions recorded", "វគ្គដែលបានកត់ត្រា"),
    "aw_people_n": ("{n} people", "{n} នាក់"),
    "err_date": ("A date (YYYY-MM-DD).", "កាលបរិច្ឆេទ (ឆ្នាំ-ខែ-ថ្ងៃ)។"),
    "err_future": ("Not a day in the future.", "មិនអាចជាថ្ងៃអនាគតទេ។"),
    "err_month": ("A month as YYYY-MM.", "ខែជាទម្រង់ ឆ្នាំ-ខែ។"),
    "err_place": (
        "A village or commune code of your area.",
        "លេខកូដភូមិ ឬឃុំ/សង្កាត់នៅក្នុងតំបន់របស់អ្នក។",
    ),
    "err_count": ("A whole number from 0 to 100000.", "ចំនួនគត់ពី ០ ដល់ ១០០០០០។"),
    "err_no_participants": ("Count at least one person.", "សូមរាប់យ៉ាងហោចណាស់ម្នាក់។"),
    "err_no_person": ("Choose a person on record.", "សូមជ្រើសរើសបុគ្គលដែលមានក្នុងបញ្ជី។"),
    "err_same_person": (
        "A person cannot coach themself.",
        "មនុស្សម្នាក់មិនអាចបង្ហាត់បង្ហាញខ្លួនឯងបានទេ។",
    ),
    "err_too_long": ("Too long.", "វែងពេក។"),
    "err_person_changed": (
        "Someone changed this person first; this is how it stands now.",
        "មាននរណាម្នាក់បានកែប្រែព័ត៌មានបុគ្គលនេះមុនអ្នក។ នេះជាព័ត៌មានបច្ចុប្បន្ន។",
    ),
    # --- training sessions and attendance (issue 10): api/web/trainings.py ----------------
    "nav_trainings": ("Trainings", "វគ្គបណ្ដុះបណ្ដាល"),
    "trn_title": ("Training sessions", "វគ្គបណ្ដុះបណ្ដាល"),
    "trn_intro": (
        "Trainings and refreshers of the programme, newest first. A completed training"
        " counts as a competency from the session's last day.",
        "វគ្គបណ្ដុះបណ្ដាល និងវគ្គរំលឹករបស់កម្មវិធី ថ្មីបំផុតនៅខាងលើ។ ការបណ្ដុះបណ្ដាលដែលបានបញ្ចប់"
        " ត្រូវរាប់ជាសមត្ថភាពចាប់ពីថ្ងៃចុងក្រោយនៃវគ្គ។",
    ),
    "trn_where_filter": ("Held in (area code)", "រៀបចំនៅ (លេខកូដតំបន់)"),
    "trn_count": ("{n} sessions.", "វគ្គចំនួន {n}។"),
    "trn_none": ("No training session matches.", "គ្មានវគ្គបណ្ដុះបណ្ដាលត្រូវនឹងលក្ខខណ្ឌនេះទេ។"),
    "trn_attended_n": (
        "{n} attended, {done} completed",
        "ចូលរួម {n} នាក់ បានបញ្ចប់ {done} នាក់",
    ),
    "trn_refresher_tag": ("Refresher", "វគ្គរំលឹក"),
    "trn_new": ("Record a training session", "កត់ត្រាវគ្គបណ្ដុះបណ្ដាល"),
    "trn_starts": ("First day", "ថ្ងៃចាប់ផ្ដើម"),
    "trn_ends": ("Last day (empty: a one-day session)", "ថ្ងៃបញ្ចប់ (ទុកទទេ៖ វគ្គមួយថ្ងៃ)"),
    "trn_mode": ("How it was held", "របៀបរៀបចំ"),
    "trn_area": ("Where it was held: area code", "ទីកន្លែងរៀបចំ៖ លេខកូដតំបន់"),
    "trn_area_hint": (
        "A province, district, commune or village code; required in person.",
        "លេខកូដខេត្ត ស្រុក ឃុំ/សង្កាត់ ឬភូមិ ត្រូវតែបំពេញ បើរៀបចំដោយផ្ទាល់។",
    ),
    "trn_area_own": ("In your area: {area}.", "នៅក្នុងតំបន់របស់អ្នក៖ {area}។"),
    "trn_venue": ("Venue (optional)", "ទីកន្លែង (ស្រេចចិត្ត)"),
    "trn_trainer": ("Trainer", "គ្រូបណ្ដុះបណ្ដាល"),
    "trn_refresher": ("This is a refresher", "នេះជាវគ្គរំលឹក"),
    "trn_save": ("Save the session", "រក្សាទុកវគ្គ"),
    "trn_created": (
        "Session recorded. Now record who attended.",
        "បានកត់ត្រាវគ្គ។ ឥឡូវសូមកត់ត្រាអ្នកដែលបានចូលរួម។",
    ),
    "trn_session_title": ("Training: {topic}", "វគ្គបណ្ដុះបណ្ដាល៖ {topic}"),
    "trn_dates": ("Dates", "កាលបរិច្ឆេទ"),
    "trn_days": ("{first} to {last}", "ពី {first} ដល់ {last}"),
    "trn_where": ("Where", "ទីកន្លែង"),
    "trn_kind": ("Kind", "ប្រភេទ"),
    "trn_first_training": ("First training", "ការបណ្ដុះបណ្ដាលលើកដំបូង"),
    "trn_attendance": ("Who attended", "អ្នកដែលបានចូលរួម"),
    "trn_person": ("Person", "បុគ្គល"),
    "trn_completed": ("Completed", "បានបញ្ចប់"),
    "trn_yes": ("Yes", "បាទ/ចាស"),
    "trn_no": ("No", "ទេ"),
    "trn_nobody_yet": ("Nobody is recorded yet.", "មិនទាន់មាននរណាម្នាក់ត្រូវបានកត់ត្រាទេ។"),
    "trn_record": ("Record attendance", "កត់ត្រាវត្តមាន"),
    "trn_record_intro": (
        "Tick who attended, and whether each completed the training. People already"
        " recorded are left as they are.",
        "សូមគូសអ្នកដែលបានចូលរួម និងថាម្នាក់ៗបានបញ្ចប់ការបណ្ដុះបណ្ដាលឬទេ។ អ្នកដែលបានកត់ត្រារួចហើយ នឹងនៅដដែល។",
    ),
    "trn_completes_from": (
        "Completion can be recorded from {day}, the session's last day.",
        "អាចកត់ត្រាការបញ្ចប់បានចាប់ពី {day} ដែលជាថ្ងៃចុងក្រោយនៃវគ្គ។",
    ),
    "trn_people_area": (
        "People of providers located in (area code)",
        "បុគ្គលនៃអ្នកផ្ដល់សេវាដែលមានទីតាំងនៅ (លេខកូដតំបន់)",
    ),
    "trn_people_in": ("People of providers in {area}", "បុគ្គលនៃអ្នកផ្ដល់សេវានៅ {area}"),
    "trn_people_pick_area": (
        "Type an area code to list the people of the providers located there.",
        "សូមវាយលេខកូដតំបន់ ដើម្បីបង្ហាញបុគ្គលនៃអ្នកផ្ដល់សេវាដែលមានទីតាំងនៅទីនោះ។",
    ),
    "trn_nobody_to_add": (
        "Nobody else on record in this area.",
        "គ្មាននរណាម្នាក់ផ្សេងទៀតក្នុងបញ្ជីនៅតំបន់នេះទេ។",
    ),
    "trn_attended": ("{name} attended", "{name} បានចូលរួម"),
    "trn_save_attendance": ("Save attendance", "រក្សាទុកវត្តមាន"),
    "trn_recorded": (
        "Attendance recorded: {new} new, {already} already on record.",
        "បានកត់ត្រាវត្តមាន៖ ថ្មី {new} នាក់ មានក្នុងបញ្ជីរួចហើយ {already} នាក់។",
    ),
    "err_ends_before": ("Not before the first day.", "មិនអាចមុនថ្ងៃចាប់ផ្ដើមទេ។"),
    "err_outside_area": ("Outside your area.", "នៅក្រៅតំបន់របស់អ្នក។"),
    "err_area_in_person": (
        "Required for a session held in person.",
        "ត្រូវតែបំពេញ សម្រាប់វគ្គដែលរៀបចំដោយផ្ទាល់។",
    ),
    "err_not_ended": (
        "The session ends on {day}: completion can be recorded from that day.",
        "វគ្គនេះបញ្ចប់នៅ {day}៖ អាចកត់ត្រាការបញ្ចប់បានចាប់ពីថ្ងៃនោះ។",
    ),
    "imp_title": ("Import an attendance sheet", "នាំចូលបញ្ជីវត្តមាន"),
    "imp_intro": (
        "A CSV or XLSX file, one row per person at one session. It is checked first and"
        " nothing is written; then you write it. Every row is written, or none.",
        "ឯកសារ CSV ឬ XLSX មួយជួរដេកសម្រាប់បុគ្គលម្នាក់នៅវគ្គមួយ។ ឯកសារត្រូវបានពិនិត្យជាមុន"
        " ហើយគ្មានអ្វីត្រូវបានរក្សាទុកទេ បន្ទាប់មកអ្នករក្សាទុកវា។ ជួរដេកទាំងអស់ត្រូវបានរក្សាទុក ឬគ្មានមួយសោះ។",
    ),
    "imp_columns": ("Columns", "ជួរឈរ"),
    "imp_columns_hint": (
        "The session: session_id, or topic, starts_on, trainer (and ends_on, mode,"
        " area_code, venue, refresher). The person: person_id, or provider_id and name"
        " (and role, gender, contact). Then completed (true or false).",
        "វគ្គ៖ session_id ឬ topic, starts_on, trainer (និង ends_on, mode, area_code, venue,"
        " refresher)។ បុគ្គល៖ person_id ឬ provider_id និង name (និង role, gender, contact)។"
        " បន្ទាប់មក completed (true ឬ false)។",
    ),
    "imp_file": (
        "Attendance sheet (CSV or XLSX, up to {kb} KB)",
        "បញ្ជីវត្តមាន (CSV ឬ XLSX រហូតដល់ {kb} KB)",
    ),
    "imp_check": ("Check the sheet", "ពិនិត្យបញ្ជី"),
    "imp_file_name": ("File: {name}", "ឯកសារ៖ {name}"),
    "imp_errors": (
        "Errors in the sheet: {n}. Nothing was written: correct the sheet and check it again.",
        "កំហុសនៅក្នុងបញ្ជី៖ {n}។ គ្មានអ្វីត្រូវបានរក្សាទុកទេ៖ សូមកែបញ្ជី ហើយពិនិត្យម្ដងទៀត។",
    ),
    "imp_errors_caption": ("Errors by row", "កំហុសតាមជួរដេក"),
    "imp_more_errors": ("And {n} more.", "និង {n} ទៀត។"),
    "imp_row": ("Row", "ជួរដេក"),
    "imp_column": ("Column", "ជួរឈរ"),
    "imp_reason": ("Reason", "មូលហេតុ"),
    "imp_reason_note": (
        "Reasons are in English, as the sheet checks word them.",
        "មូលហេតុត្រូវបានសរសេរជាភាសាអង់គ្លេស តាមការពិនិត្យបញ្ជី។",
    ),
    "imp_ok": (
        "Rows checked: {rows}, no errors. Writing the sheet will record:",
        "បានពិនិត្យ {rows} ជួរដេក គ្មានកំហុស។ ការរក្សាទុកបញ្ជីនឹងកត់ត្រា៖",
    ),
    "imp_sessions_new": ("New training sessions: {n}", "វគ្គបណ្ដុះបណ្ដាលថ្មី៖ {n}"),
    "imp_people_new": ("New people: {n}", "បុគ្គលថ្មី៖ {n} នាក់"),
    "imp_attendance_new": ("New attendance records: {n}", "កំណត់ត្រាវត្តមានថ្មី៖ {n}"),
    "imp_attendance_existing": (
        "Already on record (left as they are): {n}",
        "មានក្នុងបញ្ជីរួចហើយ (នៅដដែល)៖ {n}",
    ),
    "imp_write": ("Write it", "រក្សាទុក"),
    "imp_choose_again": (
        "The file is too large to keep on this page: choose it again to write it.",
        "ឯកសារធំពេកមិនអាចរក្សាទុកនៅលើទំព័រនេះបានទេ៖ សូមជ្រើសរើសវាម្ដងទៀតដើម្បីរក្សាទុក។",
    ),
    "imp_written": (
        "Written. New sessions: {sessions}; new people: {people}; new attendance records:"
        " {new}; already on record: {existing}.",
        "បានរក្សាទុក។ វគ្គថ្មី៖ {sessions}; បុគ្គលថ្មី៖ {people}; កំណត់ត្រាវត្តមានថ្មី៖ {new};"
        " មានក្នុងបញ្ជីរួចហើយ៖ {existing}។",
    ),
    "err_file_required": ("Choose a file.", "សូមជ្រើសរើសឯកសារ។"),
    "err_sheet": (
        "Not a readable sheet: a CSV file (UTF-8) or an XLSX workbook, with a header row.",
        "មិនមែនជាបញ្ជីដែលអាចអានបានទេ៖ ត្រូវជាឯកសារ CSV (UTF-8) ឬ XLSX ដែលមានជួរក្បាល។",
    ),
}

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

WEEKDAYS: dict[Lang, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "km": ("ច័ន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ"),
}

_TABLES: dict[str, dict[str, tuple[str, str]]] = {
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
}


def as_lang(value: str | None) -> Lang:
    return "km" if value == "km" else "en"


def _pick(entry: tuple[str, str], lang: Lang) -> str:
    return entry[1] if lang == "km" and entry[1] else entry[0]


def t(key: str, lang: Lang, **values: object) -> str:
    """Message ``key`` in ``lang``; ``{name}`` fields filled from ``values`` (numbers in
    Khmer digits on a Khmer page)."""
    text = _pick(MESSAGES[key], lang)
    if not values:
        return text
    return text.format(**{k: num(v, lang) for k, v in values.items()})


def label(table: str, code: str, lang: Lang) -> str:
    """The name of a vocabulary code (``service``, ``risk``, ``status`` …); the code
    itself when unknown."""
    entry = _TABLES[table].get(code)
    return code if entry is None else _pick(entry, lang)


def num(value: object, lang: Lang) -> str:
    """Integers and floats in the page's digits; other values as they are."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = str(value) if isinstance(value, int) else f"{value:.1f}".removesuffix(".0")
    return khmer_digits(text) if lang == "km" else text


def digits(text: str, lang: Lang) -> str:
    return khmer_digits(text) if lang == "km" else text


def duration(seconds: float, lang: Lang) -> str:
    """A length of time a person reads at a glance: '2 d 3 h', '3 h 20 min', '45 min'."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    unit = {"d": ("d", "ថ្ងៃ"), "h": ("h", "ម៉ោង"), "min": ("min", "នាទី")}
    parts: list[tuple[int, str]] = []
    if days:
        parts = [(days, "d"), (hours, "h")]
    elif hours:
        parts = [(hours, "h"), (mins, "min")]
    else:
        parts = [(max(mins, 1), "min")]
    shown = [f"{num(n, lang)} {_pick(unit[u], lang)}" for n, u in parts if n]
    return " ".join(shown)


def when(moment: datetime, lang: Lang, tz: str) -> str:
    """A local date and time: 'Tue 3 Mar, 14:05' / 'អង្គារ ៣ មីនា ១៤:០៥'."""
    local = moment.astimezone(ZoneInfo(tz))
    day = WEEKDAYS[lang][local.weekday()]
    month = MONTHS[lang][local.month - 1]
    if lang == "km":
        return f"{day} {num(local.day, lang)} {month} {digits(local.strftime('%H:%M'), lang)}"
    return f"{day} {local.day} {month[:3]}, {local.strftime('%H:%M')}"

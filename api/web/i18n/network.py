"""Words of a coordinator's and an administrator's pages: the dashboard, the directory,
administration (``api/web/admin.py``), the network graph and coverage
(``api/web/network.py``)."""

from __future__ import annotations

NETWORK: dict[str, tuple[str, str]] = {
    # --- dashboard -----------------------------------------------------------------------
    "dashboard_title": ("Coordination: {area}", "ការសម្របសម្រួល៖ {area}"),
    "whole_country": ("Cambodia", "កម្ពុជា"),
    "overdue": ("Overdue handoffs", "ការបញ្ជូនហួសកាលកំណត់"),
    "due_soon": ("Due in the next 24 hours", "ដល់កាលកំណត់ក្នុងរយៈពេល ២៤ ម៉ោងខាងមុខ"),
    "none": ("None.", "គ្មាន។"),
    "waiting_on": ("waiting on {name}", "កំពុងរង់ចាំ {name}"),
    "delays": ("Time taken at each step, last 90 days", "រយៈពេលនៃជំហាននីមួយៗ ៩០ ថ្ងៃចុងក្រោយ"),
    "delays_note": (
        "Median time from the moment of referral to each step, over the referrals that"
        " reached first contact, so that the three steps can be compared; below it, the"
        " share of all referrals that met the step's deadline.",
        "រយៈពេលមេដ្យានគិតពីពេលបញ្ជូនដល់ជំហាននីមួយៗ លើការបញ្ជូនដែលបានដល់ការជួបលើកដំបូង"
        " ដើម្បីអាចប្រៀបធៀបជំហានទាំងបីបាន។ នៅខាងក្រោម៖ ភាគរយនៃការបញ្ជូនទាំងអស់ដែលទាន់"
        "កាលកំណត់នៃជំហាននោះ។",
    ),
    "chart_reached": (
        "({n} of {of} reached first contact)",
        "({n} ក្នុងចំណោម {of} បានដល់ការជួបលើកដំបូង)",
    ),
    "chart_reached_short": ("{n} reached first contact", "{n} បានដល់ការជួបលើកដំបូង"),
    "flows_title": ("Who refers to whom, {month}", "អ្នកណាបញ្ជូនទៅអ្នកណា {month}"),
    "flows_note": (
        "Referrals made this month in the area, by kind of provider, with the median time"
        " from referral to first contact.",
        "ការបញ្ជូនដែលបានធ្វើក្នុងខែនេះនៅក្នុងតំបន់ តាមប្រភេទអ្នកផ្ដល់សេវា"
        " ជាមួយរយៈពេលមេដ្យានគិតពីពេលបញ្ជូនដល់ការជួបលើកដំបូង។",
    ),
    "flows_caption": (
        "Senders on the left, receivers on the right; each band as thick as its share of"
        " the referrals. The table below gives the figures.",
        "អ្នកបញ្ជូននៅខាងឆ្វេង អ្នកទទួលនៅខាងស្ដាំ។ ខ្សែនីមួយៗក្រាស់តាមចំណែកនៃការបញ្ជូន។ តារាងខាងក្រោមផ្ដល់តួលេខ។",
    ),
    "flows_from": ("Referred by", "បញ្ជូនដោយ"),
    "flows_to": ("Referred to", "បញ្ជូនទៅ"),
    "flows_median": ("Median time to first contact", "រយៈពេលមេដ្យានដល់ការជួបលើកដំបូង"),
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
        "Providers located in the area, grouped by district and commune, and the pathways"
        " among them with the median time of the chosen step (last 90 days). Tap a provider"
        " or a link for its details.",
        "អ្នកផ្ដល់សេវាដែលស្ថិតនៅក្នុងតំបន់ ដាក់ជាក្រុមតាមស្រុក និងឃុំ/សង្កាត់ និងផ្លូវបញ្ជូនរវាងពួកគេ"
        " ជាមួយរយៈពេលមេដ្យាននៃជំហានដែលបានជ្រើសរើស (៩០ ថ្ងៃចុងក្រោយ)។"
        " ចុចលើអ្នកផ្ដល់សេវា ឬតំណភ្ជាប់ ដើម្បីមើលព័ត៌មានលម្អិត។",
    ),
    "network_district": ("District", "ស្រុក"),
    "network_all_districts": ("All districts", "គ្រប់ស្រុក"),
    "network_service": ("Service", "សេវា"),
    "network_all_services": ("All services", "គ្រប់សេវា"),
    "network_summary": (
        "{n} providers, {links} links; {slow} slow links, {bottlenecks} bottlenecks.",
        "អ្នកផ្ដល់សេវា {n} តំណភ្ជាប់ {links}។ តំណភ្ជាប់យឺត {slow} ចំណុចកកស្ទះ {bottlenecks}។",
    ),
    "network_slow": ("Slow link", "តំណភ្ជាប់យឺត"),
    "network_slow_key": (
        "Slow link: the median handoff missed the step's deadline (thick line, marked !)",
        "តំណភ្ជាប់យឺត៖ ការបញ្ជូនមេដ្យានហួសកាលកំណត់នៃជំហាន (ខ្សែក្រាស់ មានសញ្ញា !)",
    ),
    "network_slow_why": (
        "fewer than half of its handoffs met the deadline to {step}.",
        "ការបញ្ជូនតិចជាងពាក់កណ្ដាលបានទាន់កាលកំណត់នៃជំហាន {step}។",
    ),
    "network_bottleneck": ("Bottleneck", "ចំណុចកកស្ទះ"),
    "network_bottleneck_key": (
        "Bottleneck (▲): {n} or more open handoffs past their deadline, or as many open"
        " as it can take in a week",
        "ចំណុចកកស្ទះ (▲)៖ ការបញ្ជូនដែលកំពុងរង់ចាំហួសកាលកំណត់ចាប់ពី {n} ឡើងទៅ"
        " ឬចំនួនកំពុងរង់ចាំស្មើនឹងចំនួនដែលអាចទទួលបានក្នុងមួយសប្ដាហ៍",
    ),
    "network_bottleneck_why": (
        "handoffs pile up here: too many past their deadline, or as many waiting as it can"
        " take in a week.",
        "ការបញ្ជូនកកស្ទះនៅទីនេះ៖ ហួសកាលកំណត់ច្រើនពេក ឬចំនួនកំពុងរង់ចាំស្មើនឹងចំនួនដែលអាចទទួលបានក្នុងមួយសប្ដាហ៍។",
    ),
    "network_open_short": ("{n} open", "{n} កំពុងរង់ចាំ"),
    "network_open": ("Open handoffs", "ការបញ្ជូនកំពុងរង់ចាំ"),
    "network_overdue": ("Past their deadline", "ហួសកាលកំណត់"),
    "network_overdue_n": ("{n} past deadline", "{n} ហួសកាលកំណត់"),
    "network_capacity": (
        "Children it can take per week",
        "ចំនួនកុមារដែលអាចទទួលបានក្នុងមួយសប្ដាហ៍",
    ),
    "network_details": ("Network details", "ព័ត៌មានលម្អិតនៃបណ្ដាញ"),
    "network_delay_of": ("Median time: to {step}.", "រយៈពេលមេដ្យាន៖ ដល់ជំហាន {step}។"),
    "network_step_col": ("Step", "ជំហាន"),
    "network_within": ("Within the deadline", "ទាន់កាលកំណត់"),
    "network_back": ("Back to the network", "ត្រឡប់ទៅបណ្ដាញវិញ"),
    "network_close": ("Close", "បិទ"),
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
    "network_edges": ("Links", "តំណភ្ជាប់"),
    "network_to": ("To", "ទៅ"),
    "network_median": ("Median time", "រយៈពេលមេដ្យាន"),
    "network_no_pathway": ("no agreed pathway", "គ្មានផ្លូវបញ្ជូនបានព្រមព្រៀង"),
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
        "{n} commune and service pairs that no suitable way reaches (in person, or by "
        "phone for a service given by phone).",
        "ឃុំ/សង្កាត់ និងសេវាចំនួន {n} គូ ដែលគ្មានមធ្យោបាយសមស្របទទួលបានសេវា "
        "(ដោយផ្ទាល់ ឬតាមទូរស័ព្ទសម្រាប់សេវាតាមទូរស័ព្ទ)។",
    ),
    "commune": ("Commune", "ឃុំ/សង្កាត់"),
}

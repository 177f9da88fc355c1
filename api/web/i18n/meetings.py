"""Words of network meetings (``api/web/meetings.py``, ``api/web/actions.py``) and of
the monthly report's page in the app: creating a meeting, editing its agenda, recording
attendance and actions, closing it, the meeting pack, and the actions a provider owns.

Khmer as elsewhere in the app: កិច្ចប្រជុំ for a meeting, របៀបវារៈ for an agenda,
សកម្មភាព for an action, អ្នកទទួលខុសត្រូវ for its owner."""

from __future__ import annotations

MEETINGS: dict[str, tuple[str, str]] = {
    # --- the report page -------------------------------------------------------------------
    "report_title": ("Monthly report", "របាយការណ៍ប្រចាំខែ"),
    "back": ("Back", "ត្រឡប់ក្រោយ"),
    "download_csv": ("Download as CSV (a spreadsheet)", "ទាញយកជា CSV (សៀវភៅបញ្ជី)"),
    "print_hint": (
        "Print it from the browser menu: it fits A4 paper.",
        "បោះពុម្ពពីម៉ឺនុយកម្មវិធីរុករក៖ វាសមនឹងក្រដាស A4។",
    ),
}

MEETINGS.update(
    {
        "nav_meetings": ("Meetings", "កិច្ចប្រជុំ"),
        "nav_actions": ("Actions", "សកម្មភាព"),
        # --- the list and opening a meeting -------------------------------------------------
        "mt_title": ("Network meetings", "កិច្ចប្រជុំបណ្ដាញ"),
        "mt_intro": (
            "Each meeting's agenda is built from the referral network: overdue handoffs, "
            "children left waiting, bottlenecks, gaps, training due, and the actions still "
            "open.",
            "របៀបវារៈនៃកិច្ចប្រជុំនីមួយៗ ត្រូវបានរៀបចំចេញពីបណ្ដាញបញ្ជូន៖ ការបញ្ជូនហួសកាលកំណត់ "
            "កុមារកំពុងរង់ចាំ ចំណុចកកស្ទះ ចន្លោះខ្វះខាត ការបណ្ដុះបណ្ដាលដល់ពេល "
            "និងសកម្មភាពដែលមិនទាន់បញ្ចប់។",
        ),
        "mt_next": ("Open the next meeting", "បើកកិច្ចប្រជុំបន្ទាប់"),
        "mt_next_hint": (
            "One tap opens today's meeting of an area with its agenda.",
            "ចុចម្ដងដើម្បីបើកកិច្ចប្រជុំថ្ងៃនេះនៃតំបន់មួយ ជាមួយរបៀបវារៈរបស់វា។",
        ),
        "mt_province_of": ("{area} province", "ខេត្ត{area}"),
        "mt_other": ("Another day, level or place", "ថ្ងៃ កម្រិត ឬទីកន្លែងផ្សេង"),
        "mt_level": ("Meeting", "កិច្ចប្រជុំ"),
        "mt_level_usual": ("The area's usual meeting", "កិច្ចប្រជុំធម្មតារបស់តំបន់"),
        "mt_level_commune": ("Commune network meeting", "កិច្ចប្រជុំបណ្ដាញឃុំ"),
        "mt_level_district": ("District meeting", "កិច្ចប្រជុំស្រុក"),
        "mt_level_province": ("Provincial meeting", "កិច្ចប្រជុំខេត្ត"),
        "mt_level_technical": (
            "Technical meeting with the health department",
            "កិច្ចប្រជុំបច្ចេកទេសជាមួយមន្ទីរសុខាភិបាល",
        ),
        "mt_day": ("Day of the meeting", "ថ្ងៃប្រជុំ"),
        "mt_place": ("Place", "ទីកន្លែង"),
        "mt_chair": ("Chaired by", "ដឹកនាំដោយ"),
        "mt_online": ("Held online (or partly)", "ធ្វើតាមអនឡាញ (ឬមួយផ្នែក)"),
        "mt_open": ("Open the meeting", "បើកកិច្ចប្រជុំ"),
        "mt_list": ("Meetings of your area", "កិច្ចប្រជុំនៃតំបន់របស់អ្នក"),
        "mt_status_planned": ("planned", "បានគ្រោងទុក"),
        "mt_status_closed": ("held", "បានប្រជុំរួច"),
        "mt_err_level": (
            "This kind of meeting is not held for that area.",
            "កិច្ចប្រជុំប្រភេទនេះ មិនត្រូវបានធ្វើសម្រាប់តំបន់នោះទេ។",
        ),
        # --- one meeting -------------------------------------------------------------------
        "mt_meeting": ("Meeting", "កិច្ចប្រជុំ"),
        "mt_agenda": ("Agenda", "របៀបវារៈ"),
        "mt_attendance": ("Who came", "អ្នកចូលរួម"),
        "mt_pack": ("Meeting pack", "ឯកសារកិច្ចប្រជុំ"),
        "mt_agenda_hint": (
            "Found in the network since the last meeting. Move items up or down, drop what "
            "the meeting will not take, add your own; record what is agreed on each item.",
            "បានរកឃើញក្នុងបណ្ដាញតាំងពីកិច្ចប្រជុំចុងក្រោយ។ ផ្លាស់ទីចំណុចឡើងលើ ឬចុះក្រោម "
            "ដកចេញនូវអ្វីដែលកិច្ចប្រជុំនឹងមិនពិភាក្សា បន្ថែមចំណុចរបស់អ្នក "
            "ហើយកត់ត្រាអ្វីដែលបានឯកភាពលើចំណុចនីមួយៗ។",
        ),
        "mt_refresh": ("Rebuild from the network now", "រៀបចំឡើងវិញពីបណ្ដាញឥឡូវនេះ"),
        "mt_due": ("due {day}", "កាលកំណត់ {day}"),
        "mt_op_up": ("↑ Up", "↑ ឡើង"),
        "mt_op_down": ("↓ Down", "↓ ចុះ"),
        "mt_op_drop": ("Off the agenda", "ដកចេញពីរបៀបវារៈ"),
        "mt_op_item": ("item {n}", "ចំណុចទី {n}"),
        "mt_record_action": ("Record an action", "កត់ត្រាសកម្មភាព"),
        "mt_action_text": ("What was agreed", "អ្វីដែលបានឯកភាព"),
        "mt_action_owner": ("Who does it", "អ្នកទទួលខុសត្រូវ"),
        "mt_action_due": ("By when", "ត្រឹមថ្ងៃណា"),
        "mt_action_pathway": (
            "This agrees the pathway (an administrator adds it to the directory)",
            "នេះឯកភាពលើផ្លូវបញ្ជូន (អ្នកគ្រប់គ្រងប្រព័ន្ធបញ្ចូលវាទៅក្នុងបញ្ជី)",
        ),
        "mt_save_action": ("Save the action", "រក្សាទុកសកម្មភាព"),
        "mt_add_item": ("Add an item of your own", "បន្ថែមចំណុចរបស់អ្នក"),
        "mt_add": ("Add", "បន្ថែម"),
        "mt_dropped": ("Dropped items ({n})", "ចំណុចដែលបានដកចេញ ({n})"),
        "mt_restore": ("Put back", "ដាក់វិញ"),
        "mt_who_came": ("Tick the providers who came", "គូសអ្នកផ្ដល់សេវាដែលបានមក"),
        "mt_save_attendance": ("Save who came", "រក្សាទុកអ្នកចូលរួម"),
        "mt_close": ("Close the meeting", "បិទកិច្ចប្រជុំ"),
        "mt_close_hint": (
            "Once closed, the agenda, attendance and actions are the meeting's record; open "
            "actions come back on the next agenda until done or dropped.",
            "ពេលបិទហើយ របៀបវារៈ អ្នកចូលរួម និងសកម្មភាព ក្លាយជាកំណត់ត្រានៃកិច្ចប្រជុំ។ "
            "សកម្មភាពមិនទាន់បញ្ចប់ នឹងត្រឡប់មកក្នុងរបៀបវារៈបន្ទាប់ រហូតដល់បានធ្វើរួច ឬបោះបង់។",
        ),
        "mt_done_opened": (
            "The meeting is open, with its agenda from the network.",
            "កិច្ចប្រជុំត្រូវបានបើក ជាមួយរបៀបវារៈពីបណ្ដាញ។",
        ),
        "mt_done_refreshed": (
            "The agenda was rebuilt; your order, drops and items are kept.",
            "របៀបវារៈត្រូវបានរៀបចំឡើងវិញ ដោយរក្សាលំដាប់ ការដកចេញ និងចំណុចរបស់អ្នក។",
        ),
        "mt_done_agenda": ("The agenda is saved.", "របៀបវារៈត្រូវបានរក្សាទុក។"),
        "mt_done_action": ("The action is recorded.", "សកម្មភាពត្រូវបានកត់ត្រា។"),
        "mt_done_status": ("The action is updated.", "សកម្មភាពត្រូវបានធ្វើបច្ចុប្បន្នភាព។"),
        "mt_done_attendance": ("Attendance is saved.", "អ្នកចូលរួមត្រូវបានរក្សាទុក។"),
        "mt_done_closed": ("The meeting is closed.", "កិច្ចប្រជុំត្រូវបានបិទ។"),
        "mt_err_changed": (
            "Someone changed this meeting meanwhile; here it is as it is now.",
            "មាននរណាម្នាក់បានកែប្រែកិច្ចប្រជុំនេះក្នុងពេលនេះ។ នេះជាស្ថានភាពបច្ចុប្បន្ន។",
        ),
        "mt_err_due": (
            "A day on or after the meeting.",
            "ថ្ងៃនៃកិច្ចប្រជុំ ឬក្រោយនោះ។",
        ),
        "mt_err_pathway": (
            "That pathway cannot be agreed (it exists, or the receiver does not offer the "
            "service).",
            "មិនអាចឯកភាពលើផ្លូវបញ្ជូននោះបានទេ (វាមានរួចហើយ ឬអ្នកទទួលមិនផ្ដល់សេវានោះ)។",
        ),
        "mt_err_closed": (
            "The meeting is closed; record it at the next one.",
            "កិច្ចប្រជុំត្រូវបានបិទ សូមកត់ត្រានៅកិច្ចប្រជុំបន្ទាប់។",
        ),
        # --- actions -------------------------------------------------------------------------
        "ma_title": ("Actions from meetings", "សកម្មភាពពីកិច្ចប្រជុំ"),
        "ma_intro": (
            "Actions network meetings agreed for your organisation. Report one done when it "
            "is; the next meeting hears about the rest.",
            "សកម្មភាពដែលកិច្ចប្រជុំបណ្ដាញបានឯកភាពសម្រាប់ស្ថាប័នរបស់អ្នក។ "
            "រាយការណ៍ថាបានធ្វើរួចនៅពេលធ្វើរួច កិច្ចប្រជុំបន្ទាប់នឹងពិនិត្យអ្វីដែលនៅសល់។",
        ),
        "ma_intro_coord": (
            "Open actions of your area's meetings, overdue first.",
            "សកម្មភាពមិនទាន់បញ្ចប់នៃកិច្ចប្រជុំក្នុងតំបន់របស់អ្នក ដែលហួសកាលកំណត់មុនគេ។",
        ),
        "ma_intro_admin": (
            "Pathways meetings agreed, waiting for you to add them to the directory.",
            "ផ្លូវបញ្ជូនដែលកិច្ចប្រជុំបានឯកភាព កំពុងរង់ចាំអ្នកបញ្ចូលទៅក្នុងបញ្ជី។",
        ),
        "ma_follow_up": ("Follow up", "តាមដាន"),
        "ma_done": ("Done", "បានធ្វើរួច"),
        "ma_keep": ("Keep open, new date", "បន្តដោយកាលកំណត់ថ្មី"),
        "ma_new_due": ("New due day", "កាលកំណត់ថ្មី"),
        "ma_drop": ("Drop the action", "បោះបង់សកម្មភាព"),
        "ma_why": ("Why is it dropped?", "ហេតុអ្វីបោះបង់?"),
        "ma_agreed_on": ("agreed {day}", "បានឯកភាព {day}"),
        "ma_pathway": (
            "Agrees a pathway for {service}",
            "ឯកភាពលើផ្លូវបញ្ជូនសម្រាប់{service}",
        ),
        "ma_confirm": ("Add the pathway to the directory", "បញ្ចូលផ្លូវបញ្ជូនទៅក្នុងបញ្ជី"),
        "ma_none": ("Nothing waits on you.", "គ្មានអ្វីកំពុងរង់ចាំអ្នកទេ។"),
        "ma_status_open": ("open", "កំពុងដំណើរការ"),
        "ma_status_done": ("done", "បានធ្វើរួច"),
        "ma_status_dropped": ("dropped", "បានបោះបង់"),
        "ma_status_overdue": ("past due", "ហួសកាលកំណត់"),
        "ma_done_status": ("The action is updated.", "សកម្មភាពត្រូវបានធ្វើបច្ចុប្បន្នភាព។"),
        "ma_done_confirmed": (
            "The pathway is in the directory; routing offers it from now on.",
            "ផ្លូវបញ្ជូនមាននៅក្នុងបញ្ជីហើយ ប្រព័ន្ធនឹងណែនាំវាចាប់ពីពេលនេះ។",
        ),
    }
)

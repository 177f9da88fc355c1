"""Words of alerts to people: the menu's count, the inbox's banner, the alerts page
(``api/web/alerts.py``) and the notification settings page."""

from __future__ import annotations

ALERTS: dict[str, tuple[str, str]] = {
    # --- menu, banner ------------------------------------------------------------------
    "nav_alerts": ("Alerts", "ការជូនដំណឹង"),
    "nav_alerts_unseen": ("{n} not seen", "{n} មិនទាន់បានឃើញ"),
    "nav_notifications": ("Notification settings", "ការកំណត់ការជូនដំណឹង"),
    "banner_alerts": (
        "{n} alert(s) about your handoffs need your attention.",
        "មានការជូនដំណឹង {n} អំពីការបញ្ជូនរបស់អ្នក ដែលត្រូវការការយកចិត្តទុកដាក់។",
    ),
    "banner_see_all": ("See the alerts", "មើលការជូនដំណឹង"),
    # --- the alerts page ---------------------------------------------------------------
    "alerts_title": ("Alerts", "ការជូនដំណឹង"),
    "alerts_intro": (
        "Reminders and overdue handoffs that concern you, newest first. Mark one seen once"
        " you have acted on it.",
        "ការរំលឹក និងការបញ្ជូនហួសកាលកំណត់ដែលពាក់ព័ន្ធនឹងអ្នក ថ្មីបំផុតនៅខាងលើ។"
        " សូមសម្គាល់ថាបានឃើញ នៅពេលអ្នកបានចាត់វិធានការរួច។",
    ),
    "alerts_unseen_only": ("Not seen yet", "មិនទាន់បានឃើញ"),
    "alerts_all": ("All", "ទាំងអស់"),
    "alerts_empty": ("No alerts.", "គ្មានការជូនដំណឹងទេ។"),
    "alert_reminder": ("Reminder", "ការរំលឹក"),
    "alert_escalation": ("Overdue", "ហួសកាលកំណត់"),
    "alert_case": ("Case {code}", "ករណី {code}"),
    "alert_waits": (
        "{receiver}: {awaited} due {due}",
        "{receiver}៖ {awaited} កាលកំណត់ {due}",
    ),
    "alert_from": ("Referred by {sender}", "បញ្ជូនដោយ {sender}"),
    "alert_fired": ("Alert of {when}", "ការជូនដំណឹងនៅ {when}"),
    "alert_open_now": ("Open now and able to help: {names}", "បើកឥឡូវនេះ និងអាចជួយបាន៖ {names}"),
    "alert_mark_seen": ("Mark seen", "សម្គាល់ថាបានឃើញ"),
    "alert_seen_by_you": ("You saw it {when}", "អ្នកបានឃើញនៅ {when}"),
    "alert_seen_by": ("Seen by {names}", "បានឃើញដោយ {names}"),
    "alert_seen_ok": ("Marked seen.", "បានសម្គាល់ថាបានឃើញ។"),
    "alert_open_case": ("Open the case", "បើកករណី"),
    # --- notification settings ---------------------------------------------------------
    "ns_title": ("How you are told of alerts", "របៀបដែលអ្នកទទួលការជូនដំណឹង"),
    "ns_title_for": ("How {name} is told of alerts", "របៀបដែល {name} ទទួលការជូនដំណឹង"),
    "ns_intro": (
        "Alerts always show here in the app. Choose where else they reach you. Messages"
        " carry the case code and what to do, never a child's details.",
        "ការជូនដំណឹងតែងតែបង្ហាញនៅក្នុងកម្មវិធីនេះ។ សូមជ្រើសរើសកន្លែងផ្សេងទៀតដែលវាទៅដល់អ្នក។"
        " សារមានលេខកូដករណី និងអ្វីដែលត្រូវធ្វើ មិនដែលមានព័ត៌មានលម្អិតរបស់កុមារទេ។",
    ),
    "ns_channels": ("Also tell me by", "ប្រាប់ខ្ញុំតាមរយៈ"),
    "ns_email": ("E-mail", "អ៊ីមែល"),
    "ns_sms": ("SMS", "សារ SMS"),
    "ns_telegram": ("Telegram", "តេឡេក្រាម"),
    "ns_not_configured": (
        "(not set up on this server yet: nothing is sent)",
        "(មិនទាន់បានរៀបចំនៅលើម៉ាស៊ីនមេនេះទេ៖ គ្មានសារត្រូវបានផ្ញើទេ)",
    ),
    "ns_email_address": ("E-mail address", "អាសយដ្ឋានអ៊ីមែល"),
    "ns_phone": ("Phone number in international form (+855…)", "លេខទូរស័ព្ទ ទម្រង់អន្តរជាតិ (+855…)"),
    "ns_telegram_chat": (
        "Telegram chat id (the network's bot tells you)",
        "លេខសម្គាល់ការជជែកតេឡេក្រាម (បូតរបស់បណ្ដាញប្រាប់អ្នក)",
    ),
    "ns_language": ("Language of the messages", "ភាសានៃសារ"),
    "ns_quiet": (
        "Quiet hours (optional): no messages in these hours, except emergencies",
        "ម៉ោងស្ងាត់ (ស្រេចចិត្ត)៖ គ្មានសារក្នុងម៉ោងទាំងនេះទេ លើកលែងតែករណីបន្ទាន់",
    ),
    "ns_quiet_from": ("From", "ពី"),
    "ns_quiet_to": ("To", "ដល់"),
    "ns_working_time": (
        "Alerts of handoffs counted in working days arrive on working days between {hours},"
        " never on weekends or public holidays such as Khmer New Year.",
        "ការជូនដំណឹងនៃការបញ្ជូនដែលរាប់ជាថ្ងៃធ្វើការ មកដល់នៅថ្ងៃធ្វើការ ចន្លោះម៉ោង {hours}"
        " មិនដែលនៅចុងសប្ដាហ៍ ឬថ្ងៃឈប់សម្រាកដូចជាចូលឆ្នាំខ្មែរទេ។",
    ),
    "ns_save": ("Save", "រក្សាទុក"),
    "ns_saved": ("Saved.", "បានរក្សាទុក។"),
    "err_address_needed": (
        "Needed for the channel you chose.",
        "ត្រូវការសម្រាប់មធ្យោបាយដែលអ្នកបានជ្រើសរើស។",
    ),
    "admin_notifications": ("Notifications", "ការជូនដំណឹង"),
}

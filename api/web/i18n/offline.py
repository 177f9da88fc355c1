"""Words of the offline queue (issue 23 item 1, ``api/web/offline.py`` and
``api/static/web/offline.js``): steps made without a connection wait on the phone, are
sent when it returns, and a refusal or a conflict stays listed until dismissed.

Khmer keeps the catalogue's terms: អ៊ីនធឺណិត for the connection (as the "earlier"
form), ការបញ្ជូន for a referral, ជំហាន for a step.
"""

from __future__ import annotations

OFFLINE: dict[str, tuple[str, str]] = {
    "offline_queue_title": ("Made without a connection", "បានធ្វើនៅពេលគ្មានអ៊ីនធឺណិត"),
    "offline_no_connection": (
        "No connection. What you tap is kept on this phone and sent when the connection "
        "returns, with the time you tapped it.",
        "គ្មានអ៊ីនធឺណិត។ អ្វីដែលអ្នកចុច ត្រូវបានរក្សាទុកនៅលើទូរស័ព្ទនេះ "
        "ហើយនឹងផ្ញើនៅពេលមានអ៊ីនធឺណិតវិញ ជាមួយពេលវេលាដែលអ្នកបានចុច។",
    ),
    "offline_waiting": ("Waiting to send", "កំពុងរង់ចាំផ្ញើ"),
    "offline_sending": ("Sending…", "កំពុងផ្ញើ…"),
    "offline_sent": ("Sent", "បានផ្ញើ"),
    "offline_refused": ("Not recorded", "មិនបានកត់ត្រា"),
    "offline_tapped": ("tapped {when}", "បានចុចនៅ {when}"),
    "offline_dismiss": ("Dismiss", "បិទ"),
    "offline_saved_copy": (
        "No connection: this is the copy saved on this phone at {when}.",
        "គ្មានអ៊ីនធឺណិត៖ នេះជាច្បាប់ដែលបានរក្សាទុកនៅលើទូរស័ព្ទនេះនៅ {when}។",
    ),
    "offline_conflict": (
        "Not recorded: someone moved this referral first. {step} by {by}, {when}.",
        "មិនបានកត់ត្រា៖ មាននរណាម្នាក់បានកែប្រែការបញ្ជូននេះមុនអ្នក។ {step} ដោយ {by} នៅ {when}។",
    ),
    "offline_session_ended": (
        "Your session ended before the connection returned: steps made without a "
        "connection were not sent and were removed from this phone. Sign in and record "
        "them again.",
        "វគ្គរបស់អ្នកបានបញ្ចប់ មុនពេលមានអ៊ីនធឺណិតវិញ៖ ជំហានដែលបានធ្វើនៅពេលគ្មានអ៊ីនធឺណិត "
        "មិនត្រូវបានផ្ញើទេ ហើយត្រូវបានលុបចេញពីទូរស័ព្ទនេះ។ សូមចូល ហើយកត់ត្រាវាម្ដងទៀត។",
    ),
}

"""Words of the training-session pages (issue 10): the list, one session and its
attendance, and the import of an attendance sheet (``api/web/trainings*.py``)."""

from __future__ import annotations

TRAININGS: dict[str, tuple[str, str]] = {
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

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

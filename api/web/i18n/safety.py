"""Words of what keeps a child's record safe: what not to write in a free-text field,
and the page a write gets when the store cannot save (``api/web/__init__.py``)."""

from __future__ import annotations

SAFETY: dict[str, tuple[str, str]] = {
    # --- beside each free-text field about a child (referral_graph.domain.free_text) ---
    "hint_case_note": (
        "What the network needs to help the child: needs, risks, what was agreed. Never "
        "write a name, an address, a phone number or a date of birth (phone numbers and "
        "dates of birth are refused).",
        "អ្វីដែលបណ្ដាញត្រូវដឹងដើម្បីជួយកុមារ៖ តម្រូវការ ហានិភ័យ អ្វីដែលបានព្រមព្រៀង។ "
        "កុំសរសេរឈ្មោះ អាសយដ្ឋាន លេខទូរស័ព្ទ ឬថ្ងៃខែឆ្នាំកំណើត "
        "(លេខទូរស័ព្ទ និងថ្ងៃខែឆ្នាំកំណើតនឹងត្រូវបដិសេធ)។",
    ),
    "hint_contact_arrangement": (
        "How to reach the child or caregiver safely: the one place for contact details. "
        "Only your CCWC and the provider holding the case see it. Never the child's name.",
        "របៀបទាក់ទងកុមារ ឬអ្នកថែទាំដោយសុវត្ថិភាព៖ "
        "នេះជាកន្លែងតែមួយគត់សម្រាប់ព័ត៌មានទំនាក់ទំនង។ មានតែ គ.ក.ន.ក របស់អ្នក "
        "និងអ្នកផ្ដល់សេវាដែលកំពុងទទួលបន្ទុកករណីប៉ុណ្ណោះដែលឃើញ។ កុំសរសេរឈ្មោះកុមារ។",
    ),
    "hint_consent_recorded_by": (
        "Your role or staff code, never the name of the child or of the person consenting.",
        "តួនាទី ឬលេខកូដបុគ្គលិករបស់អ្នក កុំសរសេរឈ្មោះកុមារ ឬឈ្មោះអ្នកផ្ដល់ការយល់ព្រម។",
    ),
    "hint_referral_text": (
        "The receiver and everyone along the path read it: no names, phone numbers or "
        "dates of birth (they are refused).",
        "អ្នកទទួល និងអ្នកផ្ដល់សេវាតាមផ្លូវបញ្ជូនទាំងអស់អានវា៖ កុំសរសេរឈ្មោះ លេខទូរស័ព្ទ ឬថ្ងៃខែឆ្នាំកំណើត (នឹងត្រូវបដិសេធ)។",
    ),
    "hint_step_text": (
        "Both sides of the handoff read it: no names, phone numbers or dates of birth "
        "(they are refused).",
        "ភាគីទាំងពីរនៃការបញ្ជូនអានវា៖ កុំសរសេរឈ្មោះ លេខទូរស័ព្ទ ឬថ្ងៃខែឆ្នាំកំណើត (នឹងត្រូវបដិសេធ)។",
    ),
    "err_personal_details": (
        "Phone numbers and dates of birth may not be written here: reasons and notes go "
        "to every provider along the path. Contact details belong in the case's contact "
        "arrangement only.",
        "មិនអាចសរសេរលេខទូរស័ព្ទ ឬថ្ងៃខែឆ្នាំកំណើតនៅទីនេះបានទេ៖ មូលហេតុ និងកំណត់ចំណាំ "
        "ទៅដល់អ្នកផ្ដល់សេវាទាំងអស់តាមផ្លូវបញ្ជូន។ ព័ត៌មានទំនាក់ទំនងត្រូវសរសេរតែក្នុង "
        "«របៀបទាក់ទងដោយសុវត្ថិភាព» របស់ករណីប៉ុណ្ណោះ។",
    ),
    "err_unavailable": (
        "Nothing was saved: the system cannot save right now (its storage is full or out "
        "of reach). Reading still works; please try again in a few minutes.",
        "គ្មានអ្វីត្រូវបានរក្សាទុកទេ៖ ប្រព័ន្ធមិនអាចរក្សាទុកបានទេឥឡូវនេះ "
        "(កន្លែងផ្ទុកទិន្នន័យពេញ ឬមិនអាចភ្ជាប់បាន)។ ការអានទិន្នន័យនៅតែដំណើរការ។ "
        "សូមព្យាយាមម្ដងទៀតក្នុងរយៈពេលប៉ុន្មាននាទីទៀត។",
    ),
}

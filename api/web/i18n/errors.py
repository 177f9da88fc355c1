"""Words of error pages that name what went wrong, the expired-form recovery, and the
sign-out confirmation (issue 23)."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    "err_field": ("Not valid: {field}. {why}", "មិនត្រឹមត្រូវ៖ {field}។ {why}"),
    "why_required": ("It is required.", "ត្រូវតែបំពេញ។"),
    "why_number": ("It must be a whole number.", "ត្រូវតែជាចំនួនគត់។"),
    "why_too_long": ("It is too long.", "វែងពេក។"),
    "why_value": (
        "This value is not one the page accepts.",
        "តម្លៃនេះមិនមែនជាតម្លៃដែលទំព័រនេះទទួលយកទេ។",
    ),
    "field_unknown": ("a value in the address or the form", "តម្លៃមួយក្នុងអាសយដ្ឋាន ឬទម្រង់"),
    "field_provider_id": ("Provider", "អ្នកផ្ដល់សេវា"),
    "field_case_id": ("Case", "ករណី"),
    "field_referral_id": ("Referral", "ការបញ្ជូន"),
    "field_expected_version": (
        "the version of the record you saw",
        "កំណែនៃកំណត់ត្រាដែលអ្នកបានឃើញ",
    ),
    "field_page": ("Page", "ទំព័រ"),
    "form_refilled": (
        "This form had expired, so nothing was saved. Everything you typed is still "
        "here: check it and send it again.",
        "ទម្រង់នេះបានផុតកំណត់ ដូច្នេះគ្មានអ្វីត្រូវបានរក្សាទុកទេ។ អ្វីៗដែលអ្នកបានវាយនៅតែមាននៅទីនេះ៖ "
        "សូមពិនិត្យ ហើយផ្ញើម្ដងទៀត។",
    ),
    "sign_out_confirm": (
        "Sign out of the referral network on this device?",
        "ចាកចេញពីបណ្ដាញបញ្ជូនករណីនៅលើឧបករណ៍នេះឬ?",
    ),
}

"""Words of routing on the pages: "why not?" on a case (``api/web/why_not.py``), the
interpreters offered, and the coverage page's gaps and filters."""

from __future__ import annotations

ROUTING: dict[str, tuple[str, str]] = {
    # --- a case: who was left out, and why ----------------------------------------------
    "why_not_summary": (
        "{n} providers left out — why?",
        "អ្នកផ្ដល់សេវា {n} មិនត្រូវបានណែនាំ — ហេតុអ្វី?",
    ),
    "why_not_one": (
        "1 provider left out — why?",
        "អ្នកផ្ដល់សេវា ១ មិនត្រូវបានណែនាំ — ហេតុអ្វី?",
    ),
    "why_not_intro": (
        "Providers of the child's area or district that offer a needed service, and the "
        "first rule that left each out.",
        "អ្នកផ្ដល់សេវានៅក្នុងតំបន់ ឬស្រុករបស់កុមារ ដែលផ្ដល់សេវាដែលត្រូវការ និងច្បាប់ដំបូងដែលធ្វើឱ្យអ្នកនីមួយៗមិនត្រូវបានណែនាំ។",
    ),
    "interpreters_title": ("Who can interpret", "អ្នកដែលអាចបកប្រែបាន"),
    "gap_none": (
        "Nothing reaches the child for {service}.",
        "គ្មានអ្វីទៅដល់កុមារសម្រាប់{service}ទេ។",
    ),
    # --- people: the languages they speak --------------------------------------------
    "people_languages": ("Languages they speak", "ភាសាដែលគាត់និយាយ"),
    "people_speaks": ("Speaks", "និយាយ"),
    "people_interprets": (
        "Can interpret for others",
        "អាចបកប្រែឱ្យអ្នកដទៃ",
    ),
    # --- coverage: gaps first, with filters --------------------------------------------
    "coverage_gap_list": ("Gaps", "ចន្លោះខ្វះខាត"),
    "coverage_gap_none": (
        "No gaps for these filters.",
        "គ្មានចន្លោះខ្វះខាតសម្រាប់តម្រងទាំងនេះទេ។",
    ),
    "coverage_all": ("Every commune and service", "ឃុំ/សង្កាត់ និងសេវាទាំងអស់"),
    "coverage_district": ("District", "ស្រុក/ក្រុង"),
    "coverage_any_district": ("Every district", "គ្រប់ស្រុក/ក្រុង"),
    "coverage_any_service": ("Every key service", "សេវាសំខាន់ៗទាំងអស់"),
    "coverage_programme": ("Programme", "កម្មវិធី"),
    "coverage_programme_all": ("Inside and outside", "ទាំងក្នុង និងក្រៅ"),
    "coverage_programme_in": ("Inside the programme", "ក្នុងកម្មវិធី"),
    "coverage_programme_out": ("Outside the programme", "ក្រៅកម្មវិធី"),
    "coverage_outside": ("outside the programme", "ក្រៅកម្មវិធី"),
    "coverage_reach_only": ("only {reach}", "តែ{reach}ប៉ុណ្ណោះ"),
}

"""Words of what keeps a child's record safe: what not to write in a free-text field,
and the page a write gets when the store cannot save (``api/web/__init__.py``)."""

from __future__ import annotations

SAFETY: dict[str, tuple[str, str]] = {
    "err_unavailable": (
        "Nothing was saved: the system cannot save right now (its storage is full or out "
        "of reach). Reading still works; please try again in a few minutes.",
        "គ្មានអ្វីត្រូវបានរក្សាទុកទេ៖ ប្រព័ន្ធមិនអាចរក្សាទុកបានទេឥឡូវនេះ "
        "(កន្លែងផ្ទុកទិន្នន័យពេញ ឬមិនអាចភ្ជាប់បាន)។ ការអានទិន្នន័យនៅតែដំណើរការ។ "
        "សូមព្យាយាមម្ដងទៀតក្នុងរយៈពេលប៉ុន្មាននាទីទៀត។",
    ),
}

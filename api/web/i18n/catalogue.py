"""The web app's words, read from gettext catalogues a translator edits in Poedit or
Weblate.

``api/web/locale/km/LC_MESSAGES/messages.po`` holds every message: ``msgctxt`` is the
message id the code and templates use (``t("nav_cases")``), ``msgid`` the English,
``msgstr`` the Khmer; a vocabulary code the pages name has the context ``table:code``
(``kind:vhsg``). The ``.po`` is compiled with Babel to two ``.mo`` files beside it —
``km/LC_MESSAGES/messages.mo`` (the translations) and ``en/LC_MESSAGES/messages.mo``
(English from the msgids, so an untranslated message still has its words) — by ``make
catalogues`` (which ``make run`` and ``make test`` run first), and again at import
when a ``.mo`` is missing or older than its ``.po`` (written beside it when the folder
is writable, else kept in memory), so an edited catalogue is never served stale. The
``.mo`` files are build products and not committed.

A Khmer entry left empty or marked fuzzy is not compiled: the page shows the English.
"""

from __future__ import annotations

import io
import os
import tempfile
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"
#: The catalogue translators edit, the source of the compiled files.
SOURCE = LOCALE / "km" / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _source() -> Catalog:
    with SOURCE.open("rb") as po:
        return read_po(po, locale="km", domain=DOMAIN)


def _english(source: Catalog) -> Catalog:
    """The English catalogue: each message's msgid as its own translation."""
    english = Catalog(locale="en", domain=DOMAIN, fuzzy=False)
    for message in source:
        if message.id:
            english.add(message.id, message.id, context=message.context)
    return english


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def compile_catalogues() -> dict[str, bytes]:
    """Both ``.mo`` files made from the ``.po``, by language."""
    source = _source()
    return {"en": _mo_bytes(_english(source)), "km": _mo_bytes(source)}


def _write(path: Path, data: bytes) -> None:
    """Write atomically, so a process reading at the same time never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".messages-", suffix=".mo")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def build() -> list[Path]:
    """Compile the catalogues to their ``.mo`` files (``make catalogues``)."""
    written = []
    for lang, data in compile_catalogues().items():
        _write(compiled_path(lang), data)
        written.append(compiled_path(lang))
    return written


def _stale() -> bool:
    source_time = SOURCE.stat().st_mtime
    for lang in ("en", "km"):
        path = compiled_path(lang)
        if not path.exists() or path.stat().st_mtime < source_time:
            return True
    return False


def _compiled() -> dict[str, bytes]:
    """The ``.mo`` bytes by language, compiling first if they are missing or stale."""
    if _stale():
        try:
            build()
        except OSError:  # a read-only install: compile in memory
            return compile_catalogues()
    return {lang: compiled_path(lang).read_bytes() for lang in ("en", "km")}


@cache
def messages() -> dict[str, tuple[str, str]]:
    """Every message by its context: ``(English, Khmer)``; Khmer is ``""`` when the
    catalogue has no translation yet (the page then shows the English)."""
    data = _compiled()
    english = read_mo(io.BytesIO(data["en"]))
    khmer = {m.context: m.string for m in read_mo(io.BytesIO(data["km"])) if m.id}
    words: dict[str, tuple[str, str]] = {}
    for message in english:
        if message.id and message.context is not None:
            text = str(message.string)
            words[message.context] = (text, str(khmer.get(message.context, "")))
    return words

"""One-off: the web app's word tables (Python dicts of ``key: (English, Khmer)`` in
``api/web/i18n/*.py``) written as a gettext catalogue a translator opens in Poedit or
Weblate, ``api/web/locale/km/LC_MESSAGES/messages.po``.

Run once, on the commit before the catalogues landed (d1bbe98, where the dict modules
still exist), with ``python tools/i18n/dicts_to_po.py``; the dict modules were then
removed, so this script is kept only as the record of how the catalogue was made. Each
entry becomes

    #. area: frame
    msgctxt "nav_cases"
    msgid "Cases"
    msgstr "ករណី"

and a vocabulary code of a table the web app names (``label(table, code)``) gets the
context ``table:code`` (``kind:vhsg``). The names of routing's codes (services, risks,
modes, languages) and the coded reasons stay in ``referral_graph`` (they are rendered
there for the API's reasons too) and are not written.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "api" / "web" / "locale" / "km" / "LC_MESSAGES" / "messages.po"

#: (module, dict) of each area, in the order of the app's menu.
AREAS = (
    ("frame", "FRAME"),
    ("referrals", "REFERRALS"),
    ("network", "NETWORK"),
    ("capacity", "CAPACITY"),
    ("trainings", "TRAININGS"),
    ("alerts", "ALERTS"),
    ("safety", "SAFETY"),
    ("queue", "QUEUE"),
    ("field", "FIELD"),
    ("routing", "ROUTING"),
    ("meetings", "MEETINGS"),
    ("errors", "ERRORS"),
)
#: The code tables the web app itself names (the others live in referral_graph).
WEB_TABLES = ("window", "step", "status", "gender", "risk_hint", "kind")


def _flags(english: str) -> list[str]:
    """``python-brace-format`` where the text has ``{fields}``, so Poedit and msgfmt
    check a translation keeps them."""
    return ["python-brace-format"] if "{" in english else []


def main() -> None:
    sys.path.insert(0, str(ROOT))
    catalog = Catalog(
        locale="km",
        project="referral-graph",
        msgid_bugs_address="",
        copyright_holder="referral-graph",
        charset="utf-8",
        last_translator="referral-graph",
        language_team="Khmer",
        fuzzy=False,
    )
    for module, name in AREAS:
        words = getattr(importlib.import_module(f"api.web.i18n.{module}"), name)
        for key, (en, km) in words.items():
            catalog.add(en, km, context=key, auto_comments=[f"area: {module}"], flags=_flags(en))
    tables = importlib.import_module("api.web.i18n.tables")
    field = importlib.import_module("api.web.i18n.field")
    named = {name: tables.TABLES[name] for name in WEB_TABLES} | field.FIELD_TABLES
    for table, codes in named.items():
        for code, (en, km) in codes.items():
            comments = [f"table: {table}"]
            catalog.add(en, km, context=f"{table}:{code}", auto_comments=comments)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("wb") as out:
        write_po(out, catalog, width=0, no_location=True, omit_header=False)
    text = OUT.read_text(encoding="utf-8")
    text = text.replace("# FIRST AUTHOR <EMAIL@ADDRESS>, 2026.\n", "")
    text = text.replace('"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"\n', "")
    text = text.replace(
        "PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE", "PO-Revision-Date: 2026-12-07 22:30+0000"
    )
    OUT.write_text(text, encoding="utf-8")
    print(f"{len(catalog)} messages written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

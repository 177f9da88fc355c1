"""The gettext catalogue the web app's words come from: one entry per message id, every
``{field}`` kept in the Khmer, compiled with Babel and recompiled when the ``.po`` is
newer than its ``.mo``, English shown where the Khmer is missing or fuzzy."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from api.web import i18n
from api.web.i18n import catalogue

FIELD = re.compile(r"\{(\w+)\}")


def _source_text() -> str:
    return catalogue.SOURCE.read_text(encoding="utf-8")


def test_each_message_id_stands_once_in_the_catalogue() -> None:
    contexts = Counter(re.findall(r'^msgctxt "(.*)"$', _source_text(), flags=re.M))
    twice = sorted(c for c, n in contexts.items() if n > 1)
    assert not twice, f"message ids in the catalogue twice: {twice}"
    assert len(contexts) == len(catalogue.messages())


def test_every_khmer_translation_keeps_the_english_fields() -> None:
    with catalogue.SOURCE.open("rb") as po:
        source = read_po(po)
    wrong = []
    for message in source:
        if message.id and message.string:
            english, khmer = set(FIELD.findall(message.id)), set(FIELD.findall(message.string))
            if english != khmer:
                wrong.append((message.context, sorted(english), sorted(khmer)))
            if FIELD.search(message.id):
                assert "python-brace-format" in message.flags, message.context
    assert not wrong


def test_the_app_reads_the_catalogue_it_compiled() -> None:
    with catalogue.SOURCE.open("rb") as po:
        source = read_po(po)
    for message in source:
        if message.id:
            assert catalogue.messages()[message.context] == (message.id, message.string)
    assert i18n.t("nav_cases", "en") == "Cases"
    assert i18n.t("nav_cases", "km") == "ករណី"
    assert i18n.label("kind", "ccwc", "km") == "គ.ក.ន.ក"
    assert i18n.t("signed_in_as", "km", name="Dara") == "បានចូលប្រើជា Dara"


@pytest.fixture
def copy_of_the_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The catalogue copied to a folder of its own, the module pointed at it."""
    locale = tmp_path / "locale"
    shutil.copytree(catalogue.LOCALE, locale)
    monkeypatch.setattr(catalogue, "LOCALE", locale)
    monkeypatch.setattr(catalogue, "SOURCE", locale / "km" / "LC_MESSAGES" / "messages.po")
    catalogue.messages.cache_clear()
    yield locale
    catalogue.messages.cache_clear()


def test_an_edited_catalogue_is_compiled_again_and_untranslated_words_fall_back_to_english(
    copy_of_the_locale: Path,
) -> None:
    catalogue.build()
    old = os.stat(catalogue.compiled_path("km")).st_mtime - 60
    for lang in ("en", "km"):
        os.utime(catalogue.compiled_path(lang), (old, old))
    text = catalogue.SOURCE.read_text(encoding="utf-8")
    text = text.replace(
        'msgctxt "nav_cases"\nmsgid "Cases"\nmsgstr "ករណី"',
        'msgctxt "nav_cases"\nmsgid "Cases"\nmsgstr "ករណីទាំងអស់"',
    )
    text = text.replace(
        'msgctxt "nav_inbox"\nmsgid "Inbox"\nmsgstr "ប្រអប់ទទួល"',
        'msgctxt "nav_inbox"\nmsgid "Inbox"\nmsgstr ""',
    )
    text = text.replace('msgctxt "sign_out"', '#, fuzzy\nmsgctxt "sign_out"')
    catalogue.SOURCE.write_text(text, encoding="utf-8")

    words = catalogue.messages()

    assert words["nav_cases"] == ("Cases", "ករណីទាំងអស់")
    assert words["nav_inbox"] == ("Inbox", "")
    assert words["sign_out"] == ("Sign out", "")
    assert os.stat(catalogue.compiled_path("km")).st_mtime > old
    assert i18n.pick(words["nav_inbox"], "km") == "Inbox"

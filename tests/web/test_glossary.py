"""One Khmer vocabulary: each concept of the programme has one term in each language
(``api/web/locale/glossary.yaml``), every Khmer text of the app uses it, and no term
names two concepts."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.web.khmer_texts import khmer_texts

GLOSSARY = Path(__file__).resolve().parents[2] / "api" / "web" / "locale" / "glossary.yaml"
#: The two subscript forms of ta/da, which render alike and are easily mixed.
FIELD = re.compile(r"\{\w+\}")
SUBSCRIPTS = ("\u17d2\u178a", "\u17d2\u178f")  # ្ដ (DA), ្ត (TA)


@cache
def glossary() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    return data


def concepts() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = glossary()["concepts"]
    return found


def _english_form(form: str) -> re.Pattern[str]:
    return re.compile(r"\b" + re.escape(form), re.IGNORECASE)


def _masked(km: str) -> str:
    """The text with every concept's official term set aside (longest first)."""
    for term in sorted((c["km"] for c in concepts().values()), key=len, reverse=True):
        km = km.replace(term, "\u2060")
    return km


def test_no_term_names_two_concepts() -> None:
    by_km: dict[str, list[str]] = defaultdict(list)
    by_en: dict[str, list[str]] = defaultdict(list)
    for name, concept in concepts().items():
        by_km[concept["km"]].append(name)
        for form in concept.get("en", []):
            by_en[form.lower()].append(name)
    assert not {k: v for k, v in by_km.items() if len(v) > 1}
    assert not {k: v for k, v in by_en.items() if len(v) > 1}
    for name, concept in concepts().items():
        for variant in concept.get("forbidden", []):
            assert variant not in _masked(concept["km"]), (name, variant)


def test_each_concept_uses_its_one_term_in_every_khmer_text() -> None:
    wrong = []
    for text in khmer_texts():
        if text.en is None or text.where in glossary()["exempt"]:
            continue
        english = FIELD.sub("", text.en)  # "{pathway}" is a value, not a word
        for name, concept in concepts().items():
            forms = concept.get("en", [])
            used = any(_english_form(f).search(english) for f in forms)
            if used and concept["km"] not in text.km:
                wrong.append(f"{text.where}: {name} is {concept['km']!r}: {text.km!r}")
    assert not wrong, "\n".join(wrong)


def test_no_khmer_text_uses_a_forbidden_variant() -> None:
    wrong = []
    for text in khmer_texts():
        masked = _masked(text.km)
        for name, concept in concepts().items():
            for variant in concept.get("forbidden", []):
                if variant in masked:
                    wrong.append(f"{text.where}: {variant!r} for {name}: {text.km!r}")
    assert not wrong, "\n".join(wrong)


def test_a_word_is_spelled_with_one_subscript_ta_or_da() -> None:
    """The same letters around a subscript ្ដ in one text and ្ត in another are the same
    word spelled two ways."""
    seen: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for text in khmer_texts():
        for sub in SUBSCRIPTS:
            for match in re.finditer(f"(.{{2}}){sub}(.{{2}})", text.km):
                seen[(match[1], match[2])].setdefault(sub, text.where)
    mixed = {f"{a}_{b}": where for (a, b), where in seen.items() if len(where) > 1}
    assert not mixed

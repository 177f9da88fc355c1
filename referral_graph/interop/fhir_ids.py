"""FHIR ids of domain ids: stable, collision-free, and readable where they can be.

A FHIR id allows ``[A-Za-z0-9-.]`` and at most 64 characters; our ids also allow ``_``
and ``:``. Replacing ``_`` by ``-`` and ``:`` by ``.`` (as the first export did) makes
``hc_a`` and ``hc-a`` the same Organization. So:

* an id that is already a FHIR id stays as it is (``hc-a`` → ``hc-a``);
* any other id is written with ``-`` and ``.`` and followed by ``.x`` and a hexadecimal
  mask that says which of its ``-`` and ``.`` were ``_`` and ``:`` (bit *i* for the
  *i*-th of them, from the left): ``ref_5f1c…`` → ``ref-5f1c….x1``, ``hc_a`` →
  ``hc-a.x1``. This is reversible (:func:`domain_id`), so no two ids meet;
* a FHIR id that merely looks like such an encoding (ends in ``.x`` + hex, or ``.h`` +
  ten hex digits) is encoded too, so an unchanged id never equals an encoded one;
* an id whose encoding would pass 64 characters keeps its first 52 characters and ends
  in ``.h`` and ten hexadecimal digits of its SHA-256 (not reversible; two such ids
  meet only if their first 52 characters and 40 bits of their digests agree).
"""

from __future__ import annotations

import hashlib
import re

MAX_LENGTH = 64
_FHIR_ID = re.compile(r"^[A-Za-z0-9.-]{1,64}$")
_ENCODED = re.compile(r"^(?P<text>.+)\.x(?P<mask>[0-9a-f]+)$")
_HASHED = re.compile(r"^.+\.h[0-9a-f]{10}$")
_SWAP = {"_": "-", ":": "."}
_HASH_KEEP = 52


def is_fhir_id(value: str) -> bool:
    return bool(_FHIR_ID.match(value))


def _looks_encoded(value: str) -> bool:
    return bool(_ENCODED.match(value) or _HASHED.match(value))


def fhir_id(ident: str) -> str:
    """The FHIR id of a domain id (see the module's docstring)."""
    if is_fhir_id(ident) and not _looks_encoded(ident):
        return ident
    text = "".join(_SWAP.get(c, c) for c in ident)
    mask = 0
    bit = 0
    for original, written in zip(ident, text, strict=True):
        if written in "-.":
            if original in _SWAP:
                mask |= 1 << bit
            bit += 1
    encoded = f"{text}.x{mask:x}"
    if len(encoded) <= MAX_LENGTH and is_fhir_id(encoded):
        return encoded
    digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:10]
    return f"{text[:_HASH_KEEP]}.h{digest}"


def domain_id(ident: str) -> str | None:
    """The domain id a FHIR id was made from, if it can be read back (the id itself
    for an unchanged one; None for the hashed form or a malformed encoding)."""
    if not is_fhir_id(ident):
        return ident  # already a domain id (``ref_…``): callers verify by lookup
    match = _ENCODED.match(ident)
    if match is None:
        return None if _HASHED.match(ident) else ident
    text, mask = match["text"], int(match["mask"], 16)
    chars: list[str] = []
    bit = 0
    for c in text:
        if c in "-.":
            swapped = mask >> bit & 1
            chars.append(("_" if c == "-" else ":") if swapped else c)
            bit += 1
        else:
            chars.append(c)
    if mask >> bit:
        return None  # more bits than separators: not one of ours
    found = "".join(chars)
    return found if fhir_id(found) == ident else None


def candidates(ident: str) -> list[str]:
    """Domain ids to try for a FHIR id or a domain id given in a URL (callers keep a
    found object only if its ``fhir_id`` or its id equals ``ident``)."""
    found = [ident]
    decoded = domain_id(ident)
    if decoded is not None and decoded != ident:
        found.insert(0, decoded)
    return found

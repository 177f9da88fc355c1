"""Identifiers and pseudonymous case codes. Nothing here derives from a person."""

from __future__ import annotations

import secrets
import uuid

# Crockford base32 without I, L, O, U: easy to read aloud over a phone line.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(prefix: str) -> str:
    """A random id such as ``ref_5f1c…`` (the prefix says what it names)."""
    return f"{prefix}_{uuid.uuid4().hex}"


def new_case_code(area_code: str) -> str:
    """A short pseudonymous case code such as ``KH1701-7K3M9Q``.

    The district prefix helps a network meeting sort its cases; the random part carries
    no information about the child.
    """
    suffix = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
    return f"KH{area_code[:4]}-{suffix}"

"""Identifiers and pseudonymous case codes. Nothing here derives from a person."""

from __future__ import annotations

import os
import secrets
import threading
import time

# Crockford base32 without I, L, O, U: easy to read aloud over a phone line.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class _RandomBytes:
    """Bytes from the operating system's random source, read 4 KiB at a time: a busy
    server makes two ids per request, and one ``getrandom`` call per id cost more than
    the rest of making it. A child process never reuses its parent's bytes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool = b""
        self._at = 0
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._pool, self._at = b"", 0

    def hex(self, size: int) -> str:
        with self._lock:
            if self._at + size > len(self._pool):
                self._pool, self._at = os.urandom(4096), 0
            start = self._at
            self._at += size
            return self._pool[start : self._at].hex()


random_hex = _RandomBytes().hex


def new_id(prefix: str) -> str:
    """A random id such as ``ref_5f1c…`` (the prefix says what it names): 128 random
    bits as 32 hex digits."""
    return f"{prefix}_{random_hex(16)}"


def new_ordered_id(prefix: str) -> str:
    """An id that sorts by when it was made, such as ``acc_019ab3…``: the milliseconds
    since 1970 in 12 hex digits, then 80 random bits (the layout of a UUIDv7, without
    its version digits). For records appended in time order, whose index then grows at
    its end instead of at a random place."""
    return f"{prefix}_{time.time_ns() // 1_000_000:012x}{random_hex(10)}"


def new_case_code(area_code: str) -> str:
    """A short pseudonymous case code such as ``KH1701-7K3M9Q``.

    The district prefix helps a network meeting sort its cases; the random part carries
    no information about the child.
    """
    suffix = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
    return f"KH{area_code[:4]}-{suffix}"

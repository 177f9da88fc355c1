"""What a password must not be (NIST SP 800-63B, 5.1.1.2): shorter than ten characters,
one of the passwords most often found in breaches, the account's name (or containing it),
or otherwise easy to guess (a repeat, a sequence, a keyboard walk, a date, common words).

The breached passwords are the 30,000 most common of the lists zxcvbn ships (PyPI
``zxcvbn``, from leaked password corpora); "easy to guess" is zxcvbn's own estimate of
fewer than a million guesses.

>>> password_problem("1234567890", "ccwc-angkor")
'it is one of the most common passwords found in data breaches'
>>> password_problem("ccwc-angkor-2026", "ccwc-angkor")
'it contains the username'
>>> password_problem("aaaaaaaaaa", "ccwc-angkor")
'it is too easy to guess (a repeat, a sequence, a keyboard pattern, a date or common words)'
>>> password_problem("Chhuk-river-lantern", "ccwc-angkor") is None
True
"""

from __future__ import annotations

from functools import cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10
MAX_LENGTH = 200
#: Fewer guesses than this (zxcvbn's score below 2) is too easy.
MIN_GUESSES = 1e6
#: zxcvbn's estimate gets slow on long input; a long password is judged by its start.
ESTIMATED_CHARACTERS = 64


@cache
def breached() -> frozenset[str]:
    """The passwords most often found in data breaches, lower case."""
    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why ``password`` may not be used for ``username`` (None when it may)."""
    if len(password) < MIN_LENGTH:
        return f"it must have at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"it must have at most {MAX_LENGTH} characters"
    lowered = password.lower()
    if lowered in breached():
        return "it is one of the most common passwords found in data breaches"
    name = (username or "").lower()
    if name and (lowered == name or (len(name) >= 4 and name in lowered)):
        return "it contains the username"
    inputs = [name] if name else []
    if zxcvbn(password[:ESTIMATED_CHARACTERS], user_inputs=inputs)["guesses"] < MIN_GUESSES:
        return GUESSABLE
    return None


GUESSABLE = (
    "it is too easy to guess (a repeat, a sequence, a keyboard pattern, a date or common words)"
)

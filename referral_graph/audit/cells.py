"""Small cells: counts so small they could single out a child are not shown.

A **small cell** is a count of referrals, cases or children between 1 and
``min_cell - 1``: reports show it as ``"< 5"`` (JSON gives that string in place of the
number, CSV and HTML print it). Zero is shown: it singles out nobody. A share, median or
percentile computed over a small cell — or whose numerator or remainder is one — is not
shown either (``None``; "—" on a page), since it would give the hidden count back. Groups
(a provider, a pathway edge, an area, a loop pattern) with fewer than ``min_cell``
referrals are left out of group tables and counted as suppressed.

``min_cell`` is :data:`DEFAULT_MIN_CELL` (5) unless a deployment sets
``REFERRAL_GRAPH_REPORT_MIN_CELL`` or a request asks for another (``min_cell=…``);
0 or 1 shows every count as it is (the pure functions' default, for tests and for
figures that never leave the coordinator's own screen).

>>> small(3, 5), small(0, 5), small(7, 5), small(3, 0)
('< 5', 0, 7, 3)
>>> share_of(6, 10, 5), share_of(2, 10, 5), share_of(8, 10, 5), share_of(1, 3, 0)
(0.6, None, None, 0.3333333333333333)
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

#: The smallest count a report shows as it is, unless configured otherwise.
DEFAULT_MIN_CELL = 5

#: A count, or ``"< 5"`` (for ``min_cell`` 5) when it is a small cell.
Count = Annotated[
    int | str,
    Field(description='A count, or "< N" when it is between 1 and N - 1 (a small cell).'),
]


def is_small(n: int, min_cell: int) -> bool:
    """Whether ``n`` is a small cell under ``min_cell``."""
    return 0 < n < min_cell


def small(n: int, min_cell: int) -> int | str:
    """``n`` as a report shows it: ``"< min_cell"`` when it is a small cell."""
    return f"< {min_cell}" if is_small(n, min_cell) else n


def share_of(part: int, whole: int, min_cell: int = 0) -> float | None:
    """``part / whole``, or None when there is nothing to divide or when the whole, the
    part or the rest is a small cell (the share would give it back)."""
    if whole == 0:
        return None
    if any(is_small(n, min_cell) for n in (whole, part, whole - part)):
        return None
    return part / whole


def enough(n: int, min_cell: int) -> bool:
    """Whether a figure computed over ``n`` observations may be shown (a median of two
    children's waits is their waits)."""
    return not is_small(n, min_cell)

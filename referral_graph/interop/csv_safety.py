"""CSV cells that a spreadsheet will not run as formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(…)``, ``+1+1``,
``@SUM(…)``): a provider name typed by someone else becomes code on the reader's
machine (OWASP "CSV injection"). :func:`neutralise` prefixes such a cell with an
apostrophe, which spreadsheets show as plain text; every CSV this project writes goes
through it (:func:`safe_row` for a whole row, :func:`csv_writer` for a writer that
does it itself).

Numbers are left alone: ``-3`` and ``+855 12 345 678`` stay as they are when they are a
number (a negative count, a phone number written with its country code), since a
spreadsheet reads those as values, not formulas. :func:`restore` undoes the prefix when
a CSV this project wrote is read back.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d[\d ]*)(\.\d+)?$")


def neutralise(value: Any) -> Any:
    """The cell as written to CSV: text a spreadsheet would run gets a leading ``'``.
    Non-text values (numbers, booleans, None) pass through unchanged."""
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _NUMBER.match(value):
        return value
    return "'" + value


def restore(value: str) -> str:
    """A cell as read back from a CSV written through :func:`neutralise`."""
    if value.startswith("'") and value[1:].startswith(TRIGGERS) and not _NUMBER.match(value[1:]):
        return value[1:]
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in row]


class SafeWriter:
    """A ``csv.writer`` whose every cell goes through :func:`neutralise`."""

    def __init__(self, out: TextIO, **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO, **kwargs: Any) -> SafeWriter:
    """``csv.writer(out, **kwargs)`` that neutralises formula-leading cells."""
    return SafeWriter(out, **kwargs)

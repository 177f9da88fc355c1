"""One spreadsheet row being checked, and why a cell of it cannot be imported.

:class:`Row` reads typed values out of a row's text cells (codes of our vocabulary,
flags, whole numbers, gazetteer codes) and collects a :class:`RowError` for each cell it
cannot read, so that the importer reports every bad cell of every row at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel

from referral_graph.domain.areas import gazetteer, level_of
from referral_graph.domain.errors import UnknownArea

E = TypeVar("E", bound=StrEnum)
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


class RowError(BaseModel):
    """Why one cell of one row cannot be imported."""

    sheet: str
    row: int
    column: str
    value: str | None = None
    reason: str


@dataclass
class Row:
    """One row being checked; collects its errors."""

    sheet: str
    line: int
    cells: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def fail(self, column: str, reason: str) -> None:
        value = self.cells.get(column) or None
        self.errors.append(
            RowError(sheet=self.sheet, row=self.line, column=column, value=value, reason=reason)
        )

    def has(self, column: str) -> bool:
        return column in self.cells

    def items(self, column: str) -> list[str]:
        return [v.strip() for v in self.cells.get(column, "").split(";") if v.strip()]

    def codes(self, column: str, enum: type[E], what: str) -> list[E]:
        found: list[E] = []
        for item in self.items(column):
            try:
                found.append(enum(item.lower()))
            except ValueError:
                self.fail(column, f"unknown {what} {item!r}")
        return found

    def flag(self, column: str, default: bool) -> bool:
        text = self.cells.get(column, "").lower()
        if not text:
            return default
        if text in _TRUE | _FALSE:
            return text in _TRUE
        self.fail(column, f"{text!r} is not true or false")
        return default

    def number(self, column: str, low: int, high: int) -> int | None:
        text = self.cells.get(column, "")
        if not text:
            return None
        try:
            value = int(text)
        except ValueError:
            self.fail(column, f"{text!r} is not a whole number")
            return None
        if not low <= value <= high:
            self.fail(column, f"{value} is not between {low} and {high}")
            return None
        return value

    def one(self, column: str, enum: type[E], what: str) -> E | None:
        text = self.cells.get(column, "")
        if not text:
            return None
        try:
            return enum(text.lower())
        except ValueError:
            self.fail(column, f"unknown {what} {text!r}")
            return None

    def area(self, column: str, code: str) -> str:
        if code.isdigit() and len(code) % 2:
            code = "0" + code  # a number cell lost the leading zero of provinces 01–09
        if code and code not in gazetteer():
            try:
                what = f"{level_of(code).value} code"
            except UnknownArea:
                what = "area code"
            self.fail(column, f"unknown {what} {code!r} (not in the 2025 gazetteer)")
        return code

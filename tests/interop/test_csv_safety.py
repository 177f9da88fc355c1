"""Formula cells: every CSV this project writes neutralises them through one helper."""

from __future__ import annotations

import csv
import io

import pytest

from referral_graph.interop.csv_safety import csv_writer, neutralise, restore


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"],
)
def test_formula_leading_cells_are_neutralised_and_restored(cell: str) -> None:
    written = neutralise(cell)
    assert written == "'" + cell
    assert restore(written) == cell


@pytest.mark.parametrize("cell", ["-3", "+855 12 345 678", "12.5", "Dara", "", "'quoted"])
def test_numbers_and_plain_text_stay_as_they_are(cell: str) -> None:
    assert neutralise(cell) == cell
    assert restore(cell) == cell


def test_the_writer_neutralises_every_cell() -> None:
    out = io.StringIO()
    csv_writer(out).writerows([["=cmd|' /C calc'!A0", 3, None, "+1+1"]])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        "'=cmd|' /C calc'!A0",
        "3",
        "",
        "'+1+1",
    ]

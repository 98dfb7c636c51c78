"""Export fixtures: a small messy table with every kind of value users have in SOVs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from ping_desktop.export import EnrichedTable, ProblemRow, ResultColumn, result_columns_for

COLUMNS = ["Loc ID", "Street", "City", "ZIP", "TIV", "Built", "Notes"]
LONG_TEXT = "Ω long note " * 2000  # 24,000 characters, under Excel's 32,767 limit
ORIGINAL_ROWS: list[list[Any]] = [
    [1, "1 Main St", "Zürich", "01730", 1_250_000.5, dt.date(1999, 5, 1), "=HYPERLINK(\"x\")"],
    [2, "2 Côte Rd", "Montréal", "H2X", 0.0, dt.datetime(2001, 2, 3, 4, 5, 6), "+1 555"],
    [3, None, "東京", None, -42, None, "@risk"],
    [4, "4 Elm", "", "02134", 3, dt.date(2020, 12, 31), LONG_TEXT],
    [5, "5 Oak", "Paris", "75001", 10**18, True, "-minus"],
]
FIELDS = {"PG": ["latitude", "fetch_time", "longitude", "match_level"], "PH": ["flood_zone"]}
RESULTS: list[list[Any]] = [
    ["OK", 80, 47.37, 8.54, "rooftop", "OK", 90, "X"],
    ["=cmd|' /C calc'!A0", 10, None, None, None, "OK", 50, "+AE"],
    [],  # a row with no results at all
    ["OK", 99, 42.35, -71.06, "@street", "Server error", None, "-1"],
    ["OK", 70, 48.86, 2.35, {"nested": [1, 2]}, "OK", 60, "D"],
]
PROBLEMS = [ProblemRow(4, "PG", "No address"), ProblemRow(5, None, "=bad text from server")]
RUN_INFO = [("File", "sov.xlsx"), ("Sources", "PG, PH"), ("Job ids", "=j1"), ("App version", "0.1")]


def result_columns() -> list[ResultColumn]:
    """The promised column order for FIELDS."""
    return result_columns_for(["PG", "PH"], FIELDS)


@pytest.fixture
def make_table() -> Callable[..., EnrichedTable]:
    """Build a fresh table (rows are a one-shot generator, as the real merge provides)."""

    def build(
        rows: Sequence[tuple[Sequence[Any], Sequence[Any]]] | None = None,
        *,
        sheet_name: str = "SOV 2024",
        problems: Sequence[ProblemRow] = PROBLEMS,
    ) -> EnrichedTable:
        data = rows if rows is not None else list(zip(ORIGINAL_ROWS, RESULTS, strict=True))
        return EnrichedTable(
            sheet_name=sheet_name,
            columns=COLUMNS,
            result_columns=result_columns(),
            rows=(row for row in data),
            problems=(p for p in problems),
            run_info=RUN_INFO,
        )

    return build

"""The column-wise normalisation of workbook rows gives exactly what the row-wise one does,
whatever the cell types a column mixes (issue 12: intake speed)."""

from __future__ import annotations

import datetime
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ping_desktop.intake import values
from ping_desktop.intake.values import normalise_excel, normalise_text, normalised_rows

CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20),
    st.sampled_from(["", " ", "0", "02139", "x"]), st.text(max_size=5), st.booleans(),
    st.dates(), st.datetimes(), st.times(), st.just(datetime.timedelta(hours=1)),
)


def same(a: Any, b: Any) -> bool:
    """Equal, of the same type, and nan where nan."""
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and a == b


def check(rows: list[list[Any]]) -> None:
    expected = [tuple(normalise_excel(r)) for r in rows]
    got = list(normalised_rows(iter(rows), normalise_excel))
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert len(g) == len(e)
        assert all(same(x, y) for x, y in zip(g, e, strict=True)), (g, e)


@given(st.integers(1, 4).flatmap(
    lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=30)))
def test_same_as_row_by_row_for_any_mix(rows: list[list[Any]]) -> None:
    check(rows)


@given(st.lists(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=2,
                         max_size=2), min_size=1, max_size=30))
def test_float_columns_take_the_fast_way_and_agree(rows: list[list[float]]) -> None:
    check(rows)


def test_chunks_and_ragged_rows(monkeypatch: Any) -> None:
    monkeypatch.setattr(values, "_CHUNK_ROWS", 3)
    rows: list[list[Any]] = [[1.0, "", "a"], [2.5, "b", ""], [3.0, "", None], [4.0, "z"],
                             ["", 5.0, 6.0], [7.0, 8.0, 9.5], [10.0, "", ""]]
    check(rows)
    got = list(normalised_rows(iter(rows), normalise_excel))
    assert got[0] == (1, None, "a")
    assert type(got[0][0]) is int
    assert got[1][0] == 2.5


def test_text_rows_keep_their_own_normaliser() -> None:
    rows = [["007", ""], ["1.0", "x"]]
    assert list(normalised_rows(iter(rows), normalise_text)) == [("007", None), ("1.0", "x")]

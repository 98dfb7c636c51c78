"""The streamed data rows (RowStreamer) give the same workbook as xlsxwriter's per-cell path.

Every part of the package is compared byte for byte (except docProps/core.xml, which holds the
time of writing), so a value, a type, a style index or an escape that differs fails here.
"""

from __future__ import annotations

import datetime as dt
import enum
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ping_desktop.export import EnrichedTable, ExportError, ProblemRow, write_xlsx
from tests.export.conftest import COLUMNS, result_columns

MakeTable = Callable[..., EnrichedTable]


class Grade(enum.IntEnum):
    HIGH = 3


class Zone(str, enum.Enum):  # noqa: UP042 - the mixin kind users' data may hold
    FLOOD = "AE"


TRICKY_TEXT = [
    "plain", " leading", "trailing ", "line\n", "tab\tinside", "a & b < c > d", 'quote "x"',
    "ctrl \x01\x1f", "_x0041_ literal", "\ufffe", "=1+2", "emoji 🏠", "   ", "\r\n",
    "😀" * 16_500,  # under 32,767 characters but over it in UTF-16 units
    "x" * 40_000,  # over Excel's limit: cut and noted
]
ODD_VALUES: list[Any] = [
    Grade.HIGH, Zone.FLOOD, Decimal("1.25"), dt.time(3, 4, 5), dt.timedelta(hours=30),
    dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.UTC), dt.datetime(1900, 1, 1, 12),
    dt.date(1900, 2, 28), dt.date(1900, 3, 1), float("nan"), float("inf"), 10**15, -(10**15) + 1,
    True, False, 0, -0.0, 1e-20, 1.1e300, "", {"b": 1, "a": [1, 2]}, [1, "x"], (2, 3), b"raw",
]


def _tricky_rows() -> list[tuple[list[Any], list[Any]]]:
    n_orig, n_res = len(COLUMNS), len(result_columns())
    values = TRICKY_TEXT + ODD_VALUES
    rows: list[tuple[list[Any], list[Any]]] = []
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        originals = [i, *chunk, None, dt.date(2001, 1, 1 + i % 28)][:n_orig]
        results: list[Any] = ["OK", 90.5, *chunk][:n_res]
        rows.append((originals, results))
    rows.append(([None] * n_orig, [None] * n_res))  # an empty row in the middle
    rows.append(([1], []))  # shorter than the header on both sides
    rows.append(([None] * n_orig, []))
    rows.append((["last", *([None] * (n_orig - 1))], ["OK"]))
    return rows


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


def _both(tmp_path: Path, build: Callable[[], EnrichedTable]) -> tuple[Path, Path]:
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "per_cell.xlsx"
    write_xlsx(build(), fast)
    write_xlsx(build(), slow, fast_rows=False)
    return fast, slow


def test_fixture_table_identical(tmp_path: Path, make_table: MakeTable) -> None:
    fast, slow = _both(tmp_path, make_table)
    assert _parts(fast) == _parts(slow)


def test_tricky_values_identical(tmp_path: Path, make_table: MakeTable) -> None:
    rows = _tricky_rows()
    fast, slow = _both(tmp_path, lambda: make_table(rows))
    fast_parts, slow_parts = _parts(fast), _parts(slow)
    assert fast_parts.keys() == slow_parts.keys()
    for name, data in slow_parts.items():
        assert fast_parts[name] == data, name
    # The cut text is reported on the Problems sheet by both paths.
    problems = openpyxl.load_workbook(fast, read_only=True)["Problems"]
    messages = [r[3] for r in problems.iter_rows(min_row=2, values_only=True)]
    assert any(m and "was cut to Excel's limit" in m for m in messages)


def test_preamble_and_no_rows_identical(tmp_path: Path, make_table: MakeTable) -> None:
    def build() -> EnrichedTable:
        table = make_table([])
        table.header_row_values = [["Title", None, 3], [], [None, "note"]]
        return table

    fast, slow = _both(tmp_path, build)
    assert _parts(fast) == _parts(slow)
    ws = openpyxl.load_workbook(fast)["SOV 2024"]
    assert [ws["A1"].value, ws["C1"].value, ws["A4"].value] == ["Title", 3, COLUMNS[0]]


def test_values_read_back(tmp_path: Path, make_table: MakeTable) -> None:
    """Not only equal to the old path: the streamed cells hold the intended values and types."""
    out = tmp_path / "fast.xlsx"
    write_xlsx(make_table(_tricky_rows()), out)
    ws = openpyxl.load_workbook(out)["SOV 2024"]
    texts = {c.value for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    # (openpyxl does not decode Excel's _xHHHH_ escapes, so control characters are left out.)
    for text in ("a & b < c > d", " leading", "trailing ", "line\n", "=1+2", "emoji 🏠"):
        assert text in texts
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    dates = [c for c in cells if isinstance(c.value, dt.datetime)]
    assert any(c.number_format == "yyyy-mm-dd" for c in dates)
    assert any(c.value == dt.datetime(2020, 1, 2, 3, 4, 5) for c in dates)
    assert any(c.value is True for c in cells)
    assert any(c.value == 1.25 for c in cells)
    assert {'{"a": [1, 2], "b": 1}', "nan", str(10**15)} <= texts


def test_row_checks_still_stop_the_export(tmp_path: Path, make_table: MakeTable) -> None:
    wide: list[tuple[list[Any], list[Any]]] = [([*([1] * len(COLUMNS)), "extra"], [])]
    with pytest.raises(ExportError, match="beyond the last column"):
        write_xlsx(make_table(wide), tmp_path / "wide.xlsx")
    assert not (tmp_path / "wide.xlsx").exists()


def test_problem_rows_after_streamed_rows(tmp_path: Path, make_table: MakeTable) -> None:
    out = tmp_path / "p.xlsx"
    write_xlsx(make_table(problems=[ProblemRow(3, "PG", "No match")]), out)
    ws = openpyxl.load_workbook(out)["Problems"]
    assert [c.value for c in ws[2]] == [3, "PG", None, "No match"]  # Row, Source, Check, Message


_ALPHABET = " \t\n\r&<>\"'_xX0aF9é\xa0\u2028\u200b\x01\x1f\x7f\ufffe\uffff😀東"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=12), min_size=1, max_size=12))
def test_any_text_identical(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    """Whatever the characters, the fast text check and the exact path agree with xlsxwriter."""
    n_orig, n_res = len(COLUMNS), len(result_columns())
    rows = [
        ((texts[i:] + [None] * n_orig)[:n_orig], (texts[:i] + [None] * n_res)[:n_res])
        for i in range(len(texts))
    ]
    folder = tmp_path_factory.mktemp("any")
    fast, slow = folder / "fast.xlsx", folder / "slow.xlsx"
    write_xlsx(EnrichedTable("S", COLUMNS, result_columns(), iter(rows)), fast)
    write_xlsx(EnrichedTable("S", COLUMNS, result_columns(), iter(rows)), slow, fast_rows=False)
    assert _parts(fast) == _parts(slow)


def test_problems_sheet_streamed_is_identical(tmp_path: Path, make_table: MakeTable) -> None:
    from ping_desktop.intake.address_checks import FLAG_KINDS, REPAIR_KINDS

    kinds: list[str | None] = [None, *FLAG_KINDS, *REPAIR_KINDS, "a kind from a newer version"]
    problems = [
        ProblemRow(row, source, message, kinds[row % len(kinds)])
        for row, (source, message) in enumerate(
            [("PG", "No match"), (None, "=looks like a formula"), ("PH", "a & b < c > d"),
             (None, " padded "), ("PG", "ctrl \x01 char"), (None, "x" * 40_000),
             ("PH", "_x0041_ literal"), (None, ""), ("PG", "Zürich 東京 🙂" * 3000)] * 3,
            start=2)
    ]
    fast, slow = _both(tmp_path, lambda: make_table(problems=problems))
    assert _parts(fast) == _parts(slow)
